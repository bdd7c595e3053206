// Predicates on values and logical connectives: 0/1 tensors of the operand's dtype, as the
// comparisons in compare.ts, and like them constants (not differentiable; marked as a cut so that
// whyNoGrad can say where a path to a parameter ends). Truth is C's and PyTorch's: 0 (and −0) is
// false, anything else is true, NaN included.
import '../tensor.ts'; // load order: see ops/index.ts
import { checkTensor, operands } from '../args.ts';
import { mapBinary, mapUnary } from '../kernels.ts';
import { markCut } from '../tape.ts';
import type { Tensor, TensorLike } from '../tensor.ts';

function predicate(op: string, x: Tensor, f: (v: number) => boolean): Tensor {
  checkTensor(op, 'x', x);
  const out = mapUnary(x, (v) => (f(v) ? 1 : 0));
  markCut('nondifferentiable', op, [x], out);
  return out;
}

function connective(op: string, a: TensorLike, b: TensorLike, f: (p: boolean, q: boolean) => boolean): Tensor {
  const [x, y] = operands(op, a, b);
  const out = mapBinary(op, x, y, (p, q) => (f(p !== 0, q !== 0) ? 1 : 0));
  markCut('nondifferentiable', op, [x, y], out);
  return out;
}

/** 1 where x is NaN, else 0 (not differentiable). */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the public name, as tf.isNaN (torch.isnan); this module uses Number.isNaN
export function isNaN(x: Tensor): Tensor {
  return predicate('isNaN', x, Number.isNaN);
}
/** 1 where x is +Inf or −Inf, else 0 (not differentiable). */
export function isInf(x: Tensor): Tensor {
  return predicate('isInf', x, (v) => v === Infinity || v === -Infinity);
}
/** 1 where x is neither NaN nor ±Inf, else 0 (not differentiable). */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the public name, as tf.isFinite (torch.isfinite); this module uses Number.isFinite
export function isFinite(x: Tensor): Tensor {
  return predicate('isFinite', x, Number.isFinite);
}
/** 1 where x is 0, else 0 (not differentiable). */
export function logicalNot(x: Tensor): Tensor {
  return predicate('logicalNot', x, (v) => v === 0);
}
/** 1 where a and b are both non-zero, else 0 (not differentiable). */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return connective('logicalAnd', a, b, (p, q) => p && q);
}
/** 1 where a or b is non-zero, else 0 (not differentiable). */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return connective('logicalOr', a, b, (p, q) => p || q);
}
/** 1 where exactly one of a and b is non-zero, else 0 (not differentiable). */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return connective('logicalXor', a, b, (p, q) => p !== q);
}
