// Known values (from the NumPy and PyTorch documentation), edges (zeros, ties, NaN, overflow),
// argument errors and float32 for the reductions, scans and selections of issue #16. The op table
// (ops.test.ts) gradchecks them to second order on generated shapes and axes.
import { describe, expect, it } from 'vitest';
import { ValueError, explain, grad, gradcheck, hessian, jvp, tensor, whyNoGrad } from '../src/index.ts';
import type { DType, Tensor } from '../src/index.ts';
import * as ops from '../src/ops/index.ts';

const values = (t: Tensor): number[] => Array.from(t.data);

/** Gradient of Σ f(x) at x, as a flat array. */
function gradAt(f: (x: Tensor) => Tensor, x: number[] | number[][], dtype: DType = 'float64'): number[] {
  return values(grad((t: Tensor) => ops.sum(f(t)))(tensor(x, { dtype })) as Tensor);
}

function close(actual: number[], expected: number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `entry ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[i]!)));
  });
}

const dtypes: DType[] = ['float32', 'float64'];
const tolOf = (dtype: DType): number => (dtype === 'float32' ? 1e-6 : 1e-12);
const a23 = [
  [1, 2, 3],
  [4, 5, 6],
];

describe('var and std', () => {
  it.each(dtypes)('var([1, 2, 3, 4]) is 1.6667 with correction 1 (the default, as torch.var) and 1.25 with 0 (%s)', (dtype) => {
    const x = tensor([1, 2, 3, 4], { dtype });
    close([ops.var(x).item()], [5 / 3], tolOf(dtype));
    close([ops.var(x, { correction: 0 }).item()], [1.25], tolOf(dtype));
    close([ops.variance(x, undefined, { correction: 0 }).item()], [1.25], tolOf(dtype));
    close([ops.std(x).item()], [Math.sqrt(5 / 3)], tolOf(dtype));
    expect(ops.var(x).dtype).toBe(dtype);
  });

  it('NumPy docs: a = [[1, 2], [3, 4]] (ddof 0 = correction 0): var 1.25, [1, 1] over axis 0, [0.25, 0.25] over axis 1; std 1.1180339887498949, [1, 1], [0.5, 0.5]', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const c0 = { correction: 0 };
    expect(ops.var(a, { correction: 0 }).item()).toBe(1.25);
    expect(values(ops.var(a, 0, c0))).toEqual([1, 1]);
    expect(values(ops.var(a, 1, c0))).toEqual([0.25, 0.25]);
    close([ops.std(a, { correction: 0 }).item()], [1.1180339887498949]);
    expect(values(ops.std(a, 0, c0))).toEqual([1, 1]);
    expect(values(ops.std(a, 1, c0))).toEqual([0.5, 0.5]);
    expect(ops.std(a, 1, { keepDims: true, correction: 0 }).shape).toEqual([2, 1]);
    expect(ops.var(a, { axis: [0, 1], keepDims: true }).shape).toEqual([1, 1]);
  });

  it('one sample with correction 1 is NaN (0/0), as PyTorch', () => {
    expect(Number.isNaN(ops.var(tensor([3])).item())).toBe(true);
    expect(ops.var(tensor([3]), { correction: 0 }).item()).toBe(0);
  });

  it("std's gradient at zero variance is 0, as PyTorch's std_backward (which masks it), also to second order", () => {
    expect(gradAt((x) => ops.std(x), [3, 3, 3])).toEqual([0, 0, 0]);
    // the second row: std √2 (correction 1), dx = (x − x̄) / (1 · √2)
    close(
      gradAt(
        (x) => ops.std(x, 1),
        [
          [2, 2],
          [1, 3],
        ],
      ),
      [0, 0, -Math.SQRT1_2, Math.SQRT1_2],
    );
    const h = hessian((x: Tensor) => ops.std(x))(tensor([3, 3])) as Tensor;
    expect(values(h).every(Number.isFinite)).toBe(true);
  });

  it('var gradient: 2(x − mean) / (N − correction)', () => {
    close(
      gradAt((x) => ops.var(x), [1, 2, 3, 4]),
      [-1, -1 / 3, 1 / 3, 1],
    );
    close(
      gradAt((x) => ops.var(x, { correction: 0 }), [1, 2, 3, 4]),
      [-0.75, -0.25, 0.25, 0.75],
    );
  });

  it('checks correction and option names', () => {
    const x = tensor([1, 2, 3]);
    for (const bad of [-1, 0.5, '1', null]) {
      expect(() => ops.var(x, { correction: bad as number })).toThrow(/^var: correction must be a non-negative integer/);
    }
    expect(() => ops.std(x, 0, { keepdims: true } as never)).toThrow(ValueError);
    expect(() => ops.std(x, 0, { keepdims: true } as never)).toThrow(/^std: unknown option 'keepdims'/);
    expect(() => ops.var(3 as never)).toThrow(/^var: x must be a Tensor/);
  });
});

describe('prod', () => {
  it('NumPy docs: prod([[1, 2], [3, 4]]) = 24, over axis 1 [2, 12]; of nothing 1', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(ops.prod(a).item()).toBe(24);
    expect(values(ops.prod(a, 1))).toEqual([2, 12]);
    expect(ops.prod(a, { axis: 0, keepDims: true }).shape).toEqual([1, 2]);
    expect(ops.prod(tensor([])).item()).toBe(1);
  });

  it.each(dtypes)('gradients at zeros, as PyTorch: [2, 0, 3] gives [0, 6, 0], two zeros give all 0 (%s)', (dtype) => {
    expect(gradAt((x) => ops.prod(x), [2, 0, 3], dtype)).toEqual([0, 6, 0]);
    expect(gradAt((x) => ops.prod(x), [2, 0, 0], dtype)).toEqual([0, 0, 0]);
    expect(gradAt((x) => ops.prod(x), [2, 4, 3], dtype)).toEqual([12, 6, 8]);
    expect(
      gradAt(
        (x) => ops.prod(x, 0),
        [
          [0, 2],
          [5, 0],
          [3, 4],
        ],
        dtype,
      ),
    ).toEqual([15, 0, 0, 8, 0, 0]);
  });

  it('Hessian at a zero: ∂²/∂xᵢ∂xⱼ = ∏ of the others, exact (no division by the zero)', () => {
    const h = hessian((x: Tensor) => ops.prod(x))(tensor([2, 0, 3])) as Tensor;
    expect(values(h)).toEqual([0, 3, 0, 3, 0, 2, 0, 2, 0]);
    const h2 = hessian((x: Tensor) => ops.prod(x))(tensor([2, 0, 0])) as Tensor;
    expect(values(h2)).toEqual([0, 0, 0, 0, 0, 2, 0, 2, 0]);
  });

  it('gradchecks to second order with one, two and three zeros per slice, over each axis', () => {
    for (const v of [
      [0, 0, 2, 0],
      [1, 0, 0, 3],
      [2, 3, 0, 1],
    ]) {
      const x = tensor([v, v.map((u) => u * 2 - 1), [0, 0, 0, 1]]);
      for (const axis of [0, 1, undefined]) {
        const report = gradcheck((t: Tensor) => ops.prod(t, axis), [x], { secondOrder: true });
        expect(report.ok, report.message).toBe(true);
      }
    }
  });
});

describe('cumsum, cumprod, logCumSumExp', () => {
  it('NumPy docs: cumsum of [[1, 2, 3], [4, 5, 6]]: flattened, over axis 0, over axis 1', () => {
    const a = tensor(a23);
    expect(values(ops.cumsum(a))).toEqual([1, 3, 6, 10, 15, 21]);
    expect(ops.cumsum(a).shape).toEqual([6]);
    expect(values(ops.cumsum(a, 0))).toEqual([1, 2, 3, 5, 7, 9]);
    expect(values(ops.cumsum(a, { axis: 1 }))).toEqual([1, 3, 6, 4, 9, 15]);
    expect(values(ops.cumsum(a, -1))).toEqual([1, 3, 6, 4, 9, 15]);
    expect(gradAt((x) => ops.cumsum(x), [1, 2, 3])).toEqual([3, 2, 1]);
  });

  it('cumprod([1, 2, 3]) = [1, 2, 6]; NumPy docs: over axis 0 [[1, 2, 3], [4, 10, 18]], axis 1 [[1, 2, 6], [4, 20, 120]]', () => {
    expect(values(ops.cumprod(tensor([1, 2, 3])))).toEqual([1, 2, 6]);
    expect(values(ops.cumprod(tensor(a23), 0))).toEqual([1, 2, 3, 4, 10, 18]);
    expect(values(ops.cumprod(tensor(a23), 1))).toEqual([1, 2, 6, 4, 20, 120]);
  });

  it.each(dtypes)('cumprod gradients at zeros: Σ cumprod([2, 0, 3, 5]) has gradient [1, 38, 0, 0] (%s)', (dtype) => {
    // ∂/∂x₀ = 1 + x₁ + x₁x₂ + x₁x₂x₃ = 1; ∂/∂x₁ = x₀ + x₀x₂ + x₀x₂x₃ = 38; the rest hold x₁ = 0
    expect(gradAt((x) => ops.cumprod(x), [2, 0, 3, 5], dtype)).toEqual([1, 38, 0, 0]);
    expect(gradAt((x) => ops.cumprod(x), [0, 0, 3], dtype)).toEqual([1, 0, 0]);
  });

  it('cumprod gradchecks to second order with zeros anywhere, along either axis', () => {
    for (const v of [
      [0, 0, 2, 0],
      [1, 0, 0, 3],
      [0, 2, 0, 0],
      [2, 3, 0, 1],
    ]) {
      const x = tensor([v, v.map((u) => u * 2 - 1), [1, 0, 2, 0.5]]);
      for (const axis of [0, 1]) {
        const report = gradcheck((t: Tensor) => ops.cumprod(t, axis), [x], { secondOrder: true });
        expect(report.ok, report.message).toBe(true);
      }
    }
  });

  it('cumprod and prod gradcheck to second order at tiny non-zero entries (no division by them)', () => {
    const x = tensor([
      [1e-160, 0.5, -2],
      [3, 1e-200, 4],
      [1.5, -1e-170, 0],
    ]);
    for (const f of [(t: Tensor) => ops.cumprod(t, 1), (t: Tensor) => ops.cumprod(t, 0), (t: Tensor) => ops.prod(t, 1)]) {
      const report = gradcheck(f, [x], { secondOrder: true });
      expect(report.ok, report.message).toBe(true);
    }
  });

  it.each(dtypes)('logCumSumExp is stable: [1000, 1000] gives [1000, 1000.6931471805599], [−1000, −1000] gives [−1000, −999.30685…] (%s)', (dtype) => {
    close(values(ops.logCumSumExp(tensor([1000, 1000], { dtype }))), [1000, 1000.6931471805599], tolOf(dtype));
    close(values(ops.logCumSumExp(tensor([-1000, -1000], { dtype }))), [-1000, -999.3068528194401], tolOf(dtype));
    // dxⱼ = Σ_{k≥j} exp(xⱼ − zₖ): [1 + ½, ½]; in float32 the spacing of numbers near 1000 is 6e-5,
    // and xⱼ − zₖ is a difference of such numbers
    const gtol = dtype === 'float32' ? 1e-4 : 1e-12;
    close(
      gradAt((x) => ops.logCumSumExp(x), [1000, 1000], dtype),
      [1.5, 0.5],
      gtol,
    );
    close(
      gradAt((x) => ops.logCumSumExp(x), [-1000, -1000], dtype),
      [1.5, 0.5],
      gtol,
    );
    expect(values(ops.logCumSumExp(tensor([-Infinity, 0], { dtype })))).toEqual([-Infinity, 0]);
  });

  it('logCumSumExp equals log(cumsum(exp(x))) where that is finite, in value, gradient and Hessian', () => {
    const x = tensor([
      [0.3, -1.2, 2.5, 0],
      [-0.7, 1.1, 0.05, 3],
    ]);
    const w = tensor([
      [1, -2, 0.5, 3],
      [0.25, 3, -1, -1],
    ]);
    const naive = (t: Tensor): Tensor => ops.log(ops.cumsum(ops.exp(t), 1));
    close(values(ops.logCumSumExp(x, 1)), values(naive(x)));
    const g = (f: (t: Tensor) => Tensor) => (t: Tensor) => ops.sum(ops.mul(f(t), w));
    close(values(grad(g((t) => ops.logCumSumExp(t, 1)))(x) as Tensor), values(grad(g(naive))(x) as Tensor));
    const row = tensor([0.3, -1.2, 2.5]);
    const v = tensor([1, -2, 0.5]);
    const f = (h: (t: Tensor) => Tensor) => (t: Tensor) => ops.sum(ops.mul(h(t), v));
    close(values(hessian(f((t) => ops.logCumSumExp(t)))(row) as Tensor), values(hessian(f((t) => ops.log(ops.cumsum(ops.exp(t)))))(row) as Tensor), 1e-10);
  });

  it('jvp of logCumSumExp (a derivative of its pullback with respect to a zero cotangent) equals that of log(cumsum(exp(x)))', () => {
    // found by the fuzzer: a pullback that split dz by sign lost every entry where dz = 0
    const x = tensor([0.71875, -1.34375, 2]);
    const v = tensor([1, -0.5, 0.25]);
    const [, t] = jvp((u: Tensor) => ops.logCumSumExp(u), [x], [v]);
    const [, expected] = jvp((u: Tensor) => ops.log(ops.cumsum(ops.exp(u))), [x], [v]);
    close(values(t as Tensor), values(expected as Tensor));
    expect(values(t as Tensor).some((e) => e !== 0)).toBe(true);
  });

  it('jvp through a scan: the tangent of cumsum is the cumsum of the tangent', () => {
    const [, t] = jvp((x: Tensor) => ops.cumsum(x), [tensor([1, 2, 3])], [tensor([1, 0, -1])]);
    expect(values(t as Tensor)).toEqual([1, 1, 0]);
  });

  it('checks the axis', () => {
    expect(() => ops.cumsum(tensor([1, 2]), 1)).toThrow(/^cumsum: axis 1 is out of range/);
    expect(() => ops.cumprod(tensor([1, 2]), 0.5)).toThrow(/^cumprod: axis must be an integer/);
    expect(() => ops.logCumSumExp(tensor([1, 2]), { dim: 0 } as never)).toThrow(/^logCumSumExp: unknown option 'dim'/);
  });
});

describe('norm', () => {
  // NumPy docs (numpy.linalg.norm): a = arange(9) − 4, b = a.reshape(3, 3)
  const a = [-4, -3, -2, -1, 0, 1, 2, 3, 4];
  it.each(dtypes)('NumPy docs: ‖a‖ = 7.745966692414834, ‖a‖₁ = 20, ‖a‖∞ = 4, ‖b‖_fro = 7.745966692414834 (%s)', (dtype) => {
    const x = tensor(a, { dtype });
    close([ops.norm(x).item()], [7.745966692414834], tolOf(dtype));
    expect(ops.norm(x, 1).item()).toBe(20);
    expect(ops.norm(x, Infinity).item()).toBe(4);
    close([ops.norm(ops.reshape(x, [3, 3]), 'fro').item()], [7.745966692414834], tolOf(dtype));
    close(values(ops.norm(ops.reshape(x, [3, 3]), { ord: 2, axis: 1 })), [Math.sqrt(29), Math.sqrt(2), Math.sqrt(29)], tolOf(dtype));
  });

  it('the 2-norm of 0 has gradient 0 (PyTorch masks it); the 1-norm has sign(x); ∞ shares ties', () => {
    expect(gradAt((x) => ops.norm(x), [0, 0])).toEqual([0, 0]);
    close(
      gradAt(
        (x) => ops.norm(x, 2, 1),
        [
          [0, 0],
          [3, -4],
        ],
      ),
      [0, 0, 0.6, -0.8],
    );
    expect(gradAt((x) => ops.norm(x, 1), [0, -2, 3])).toEqual([0, -1, 1]);
    expect(gradAt((x) => ops.norm(x, Infinity), [3, -3, 1])).toEqual([0.5, -0.5, 0]);
    const h = hessian((x: Tensor) => ops.norm(x))(tensor([0, 0])) as Tensor;
    expect(values(h).every(Number.isFinite)).toBe(true);
  });

  it('does not overflow: ‖[1e200, 1e200]‖ = √2·1e200', () => {
    close([ops.norm(tensor([1e200, 1e200])).item()], [Math.SQRT2 * 1e200]);
    close([ops.norm(tensor([1e-200, 1e-200])).item()], [Math.SQRT2 * 1e-200]);
    expect(ops.norm(tensor([Infinity, 1])).item()).toBe(Infinity);
    expect(Number.isNaN(ops.norm(tensor([NaN, 1])).item())).toBe(true);
  });

  it("'fro' takes the last two axes by default and needs exactly two", () => {
    const x = tensor(
      Array.from({ length: 12 }, (_, i) => i),
      { shape: [3, 2, 2] },
    );
    expect(ops.norm(x, 'fro').shape).toEqual([3]);
    expect(ops.norm(x, { ord: 'fro', axis: [0, 2], keepDims: true }).shape).toEqual([1, 2, 1]);
    expect(() => ops.norm(tensor([1, 2]), 'fro')).toThrow(/^norm: ord 'fro' is a matrix norm: x must have at least 2 axes/);
    expect(() => ops.norm(x, 'fro', 0)).toThrow(/^norm: ord 'fro' is a matrix norm: axis must name two axes/);
    expect(() => ops.norm(x, 3)).toThrow(/^norm: ord must be 1, 2, Infinity or 'fro', got number 3/);
  });
});

describe('argmax, argmin', () => {
  // NumPy docs (numpy.argmax): a = arange(6).reshape(2, 3) + 10
  const a = [
    [10, 11, 12],
    [13, 14, 15],
  ];
  it.each(dtypes)('NumPy docs: argmax(a) = 5, over axis 0 [1, 1, 1], over axis 1 [2, 2], as indices of the input dtype (%s)', (dtype) => {
    const x = tensor(a, { dtype });
    expect(ops.argmax(x).item()).toBe(5);
    expect(ops.argmax(x).shape).toEqual([]);
    expect(values(ops.argmax(x, 0))).toEqual([1, 1, 1]);
    expect(values(ops.argmax(x, { axis: 1 }))).toEqual([2, 2]);
    expect(values(ops.argmin(x, -1))).toEqual([0, 0]);
    expect(ops.argmax(x, 1, true).shape).toEqual([2, 1]);
    expect(ops.argmax(x, undefined, { keepDims: true }).shape).toEqual([1, 1]);
    expect(ops.argmax(x).dtype).toBe(dtype);
  });

  it('ties give the first index (NumPy: argmax([0, 5, 2, 3, 4, 5]) = 1); NaN wins, as NumPy and PyTorch', () => {
    expect(ops.argmax(tensor([0, 5, 2, 3, 4, 5])).item()).toBe(1);
    expect(ops.argmin(tensor([3, 1, 1])).item()).toBe(1);
    expect(ops.argmax(tensor([1, NaN, 3, NaN])).item()).toBe(1);
    expect(ops.argmin(tensor([1, NaN, -3])).item()).toBe(1);
  });

  it('is not differentiable: the result needs no gradient and whyNoGrad names the op', () => {
    const w = tensor([1, 3, 2], { requiresGrad: true });
    const i = ops.argmax(w);
    expect(i.requiresGrad).toBe(false);
    const why = whyNoGrad(w, ops.mul(i, 2));
    expect(why.reason).toBe('non-differentiable-op');
    expect(why.message).toContain("'argmax'");
  });

  it('checks its arguments', () => {
    expect(() => ops.argmax(tensor(a), [0, 1] as never)).toThrow(/^argmax: axis must be one integer/);
    expect(() => ops.argmin(tensor([]))).toThrow(/^argmin: x is empty/);
    expect(() => ops.argmax(tensor(a), 2)).toThrow(/^argmax: axis 2 is out of range/);
  });
});

describe('any, all', () => {
  it('0/1 of the input dtype over axes; NaN counts as non-zero; any of nothing is 0, all of nothing 1', () => {
    const x = tensor([
      [0, 0, 1],
      [0, NaN, 2],
    ]);
    expect(values(ops.any(x, 1))).toEqual([1, 1]);
    expect(values(ops.all(x, 1))).toEqual([0, 0]);
    expect(values(ops.any(x, 0))).toEqual([0, 1, 1]);
    expect(values(ops.all(x, { axis: 0, keepDims: true }))).toEqual([0, 0, 1]);
    expect(ops.all(x, { axis: 0, keepDims: true }).shape).toEqual([1, 3]);
    expect(ops.any(tensor([])).item()).toBe(0);
    expect(ops.all(tensor([])).item()).toBe(1);
    expect(ops.any(tensor([0, 1], { dtype: 'float32' })).dtype).toBe('float32');
    expect(ops.all(tensor([1, 2], { requiresGrad: true })).requiresGrad).toBe(false);
  });
});

describe('topk', () => {
  it('PyTorch docs: topk(arange(1, 6), 3) gives values [5, 4, 3], indices [4, 3, 2]', () => {
    const { values: v, indices } = ops.topk(tensor([1, 2, 3, 4, 5]), 3);
    expect(values(v)).toEqual([5, 4, 3]);
    expect(values(indices)).toEqual([4, 3, 2]);
  });

  it('ties by lowest index; smallest; unsorted in index order; along an axis; NaN largest', () => {
    expect(values(ops.topk(tensor([1, 3, 3, 2]), 2).indices)).toEqual([1, 2]);
    expect(values(ops.topk(tensor([1, 3, 1, 2]), 2, { largest: false }).indices)).toEqual([0, 2]);
    const un = ops.topk(tensor([1, 5, 3, 4]), 2, { sorted: false });
    expect(values(un.values)).toEqual([5, 4]);
    expect(values(un.indices)).toEqual([1, 3]);
    const ax = ops.topk(
      tensor([
        [1, 5],
        [4, 2],
        [3, 0],
      ]),
      2,
      { axis: 0 },
    );
    expect(ax.values.shape).toEqual([2, 2]);
    expect(values(ax.values)).toEqual([4, 5, 3, 2]);
    expect(values(ax.indices)).toEqual([1, 0, 2, 1]);
    expect(values(ops.topk(tensor([1, NaN, 3]), 2).indices)).toEqual([1, 2]);
  });

  it('values carry the gradient back to the chosen positions; indices are constant', () => {
    const g = grad((x: Tensor) => ops.sum(ops.mul(ops.topk(x, 2).values, tensor([1, 2]))))(tensor([1, 5, 3, 4])) as Tensor;
    expect(values(g)).toEqual([0, 1, 0, 2]);
    expect(ops.topk(tensor([1, 2], { requiresGrad: true }), 1).indices.requiresGrad).toBe(false);
  });

  it('checks k and options', () => {
    expect(() => ops.topk(tensor([[1, 2, 3]]), 4)).toThrow(/^topk: k must be an integer in \[0, 3\]/);
    expect(() => ops.topk(tensor([1, 2]), 1.5)).toThrow(/^topk: k must be an integer/);
    expect(() => ops.topk(tensor([1, 2]), 1, { dim: 0 } as never)).toThrow(/^topk: unknown option 'dim'/);
  });
});

describe('float32 agrees with float64, values and gradients', () => {
  const x = [
    [0.3, -1.2, 2.5],
    [-0.7, 1.1, 0.05],
  ];
  const w = [
    [1, -2, 0.5],
    [0.25, 3, -1],
  ];
  const cases: [string, (t: Tensor) => Tensor][] = [
    ['prod', (t) => ops.prod(t, 1)],
    ['cumsum', (t) => ops.cumsum(t, 1)],
    ['cumprod', (t) => ops.cumprod(t, 0)],
    ['logCumSumExp', (t) => ops.logCumSumExp(t, 1)],
    ['var', (t) => ops.var(t, 0)],
    ['std', (t) => ops.std(t, 1, { correction: 0 })],
    ['norm 2', (t) => ops.norm(t, 2, 1)],
    ['norm fro', (t) => ops.norm(t, 'fro')],
    ['topk', (t) => ops.topk(t, 2).values],
  ];
  it.each(cases)('%s', (_, f) => {
    const run = (dtype: DType) => {
      const t = tensor(x, { dtype });
      const y = f(t);
      const weights = ops.full(y.shape, 0.5, dtype);
      const g = grad((u: Tensor) => ops.sum(ops.mul(f(u), y.size === 6 ? tensor(w, { dtype }) : weights)))(t) as Tensor;
      expect(y.dtype).toBe(dtype);
      expect(g.dtype).toBe(dtype);
      return [...values(y), ...values(g)];
    };
    close(run('float32'), run('float64'), 1e-5);
  });
});

describe('explain prints the formulas', () => {
  it.each([
    ['prod', (x: Tensor) => ops.prod(x), /∏_{i≠j}/],
    ['cumsum', (x: Tensor) => ops.sum(ops.cumsum(x)), /Σ_{k≥j} dzₖ/],
    ['cumprod', (x: Tensor) => ops.sum(ops.cumprod(x)), /exact at zeros/],
    ['logCumSumExp', (x: Tensor) => ops.sum(ops.logCumSumExp(x)), /exp\(xⱼ − zₖ\)/],
    ['var', (x: Tensor) => ops.var(x), /N − correction/],
    ['std', (x: Tensor) => ops.std(x), /0 where z = 0/],
    ['norm', (x: Tensor) => ops.norm(x), /ord 2/],
    ['topk', (x: Tensor) => ops.sum(ops.topk(x, 1).values), /scattered back/],
  ] as const)('%s', (op, f, formula) => {
    const steps = explain(f(tensor([1, 2, 3], { requiresGrad: true }))).steps;
    expect(steps.find((s) => s.op === op)?.formula).toMatch(formula);
  });
});
