import { mapBinary, mapUnary, reduceMax, reduceSum } from '../kernels.ts';
import { ShapeError, ValueError, formatShape } from '../errors.ts';
import { broadcastsTo, checkShape, normalizeAxes, normalizeAxis, sameShape, sizeOf } from '../shape.ts';
import type { Shape } from '../shape.ts';
import { record } from '../tape.ts';
import { Tensor, arrayFor } from '../tensor.ts';
import type { Axis } from '../tensor.ts';
import { div, mul, sub } from './arith.ts';
import { equal } from './compare.ts';
import { broadcastTo, reshape } from './shape.ts';
import { exp } from './unary.ts';
import { primitive } from '../primitive.ts';

const SUM = primitive('sum', 'dx = dz broadcast over the summed axes');
const MAX = primitive('max', 'dx = dz at the argmax (shared among ties)');
const MIN = primitive('min', 'dx = dz at the argmin (shared among ties)');
const LOG_SUM_EXP = primitive('logSumExp', 'dx = dz · softmax(x)');

function outShapeOf(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Σ over `axis` (all axes when omitted). */
export function sum(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  const axes = normalizeAxes('sum', axis, x.rank);
  const { data, keptShape } = reduceSum(x, axes);
  const out = new Tensor(data, outShapeOf(x.shape, axes, keepDims), x.dtype);
  // y = Σ_axes x  =>  dx = dy broadcast back over the summed axes
  return record(SUM, [x], out, (dy: Tensor) => [broadcastTo(reshape(dy, keptShape), x.shape)], { axes, keepDims });
}

/** Mean over `axis` (all axes when omitted): sum / count. */
export function mean(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  const axes = normalizeAxes('mean', axis, x.rank);
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  return div(sum(x, axes, keepDims), count);
}

function extremum(fn: 'max' | 'min', x: Tensor, axis: Axis | undefined, keepDims: boolean): Tensor {
  const axes = normalizeAxes(fn, axis, x.rank);
  const shape = outShapeOf(x.shape, axes, keepDims);
  const empty = axes.find((a) => x.shape[a] === 0);
  // As NumPy: a max over no elements has no identity, unless the result itself is empty.
  if (empty !== undefined && sizeOf(shape) > 0) {
    throw new ValueError(fn, `axis ${empty} of shape ${formatShape(x.shape)} is empty (size 0): the ${fn} of no elements is undefined`);
  }
  const { data, keptShape } = reduceMax(x, axes, fn === 'max' ? 1 : -1);
  const out = new Tensor(data, shape, x.dtype);
  // y = max_axes x  =>  dx = dy where x attains the max, shared equally among ties (as JAX)
  return record(
    fn === 'max' ? MAX : MIN,
    [x],
    out,
    (dy: Tensor) => {
      const kept = new Tensor(data, keptShape, x.dtype);
      const mask = equal(x, kept);
      const count = reduceSum(mask, axes).data;
      const share = div(mask, new Tensor(count, keptShape, x.dtype));
      return [mul(reshape(dy, keptShape), share)];
    },
    { axes, keepDims },
  );
}

/** Largest value over `axis` (all axes when omitted). */
export function max(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return extremum('max', x, axis, keepDims);
}

/** Smallest value over `axis` (all axes when omitted). */
export function min(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return extremum('min', x, axis, keepDims);
}

/**
 * log Σ exp(x) over `axis`, computed as m + log Σ exp(x − m) with m the max, so that it is finite
 * for inputs of any magnitude. A primitive for that stability.
 */
export function logSumExp(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  const axes = normalizeAxes('logSumExp', axis, x.rank);
  const m = reduceMax(x, axes);
  // Shift by the max (by 0 where it is ±Inf, all-−Inf rows included, so no Inf − Inf appears).
  const shift = mapUnary(new Tensor(m.data, m.keptShape, x.dtype), (v) => (Number.isFinite(v) ? v : 0));
  const s = reduceSum(
    mapBinary('logSumExp', x, shift, (p, q) => Math.exp(p - q)),
    axes,
  ).data;
  const data = arrayFor(x.dtype, s.length);
  for (let i = 0; i < s.length; i++) data[i] = shift.data[i]! + Math.log(s[i]!);
  const out = new Tensor(data, outShapeOf(x.shape, axes, keepDims), x.dtype);
  // y = log Σ eˣ  =>  dx = dy softmax(x) = dy exp(x − y)
  return record(
    LOG_SUM_EXP,
    [x],
    out,
    (dy: Tensor) => {
      return [mul(reshape(dy, m.keptShape), exp(sub(x, reshape(out, m.keptShape))))];
    },
    { axes, keepDims },
  );
}

/** exp(x) / Σ exp(x) along `axis` (default last), as exp(x − logSumExp(x)): a composite. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis('softmax', axis, x.rank);
  return exp(sub(x, logSumExp(x, a, true)));
}

/** x − logSumExp(x) along `axis` (default last): a composite, stable for any magnitude. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  return sub(x, logSumExp(x, a, true));
}

/**
 * Sum `x` down to `shape`, undoing a broadcast from `shape` to `x.shape`. The backward pass calls
 * this, in one place, for every input that was broadcast.
 */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  const fn = 'sumTo';
  checkShape(fn, shape);
  if (sameShape(x.shape, shape)) return x;
  if (!broadcastsTo(shape, x.shape)) {
    throw new ShapeError(
      fn,
      `cannot sum shape ${formatShape(x.shape)} down to ${formatShape(shape)}: ${formatShape(shape)} does not broadcast to ${formatShape(x.shape)}`,
    );
  }
  const lead = x.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(x, axes, true), shape);
}
