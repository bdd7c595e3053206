import type { Algebra } from './evaluate.ts';
import { evaluate } from './evaluate.ts';
import type { Program } from './parser.ts';

// Plain-number arithmetic, written without the engine so that finite differences are an
// independent check of its gradients.
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export const numberAlgebra: Algebra<number> = {
  constant: (v) => v,
  neg: (x) => -x,
  binary(op, a, b) {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      case '^':
        return a ** b;
    }
  },
  call(fn, x) {
    switch (fn) {
      case 'tanh':
        return Math.tanh(x);
      case 'exp':
        return Math.exp(x);
      case 'log':
        return Math.log(x);
      case 'relu':
        return Math.max(x, 0);
      case 'sigmoid':
        return sigmoid(x);
      case 'sqrt':
        return Math.sqrt(x);
      case 'abs':
        return Math.abs(x);
      case 'sin':
        return Math.sin(x);
      case 'cos':
        return Math.cos(x);
      case 'sinh':
        return Math.sinh(x);
      case 'cosh':
        return Math.cosh(x);
    }
  },
  bind: (_name, x) => x,
};

/** The program's output as a plain number. */
export function evaluateNumber(program: Program, values: ReadonlyMap<string, number>): number {
  return evaluate(program, values, numberAlgebra).output;
}

export interface FiniteDifference {
  estimate: number;
  step: number;
}

/** Central difference (f(x + h) − f(x − h)) / 2h for one variable, h = 1e-5·max(1, |x|): error O(h²). */
export function finiteDifference(program: Program, values: ReadonlyMap<string, number>, name: string): FiniteDifference {
  const x = values.get(name);
  if (x === undefined) throw new Error(`finiteDifference: no variable '${name}'`);
  const step = 1e-5 * Math.max(1, Math.abs(x));
  const at = (v: number) => evaluateNumber(program, new Map(values).set(name, v));
  return { estimate: (at(x + step) - at(x - step)) / (2 * step), step };
}

/** Whether an answer matches the expected value to 1e-6 relative (or both are within 1e-12 of 0). */
export function closeEnough(answer: number, expected: number, rtol = 1e-6): boolean {
  if (!Number.isFinite(answer) || !Number.isFinite(expected)) return Object.is(answer, expected);
  const diff = Math.abs(answer - expected);
  return diff <= rtol * Math.max(Math.abs(answer), Math.abs(expected)) || diff <= 1e-12;
}
