// Known values of the elementwise ops of issue #16, from PyTorch's and NumPy's documentation or
// computed with mpmath at 30 digits (quoted), at the edges (±Inf, NaN, 0), and their gradients
// where a rule picks a side (kinks, bounds). The op table (ops.test.ts) gradchecks them to
// second order; these pin the values and the conventions.
import { describe, expect, it } from 'vitest';
import {
  type DType,
  type Scalar,
  type Tensor,
  ValueError,
  detectAnomaly,
  explain,
  grad,
  hessian,
  jvp,
  noGrad,
  scalar,
  sum,
  tensor,
  toDot,
} from '../src/index.ts';
import * as ops from '../src/ops/index.ts';

const values = (t: Tensor): number[] => Array.from(t.data);

function relClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected));
}

/** Gradient of Σ f(x) at x. */
function gradAt(f: (x: Tensor) => Tensor, xs: number[], dtype: DType = 'float64'): number[] {
  return values(grad((x: Tensor) => sum(f(x)))(tensor(xs, { dtype })) as Tensor);
}

describe('erf', () => {
  it('matches known values within 1e-15 relative (mpmath, 30 digits)', () => {
    const known: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014], // mpmath 0.999977909503001414558627223870
      [0.1, 0.1124629160182849], // mpmath 0.112462916018284898404712251014
      [1e-10, 1.1283791670955126e-10], // mpmath 1.12837916709551261500173010155e-10
    ];
    for (const [x, v] of known) {
      relClose(ops.erf(tensor([x])).item(), v, 1e-15);
      relClose(ops.erf(tensor([-x])).item(), -v, 1e-15);
    }
  });

  it('is ±1 at ±Inf (and at ±6 and beyond), NaN at NaN, ±0 at ±0', () => {
    expect(values(ops.erf(tensor([Infinity, -Infinity, 6, -30, Number.NaN])))).toEqual([1, -1, 1, -1, Number.NaN]);
    expect(Object.is(ops.erf(tensor([-0])).item(), -0)).toBe(true);
  });

  it("erf'(x) = 2/√π e^{−x²}: 2/√π at 0", () => {
    relClose(gradAt(ops.erf, [0])[0]!, 2 / Math.sqrt(Math.PI), 1e-15);
  });
});

describe('accurate exp and log variants', () => {
  it('log1p and expm1 keep their digits near 0', () => {
    relClose(ops.log1p(tensor([1e-10])).item(), 9.9999999995e-11, 1e-15);
    relClose(ops.expm1(tensor([1e-10])).item(), 1.00000000005e-10, 1e-15);
    expect(values(ops.log1p(tensor([-1, -2])))).toEqual([-Infinity, Number.NaN]);
    expect(values(ops.expm1(tensor([-Infinity, Infinity])))).toEqual([-1, Infinity]);
  });

  it("expm1' at −40 is e^{−40}, not the 0 of z + 1", () => {
    relClose(gradAt(ops.expm1, [-40])[0]!, Math.exp(-40), 1e-15);
  });

  it('log2, log10, reciprocal and rsqrt at exact and edge points', () => {
    expect(values(ops.log2(tensor([8, 0.5, 0, -1])))).toEqual([3, -1, -Infinity, Number.NaN]);
    expect(values(ops.log10(tensor([1000, 0.01])))).toEqual([3, -2]);
    expect(values(ops.reciprocal(tensor([4, -0, 0, Infinity])))).toEqual([0.25, -Infinity, Infinity, 0]);
    expect(values(ops.rsqrt(tensor([4, 0, -1])))).toEqual([0.5, Infinity, Number.NaN]);
    // d/dx x^{−1/2} = −½ x^{−3/2}: −1/16 at 4; d/dx 1/x = −1/x²
    expect(gradAt(ops.rsqrt, [4])).toEqual([-1 / 16]);
    expect(gradAt(ops.reciprocal, [4])).toEqual([-1 / 16]);
  });

  it('logSigmoid = −softplus(−x): finite at ±1000, gradient σ(−x)', () => {
    relClose(ops.logSigmoid(tensor([-1])).item(), -1.3132616875182228, 1e-15); // mpmath −1.31326168751822283404899549497
    expect(values(ops.logSigmoid(tensor([-1000, 1000])))).toEqual([-1000, -0]);
    expect(gradAt(ops.logSigmoid, [-1000, 1000])).toEqual([1, 0]);
  });

  it('squaredDifference is (a − b)² with gradients ±2(a − b), broadcasting', () => {
    const [da, db] = grad((a: Tensor, b: Tensor) => sum(ops.squaredDifference(a, b)), { argnums: [0, 1] })(tensor([1, 4]), tensor([3])) as Tensor[];
    expect(values(ops.squaredDifference(tensor([1, 4]), tensor([3])))).toEqual([4, 1]);
    expect(values(da!)).toEqual([-4, 2]);
    expect(values(db!)).toEqual([2]); // 4 − 2
  });
});

describe('trigonometric inverses', () => {
  it('values at exact points and outside their domains', () => {
    expect(values(ops.asin(tensor([1, 2])))).toEqual([Math.PI / 2, Number.NaN]);
    expect(values(ops.acos(tensor([-1])))).toEqual([Math.PI]);
    expect(values(ops.atanh(tensor([1, -1, 2])))).toEqual([Infinity, -Infinity, Number.NaN]);
    expect(values(ops.acosh(tensor([1, 0.5])))).toEqual([0, Number.NaN]);
    expect(values(ops.atan(tensor([Infinity])))).toEqual([Math.PI / 2]);
  });

  it('atan2(a, b) is the angle of (b, a), as torch.atan2(input, other)', () => {
    expect(values(ops.atan2(tensor([1, 1, -0, 0]), tensor([-1, 1, -1, -1])))).toEqual([(3 * Math.PI) / 4, Math.PI / 4, -Math.PI, Math.PI]);
    const [da, db] = grad((a: Tensor, b: Tensor) => sum(ops.atan2(a, b)), { argnums: [0, 1] })(tensor([1]), tensor([2])) as Tensor[];
    // ∂/∂a = b/(a² + b²) = 2/5, ∂/∂b = −a/(a² + b²) = −1/5
    relClose(da!.item(), 0.4, 1e-15);
    relClose(db!.item(), -0.2, 1e-15);
  });

  it('derivatives near ±1 keep their digits: asin′(1 − 2⁻³⁰) = 1/√((1 − x)(1 + x))', () => {
    const x = 1 - 2 ** -30;
    relClose(gradAt(ops.asin, [x])[0]!, 1 / Math.sqrt(2 ** -30 * (2 - 2 ** -30)), 1e-14);
    relClose(gradAt(ops.atanh, [x])[0]!, 1 / (2 ** -30 * (2 - 2 ** -30)), 1e-14);
  });
});

describe('rounding and remainders', () => {
  it('round is half to even (torch.round, np.round), floor and ceil as Math', () => {
    expect(values(ops.round(tensor([0.5, 1.5, 2.5, -0.5, -2.5, -3.5, 3.7, -3.2])))).toEqual([0, 2, 2, -0, -2, -4, 4, -3]);
    expect(values(ops.floor(tensor([-1.5, 1.5, Infinity])))).toEqual([-2, 1, Infinity]);
    expect(values(ops.ceil(tensor([-1.5, 1.5, -Infinity])))).toEqual([-1, 2, -Infinity]);
  });

  it('the gradients of floor, ceil and round are 0', () => {
    expect(gradAt(ops.floor, [0.3, -1.7])).toEqual([0, 0]);
    expect(gradAt(ops.ceil, [0.3, -1.7])).toEqual([0, 0]);
    expect(gradAt(ops.round, [0.3, -1.7])).toEqual([0, 0]);
  });

  it('remainder has the sign of the divisor, fmod that of the dividend (PyTorch docs)', () => {
    const a = tensor([-3, -2, -1, 1, 2, 3]);
    expect(values(ops.remainder(a, 2))).toEqual([1, 0, 1, 1, 0, 1]);
    expect(values(ops.remainder(tensor([2, -2]), -2))).toEqual([-0, -0]); // a zero takes the divisor's sign, as Python's %
    expect(values(ops.fmod(a, 2))).toEqual([-1, -0, -1, 1, 0, 1]);
    expect(values(ops.remainder(tensor([1, 2, 3, 4, 5]), -1.5))).toEqual([-0.5, -1, -0, -0.5, -1]); // Python: 3.0 % -1.5 = -0.0
    expect(values(ops.fmod(tensor([1, 2, 3, 4, 5]), -1.5))).toEqual([1, 0.5, 0, 1, 0.5]);
    expect(values(ops.remainder(tensor([1]), 0))).toEqual([Number.NaN]);
  });

  it('∂/∂a = 1, ∂/∂b = −⌊a/b⌋ (remainder) or −trunc(a/b) (fmod), as PyTorch', () => {
    for (const [op, expected] of [
      [ops.remainder, 2],
      [ops.fmod, 1],
    ] as const) {
      const [da, db] = grad((a: Tensor, b: Tensor) => sum(op(a, b)), { argnums: [0, 1] })(tensor([-3]), tensor([2])) as Tensor[];
      expect(values(da!)).toEqual([1]);
      expect(values(db!)).toEqual([expected]); // a/b = −1.5
    }
  });
});

describe('activations', () => {
  it('gelu(1), exact and tanh-approximated (PyTorch)', () => {
    relClose(ops.gelu(tensor([1])).item(), 0.8413447460685429, 1e-15);
    relClose(ops.gelu(tensor([-1])).item(), -0.15865525393145705, 1e-15); // mpmath −0.158655253931457051414767454368
    relClose(ops.gelu(tensor([1]), { approximate: 'tanh' }).item(), 0.8411919906082768, 1e-15);
    // gelu′(1) = Φ(1) + φ(1), mpmath 1.08331547058768629838306273857
    relClose(gradAt((x) => ops.gelu(x), [1])[0]!, 1.0833154705876864, 1e-15);
    expect(values(ops.gelu(tensor([Infinity, -Infinity])))).toEqual([Infinity, Number.NaN]); // −Inf · Φ(−Inf) = −Inf · 0, as the formula PyTorch evaluates
  });

  it('elu and selu at −1 (PyTorch constants), mish and silu at 1', () => {
    relClose(ops.elu(tensor([-1])).item(), -0.6321205588285577, 1e-15);
    relClose(ops.selu(tensor([-1])).item(), -1.1113307378125628, 1e-15); // mpmath −1.11133073781256276179864066243
    relClose(ops.mish(tensor([1])).item(), 0.8650983882673103, 1e-15);
    relClose(ops.silu(tensor([1])).item(), 0.7310585786300049, 1e-15);
    expect(values(ops.softsign(tensor([1, -3])))).toEqual([0.5, -0.75]);
  });

  it('elu′(0) = α and leakyRelu′(0) = slope: the left side, as PyTorch', () => {
    expect(gradAt((x) => ops.elu(x, 1.5), [0, 2])).toEqual([1.5, 1]);
    expect(gradAt((x) => ops.leakyRelu(x, 0.2), [0, -1, 3])).toEqual([0.2, 0.2, 1]);
    expect(values(ops.leakyRelu(tensor([-2, 2])))).toEqual([-0.02, 2]);
  });

  it('elu stays finite at large x, and so does its second derivative', () => {
    expect(values(ops.elu(tensor([1000, -1000])))).toEqual([1000, -1]);
    const g2 = grad((x: Tensor) => sum(grad((y: Tensor) => sum(ops.elu(y)))(x) as Tensor))(tensor([1000, -1, 0.5])) as Tensor;
    expect(values(g2)).toEqual([0, Math.exp(-1), 0]);
  });

  it('prelu: the slope gets x where x ≤ 0, summed over the axes it was broadcast along', () => {
    const x = tensor([
      [-1, 2],
      [-3, 4],
    ]);
    const [dx, dw] = grad((a: Tensor, w: Tensor) => sum(ops.prelu(a, w)), { argnums: [0, 1] })(x, tensor([0.25])) as Tensor[];
    expect(values(ops.prelu(x, tensor([0.25])))).toEqual([-0.25, 2, -0.75, 4]);
    expect(values(dx!)).toEqual([0.25, 1, 0.25, 1]);
    expect(values(dw!)).toEqual([-4]);
  });

  it('activations work on Scalars too, with the same gradient', () => {
    const s = scalar(1);
    const y = ops.gelu(s) as Scalar;
    y.backward();
    relClose(y.data, 0.8413447460685429, 1e-15);
    relClose(s.grad, 1.0833154705876864, 1e-15);
    expect((ops.leakyRelu(scalar(-2), 0.5) as Scalar).data).toBe(-1);
  });
});

describe('clamp, hardTanh, relu6', () => {
  it('clamp: the gradient passes where min ≤ x ≤ max (PyTorch clamp_backward, inclusive)', () => {
    expect(values(ops.clamp(tensor([-2, -1, 0, 1, 2]), -1, 1))).toEqual([-1, -1, 0, 1, 1]);
    expect(gradAt((x) => ops.clamp(x, -1, 1), [-2, -1, 0, 1, 2])).toEqual([0, 1, 1, 1, 0]);
    expect(gradAt((x) => ops.clamp(x, 0), [-1, 0, 1])).toEqual([0, 1, 1]);
    expect(gradAt((x) => ops.clip(x, undefined, 0), [-1, 0, 1])).toEqual([1, 1, 0]);
  });

  it('clamp with tensor bounds gives each bound the cotangent where it is the result', () => {
    const x = tensor([-2, 0, 2, 5]);
    const lo = tensor([-1, -1, -1, 4]);
    const hi = tensor([1, 1, 1, 3]); // last: min > max, the result is max (as PyTorch)
    expect(values(ops.clamp(x, lo, hi))).toEqual([-1, 0, 1, 3]);
    const [dx, dlo, dhi] = grad((a: Tensor, b: Tensor, c: Tensor) => sum(ops.clamp(a, b, c)), { argnums: [0, 1, 2] })(x, lo, hi) as Tensor[];
    expect(values(dx!)).toEqual([0, 1, 0, 0]);
    expect(values(dlo!)).toEqual([1, 0, 0, 0]);
    expect(values(dhi!)).toEqual([0, 0, 1, 1]);
  });

  it('clamp: NaN x stays NaN and its cotangent passes; a NaN bound gives NaN', () => {
    expect(values(ops.clamp(tensor([Number.NaN]), -1, 1))).toEqual([Number.NaN]);
    expect(gradAt((x) => ops.clamp(x, -1, 1), [Number.NaN])).toEqual([1]);
    expect(values(ops.clamp(tensor([0.5]), Number.NaN))).toEqual([Number.NaN]);
  });

  it('hardTanh and relu6: the gradient passes where min < x < max only (PyTorch hardtanh_backward)', () => {
    expect(values(ops.hardTanh(tensor([-2, -1, 0.5, 1, 2])))).toEqual([-1, -1, 0.5, 1, 1]);
    expect(gradAt((x) => ops.hardTanh(x), [-2, -1, 0.5, 1, 2])).toEqual([0, 0, 1, 0, 0]);
    expect(values(ops.relu6(tensor([-1, 0, 3, 6, 7])))).toEqual([0, 0, 3, 6, 6]);
    expect(gradAt(ops.relu6, [-1, 0, 3, 6, 7])).toEqual([0, 0, 1, 0, 0]);
  });
});

describe('logical predicates and connectives', () => {
  it('isNaN, isInf, isFinite at NaN, ±Inf and finite values', () => {
    const x = tensor([Number.NaN, Infinity, -Infinity, 0, -2.5]);
    expect(values(ops.isNaN(x))).toEqual([1, 0, 0, 0, 0]);
    expect(values(ops.isInf(x))).toEqual([0, 1, 1, 0, 0]);
    expect(values(ops.isFinite(x))).toEqual([0, 0, 0, 1, 1]);
  });

  it('0 and −0 are false, anything else (NaN included) true; broadcasting', () => {
    const a = tensor([0, -0, 1, Number.NaN, -3]);
    expect(values(ops.logicalNot(a))).toEqual([1, 1, 0, 0, 0]);
    expect(values(ops.logicalAnd(a, 1))).toEqual([0, 0, 1, 1, 1]);
    expect(values(ops.logicalOr(a, tensor([0])))).toEqual([0, 0, 1, 1, 1]);
    expect(values(ops.logicalXor(a, tensor([1, 0, 1, 0, 0])))).toEqual([1, 0, 0, 1, 1]);
  });

  it('keep the dtype, and are constants: no gradient flows through them', () => {
    const x = tensor([1, Number.NaN], { dtype: 'float32', requiresGrad: true });
    const m = ops.isNaN(x);
    expect(m.dtype).toBe('float32');
    expect(m.requiresGrad).toBe(false);
  });
});

describe('every new elementwise primitive', () => {
  const unaryOps = [
    ops.tan,
    ops.asin,
    ops.acos,
    ops.atan,
    ops.asinh,
    ops.acosh,
    ops.atanh,
    ops.erf,
    ops.expm1,
    ops.log1p,
    ops.log2,
    ops.log10,
    ops.logSigmoid,
    ops.reciprocal,
    ops.rsqrt,
    ops.floor,
    ops.ceil,
    ops.round,
    ops.silu,
    ops.mish,
    ops.softsign,
    ops.geluErf,
    ops.geluTanh,
  ];
  const binaryOps = [ops.atan2, ops.squaredDifference, ops.remainder, ops.fmod, ops.prelu];

  it('propagates NaN', () => {
    for (const f of unaryOps) expect(values(f(tensor([Number.NaN]))), f.primitive.name).toEqual([Number.NaN]);
    for (const f of binaryOps) {
      expect(values(f(tensor([Number.NaN]), tensor([1.5]))), f.primitive.name).toEqual([Number.NaN]);
      expect(values(f(tensor([1.5]), tensor([Number.NaN]))), f.primitive.name).toEqual([Number.NaN]);
    }
  });

  it('keeps float32, agreeing with float64 to float32 precision (values and gradients)', () => {
    for (const f of unaryOps) {
      // three points inside the op's domain
      const { low, high } = f.primitive.elementwise.domains[0]!;
      const xs = [0.21, 0.53, 0.87].map((t) => low + t * (high - low));
      const single = f(tensor(xs, { dtype: 'float32' }));
      const double = f(tensor(xs));
      expect(single.dtype, f.primitive.name).toBe('float32');
      values(single).forEach((v, i) => {
        expect(Math.abs(v - double.data[i]!), f.primitive.name).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(double.data[i]!)));
      });
      const g32 = grad((x: Tensor) => sum(f(x)))(tensor(xs, { dtype: 'float32' })) as Tensor;
      const g64 = gradAt(f, xs);
      expect(g32.dtype).toBe('float32');
      values(g32).forEach((v, i) => {
        expect(Math.abs(v - g64[i]!), f.primitive.name).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(g64[i]!)));
      });
    }
  });
});

describe('argument checks', () => {
  it('name the public function', () => {
    expect(() => ops.gelu(tensor([1]), { approximate: 'fast' as never })).toThrow(ValueError);
    expect(() => ops.gelu(tensor([1]), { approximate: 'fast' as never })).toThrow(/^gelu: approximate must be 'none' or 'tanh', got string "fast"/);
    expect(() => ops.gelu('1' as never)).toThrow(/^gelu: x must be a Tensor, a Scalar or a number/);
    expect(() => ops.leakyRelu(tensor([1]), '0.1' as never)).toThrow(/^leakyRelu: negativeSlope must be a number/);
    expect(() => ops.hardTanh(tensor([1]), 2, 1)).toThrow(/^hardTanh: minVal must be at most maxVal, got minVal 2 and maxVal 1/);
    expect(() => ops.clamp(tensor([1]))).toThrow(/^clamp: at least one of min and max must be given/);
    expect(() => ops.clamp(tensor([1]), '0' as never)).toThrow(/^clamp: min must be a Tensor or a number/);
    expect(() => ops.isNaN(1 as never)).toThrow(/^isNaN: x must be a Tensor/);
    expect(() => ops.logicalAnd(tensor([1]), 'a' as never)).toThrow(/^logicalAnd: b must be a Tensor or a number/);
  });
});

describe('under the transforms and tools (jvp, hessian, noGrad, anomaly mode, explain, graph export)', () => {
  // A function through one op of each new family: trig, special, rounding, activations, clamp.
  const f = (x: Tensor): Tensor => sum(ops.mul(ops.clamp(ops.gelu(ops.atan(x)), -0.1, 0.5), ops.add(ops.erf(x), ops.floor(ops.mul(x, 3)))));

  it('jvp equals the gradient dotted with the tangent, and hessian is symmetric and matches finite differences', () => {
    const x = tensor([0.4, -0.3, 1.1]);
    const v = tensor([1, -2, 0.5]);
    const [, t] = jvp(f, [x], [v]) as unknown as [Tensor, Tensor];
    const g = grad(f)(x) as Tensor;
    relClose(
      t.item(),
      values(g).reduce((s, gi, i) => s + gi * v.data[i]!, 0),
      1e-12,
    );
    const h = hessian(f)(x) as Tensor;
    const eps = 1e-6;
    for (let i = 0; i < 3; i++) {
      const shift = (d: number): number[] => values(grad(f)(tensor(values(x).map((xi, k) => (k === i ? xi + d : xi)))) as Tensor);
      const [up, down] = [shift(eps), shift(-eps)];
      for (let j = 0; j < 3; j++) {
        expect(Math.abs(h.data[i * 3 + j]! - h.data[j * 3 + i]!)).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(h.data[i * 3 + j]! - (up[j]! - down[j]!) / (2 * eps))).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('noGrad records nothing; anomaly mode runs clean; explain and toDot name the new primitives', () => {
    const x = tensor([0.4, -0.3, 1.1], { requiresGrad: true });
    expect(noGrad(() => f(x)).requiresGrad).toBe(false);
    const y = detectAnomaly(() => {
      const out = f(x);
      out.backward(undefined, { retainGraph: true });
      return out;
    });
    expect(Number.isFinite(y.item())).toBe(true);
    const steps = explain(y).steps;
    const formulas = new Map(steps.map((s) => [s.op, s.formula]));
    expect(formulas.get('atan')).toBe('∂z/∂x = 1/(1 + x²)');
    expect(formulas.get('geluErf')).toBe('∂z/∂x = Φ(x) + x φ(x)');
    expect(formulas.get('erf')).toBe('∂z/∂x = (2/√π) e^{−x²}');
    expect(toDot(y)).toMatch(/floor/);
  });
});
