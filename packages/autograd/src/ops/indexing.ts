// Indexing beyond one axis: gather with batch axes, takeAlongAxis, scatter (replace and add) along
// an axis, and segmentSum. Each works out, from the integer indices, which flat entry of x every
// output entry reads (or writes), then runs the differentiable primitives gather and scatterAdd
// (shape.ts) on the flattened tensor: gather's pullback is a scatterAdd and scatterAdd's is a
// gather, so every op here differentiates to any order, and repeated indices add up.
import { ShapeError, ValueError, formatShape, formatValue } from '../errors.ts';
import { checkInteger, checkOptions, checkResultSize, checkTensor, given } from '../args.ts';
import { normalizeAxis, sameShape, sizeOf, stridesOf } from '../shape.ts';
import { Tensor, arrayFor, commonDType } from '../tensor.ts';
import type { TensorLike } from '../tensor.ts';
import { add } from './arith.ts';
import { where } from './compare.ts';
import { broadcastTo, gather, reshape, scatterAdd } from './shape.ts';

export interface GatherOptions {
  /** Leading axes shared by x and indices (tf.gather's batch_dims; negative counts from the rank of indices). */
  batchDims?: number;
}

interface Indices {
  idx: ArrayLike<number>;
  shape: number[];
}

/** Integer indices from a Tensor or a flat array (ranges are the caller's). */
function indicesOf(fn: string, indices: unknown): Indices {
  if (!(indices instanceof Tensor) && !Array.isArray(indices)) {
    throw new ValueError(fn, `indices must be a Tensor or an array of integers, got ${given(indices)}`);
  }
  const idx: ArrayLike<unknown> = indices instanceof Tensor ? indices.data : indices;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(fn, `index ${formatValue(v)} at position ${i} is not an integer`);
  }
  return { idx: idx as ArrayLike<number>, shape: indices instanceof Tensor ? [...indices.shape] : [indices.length] };
}

/** Index v along an axis of size n, negatives from the end, or a ValueError. */
function inRange(fn: string, v: number, n: number, axis: number, at: number): number {
  if (v < -n || v >= n)
    throw new ValueError(fn, `index ${v} at position ${at} is out of range for axis ${axis} of size ${n}; expected integers in [${-n}, ${n - 1}]`);
  return v < 0 ? v + n : v;
}

/** x flattened, read at flat positions `at`, laid out in `shape`. */
function takeFlat(x: Tensor, at: readonly number[], shape: readonly number[]): Tensor {
  return reshape(gather(reshape(x, [x.size]), at, 0), shape);
}

/** gather with `{ batchDims }` (see shape.ts's gather). */
export function gatherBatched(x: Tensor, indices: Tensor | readonly number[], axis: number, options: GatherOptions): Tensor {
  const fn = 'gather';
  const o = checkOptions<GatherOptions>(fn, options, ['batchDims']);
  const { idx, shape: ishape } = indicesOf(fn, indices);
  const requested = checkInteger(fn, 'batchDims', o.batchDims ?? 0);
  const b = requested < 0 ? requested + ishape.length : requested;
  if (b < 0 || b > ishape.length || b > x.rank) {
    throw new ValueError(fn, `batchDims ${requested} is out of range for indices of shape ${formatShape(ishape)} and x of shape ${formatShape(x.shape)}`);
  }
  const ax = normalizeAxis(fn, checkInteger(fn, 'axis', axis), x.rank);
  if (ax < b) throw new ValueError(fn, `axis ${axis} is one of the ${b} batch axes; expected an axis ≥ batchDims`);
  if (!sameShape(x.shape.slice(0, b), ishape.slice(0, b))) {
    throw new ShapeError(
      fn,
      `the ${b} batch axes differ: x has shape ${formatShape(x.shape)} and indices ${formatShape(ishape)}; their first ${b} sizes must match`,
    );
  }
  const n = x.shape[ax]!;
  const shape = [...x.shape.slice(0, ax), ...ishape.slice(b), ...x.shape.slice(ax + 1)];
  checkResultSize(fn, shape);
  // x read as [B, M, n, P] (batch, axes between batch and axis, the axis, the rest); indices as [B, I]
  const B = sizeOf(x.shape.slice(0, b));
  const M = sizeOf(x.shape.slice(b, ax));
  const I = sizeOf(ishape.slice(b));
  const P = sizeOf(x.shape.slice(ax + 1));
  const at: number[] = [];
  for (let bb = 0; bb < B; bb++) {
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < I; i++) {
        const j = inRange(fn, idx[bb * I + i]!, n, ax, bb * I + i);
        for (let p = 0; p < P; p++) at.push(((bb * M + m) * n + j) * P + p);
      }
    }
  }
  return takeFlat(x, at, shape);
}

/** Axis, rank and the per-axis size rule shared by takeAlongAxis and the scatters. */
function alongAxisArgs(fn: string, x: Tensor, indices: unknown, axis: unknown): { ind: Indices; ax: number } {
  checkTensor(fn, 'x', x);
  const ind = indicesOf(fn, indices);
  const ax = normalizeAxis(fn, checkInteger(fn, 'axis', axis), x.rank);
  if (ind.shape.length !== x.rank) {
    throw new ShapeError(fn, `indices must have the rank of x (${x.rank}, shape ${formatShape(x.shape)}), got shape ${formatShape(ind.shape)}`);
  }
  return { ind, ax };
}

/** Visit every position of `shape` in row-major order with its multi-index. */
function forEachPosition(shape: readonly number[], visit: (c: readonly number[], flat: number) => void): void {
  const n = sizeOf(shape);
  const c = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < n; f++) {
    visit(c, f);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++c[d]! < shape[d]!) break;
      c[d] = 0;
    }
  }
}

/**
 * np.take_along_axis / torch.gather: out[…, i, …] = x[…, indices[…, i, …], …] along `axis`, where
 * indices has x's rank; the other axes broadcast against each other (NumPy's rule). Pairs with
 * argmax/argsort-style indices (keepDims) to pick one entry per row.
 */
export function takeAlongAxis(x: Tensor, indices: Tensor | readonly number[], axis: number): Tensor {
  const fn = 'takeAlongAxis';
  const { ind, ax } = alongAxisArgs(fn, x, indices, axis);
  const xs: number[] = [];
  const out: number[] = [];
  for (let d = 0; d < x.rank; d++) {
    const a = x.shape[d]!;
    const i = ind.shape[d]!;
    if (d === ax) {
      xs.push(a);
      out.push(i);
    } else if (a === i || a === 1 || i === 1) {
      const s = a === 1 ? i : a;
      xs.push(s);
      out.push(s);
    } else {
      throw new ShapeError(
        fn,
        `x of shape ${formatShape(x.shape)} and indices of shape ${formatShape(ind.shape)} do not broadcast on axis ${d} (sizes ${a} and ${i}); expected equal sizes or a 1`,
      );
    }
  }
  checkResultSize(fn, out);
  const xb = sameShape(xs, x.shape) ? x : broadcastTo(x, xs);
  const n = xs[ax]!;
  const xst = stridesOf(xs);
  const ist = stridesOf(ind.shape).map((s, d) => (ind.shape[d] === 1 ? 0 : s));
  const at: number[] = [];
  forEachPosition(out, (c) => {
    let ip = 0;
    let xp = 0;
    for (let d = 0; d < c.length; d++) {
      ip += c[d]! * ist[d]!;
      if (d !== ax) xp += c[d]! * xst[d]!;
    }
    at.push(xp + inRange(fn, ind.idx[ip]!, n, ax, ip) * xst[ax]!);
  });
  return takeFlat(xb, at, out);
}

/**
 * What torch.scatter writes: for every position c of indices, the flat target in x (c with axis
 * replaced by indices[c]; the other sizes of indices must not exceed x's) and the value src[c]
 * (src at least as large as indices on every axis, as PyTorch, or a number), as a flat tensor.
 */
function scatterTargets(fn: string, x: Tensor, ind: Indices, ax: number, src: TensorLike): { targets: number[]; values: Tensor } {
  for (let d = 0; d < x.rank; d++) {
    if (d !== ax && ind.shape[d]! > x.shape[d]!) {
      throw new ShapeError(
        fn,
        `indices of shape ${formatShape(ind.shape)} are larger than x of shape ${formatShape(x.shape)} on axis ${d}; expected at most ${x.shape[d]}`,
      );
    }
  }
  const count = sizeOf(ind.shape);
  let values: Tensor;
  if (typeof src === 'number') values = new Tensor(arrayFor(x.dtype, count).fill(src), [count], x.dtype);
  else {
    checkTensor(fn, 'src', src);
    commonDType(fn, x, src);
    if (src.rank !== ind.shape.length || ind.shape.some((d, i) => d > src.shape[i]!)) {
      throw new ShapeError(
        fn,
        `src of shape ${formatShape(src.shape)} is smaller than indices of shape ${formatShape(ind.shape)}; expected the same rank and at least the same sizes (or a number)`,
      );
    }
    const flat = reshape(src, [src.size]);
    if (sameShape(src.shape, ind.shape)) values = flat;
    else {
      const ss = stridesOf(src.shape);
      const at: number[] = [];
      forEachPosition(ind.shape, (c) => at.push(c.reduce((acc, v, d) => acc + v * ss[d]!, 0)));
      values = gather(flat, at, 0);
    }
  }
  const xst = stridesOf(x.shape);
  const n = x.shape[ax]!;
  const targets: number[] = [];
  forEachPosition(ind.shape, (c, f) => {
    let t = inRange(fn, ind.idx[f]!, n, ax, f) * xst[ax]!;
    for (let d = 0; d < c.length; d++) if (d !== ax) t += c[d]! * xst[d]!;
    targets.push(t);
  });
  return { targets, values };
}

/**
 * torch.Tensor.scatter (out of place): a copy of x with x[…, indices[c], …] = src[c] along `axis`
 * for every position c of indices (src is read at c: at least as large as indices, or a number). Where indices
 * repeat, the last write in row-major order wins. Gradient: to src at the entries that were
 * written, to x everywhere else.
 */
export function scatter(x: Tensor, indices: Tensor | readonly number[], src: TensorLike, axis: number): Tensor {
  const fn = 'scatter';
  const { ind, ax } = alongAxisArgs(fn, x, indices, axis);
  const { targets, values } = scatterTargets(fn, x, ind, ax, src);
  const winner = new Map<number, number>();
  for (const [s, t] of targets.entries()) winner.set(t, s);
  const from = [...winner.values()];
  const to = [...winner.keys()];
  const written = arrayFor(x.dtype, x.size);
  for (const t of to) written[t] = 1;
  // y = where(written, the winning src entries placed at their targets, x)
  const placed = reshape(scatterAdd(gather(values, from, 0), to, 0, x.size), x.shape);
  return where(new Tensor(written, x.shape, x.dtype), placed, x);
}

/**
 * torch.Tensor.scatter_add (out of place): x plus src[c] added at x[…, indices[c], …] along `axis`
 * for every position c of indices (repeats add up). Not the same as {@link scatterAdd}, the
 * adjoint of gather, which builds a new tensor from slices.
 */
export function scatterAddAlongAxis(x: Tensor, indices: Tensor | readonly number[], src: TensorLike, axis: number): Tensor {
  const fn = 'scatterAddAlongAxis';
  const { ind, ax } = alongAxisArgs(fn, x, indices, axis);
  const { targets, values } = scatterTargets(fn, x, ind, ax, src);
  // y = x + Σ_c src[c] e_{target(c)}  =>  dx = dy, dsrc = dy at the targets (a gather)
  return add(x, reshape(scatterAdd(values, targets, 0, x.size), x.shape));
}

/**
 * tf.math.unsorted_segment_sum: out[s, …] = Σ data[i…, …] over the positions i… of segmentIds
 * equal to s. segmentIds' shape is a prefix of data's; the result has shape
 * [numSegments, ...data.shape[segmentIds.rank:]]. Negative ids drop their rows (as TensorFlow);
 * ids ≥ numSegments are an error.
 */
export function segmentSum(data: Tensor, segmentIds: Tensor | readonly number[], numSegments: number): Tensor {
  const fn = 'segmentSum';
  checkTensor(fn, 'data', data);
  const { idx, shape: ishape } = indicesOf(fn, segmentIds);
  checkInteger(fn, 'numSegments', numSegments);
  if (numSegments < 0) throw new ValueError(fn, `numSegments must be non-negative, got ${numSegments}`);
  if (!sameShape(data.shape.slice(0, ishape.length), ishape)) {
    throw new ShapeError(fn, `segmentIds of shape ${formatShape(ishape)} must be a prefix of data's shape ${formatShape(data.shape)}`);
  }
  const rest = data.shape.slice(ishape.length);
  checkResultSize(fn, [numSegments, ...rest]);
  const keep: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < idx.length; i++) {
    const s = idx[i]!;
    if (s >= numSegments)
      throw new ValueError(fn, `segment id ${s} at position ${i} is out of range; expected ids below numSegments = ${numSegments} (negative ids are dropped)`);
    if (s >= 0) {
      keep.push(i);
      ids.push(s);
    }
  }
  const rows = reshape(data, [idx.length, ...rest]);
  const kept = keep.length === idx.length ? rows : gather(rows, keep, 0);
  return scatterAdd(kept, ids, 0, numSegments);
}
