import type { Expr, FunctionName, Program } from './parser.ts';

/** How to compute with values of type T: plain numbers for finite differences, Scalars for the engine. */
export interface Algebra<T> {
  constant(value: number, text: string): T;
  neg(x: T): T;
  binary(op: '+' | '-' | '*' | '/' | '^', a: T, b: T): T;
  call(fn: FunctionName, x: T): T;
  /** Called with each `name = ...` line's value; returns what later lines see under that name. */
  bind(name: string, x: T): T;
}

export interface Evaluation<T> {
  output: T;
  /** The value of each `name = ...` line (the output's too, when it is named). */
  bound: Map<string, T>;
}

function evalExpr<T>(e: Expr, scope: ReadonlyMap<string, T>, algebra: Algebra<T>): T {
  switch (e.kind) {
    case 'number':
      return algebra.constant(e.value, e.text);
    case 'name': {
      const v = scope.get(e.name);
      if (v === undefined) throw new Error(`evaluate: no value for '${e.name}'`);
      return v;
    }
    case 'unary': {
      const x = evalExpr(e.arg, scope, algebra);
      return e.op === '-' ? algebra.neg(x) : x;
    }
    case 'binary':
      return algebra.binary(e.op, evalExpr(e.left, scope, algebra), evalExpr(e.right, scope, algebra));
    case 'call':
      return algebra.call(e.fn, evalExpr(e.arg, scope, algebra));
  }
}

/** Run a parsed program with the given variable values. */
export function evaluate<T>(program: Program, variables: ReadonlyMap<string, T>, algebra: Algebra<T>): Evaluation<T> {
  const scope = new Map(variables);
  const bound = new Map<string, T>();
  for (const missing of program.variables) {
    if (!scope.has(missing)) throw new Error(`evaluate: no value for the variable '${missing}'`);
  }
  for (const b of program.bindings) {
    const v = algebra.bind(b.name, evalExpr(b.value, scope, algebra));
    scope.set(b.name, v);
    bound.set(b.name, v);
  }
  let output = evalExpr(program.output, scope, algebra);
  if (program.outputName !== null) {
    output = algebra.bind(program.outputName, output);
    bound.set(program.outputName, output);
  }
  return { output, bound };
}
