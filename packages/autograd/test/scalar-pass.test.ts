import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GraphError, Scalar, detectAnomaly, scalar } from '../src/index.ts';
import { primitive, record, runBackward } from '../src/internal.ts';
import { propertyParams } from './support/property.ts';

// Scalar.backward() runs the first-order pass on numbers when every op is a built-in scalar op.
// Here it is held to the generic pass (pullbacks of Scalars, the path every other graph takes)
// and to central finite differences, on random programs that use every op.

type Step = { op: number; a: number; b: number };
const UNARY: [string, (x: Scalar) => Scalar][] = [
  ['neg', (x) => x.neg()],
  ['exp', (x) => x.tanh().exp()],
  ['log', (x) => x.mul(x).add(0.5).log()],
  ['sqrt', (x) => x.mul(x).add(0.25).sqrt()],
  ['abs', (x) => x.abs()],
  ['tanh', (x) => x.tanh()],
  ['cosh', (x) => x.tanh().cosh()],
  ['sinh', (x) => x.tanh().sinh()],
  ['sigmoid', (x) => x.sigmoid()],
  ['relu', (x) => x.relu()],
];
const BINARY: [string, (x: Scalar, y: Scalar) => Scalar][] = [
  ['add', (x, y) => x.add(y)],
  ['sub', (x, y) => x.sub(y)],
  ['mul', (x, y) => x.mul(y)],
  ['div', (x, y) => x.div(y.mul(y).add(0.5))],
  ['pow', (x, y) => x.sigmoid().add(0.5).pow(y.tanh().mul(2))],
  ['pow const', (x) => x.pow(3)],
];
/** Ops without kinks, for the comparison with finite differences. */
const SMOOTH = new Set(['neg', 'exp', 'log', 'sqrt', 'tanh', 'cosh', 'sinh', 'sigmoid', 'add', 'sub', 'mul', 'div', 'pow', 'pow const']);

/** Run a program on leaves: each step applies an op to earlier values; the result is their sum. */
function run(steps: Step[], leaves: Scalar[]): Scalar {
  const values = [...leaves];
  for (const { op, a, b } of steps) {
    const x = values[a % values.length]!;
    const y = values[b % values.length]!;
    values.push(op < UNARY.length ? UNARY[op]![1](x) : BINARY[op - UNARY.length]![1](x, y));
  }
  return values.slice(leaves.length).reduce((s, v) => s.add(v), new Scalar(0));
}
const opName = (op: number) => (op < UNARY.length ? UNARY[op]![0] : BINARY[op - UNARY.length]![0]);

const programs = fc.record({
  values: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 4 }),
  steps: fc.array(fc.record({ op: fc.nat(UNARY.length + BINARY.length - 1), a: fc.nat(20), b: fc.nat(20) }), { minLength: 1, maxLength: 14 }),
});

function gradsByGenericPass(steps: Step[], values: number[]): number[] {
  const leaves = values.map((v) => scalar(v));
  const out = run(steps, leaves);
  runBackward({ fn: 'backward', roots: [out], seeds: [undefined as never], accumulate: true });
  return leaves.map((l) => l.grad);
}

describe('the first-order pass on numbers', () => {
  it('equals the generic pass on random programs over every scalar op', () => {
    fc.assert(
      fc.property(programs, ({ values, steps }) => {
        const leaves = values.map((v) => scalar(v));
        run(steps, leaves).backward();
        const generic = gradsByGenericPass(steps, values);
        leaves.forEach((l, i) => {
          expect(l.grad).toBeCloseTo(generic[i]!, 10);
        });
      }),
      propertyParams(300),
    );
  });

  it('matches central finite differences on smooth programs', () => {
    fc.assert(
      fc.property(programs, ({ values, steps }) => {
        fc.pre(steps.every((s) => SMOOTH.has(opName(s.op))));
        const leaves = values.map((v) => scalar(v));
        run(steps, leaves).backward();
        const f = (vs: number[]) =>
          run(
            steps,
            vs.map((v) => new Scalar(v)),
          ).data;
        const h = 1e-6;
        values.forEach((_, i) => {
          const up = values.map((v, j) => (j === i ? v + h : v));
          const down = values.map((v, j) => (j === i ? v - h : v));
          const fd = (f(up) - f(down)) / (2 * h);
          expect(Math.abs(leaves[i]!.grad - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        });
      }),
      propertyParams(300),
    );
  });

  it('accumulates with += where a value is used twice, and into .grad across passes', () => {
    const x = scalar(3);
    const y = x.mul(x).add(x); // y = x² + x  =>  dy/dx = 2x + 1 = 7
    y.backward();
    expect(x.grad).toBe(7);
    x.mul(2).backward();
    expect(x.grad).toBe(9);
  });

  it('frees the graph unless retainGraph is set, like the generic pass', () => {
    const x = scalar(2);
    const y = x.exp().mul(x);
    y.backward({ retainGraph: true });
    y.backward();
    expect(x.grad).toBeCloseTo(2 * 3 * Math.exp(2), 12);
    expect(() => y.backward()).toThrow(GraphError);
    expect(() => y.backward()).toThrow(/freed by an earlier backward pass/);
  });

  it('gives an intermediate value its .grad after retainGrad()', () => {
    const x = scalar(0.5);
    const h = x.tanh().retainGrad();
    h.mul(h).backward();
    expect(h.grad).toBeCloseTo(2 * Math.tanh(0.5), 14);
    expect(x.grad).toBeCloseTo((2 * Math.tanh(0.5)) / Math.cosh(0.5) ** 2, 14);
  });

  it('hands graphs with a custom op to the generic pass', () => {
    const x = scalar(4);
    const out: Scalar = new Scalar(Math.cbrt(x.data));
    // y = ∛x  =>  dx = dy / (3 y²)
    const y = record(primitive('cbrt', '∂z/∂x = 1/(3 z²)'), [x], out, (dy: Scalar) => [dy.div(out.mul(out).mul(3))]);
    y.mul(x).backward(); // d/dx x∛x = (4/3)∛x
    expect(x.grad).toBeCloseTo((4 / 3) * Math.cbrt(4), 12);
  });

  it('leaves anomaly detection to the generic pass', () => {
    const x = scalar(0);
    expect(() => detectAnomaly(() => x.sqrt().backward())).toThrow(/sqrt/);
  });
});

describe('sqrt and abs', () => {
  it('differentiate twice: d²/dx² √x = −1/(4 x^{3/2}), d/dx |x| = sign x', () => {
    const x = scalar(2.25);
    x.sqrt().backward({ createGraph: true });
    const d1 = x.gradScalar!;
    expect(d1.data).toBeCloseTo(1 / (2 * 1.5), 14);
    x.zeroGrad();
    d1.backward();
    expect(x.grad).toBeCloseTo(-1 / (4 * 2.25 ** 1.5), 14);
    for (const v of [-3, 0, 2]) {
      const s = scalar(v);
      s.abs().backward();
      expect(s.grad).toBe(Math.sign(v) + 0); // 0 at 0, as PyTorch
    }
  });
});
