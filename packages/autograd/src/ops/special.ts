// Special functions and accurate variants of exp and log, each one elementwise descriptor (see
// elementwise.ts): erf, expm1, log1p, log2, log10, logSigmoid, reciprocal, rsqrt and the binary
// squaredDifference. They work on Tensors, Scalars and numbers alike.
import '../tensor.ts'; // load order: see ops/index.ts
import { binary, unary } from '../elementwise.ts';
import { POSITIVE } from '../primitive.ts';
import { sigmoidValue, softplusValue } from '../kernels.ts';
import { add, div, mul, sub } from './arith.ts';
import { erfValue } from './erf.ts';
import { exp, neg, sigmoid } from './unary.ts';

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const INV_LN2 = 1 / Math.LN2;
const INV_LN10 = 1 / Math.LN10;
const AWAY_FROM_ZERO = { low: -4, high: 4, avoid: [0] };

/** erf x = (2/√π) ∫₀ˣ e^{−t²} dt (±1 at ±Inf). */
export const erf = unary('erf', {
  formula: '∂z/∂x = (2/√π) e^{−x²}',
  value: erfValue,
  // z = erf x  =>  dx = dz (2/√π) e^{−x²}
  partial: (x) => Math.exp(-(x * x)) * TWO_OVER_SQRT_PI,
  derivative: (x) => mul(exp(neg(mul(x, x))), TWO_OVER_SQRT_PI),
});

/** eˣ − 1, accurate near 0 (where exp(x) − 1 loses every digit). */
export const expm1 = unary('expm1', {
  formula: '∂z/∂x = eˣ',
  value: Math.expm1,
  // z = eˣ − 1  =>  dx = dz eˣ (not z + 1, which is 0 for x < −37)
  partial: (x) => Math.exp(x),
  derivative: (x) => exp(x),
});

/** ln(1 + x), accurate near 0. */
export const log1p = unary('log1p', {
  formula: '∂z/∂x = 1/(1 + x)',
  domain: { low: -0.9, high: 4 },
  value: Math.log1p,
  // z = ln(1 + x)  =>  dx = dz / (1 + x)
  partial: (x) => 1 / (x + 1),
  derivative: (x) => div(1, add(x, 1)),
});

/** log₂ x. */
export const log2 = unary('log2', {
  formula: '∂z/∂x = 1/(x ln 2)',
  domain: POSITIVE,
  value: Math.log2,
  // z = log₂ x  =>  dx = dz / (x ln 2)
  partial: (x) => INV_LN2 / x,
  derivative: (x) => div(INV_LN2, x),
});

/** log₁₀ x. */
export const log10 = unary('log10', {
  formula: '∂z/∂x = 1/(x ln 10)',
  domain: POSITIVE,
  value: Math.log10,
  // z = log₁₀ x  =>  dx = dz / (x ln 10)
  partial: (x) => INV_LN10 / x,
  derivative: (x) => div(INV_LN10, x),
});

/** ln σ(x) = −softplus(−x), finite for any x (ln of a σ that rounded to 0 would be −Inf). */
export const logSigmoid = unary('logSigmoid', {
  formula: '∂z/∂x = σ(−x)',
  value: (x) => -softplusValue(-x),
  // z = −ln(1 + e^{−x})  =>  dx = dz σ(−x) (= 1 − σ(x), without its cancellation for large x)
  partial: (x) => sigmoidValue(-x),
  derivative: (x) => sigmoid(neg(x)),
});

/** 1/x. */
export const reciprocal = unary('reciprocal', {
  formula: '∂z/∂x = −1/x² = −z²',
  domain: AWAY_FROM_ZERO,
  value: (x) => 1 / x,
  // z = 1/x  =>  dx = −dz z²
  partial: (_x, z) => -(z * z),
  derivative: (_x, z) => neg(mul(z, z)),
});

/** 1/√x. */
export const rsqrt = unary('rsqrt', {
  formula: '∂z/∂x = −½ x^{−3/2} = −½ z³',
  domain: POSITIVE,
  value: (x) => 1 / Math.sqrt(x),
  // z = x^{−1/2}  =>  dx = −½ dz z³
  partial: (_x, z) => z * z * z * -0.5,
  derivative: (_x, z) => mul(mul(mul(z, z), z), -0.5),
});

/** (a − b)², broadcasting. */
export const squaredDifference = binary('squaredDifference', {
  formula: '∂z/∂x = 2(x − y), ∂z/∂y = −2(x − y)',
  value: (x, y) => (x - y) * (x - y),
  // z = (x − y)²  =>  dx = 2 dz (x − y), dy = −2 dz (x − y)
  partials: [(x, y) => (x - y) * 2, (x, y) => (x - y) * -2],
  derivatives: [(x, y) => mul(sub(x, y), 2), (x, y) => mul(sub(x, y), -2)],
});
