// Trigonometric and hyperbolic functions and their inverses, each one elementwise descriptor (see
// elementwise.ts); sin, cos, tanh, sinh and cosh are in unary.ts. Domains keep away from the poles
// (tan at ±π/2) and the ends where the derivative is infinite (asin, acos, atanh at ±1, acosh at 1).
import '../tensor.ts'; // load order: see ops/index.ts
import { binary, unary } from '../elementwise.ts';
import { add, div, mul, sub } from './arith.ts';
import { reciprocal, rsqrt } from './special.ts';
import { neg } from './unary.ts';

const INSIDE_UNIT = { low: -0.95, high: 0.95 };

/** tan x. */
export const tan = unary('tan', {
  formula: '∂z/∂x = 1 + tan²x',
  domain: { low: -1.4, high: 1.4 },
  value: Math.tan,
  // z = tan x  =>  dx = dz (1 + z²)
  partial: (_x, z) => 1 + z * z,
  derivative: (_x, z) => add(mul(z, z), 1),
});

/** arcsin x (NaN outside [−1, 1]). */
export const asin = unary('asin', {
  formula: '∂z/∂x = 1/√(1 − x²)',
  domain: INSIDE_UNIT,
  value: Math.asin,
  // z = arcsin x  =>  dx = dz / √((1 − x)(1 + x))   (the product keeps its digits near ±1)
  partial: (x) => 1 / Math.sqrt((1 - x) * (1 + x)),
  derivative: (x) => rsqrt(mul(sub(1, x), add(x, 1))),
});

/** arccos x (NaN outside [−1, 1]). */
export const acos = unary('acos', {
  formula: '∂z/∂x = −1/√(1 − x²)',
  domain: INSIDE_UNIT,
  value: Math.acos,
  // z = arccos x  =>  dx = −dz / √((1 − x)(1 + x))
  partial: (x) => -(1 / Math.sqrt((1 - x) * (1 + x))),
  derivative: (x) => neg(rsqrt(mul(sub(1, x), add(x, 1)))),
});

/** arctan x. */
export const atan = unary('atan', {
  formula: '∂z/∂x = 1/(1 + x²)',
  value: Math.atan,
  // z = arctan x  =>  dx = dz / (1 + x²)
  partial: (x) => 1 / (x * x + 1),
  derivative: (x) => reciprocal(add(mul(x, x), 1)),
});

/**
 * atan2(a, b): the angle of the point (b, a), in (−π, π], as torch.atan2(input=a, other=b).
 * The domains keep a > 0, away from the origin and the branch cut along the negative b axis.
 */
export const atan2 = binary('atan2', {
  formula: '∂z/∂x = y/(x² + y²), ∂z/∂y = −x/(x² + y²)',
  domains: [
    { low: 0.25, high: 4 },
    { low: -4, high: 4 },
  ],
  value: Math.atan2,
  // z = atan2(x, y)  =>  dx = dz y / (x² + y²), dy = −dz x / (x² + y²)
  partials: [(x, y) => y / (x * x + y * y), (x, y) => -(x / (x * x + y * y))],
  derivatives: [(x, y) => div(y, add(mul(x, x), mul(y, y))), (x, y) => neg(div(x, add(mul(x, x), mul(y, y))))],
});

/** arsinh x = ln(x + √(x² + 1)). */
export const asinh = unary('asinh', {
  formula: '∂z/∂x = 1/√(x² + 1)',
  value: Math.asinh,
  // z = arsinh x  =>  dx = dz / √(x² + 1)
  partial: (x) => 1 / Math.sqrt(x * x + 1),
  derivative: (x) => rsqrt(add(mul(x, x), 1)),
});

/** arcosh x (NaN below 1). */
export const acosh = unary('acosh', {
  formula: '∂z/∂x = 1/√(x² − 1)',
  domain: { low: 1.05, high: 4 },
  value: Math.acosh,
  // z = arcosh x  =>  dx = dz / √((x − 1)(x + 1))   (the product keeps its digits near 1)
  partial: (x) => 1 / Math.sqrt((x - 1) * (x + 1)),
  derivative: (x) => rsqrt(mul(sub(x, 1), add(x, 1))),
});

/** artanh x (±Inf at ±1, NaN beyond). */
export const atanh = unary('atanh', {
  formula: '∂z/∂x = 1/(1 − x²)',
  domain: INSIDE_UNIT,
  value: Math.atanh,
  // z = artanh x  =>  dx = dz / ((1 − x)(1 + x))
  partial: (x) => 1 / ((1 - x) * (1 + x)),
  derivative: (x) => reciprocal(mul(sub(1, x), add(x, 1))),
});
