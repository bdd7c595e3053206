// The unary elementwise primitives: each one descriptor (see elementwise.ts), with its value on
// numbers, its derivative on numbers (Scalar's first-order pass) and as engine ops (every recorded
// pullback), and the formula traces print. They work on Tensors, Scalars and numbers alike.
import '../tensor.ts'; // load order: see ops/index.ts
import { indicator, unary } from '../elementwise.ts';
import { POSITIVE } from '../primitive.ts';
import { sigmoidBackward, sigmoidDerivativeValue, sigmoidValue, softplusValue } from '../kernels.ts';
import { div, mul } from './arith.ts';

/** −x. */
export const neg = unary('neg', {
  formula: '∂z/∂x = −1',
  value: (x) => -x,
  kernel: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = -src[i]!;
  },
  // z = −x  =>  dx = −dz
  partial: () => -1,
  derivative: () => -1,
});

/** eˣ. */
export const exp = unary('exp', {
  formula: '∂z/∂x = eˣ',
  value: Math.exp,
  kernel: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.exp(src[i]!);
  },
  // z = eˣ  =>  dx = dz z
  partial: (_x, z) => z,
  derivative: (_x, z) => z,
});

/** ln x (NaN for x < 0, −Inf at 0). */
export const log = unary('log', {
  formula: '∂z/∂x = 1/x',
  domain: POSITIVE,
  value: Math.log,
  kernel: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.log(src[i]!);
  },
  // z = ln x  =>  dx = dz / x
  partial: (x) => 1 / x,
  derivative: (x) => div(1, x),
});

/** √x. */
export const sqrt = unary('sqrt', {
  formula: '∂z/∂x = 1/(2√x)',
  domain: POSITIVE,
  value: Math.sqrt,
  // z = √x  =>  dx = dz / (2z)   (+Inf at x = 0)
  partial: (_x, z) => 0.5 / z,
  derivative: (_x, z) => div(0.5, z),
});

/** |x|. */
export const abs = unary('abs', {
  formula: '∂z/∂x = sign(x)',
  domain: { low: -4, high: 4, avoid: [0] },
  value: Math.abs,
  // z = |x|  =>  dx = dz sign(x)   (0 at x = 0, as PyTorch and JAX; NaN stays NaN)
  partial: (x) => Math.sign(x),
  derivative: (x) => indicator(x, x, Math.sign),
});

/**
 * σ'(x) = σ(x) σ(−x) = 1 / (2(1 + cosh x)). Its own primitive because the textbook σ(1 − σ)
 * cancels catastrophically for large x (seed 004 makes the same point): 1 − σ(40) is 0 in float64.
 */
export const sigmoidDerivative = unary('sigmoidDerivative', {
  formula: "∂z/∂x = σ''(x)",
  value: sigmoidDerivativeValue,
  // z = σ'(x)  =>  dx = dz σ''(x) = dz σ'(x) (σ(−x) − σ(x)) = −dz z tanh(x/2)
  partial: (x, z) => -z * Math.tanh(x * 0.5),
  derivative: (x, z) => neg(mul(z, tanh(mul(x, 0.5)))),
});

/** σ(x) = 1 / (1 + e^{−x}), finite for any |x|. */
export const sigmoid = unary('sigmoid', {
  formula: "∂z/∂x = σ'(x) = σ(x)σ(−x)",
  value: sigmoidValue,
  kernel: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = sigmoidValue(src[i]!);
  },
  // z = σ(x)  =>  dx = dz σ'(x), σ' computed by sigmoidDerivative (accurate for large |x|)
  partial: (x) => sigmoidDerivativeValue(x),
  derivative: (x) => sigmoidDerivative(x),
  firstOrder: {
    why: 'speed: dz σ′(x) in one loop instead of a σ′ tensor and a product (W1 backward)',
    ulps: { float32: 0, float64: 0 },
    pullback: (dz, x) => [sigmoidBackward(dz, x)],
  },
});

/** sech²x = 1 / cosh²x, the derivative of tanh. */
export const tanhDerivative = unary('tanhDerivative', {
  formula: '∂z/∂x = −2 sech²x tanh x',
  value: (x) => {
    const c = Math.cosh(x);
    return 1 / (c * c);
  },
  // z = sech²x  =>  dx = −2 dz z tanh x
  partial: (x, z) => -2 * z * Math.tanh(x),
  derivative: (x, z) => mul(mul(z, tanh(x)), -2),
});

/** tanh x. */
export const tanh = unary('tanh', {
  formula: '∂z/∂x = sech²x = 1 − tanh²x',
  value: Math.tanh,
  // z = tanh x  =>  dx = dz sech²x (not 1 − z², which is 0 for |x| > 19 in float64)
  partial: (x) => {
    const c = Math.cosh(x);
    return 1 / (c * c);
  },
  derivative: (x) => tanhDerivative(x),
});

/** cosh x. */
export const cosh = unary('cosh', {
  formula: '∂z/∂x = sinh x',
  value: Math.cosh,
  // z = cosh x  =>  dx = dz sinh x
  partial: (x) => Math.sinh(x),
  derivative: (x) => sinh(x),
});

/** sinh x. */
export const sinh = unary('sinh', {
  formula: '∂z/∂x = cosh x',
  value: Math.sinh,
  // z = sinh x  =>  dx = dz cosh x
  partial: (x) => Math.cosh(x),
  derivative: (x) => cosh(x),
});

/** sin x. */
export const sin = unary('sin', {
  formula: '∂z/∂x = cos x',
  value: Math.sin,
  // z = sin x  =>  dx = dz cos x
  partial: (x) => Math.cos(x),
  derivative: (x) => cos(x),
});

/** cos x. */
export const cos = unary('cos', {
  formula: '∂z/∂x = −sin x',
  value: Math.cos,
  // z = cos x  =>  dx = −dz sin x
  partial: (x) => -Math.sin(x),
  derivative: (x) => neg(sin(x)),
});

/** max(x, 0); NaN stays NaN (a diverged layer must not look healthy). */
export const relu = unary('relu', {
  formula: '∂z/∂x = [x > 0]',
  domain: { low: -4, high: 4, avoid: [0] },
  value: (x) => Math.max(x, 0),
  kernel: (src, out) => {
    for (let i = 0; i < src.length; i++) out[i] = Math.max(src[i]!, 0);
  },
  // z = max(x, 0)  =>  dx = dz [x > 0]   (0 at x = 0; at NaN the cotangent passes, as PyTorch's
  // threshold_backward, so a NaN never becomes a zero gradient)
  partial: (x) => (x <= 0 ? 0 : 1),
  derivative: (x) => indicator(x, x, (v) => (v <= 0 ? 0 : 1)),
});

/** softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^{−|x|}) so it never overflows. */
export const softplus = unary('softplus', {
  formula: '∂z/∂x = σ(x)',
  value: softplusValue,
  // z = ln(1 + eˣ)  =>  dx = dz σ(x)
  partial: (x) => sigmoidValue(x),
  derivative: (x) => sigmoid(x),
});
