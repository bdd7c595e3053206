import { mapUnary, sigmoidBackward, sigmoidDerivativeValue, sigmoidValue } from '../kernels.ts';
import { isGradEnabled, record } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { div, mul, neg } from './arith.ts';
import { greater, sign } from './compare.ts';

/** eˣ. */
export function exp(x: Tensor): Tensor {
  const out = mapUnary(x, Math.exp, 'exp');
  // y = eˣ  =>  dx = dy y
  return record('exp', [x], out, (dy: Tensor) => [mul(dy, out)]);
}

/** ln x (NaN for x < 0, −Inf at 0). */
export function log(x: Tensor): Tensor {
  const out = mapUnary(x, Math.log, 'log');
  // y = ln x  =>  dx = dy / x
  return record('log', [x], out, (dy: Tensor) => [div(dy, x)]);
}

/** √x. */
export function sqrt(x: Tensor): Tensor {
  const out = mapUnary(x, Math.sqrt);
  // y = √x  =>  dx = dy / (2y)   (+Inf at x = 0)
  return record('sqrt', [x], out, (dy: Tensor) => [div(dy, mul(out, 2))]);
}

/** |x|. */
export function abs(x: Tensor): Tensor {
  const out = mapUnary(x, Math.abs);
  // y = |x|  =>  dx = dy sign(x)   (0 at x = 0, as PyTorch and JAX)
  return record('abs', [x], out, (dy: Tensor) => [mul(dy, sign(x))]);
}

/** σ(x) = 1 / (1 + e^{−x}), finite for any |x|. */
export function sigmoid(x: Tensor): Tensor {
  const out = mapUnary(x, sigmoidValue, 'sigmoid');
  // y = σ(x)  =>  dx = dy σ'(x), with σ' computed by sigmoidDerivative (accurate for large |x|);
  // a first-order pass (nothing recorded) takes the one-loop kernel for the same bits
  return record('sigmoid', [x], out, (dy: Tensor) => [isGradEnabled() ? mul(dy, sigmoidDerivative(x)) : sigmoidBackward(dy, x)]);
}

/**
 * σ'(x) = σ(x) σ(−x) = 1 / (2(1 + cosh x)). Fused because the textbook σ(1 − σ) cancels
 * catastrophically for large x (seed 004 makes the same point): 1 − σ(40) is 0 in float64.
 */
export function sigmoidDerivative(x: Tensor): Tensor {
  const out = mapUnary(x, sigmoidDerivativeValue);
  // y = σ'(x)  =>  dx = dy σ''(x) = dy σ'(x) (σ(−x) − σ(x)) = −dy y tanh(x/2)
  return record('sigmoidDerivative', [x], out, (dy: Tensor) => [neg(mul(mul(dy, out), tanh(mul(x, 0.5))))]);
}

/** tanh x. */
export function tanh(x: Tensor): Tensor {
  const out = mapUnary(x, Math.tanh);
  // y = tanh x  =>  dx = dy sech²x (not 1 − y², which is 0 for |x| > 19 in float64)
  return record('tanh', [x], out, (dy: Tensor) => [mul(dy, tanhDerivative(x))]);
}

/** sech²x = 1 / cosh²x, the derivative of tanh. */
export function tanhDerivative(x: Tensor): Tensor {
  const out = mapUnary(x, (z) => {
    const c = Math.cosh(z);
    return 1 / (c * c);
  });
  // y = sech²x  =>  dx = −2 dy y tanh x
  return record('tanhDerivative', [x], out, (dy: Tensor) => [mul(mul(dy, out), mul(tanh(x), -2))]);
}

/** max(x, 0). */
export function relu(x: Tensor): Tensor {
  const out = mapUnary(x, (v) => (Math.max(v , 0)), 'relu');
  // y = max(x, 0)  =>  dx = dy [x > 0]   (0 at x = 0, as PyTorch)
  return record('relu', [x], out, (dy: Tensor) => [mul(dy, greater(x, 0))]);
}

/** softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^{−|x|}) so it never overflows. */
export function softplus(x: Tensor): Tensor {
  const out = mapUnary(x, (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
  // y = ln(1 + eˣ)  =>  dx = dy σ(x)
  return record('softplus', [x], out, (dy: Tensor) => [mul(dy, sigmoid(x))]);
}
