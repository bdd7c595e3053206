import { mapBinary, mapUnary, reduceMax, reduceSum } from '../kernels.ts';
import { ShapeError, ValueError, formatShape } from '../errors.ts';
import { checkAxisArg, checkBoolean, checkInteger, checkOptions, checkTensor, given } from '../args.ts';
import { broadcastsTo, checkShape, normalizeAxes, normalizeAxis, sameShape, sizeOf } from '../shape.ts';
import type { Shape } from '../shape.ts';
import { record } from '../tape.ts';
import { Tensor, arrayFor } from '../tensor.ts';
import type { Axis } from '../tensor.ts';
import { div, mul, sub } from './arith.ts';
import { broadcastTo, reshape } from './shape.ts';
import { exp } from './unary.ts';
import { primitive } from '../primitive.ts';

const SUM = primitive('sum', 'dx = dz broadcast over the summed axes');
const MAX = primitive('max', 'dx = dz at the argmax (shared among ties)');
const MIN = primitive('min', 'dx = dz at the argmin (shared among ties)');
const LOG_SUM_EXP = primitive('logSumExp', 'dx = dz · softmax(x)');

export function outShapeOf(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** What a reduction reduces over: `axis` (all axes when omitted) and whether reduced axes stay as size 1. */
export interface ReduceOptions {
  axis?: Axis;
  keepDims?: boolean;
}

/** The keepDims argument alone: a boolean, or `{ keepDims }` after a positional axis. */
export type KeepDims = boolean | { keepDims?: boolean };

/**
 * A reduction's arguments in either form, `f(x, axis?, keepDims?)` (keepDims a boolean or
 * `{ keepDims }`) or `f(x, { axis, keepDims })`, checked: sorted non-negative axes and keepDims.
 * `extra` names further options either object may hold (var's `correction`), returned as `options`.
 */
export function reduceArgs(
  fn: string,
  x: unknown,
  axis: Axis | ReduceOptions | undefined,
  keepDims: KeepDims | undefined,
  extra: readonly string[] = [],
): { t: Tensor; axes: number[]; keep: boolean; options: Record<string, unknown> } {
  const t = checkTensor(fn, 'x', x);
  let ax: unknown = axis;
  let keep: unknown = keepDims;
  let options: Record<string, unknown> = {};
  if (axis !== null && typeof axis === 'object' && !Array.isArray(axis)) {
    if (keepDims !== undefined)
      throw new ValueError(fn, `with an options object { axis, keepDims } as second argument, pass no third argument; got ${given(keepDims)}`);
    const o = checkOptions<ReduceOptions>(fn, axis, ['axis', 'keepDims', ...(extra as [])]);
    options = o;
    ax = o.axis;
    keep = o.keepDims;
  } else if (keepDims !== null && typeof keepDims === 'object') {
    options = checkOptions<ReduceOptions>(fn, keepDims, ['keepDims', ...(extra as [])]);
    keep = options.keepDims;
  }
  const axes = normalizeAxes(fn, checkAxisArg(fn, ax), t.rank);
  return { t, axes, keep: keep === undefined ? false : checkBoolean(fn, 'keepDims', keep), options };
}

/** softmax's axis: an integer (default −1) or `{ axis }`. */
function singleAxis(fn: string, x: unknown, axis: number | { axis?: number }): { t: Tensor; a: number } {
  const t = checkTensor(fn, 'x', x);
  const ax = axis !== null && typeof axis === 'object' ? (checkOptions<{ axis: number }>(fn, axis, ['axis']).axis ?? -1) : axis;
  return { t, a: normalizeAxis(fn, checkInteger(fn, 'axis', ax), t.rank) };
}

/** Σ over `axis` (all axes when omitted); `sum(x, axis, keepDims)` or `sum(x, { axis, keepDims })`. */
export function sum(input: Tensor, axis?: Axis | ReduceOptions, keepDims?: KeepDims): Tensor {
  const { t: x, axes, keep } = reduceArgs('sum', input, axis, keepDims);
  return sumAxes(x, axes, keep);
}

function sumAxes(x: Tensor, axes: number[], keepDims: boolean): Tensor {
  const { data, keptShape } = reduceSum(x, axes);
  const out = new Tensor(data, outShapeOf(x.shape, axes, keepDims), x.dtype);
  // y = Σ_axes x  =>  dx = dy broadcast back over the summed axes
  return record(SUM, [x], out, (dy: Tensor) => [broadcastTo(reshape(dy, keptShape), x.shape)], { axes, keepDims });
}

/** Mean over `axis` (all axes when omitted): sum / count; `mean(x, axis, keepDims)` or `mean(x, { axis, keepDims })`. */
export function mean(input: Tensor, axis?: Axis | ReduceOptions, keepDims?: KeepDims): Tensor {
  const { t: x, axes, keep } = reduceArgs('mean', input, axis, keepDims);
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  return div(sumAxes(x, axes, keep), count);
}

function extremum(fn: 'max' | 'min', input: Tensor, axis: Axis | ReduceOptions | undefined, keep: KeepDims | undefined): Tensor {
  const { t: x, axes, keep: keepDims } = reduceArgs(fn, input, axis, keep);
  const shape = outShapeOf(x.shape, axes, keepDims);
  const empty = axes.find((a) => x.shape[a] === 0);
  // As NumPy: a max over no elements has no identity, unless the result itself is empty.
  if (empty !== undefined && sizeOf(shape) > 0) {
    throw new ValueError(fn, `axis ${empty} of shape ${formatShape(x.shape)} is empty (size 0): the ${fn} of no elements is undefined`);
  }
  const { data, keptShape } = reduceMax(x, axes, fn === 'max' ? 1 : -1);
  const out = new Tensor(data, shape, x.dtype);
  // y = max_axes x  =>  dx = dy where x attains the max, shared equally among ties (as JAX); where
  // the max is NaN, the NaN entries are where it came from and share dy (as PyTorch)
  return record(
    fn === 'max' ? MAX : MIN,
    [x],
    out,
    (dy: Tensor) => {
      const kept = new Tensor(data, keptShape, x.dtype);
      const mask = mapBinary(fn, x, kept, (v, m) => (v === m || (Number.isNaN(v) && Number.isNaN(m)) ? 1 : 0));
      const count = reduceSum(mask, axes).data;
      const share = div(mask, new Tensor(count, keptShape, x.dtype));
      return [mul(reshape(dy, keptShape), share)];
    },
    { axes, keepDims },
  );
}

/** Largest value over `axis` (all axes when omitted); NaN if any is NaN. `max(x, axis, keepDims)` or `max(x, { axis, keepDims })`. */
export function max(x: Tensor, axis?: Axis | ReduceOptions, keepDims?: KeepDims): Tensor {
  return extremum('max', x, axis, keepDims);
}

/** Smallest value over `axis` (all axes when omitted); NaN if any is NaN. `min(x, axis, keepDims)` or `min(x, { axis, keepDims })`. */
export function min(x: Tensor, axis?: Axis | ReduceOptions, keepDims?: KeepDims): Tensor {
  return extremum('min', x, axis, keepDims);
}

/**
 * log Σ exp(x) over `axis`, computed as m + log Σ exp(x − m) with m the max, so that it is finite
 * for inputs of any magnitude. A primitive for that stability.
 */
export function logSumExp(input: Tensor, axis?: Axis | ReduceOptions, keep?: KeepDims): Tensor {
  const { t: x, axes, keep: keepDims } = reduceArgs('logSumExp', input, axis, keep);
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

/** exp(x) / Σ exp(x) along `axis` (default last; or `{ axis }`), as exp(x − logSumExp(x)): a composite. */
export function softmax(input: Tensor, axis: number | { axis?: number } = -1): Tensor {
  const { t: x, a } = singleAxis('softmax', input, axis);
  return exp(sub(x, logSumExp(x, a, true)));
}

/** x − logSumExp(x) along `axis` (default last; or `{ axis }`): a composite, stable for any magnitude. */
export function logSoftmax(input: Tensor, axis: number | { axis?: number } = -1): Tensor {
  const { t: x, a } = singleAxis('logSoftmax', input, axis);
  return sub(x, logSumExp(x, a, true));
}

/**
 * Sum `x` down to `shape`, undoing a broadcast from `shape` to `x.shape`. The backward pass calls
 * this, in one place, for every input that was broadcast.
 */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  const fn = 'sumTo';
  checkTensor(fn, 'x', x);
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
  return reshape(sumAxes(x, axes, true), shape);
}
