// Activation functions. Those without parameters are elementwise primitives (one descriptor each,
// see elementwise.ts: fused for stability, with their own derivative). prelu is a binary primitive
// with a learnable slope, and leakyRelu is prelu with a constant slope (exact, the same gradients
// as PyTorch's leaky_relu). Those with a number parameter (elu's alpha, gelu's approximation) are
// composites of primitives, exact as written, since a descriptor cannot carry a parameter; the
// two gelu forms are each their own primitive and `gelu` picks one.
import '../tensor.ts'; // load order: see ops/index.ts
import { checkNumber, checkOptions, checkTensor, given } from '../args.ts';
import { type Value, binary, indicator, unary } from '../elementwise.ts';
import { ValueError } from '../errors.ts';
import { sigmoidDerivativeValue, sigmoidValue, softplusValue } from '../kernels.ts';
import { Scalar } from '../scalar.ts';
import { Tensor } from '../tensor.ts';
import { add, mul } from './arith.ts';
import { greater, where } from './compare.ts';
import { erfValue } from './erf.ts';
import { erf, expm1, reciprocal } from './special.ts';
import { abs, exp, sigmoid, sigmoidDerivative, softplus, tanh, tanhDerivative } from './unary.ts';

const AWAY_FROM_ZERO = { low: -4, high: 4, avoid: [0] };
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π), the standard normal density at 0
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)
const GELU_KAPPA = 0.044715;

/** x must be what elementwise functions take, checked under the public name of a composite. */
function checkValue(fn: string, x: unknown): void {
  if (!(x instanceof Tensor || x instanceof Scalar || typeof x === 'number'))
    throw new ValueError(fn, `x must be a Tensor, a Scalar or a number, got ${given(x)}`);
}

/** sech²x as tanhDerivative computes it (so Scalar's first-order pass agrees with the tensors' to the bit). */
function sech2(x: number): number {
  const c = Math.cosh(x);
  return 1 / (c * c);
}

/** silu(x) = x σ(x) (swish). */
export const silu = unary('silu', {
  formula: "∂z/∂x = σ(x) + x σ'(x)",
  value: (x) => x * sigmoidValue(x),
  // z = x σ(x)  =>  dx = dz (σ(x) + x σ'(x)), σ' from sigmoidDerivative (accurate for large |x|)
  partial: (x) => sigmoidValue(x) + x * sigmoidDerivativeValue(x),
  derivative: (x) => add(sigmoid(x), mul(x, sigmoidDerivative(x))),
});

/** mish(x) = x tanh(softplus(x)). */
export const mish = unary('mish', {
  formula: '∂z/∂x = tanh(sp(x)) + x sech²(sp(x)) σ(x), sp = softplus',
  value: (x) => x * Math.tanh(softplusValue(x)),
  // z = x tanh(s), s = ln(1 + eˣ)  =>  dx = dz (tanh s + x sech²s σ(x))
  partial: (x) => {
    const s = softplusValue(x);
    return Math.tanh(s) + x * sech2(s) * sigmoidValue(x);
  },
  derivative: (x) => {
    const s = softplus(x);
    return add(tanh(s), mul(mul(x, tanhDerivative(s)), sigmoid(x)));
  },
});

/** softsign(x) = x / (1 + |x|). */
export const softsign = unary('softsign', {
  formula: '∂z/∂x = 1/(1 + |x|)²',
  // The second derivative jumps at 0 (−2 sign(x)/(1 + |x|)³): keep finite differences off it.
  domain: AWAY_FROM_ZERO,
  value: (x) => x / (1 + Math.abs(x)),
  // z = x / (1 + |x|)  =>  dx = dz / (1 + |x|)²
  partial: (x) => {
    const d = Math.abs(x) + 1;
    return 1 / (d * d);
  },
  derivative: (x) => {
    const d = add(abs(x), 1);
    return reciprocal(mul(d, d));
  },
});

/** gelu(x) = x Φ(x) = ½ x (1 + erf(x/√2)), the exact form (PyTorch's approximate='none'). */
export const geluErf = unary('geluErf', {
  formula: '∂z/∂x = Φ(x) + x φ(x)',
  value: (x) => x * 0.5 * (1 + erfValue(x * SQRT1_2)),
  // z = x Φ(x)  =>  dx = dz (Φ(x) + x φ(x)), Φ(x) = ½(1 + erf(x/√2)), φ(x) = e^{−x²/2}/√(2π)
  partial: (x) => (erfValue(x * SQRT1_2) + 1) * 0.5 + x * (Math.exp(x * x * -0.5) * INV_SQRT_2PI),
  derivative: (x) => add(mul(add(erf(mul(x, SQRT1_2)), 1), 0.5), mul(x, mul(exp(mul(mul(x, x), -0.5)), INV_SQRT_2PI))),
});

/** gelu's tanh approximation (PyTorch's approximate='tanh'): ½ x (1 + tanh(√(2/π)(x + 0.044715 x³))). */
export const geluTanh = unary('geluTanh', {
  formula: '∂z/∂x = ½(1 + tanh u) + ½ x sech²u √(2/π)(1 + 3·0.044715 x²), u = √(2/π)(x + 0.044715 x³)',
  value: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_KAPPA * x * x * x))),
  // z = ½ x (1 + tanh u)  =>  dx = dz (½(1 + tanh u) + ½ x sech²u u'(x)), u' = √(2/π)(1 + 3κx²)
  partial: (x) => {
    const u = (x * x * x * GELU_KAPPA + x) * SQRT_2_OVER_PI;
    return (Math.tanh(u) + 1) * 0.5 + x * 0.5 * sech2(u) * ((x * x * (3 * GELU_KAPPA) + 1) * SQRT_2_OVER_PI);
  },
  derivative: (x) => {
    const u = mul(add(mul(mul(mul(x, x), x), GELU_KAPPA), x), SQRT_2_OVER_PI);
    const du = mul(add(mul(mul(x, x), 3 * GELU_KAPPA), 1), SQRT_2_OVER_PI);
    return add(mul(add(tanh(u), 1), 0.5), mul(mul(mul(x, 0.5), tanhDerivative(u)), du));
  },
});

export interface GeluOptions {
  /** 'none' (default): the exact x Φ(x); 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** gelu(x) = x Φ(x), or its tanh approximation with `{ approximate: 'tanh' }` (as torch.nn.functional.gelu). */
export function gelu(x: Tensor | number, options?: GeluOptions): Tensor;
export function gelu(x: Scalar, options?: GeluOptions): Scalar;
export function gelu(x: Value | number, options?: GeluOptions): Value {
  checkValue('gelu', x);
  const { approximate = 'none' } = checkOptions<GeluOptions>('gelu', options, ['approximate']);
  if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got ${given(approximate)}`);
  return (approximate === 'tanh' ? geluTanh : geluErf)(x);
}

/**
 * prelu(x, w) = x where x > 0, w x elsewhere, with a learnable slope w broadcast against x
 * (NumPy broadcasting: a per-channel weight for axis 1 of [N, C, ...] is shaped [C, 1, ...]).
 * At x = 0 the slope side is taken (as PyTorch); at NaN the cotangent passes through to x. A NaN
 * slope gives NaN everywhere, not x where x > 0 as PyTorch: a diverged weight must not look healthy.
 */
export const prelu = binary('prelu', {
  formula: '∂z/∂x = [x > 0] + y [x ≤ 0], ∂z/∂y = x [x ≤ 0]',
  domains: [AWAY_FROM_ZERO, { low: -2, high: 2 }],
  value: (x, y) => (x > 0 && !Number.isNaN(y) ? x : y * x),
  // z = x [x > 0] + y x [x ≤ 0]  =>  dx = dz ([x > 0] + y [x ≤ 0]), dy = dz x [x ≤ 0]
  partials: [(x, y) => y * notPositive(x) + (1 - notPositive(x)), (x) => x * notPositive(x)],
  derivatives: [
    (x, y) =>
      add(
        mul(y, indicator(x, y, notPositive)),
        indicator(x, y, (p) => 1 - notPositive(p)),
      ),
    (x, y) => mul(x, indicator(x, y, notPositive)),
  ],
});

/** [x ≤ 0] as a number (0 at NaN, so that the slope side never claims a NaN). */
function notPositive(x: number): number {
  return x <= 0 ? 1 : 0;
}

/** leakyRelu(x) = x where x > 0, negativeSlope · x elsewhere: prelu with a constant slope (as torch's leaky_relu). */
export function leakyRelu(x: Tensor | number, negativeSlope?: number): Tensor;
export function leakyRelu(x: Scalar, negativeSlope?: number): Scalar;
export function leakyRelu(x: Value | number, negativeSlope = 0.01): Value {
  checkValue('leakyRelu', x);
  checkNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return prelu(x, negativeSlope);
}

/**
 * elu(x) = x where x > 0, α(eˣ − 1) elsewhere (as PyTorch; its gradient at 0 is α, the left side).
 * A composite: where on a constant mask, with expm1 evaluated at min(x, 0) so that the branch not
 * taken stays finite (an Inf there would leak NaN into second derivatives through where).
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkTensor('elu', 'x', x);
  checkNumber('elu', 'alpha', alpha);
  const positive = greater(x, 0);
  return where(positive, x, mul(expm1(where(positive, 0, x)), alpha));
}

// PyTorch's α = 1.6732632423543772848170429916717 and scale = 1.0507009873554804934193349852946, rounded to float64.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** selu(x) = scale · elu(x, α) with PyTorch's constants α ≈ 1.6733, scale ≈ 1.0507 (a composite). */
export function selu(x: Tensor): Tensor {
  checkTensor('selu', 'x', x);
  return mul(elu(x, SELU_ALPHA), SELU_SCALE);
}
