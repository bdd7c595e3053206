// Clamping: clamp (torch.clamp / clip, with number or tensor bounds) and hardTanh and relu6 (number
// bounds). Composites of `where` on constant masks, which give exactly PyTorch's gradients, where
// a composite of maximum and minimum would not (those split the cotangent in half at ties):
//   clamp:    x gets the cotangent where min ≤ x ≤ max (clamp_backward, inclusive), a tensor min
//             where x < min, a tensor max where x > max or max < min (clamp_backward_min_max);
//   hardTanh: x gets it where min < x < max only (hardtanh_backward, exclusive).
// At NaN x the cotangent passes to x (no mask claims it), so a NaN never gets a finite 0 gradient.
import '../tensor.ts'; // load order: see ops/index.ts
import { checkNumber, checkTensor, checkTensorLike } from '../args.ts';
import { ValueError, formatValue } from '../errors.ts';
import { mapBinary } from '../kernels.ts';
import { type Tensor, type TensorLike, lift } from '../tensor.ts';
import { where } from './compare.ts';

/** A 0/1 mask of f over x and a bound (broadcast), not recorded: a constant of the recorded values. */
function mask(fn: string, x: Tensor, bound: Tensor, f: (p: number, q: number) => boolean): Tensor {
  return mapBinary(fn, x, bound, (p, q) => (f(p, q) ? 1 : 0));
}

/**
 * min(max(x, min), max) elementwise, bounds broadcast against x (torch.clamp); either bound may be
 * omitted (undefined or null), not both. If min > max the result is max everywhere (as PyTorch).
 * A NaN bound gives NaN. Gradients flow to tensor bounds where they are the result. At min = max
 * with x below, the cotangent goes to min (PyTorch gives it to neither bound).
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  const fn = 'clamp';
  checkTensor(fn, 'x', x);
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw new ValueError(fn, 'at least one of min and max must be given (a Tensor or a number), got neither');
  const lo = hasMin ? lift(fn, checkTensorLike(fn, 'min', min), x.dtype) : null;
  const hi = hasMax ? lift(fn, checkTensorLike(fn, 'max', max), x.dtype) : null;
  let z = x;
  if (lo !== null)
    z = where(
      mask(fn, x, lo, (p, q) => p < q || Number.isNaN(q)),
      lo,
      z,
    );
  if (hi !== null) {
    let above = mask(fn, x, hi, (p, q) => p > q || Number.isNaN(q));
    if (lo !== null)
      above = mapBinary(
        fn,
        above,
        mask(fn, lo, hi, (p, q) => p > q),
        (p, q) => (p !== 0 || q !== 0 ? 1 : 0),
      );
    z = where(above, hi, z);
  }
  return z;
}

/** torch.clip: the same as clamp. */
export function clip(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  return clamp(x, min, max);
}

/**
 * hardTanh(x) = min(max(x, minVal), maxVal) with number bounds (defaults −1, 1), as
 * torch.nn.functional.hardtanh: the gradient passes where minVal < x < maxVal (0 at the bounds).
 */
export function hardTanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return hardTanhOf('hardTanh', x, minVal, maxVal);
}

/** relu6(x) = min(max(x, 0), 6) = hardTanh(x, 0, 6): gradient 0 at 0 and at 6 (as PyTorch). */
export function relu6(x: Tensor): Tensor {
  return hardTanhOf('relu6', x, 0, 6);
}

function hardTanhOf(fn: string, x: Tensor, minVal: number, maxVal: number): Tensor {
  checkTensor(fn, 'x', x);
  checkNumber(fn, 'minVal', minVal);
  checkNumber(fn, 'maxVal', maxVal);
  if (!(minVal <= maxVal)) throw new ValueError(fn, `minVal must be at most maxVal, got minVal ${formatValue(minVal)} and maxVal ${formatValue(maxVal)}`);
  const lo = lift(fn, minVal, x.dtype);
  const hi = lift(fn, maxVal, x.dtype);
  const below = where(
    mask(fn, x, lo, (p, q) => p <= q),
    lo,
    x,
  );
  return where(
    mask(fn, x, hi, (p, q) => p >= q),
    hi,
    below,
  );
}
