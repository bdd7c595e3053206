// Selections: argmax/argmin (indices, not differentiable), any/all (0/1, not differentiable) and
// topk (values differentiable, indices not).
import '../tensor.ts'; // load order: see ops/index.ts
import { ValueError, formatShape } from '../errors.ts';
import { checkBoolean, checkInteger, checkOptions, checkTensor, given } from '../args.ts';
import { normalizeAxis, sizeOf } from '../shape.ts';
import { markCut, record } from '../tape.ts';
import { Tensor, arrayFor } from '../tensor.ts';
import type { Axis } from '../tensor.ts';
import { primitive } from '../primitive.ts';
import { reshape, scatterAdd } from './shape.ts';
import { outShapeOf, reduceArgs } from './reduce.ts';
import type { KeepDims, ReduceOptions } from './reduce.ts';
import { foldAxes, forEachSlice, layoutOf } from './along.ts';

const TOPK = primitive('topk', 'dx = dz scattered back to the positions of the chosen values');

/** Not differentiable: the result is a constant, marked as a cut so that whyNoGrad can name it. */
function constant(op: string, x: Tensor, out: Tensor): Tensor {
  markCut('nondifferentiable', op, [x], out);
  return out;
}

/** Where the first NaN or the first largest (sign 1) or smallest (sign −1) entry of the slice is: NaN wins, as NumPy and PyTorch. */
function bestIndex(src: ArrayLike<number>, base: number, stride: number, n: number, sign: number): number {
  let best = 0;
  let bv = src[base]!;
  for (let j = 1; j < n && !Number.isNaN(bv); j++) {
    const v = src[base + j * stride]!;
    if (Number.isNaN(v) || v * sign > bv * sign) {
      best = j;
      bv = v;
    }
  }
  return best;
}

/** argmax/argmin's axis: one integer, or none (an index into the flattened tensor). */
export interface ArgOptions {
  axis?: number;
  keepDims?: boolean;
}

function argExtremum(fn: 'argmax' | 'argmin', input: unknown, axis: unknown, keepDims: unknown): Tensor {
  const raw = axis !== null && typeof axis === 'object' && !Array.isArray(axis) ? (axis as ArgOptions).axis : axis;
  if (Array.isArray(raw)) throw new ValueError(fn, `axis must be one integer (or omitted for the index into the flattened tensor), got ${given(raw)}`);
  const { t: x, axes, keep } = reduceArgs(fn, input, axis as Axis | ReduceOptions | undefined, keepDims as KeepDims | undefined);
  const flat = raw === undefined;
  const shape = outShapeOf(x.shape, axes, keep);
  const layout = flat ? { outer: 1, n: x.size, inner: 1 } : layoutOf(x.shape, axes[0]!);
  if (layout.n === 0 && sizeOf(shape) > 0) {
    throw new ValueError(fn, `${flat ? 'x' : `axis ${axes[0]} of shape ${formatShape(x.shape)}`} is empty (size 0): the ${fn} of no elements is undefined`);
  }
  const out = arrayFor(x.dtype, sizeOf(shape));
  const sign = fn === 'argmax' ? 1 : -1;
  let k = 0;
  forEachSlice(layout, (base, stride) => {
    out[k++] = bestIndex(x.data, base, stride, layout.n, sign);
  });
  // forEachSlice visits (o, i) in row-major order: the order of the result's entries.
  return constant(fn, x, new Tensor(out, shape, x.dtype));
}

/**
 * The index of the largest entry along `axis` (of the flattened tensor when omitted), as a tensor
 * of x's dtype holding integers; the first at ties, and the first NaN if any (as NumPy and
 * PyTorch). `argmax(x, axis, keepDims)` or `argmax(x, { axis, keepDims })`. Not differentiable.
 */
export function argmax(x: Tensor, axis?: number | ArgOptions, keepDims?: KeepDims): Tensor {
  return argExtremum('argmax', x, axis, keepDims);
}

/** The index of the smallest entry, as `argmax`. Not differentiable. */
export function argmin(x: Tensor, axis?: number | ArgOptions, keepDims?: KeepDims): Tensor {
  return argExtremum('argmin', x, axis, keepDims);
}

/** 1 where any entry over `axis` is non-zero (NaN counts as non-zero), else 0; 0 over no entries. Not differentiable. */
export function any(input: Tensor, axis?: Axis | ReduceOptions, keepDims?: KeepDims): Tensor {
  const { t: x, axes, keep } = reduceArgs('any', input, axis, keepDims);
  const { data } = foldAxes(x, axes, 0, (acc, v) => (acc !== 0 || v !== 0 ? 1 : 0));
  return constant('any', x, new Tensor(data, outShapeOf(x.shape, axes, keep), x.dtype));
}

/** 1 where every entry over `axis` is non-zero (NaN counts as non-zero), else 0; 1 over no entries. Not differentiable. */
export function all(input: Tensor, axis?: Axis | ReduceOptions, keepDims?: KeepDims): Tensor {
  const { t: x, axes, keep } = reduceArgs('all', input, axis, keepDims);
  const { data } = foldAxes(x, axes, 1, (acc, v) => (acc !== 0 && v !== 0 ? 1 : 0));
  return constant('all', x, new Tensor(data, outShapeOf(x.shape, axes, keep), x.dtype));
}

export interface TopkOptions {
  /** The axis to select along (default −1, the last). */
  axis?: number;
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /** Values in order, largest first (smallest first when !largest) (default); otherwise in the order they appear along the axis. */
  sorted?: boolean;
}

/**
 * The k largest (or smallest) entries along `axis` and their indices (torch.topk): `values`
 * differentiable (the gradient goes back to the chosen positions), `indices` a constant tensor of
 * x's dtype holding integers. Ties go to the lowest index; NaN counts as larger than any number
 * (as PyTorch).
 */
export function topk(input: Tensor, k: number, options?: TopkOptions): { values: Tensor; indices: Tensor } {
  const fn = 'topk';
  const x = checkTensor(fn, 'x', input);
  const o = checkOptions<TopkOptions>(fn, options, ['axis', 'largest', 'sorted']);
  const axis = normalizeAxis(fn, checkInteger(fn, 'axis', o.axis ?? -1), x.rank);
  const largest = o.largest === undefined ? true : checkBoolean(fn, 'largest', o.largest);
  const sorted = o.sorted === undefined ? true : checkBoolean(fn, 'sorted', o.sorted);
  const layout = layoutOf(x.shape, axis);
  checkInteger(fn, 'k', k);
  if (k < 0 || k > layout.n) {
    throw new ValueError(fn, `k must be an integer in [0, ${layout.n}] (the size of axis ${axis} of shape ${formatShape(x.shape)}), got ${k}`);
  }
  const shape = x.shape.map((d, i) => (i === axis ? k : d));
  const values = arrayFor(x.dtype, sizeOf(shape));
  const indices = arrayFor(x.dtype, values.length);
  const flatIndex: number[] = new Array(values.length);
  const src = x.data;
  const order = Array.from({ length: layout.n }, (_, j) => j);
  // NaN ranks above every number; sort is stable, so ties keep the lowest index first.
  const rank = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0);
  forEachSlice(layout, (base, stride, s) => {
    const chosen = order.slice().sort((a, b) => {
      const c = rank(src[base + a * stride]!, src[base + b * stride]!);
      return (largest ? -c : c) || a - b;
    });
    const top = chosen.slice(0, k);
    if (!sorted) top.sort((a, b) => a - b);
    // the output slice (o, i) starts at o·k·inner + i, with the same stride as the input's
    const outBase = Math.floor(s / layout.inner) * k * layout.inner + (s % layout.inner);
    top.forEach((j, r) => {
      const q = outBase + r * stride;
      values[q] = src[base + j * stride]!;
      indices[q] = j;
      flatIndex[q] = base + j * stride;
    });
  });
  const out = new Tensor(values, shape, x.dtype);
  // z = x at the chosen positions  =>  dx = dz added back at those positions (a scatterAdd, whose
  // pullback is a gather: differentiable again)
  const recorded = record(TOPK, [x], out, (dz: Tensor) => [reshape(scatterAdd(reshape(dz, [dz.size]), flatIndex, 0, x.size), x.shape)], {
    k,
    axis,
    largest,
    sorted,
  });
  return { values: recorded, indices: constant(fn, x, new Tensor(indices, shape, x.dtype)) };
}
