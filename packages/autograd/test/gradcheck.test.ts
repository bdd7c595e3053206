import { describe, expect, it } from 'vitest';
import { GradcheckError, PullbackError, defineOp, exp, gradcheck, matmul, mul, neg, sum, tanh, tensor } from '../src/index.ts';
import type { Tensor } from '../src/index.ts';
import { thrown } from './support/thrown.ts';

// Custom ops with one deliberate mistake each, beside the correct rule.
const expSignError = defineOp('expSignError', (x) => {
  const y = exp(x);
  // y = eˣ  =>  dx = dy y; written with the wrong sign
  return { output: y, pullback: (dy) => [neg(mul(dy, y))] };
});

const cubeTwice = defineOp('cubeTwice', (x) => {
  // y = x³  =>  dx = 3x² dy; written as 6x² dy
  return { output: mul(mul(x, x), x), pullback: (dy) => [mul(dy, mul(mul(x, x), 6))] };
});

/** Y = A B with dA right and dB = A dY (should be Aᵀ dY): a wrong index, same shapes for square A. */
const matmulWrongIndex = defineOp('matmulWrongIndex', (a, b) => ({
  output: matmul(a, b),
  pullback: (dy) => [matmul(dy, b, { transposeB: true }), matmul(a, dy)],
}));

/** Right to first order, but the pullback uses detached values: its own derivative is lost. */
const cubeDetached = defineOp('cubeDetached', (x) => {
  const c = x.detach();
  return { output: mul(mul(x, x), x), pullback: (dy) => [mul(dy, mul(mul(c, c), 3))] };
});

const cubeRight = defineOp('cubeRight', (x) => ({ output: mul(mul(x, x), x), pullback: (dy) => [mul(dy, mul(mul(x, x), 3))] }));

const a = (): Tensor =>
  tensor([
    [0.5, -1.2],
    [0.3, 0.8],
  ]);
const b = (): Tensor =>
  tensor([
    [1.5, 0.2],
    [-0.7, 0.4],
  ]);

describe('gradcheck', () => {
  it('passes on correct ops and composites, to second order', () => {
    const f = (x: Tensor, w: Tensor): Tensor => sum(tanh(matmul(x, w)), 1);
    for (const elementwise of [true, false] as const) {
      const report = gradcheck(f, [a(), b()], { secondOrder: true, elementwise });
      expect(report.ok, report.message).toBe(true);
      expect(report.message).toMatch(/^passed \d+ checks \(first and second order\)/);
    }
    expect(gradcheck(cubeRight, tensor([1, -2, 0.5]), { secondOrder: true }).ok).toBe(true);
  });

  it('counts its checks: directions, then the full Jacobian when small', () => {
    // 2 inputs of 4 entries, 2 outputs: 3 directions + 2·8 Jacobian entries
    const report = gradcheck((x: Tensor, w: Tensor) => sum(matmul(x, w), 0), [a(), b()]);
    expect(report.checks).toBe(3 + 16);
    expect(gradcheck((x: Tensor) => exp(x), tensor([1, 2]), { elementwise: false, directions: 5 }).checks).toBe(5);
    expect(gradcheck((x: Tensor) => exp(x), tensor([1, 2]), { secondOrder: true, elementwise: false, directions: 5 }).checks).toBe(10);
  });

  it('fails on a sign error, names input, element, output and values, and hints at the sign', () => {
    const report = gradcheck(
      expSignError,
      tensor([
        [0.1, 0.2],
        [0.3, 0.4],
      ]),
    );
    expect(report.ok).toBe(false);
    const w = report.worst!;
    expect(w.input).toBe(0);
    expect(w.index).toEqual(w.output);
    expect(w.analytic).toBeCloseTo(-w.numeric, 6);
    const [i, j] = w.index!;
    expect(w.numeric).toBeCloseTo(
      Math.exp(
        [
          [0.1, 0.2],
          [0.3, 0.4],
        ][i!]![j!]!,
      ),
      6,
    );
    expect(report.message).toContain(`first-order check failed at input 0 [${i}, ${j}] (shape [2, 2]), output [${i}, ${j}]`);
    expect(report.message).toMatch(/analytic +-1\.\d+\n +numeric +1\.\d+\n +difference 2\.\d+ > tolerance/);
    expect(report.message).toContain('hint: analytic is −1× numeric: a sign error?');
    expect(report.message).toContain('eps 1e-6, atol 1e-6, rtol 1e-5, seed 0');
  });

  it('fails on a factor of 2', () => {
    const report = gradcheck(cubeTwice, tensor([1, -2, 0.5]), { seed: 7 });
    expect(report.ok).toBe(false);
    expect(report.message).toContain('hint: analytic is 2× numeric: a factor of 2 too many?');
    expect(report.message).toContain('seed 7');
    expect(report.seed).toBe(7);
  });

  it('fails on a wrong index in a matmul-like op and names the second input', () => {
    const report = gradcheck(matmulWrongIndex, [a(), b()]);
    expect(report.ok).toBe(false);
    expect(report.worst!.input).toBe(1);
    expect(report.worst!.test).toBe('element');
    expect(report.message).toMatch(/at input 1 \[\d, \d\] \(shape \[2, 2\]\), output \[\d, \d\]/);
    // dA is right: no element of input 0 fails.
    const rowsOfA = gradcheck((x: Tensor) => matmulWrongIndex(x, b()), a());
    expect(rowsOfA.ok, rowsOfA.message).toBe(true);
  });

  it('locates the input and element of a failed direction when the Jacobian is not formed', () => {
    const big = tensor(Array.from({ length: 100 }, (_, i) => Math.sin(i)));
    const report = gradcheck((x: Tensor, y: Tensor) => mul(expSignError(x), y), [big, tensor(2)], { elementwise: 'auto' });
    expect(report.ok).toBe(false);
    expect(report.worst!.test).toBe('element');
    expect(report.worst!.input).toBe(0);
    expect(report.worst!.output).toBeNull();
    expect(report.message).toMatch(/at input 0 \[\d+\] \(shape \[100\]\), all outputs weighted by a random cotangent/);
    expect(report.message).toContain('a sign error?');
  });

  it('secondOrder catches a pullback built from detached values', () => {
    const x = tensor([1, -2, 0.5]);
    expect(gradcheck(cubeDetached, x).ok).toBe(true);
    const report = gradcheck(cubeDetached, x, { secondOrder: true });
    expect(report.ok).toBe(false);
    expect(report.worst!.order).toBe(2);
    expect(report.worst!.analytic).toBe(0);
    expect(report.message).toMatch(/^second-order check failed at input 0 \[(\d)\] \(shape \[3\]\), output: the gradient of input 0 at \[\1\]/);
    expect(report.message).toContain('hint: analytic is 0× numeric: a missing term, or a pullback built from detached values?');
    expect(gradcheck(cubeDetached, x, { secondOrder: true, elementwise: false }).ok).toBe(false);
  });

  it('throws a GradcheckError with { raise: true }', () => {
    const caught = thrown(() => gradcheck(expSignError, tensor([0.5]), { raise: true }));
    expect(caught).toBeInstanceOf(GradcheckError);
    expect(caught).toBeInstanceOf(PullbackError);
    const err = caught as GradcheckError;
    expect(err.fn).toBe('gradcheck');
    expect(err.message).toBe(`gradcheck: ${err.report.message}`);
    expect(() => gradcheck(exp, tensor([0.5]), { raise: true })).not.toThrow();
  });

  it('leaves the user inputs unchanged and works in float64 whatever their dtype', () => {
    const x = tensor([[0.25, -1.5]], { dtype: 'float32', requiresGrad: true });
    const before = Array.from(x.data);
    const seen: string[] = [];
    const report = gradcheck(
      (t: Tensor) => {
        seen.push(t.dtype);
        return exp(t);
      },
      x,
      { secondOrder: true },
    );
    expect(report.ok, report.message).toBe(true);
    expect(new Set(seen)).toEqual(new Set(['float64']));
    expect(Array.from(x.data)).toEqual(before);
    expect(x.dtype).toBe('float32');
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(true);
  });

  it('the seed picks the directions; the same seed gives the same report', () => {
    const f = (x: Tensor): Tensor => tanh(x);
    const x = tensor([0.1, 0.7, -0.4]);
    const one = gradcheck(f, x, { elementwise: false, seed: 3 });
    expect(gradcheck(f, x, { elementwise: false, seed: 3 })).toEqual(one);
    expect(gradcheck(f, x, { elementwise: false, seed: 4 }).worst!.analytic).not.toBe(one.worst!.analytic);
  });

  it('rejects what is not a function of tensors', () => {
    expect(() => gradcheck(exp, [1 as unknown as Tensor])).toThrow(/gradcheck: inputs must be a Tensor or an array of Tensors/);
    expect(() => gradcheck((() => 3) as unknown as (x: Tensor) => Tensor, tensor([1]))).toThrow(/gradcheck: the function must return a Tensor/);
  });
});
