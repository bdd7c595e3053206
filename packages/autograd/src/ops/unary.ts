import { mapUnary, sigmoidBackward, sigmoidDerivativeValue, sigmoidValue } from '../kernels.ts';
import { isGradEnabled, markCut, record } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { checkTensor } from '../args.ts';
import { div, mul, neg } from './arith.ts';
import { sign } from './compare.ts';

/** eˣ. */
export function exp(x: Tensor): Tensor {
  checkTensor('exp', 'x', x);
  const out = mapUnary(x, Math.exp, 'exp');
  // y = eˣ  =>  dx = dy y
  return record('exp', [x], out, (dy: Tensor) => [mul(dy, out)]);
}

/** ln x (NaN for x < 0, −Inf at 0). */
export function log(x: Tensor): Tensor {
  checkTensor('log', 'x', x);
  const out = mapUnary(x, Math.log, 'log');
  // y = ln x  =>  dx = dy / x
  return record('log', [x], out, (dy: Tensor) => [div(dy, x)]);
}

/** √x. */
export function sqrt(x: Tensor): Tensor {
  checkTensor('sqrt', 'x', x);
  const out = mapUnary(x, Math.sqrt);
  // y = √x  =>  dx = dy / (2y)   (+Inf at x = 0)
  return record('sqrt', [x], out, (dy: Tensor) => [div(dy, mul(out, 2))]);
}

/** |x|. */
export function abs(x: Tensor): Tensor {
  checkTensor('abs', 'x', x);
  const out = mapUnary(x, Math.abs);
  // y = |x|  =>  dx = dy sign(x)   (0 at x = 0, as PyTorch and JAX)
  return record('abs', [x], out, (dy: Tensor) => [mul(dy, sign(x))]);
}

/** σ(x) = 1 / (1 + e^{−x}), finite for any |x|. */
export function sigmoid(x: Tensor): Tensor {
  checkTensor('sigmoid', 'x', x);
  const out = mapUnary(x, sigmoidValue, 'sigmoid');
  // y = σ(x)  =>  dx = dy σ'(x), with σ' computed by sigmoidDerivative (accurate for large |x|);
  // a first-order pass (nothing recorded) takes the one-loop kernel for the same bits
  const y = record('sigmoid', [x], out, (dy: Tensor) => [isGradEnabled() ? mul(dy, sigmoidDerivative(x)) : sigmoidBackward(dy, x)]);
  if (y.inputs !== null) recordedSigmoids.add(y);
  return y;
}

/** The outputs of this engine's sigmoid that are on the tape: recognised by identity, never by op name. */
const recordedSigmoids = new WeakSet<Tensor>();

/**
 * z when `p` is the recorded output of the engine's `sigmoid(z)` (still on the tape), else null.
 * A user op named 'sigmoid' (defineOp('sigmoid', …)) is never taken for it: losses use this to
 * compute a cost from the logits exactly.
 */
export function sigmoidLogits(p: Tensor): Tensor | null {
  return recordedSigmoids.has(p) && p.inputs !== null ? (p.inputs[0] as Tensor) : null;
}

/**
 * σ'(x) = σ(x) σ(−x) = 1 / (2(1 + cosh x)). Fused because the textbook σ(1 − σ) cancels
 * catastrophically for large x (seed 004 makes the same point): 1 − σ(40) is 0 in float64.
 */
export function sigmoidDerivative(x: Tensor): Tensor {
  checkTensor('sigmoidDerivative', 'x', x);
  const out = mapUnary(x, sigmoidDerivativeValue);
  // y = σ'(x)  =>  dx = dy σ''(x) = dy σ'(x) (σ(−x) − σ(x)) = −dy y tanh(x/2)
  return record('sigmoidDerivative', [x], out, (dy: Tensor) => [neg(mul(mul(dy, out), tanh(mul(x, 0.5))))]);
}

/** tanh x. */
export function tanh(x: Tensor): Tensor {
  checkTensor('tanh', 'x', x);
  const out = mapUnary(x, Math.tanh);
  // y = tanh x  =>  dx = dy sech²x (not 1 − y², which is 0 for |x| > 19 in float64)
  return record('tanh', [x], out, (dy: Tensor) => [mul(dy, tanhDerivative(x))]);
}

/** sech²x = 1 / cosh²x, the derivative of tanh. */
export function tanhDerivative(x: Tensor): Tensor {
  checkTensor('tanhDerivative', 'x', x);
  const out = mapUnary(x, (z) => {
    const c = Math.cosh(z);
    return 1 / (c * c);
  });
  // y = sech²x  =>  dx = −2 dy y tanh x
  return record('tanhDerivative', [x], out, (dy: Tensor) => [mul(mul(dy, out), mul(tanh(x), -2))]);
}

/** max(x, 0). */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', 'x', x);
  // Math.max propagates NaN: a diverged input stays visible (as PyTorch and JAX)
  const out = mapUnary(x, (v) => Math.max(v, 0), 'relu');
  // y = max(x, 0)  =>  dx = dy [x > 0]   (0 at x = 0, as PyTorch); at x = NaN the cotangent
  // passes, as through every op that routes its input (maximum, max), so NaN is not hidden by a 0
  return record('relu', [x], out, (dy: Tensor) => [mul(dy, reluMask(x))]);
}

/** [x > 0] with NaN counted as passing (1): relu's local derivative, a constant (not recorded). */
function reluMask(x: Tensor): Tensor {
  const mask = mapUnary(x, (v) => (v <= 0 ? 0 : 1));
  markCut('nondifferentiable', 'relu', [x], mask);
  return mask;
}

/** softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^{−|x|}) so it never overflows. */
export function softplus(x: Tensor): Tensor {
  checkTensor('softplus', 'x', x);
  const out = mapUnary(x, (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
  // y = ln(1 + eˣ)  =>  dx = dy σ(x)
  return record('softplus', [x], out, (dy: Tensor) => [mul(dy, sigmoid(x))]);
}
