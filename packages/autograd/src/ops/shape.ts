import { ShapeError, ValueError, formatShape, formatValue } from '../errors.ts';
import { checkInteger, checkIntegers, checkResultSize, checkTensor, given } from '../args.ts';
import { gatherStrided, scatterStrided } from '../kernels.ts';
import { broadcastStrides, broadcastsTo, checkShape, normalizeAxis, sameShape, sizeOf, stridesOf } from '../shape.ts';
import { record } from '../tape.ts';
import { Tensor, arrayFor, commonDType, shareData } from '../tensor.ts';
import type { DType } from '../tensor.ts';
import { primitive } from '../primitive.ts';
import { type PadOptions, padOptions, padWithMode } from './layout.ts';
import { type GatherOptions, gatherBatched } from './indexing.ts';

const RESHAPE = primitive('reshape', 'dx = reshape(dz) back');
const TRANSPOSE = primitive('transpose', 'dx = transpose(dz) back');
const BROADCAST_TO = primitive('broadcastTo', 'dx = dz summed over the broadcast axes');
const SLICE = primitive('slice', 'dx = dz padded with zeros');
const PAD = primitive('pad', 'dx = the middle of dz');
const CONCAT = primitive('concat', 'dxᵢ = the slice of dz that xᵢ filled');
const GATHER = primitive('gather', 'dx = dz scattered (added) back at the indices');
const SCATTER_ADD = primitive('scatterAdd', 'du = gather(dz)');
const CAST = primitive('cast', 'dx = dz cast back');

/** The same values read in a new shape (one size may be −1: inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const fn = 'reshape';
  checkTensor(fn, 'x', x);
  if (!Array.isArray(shape)) throw new ValueError(fn, `shape must be an array of sizes, got ${given(shape)}`);
  const target = [...shape];
  const free = target.indexOf(-1);
  if (free !== target.lastIndexOf(-1)) throw new ValueError(fn, `shape ${formatShape(shape)} has more than one −1; at most one size can be inferred`);
  if (free >= 0) {
    const known = sizeOf(target.filter((_, i) => i !== free));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(fn, `cannot infer the −1 in ${formatShape(shape)} for ${x.size} elements (shape ${formatShape(x.shape)})`);
    }
    target[free] = x.size / known;
  }
  checkShape(fn, target);
  if (sizeOf(target) !== x.size) {
    throw new ShapeError(
      fn,
      `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)} (${sizeOf(target)} elements); the sizes must multiply to the same count`,
    );
  }
  if (sameShape(target, x.shape)) return x;
  const out = shareData(x, target);
  // y = reshape(x)  =>  dx = reshape(dy, x.shape)
  return record(RESHAPE, [x], out, (dy: Tensor) => [reshape(dy, x.shape)], { shape: target });
}

/** Permute the axes (default: reverse them, the matrix transpose for 2-D). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const fn = 'transpose';
  checkTensor(fn, 'x', x);
  if (perm !== undefined) checkIntegers(fn, 'perm', perm);
  const p = perm === undefined ? x.shape.map((_, i) => x.rank - 1 - i) : perm.map((a) => normalizeAxis(fn, a, x.rank));
  if (p.length !== x.rank || new Set(p).size !== p.length) {
    throw new ValueError(fn, `perm ${formatShape(perm ?? [])} is not a permutation of the ${x.rank} axes of a tensor of shape ${formatShape(x.shape)}`);
  }
  if (p.every((a, i) => a === i)) return x;
  const shape = p.map((a) => x.shape[a]!);
  const own = stridesOf(x.shape);
  const data = gatherStrided(
    x.data,
    shape,
    p.map((a) => own[a]!),
    0,
    x.dtype,
  );
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => {
    inverse[a] = i;
  });
  // y = permute(x, p)  =>  dx = permute(dy, p⁻¹)
  return record(TRANSPOSE, [x], new Tensor(data, shape, x.dtype), (dy: Tensor) => [transpose(dy, inverse)], { perm: p });
}

/** Broadcast to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const fn = 'broadcastTo';
  checkTensor(fn, 'x', x);
  const target = checkShape(fn, shape);
  if (sameShape(target, x.shape)) return x;
  if (!broadcastsTo(x.shape, target)) {
    const off = target.length - x.rank;
    const bad = x.shape.findIndex((d, i) => d !== 1 && d !== target[i + off]);
    throw new ShapeError(
      fn,
      x.rank > target.length
        ? `cannot broadcast shape ${formatShape(x.shape)} to the lower-rank ${formatShape(target)}`
        : `cannot broadcast shape ${formatShape(x.shape)} to ${formatShape(target)}: axis ${bad} has size ${x.shape[bad]}, expected 1 or ${target[bad + off]}`,
    );
  }
  checkResultSize(fn, target);
  const data = gatherStrided(x.data, target, broadcastStrides(x.shape, target), 0, x.dtype);
  // y = broadcast(x)  =>  dx = dy, summed back to x's shape by the backward pass itself
  return record(BROADCAST_TO, [x], new Tensor(data, target, x.dtype), (dy: Tensor) => [dy], { shape: target });
}

function sliceBounds(fn: string, x: Tensor, begin: readonly number[], end?: readonly (number | undefined)[]): { start: number[]; stop: number[] } {
  checkTensor(fn, 'x', x);
  if (!Array.isArray(begin) || begin.length > x.rank) {
    throw new ValueError(fn, `begin must list at most one start per axis (${x.rank} for shape ${formatShape(x.shape)}), got ${JSON.stringify(begin)}`);
  }
  if (end !== undefined && (!Array.isArray(end) || end.length > x.rank)) {
    throw new ValueError(fn, `end must list at most one end per axis (${x.rank} for shape ${formatShape(x.shape)}), got ${JSON.stringify(end)}`);
  }
  const start: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const n = x.shape[i]!;
    const b = begin[i] ?? 0;
    const e = end?.[i] ?? n;
    if (!Number.isInteger(b) || !Number.isInteger(e)) throw new ValueError(fn, `bounds on axis ${i} must be integers, got begin ${b}, end ${e}`);
    const s = b < 0 ? b + n : b;
    const t = e < 0 ? e + n : e;
    if (s < 0 || s > n || t < s || t > n) {
      throw new ValueError(
        fn,
        `bounds [${b}, ${e}) on axis ${i} are out of range for size ${n}; expected 0 ≤ begin ≤ end ≤ ${n} (negatives count from the end)`,
      );
    }
    start.push(s);
    stop.push(t);
  }
  return { start, stop };
}

/**
 * x[begin₀:end₀, begin₁:end₁, ...]: per-axis start (inclusive) and end (exclusive, default the
 * size); negative values count from the end, as in Python.
 */
export function slice(x: Tensor, begin: readonly number[], end?: readonly (number | undefined)[]): Tensor {
  const { start, stop } = sliceBounds('slice', x, begin, end);
  const shape = start.map((s, i) => stop[i]! - s);
  const own = stridesOf(x.shape);
  const offset = start.reduce((acc, s, i) => acc + s * own[i]!, 0);
  const data = gatherStrided(x.data, shape, own, offset, x.dtype);
  const after = x.shape.map((n, i) => n - stop[i]!);
  // y = x[s:t]  =>  dx = dy padded with zeros back to x's shape
  return record(SLICE, [x], new Tensor(data, shape, x.dtype), (dy: Tensor) => [pad(dy, start, after)], { begin: start, end: stop });
}

/**
 * Pad each axis i with `before[i]` entries before and `after[i]` after. The new entries are zeros,
 * or per `options`: `{ value }` a constant; `{ mode: 'reflect' }` the mirror image without the edge
 * (np.pad's reflect: [1, 2, 3] padded by 2 reads 3 2 | 1 2 3 | 2 1); `{ mode: 'edge' }` (or
 * 'replicate') the edge repeated. Reflected and repeated entries pass their gradient back to the
 * entry they copy.
 */
export function pad(x: Tensor, before: readonly number[], after: readonly number[], options?: PadOptions): Tensor {
  if (options === undefined) return padZeros(x, before, after);
  checkPad(x, before, after);
  const { mode, value } = padOptions(options);
  return padWithMode(x, before, after, mode, value);
}

/** pad's arguments checked, and the padded shape within the size limit. */
function checkPad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  const fn = 'pad';
  checkTensor(fn, 'x', x);
  checkIntegers(fn, 'before', before);
  checkIntegers(fn, 'after', after);
  if (before.length !== x.rank || after.length !== x.rank) {
    throw new ValueError(fn, `before and after need ${x.rank} entries for shape ${formatShape(x.shape)}, got ${before.length} and ${after.length}`);
  }
  checkShape(fn, before, 'before');
  checkShape(fn, after, 'after');
  checkResultSize(
    fn,
    x.shape.map((n, i) => n + before[i]! + after[i]!),
  );
  return x;
}

/** Zero padding (the pullback of slice): `before[i]` zeros before and `after[i]` after along axis i. */
export function padZeros(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  checkPad(x, before, after);
  const shape = x.shape.map((n, i) => n + before[i]! + after[i]!);
  const out = arrayFor(x.dtype, sizeOf(shape));
  const os = stridesOf(shape);
  const offset = before.reduce((acc, b, i) => acc + b * os[i]!, 0);
  scatterStrided(out, os, offset, x.data, x.shape);
  // y = pad(x)  =>  dx = the middle of dy
  return record(
    PAD,
    [x],
    new Tensor(out, shape, x.dtype),
    (dy: Tensor) => [
      slice(
        dy,
        before,
        x.shape.map((n, i) => before[i]! + n),
      ),
    ],
    { before, after },
  );
}

/** Join tensors along an existing axis; all other sizes must match. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const fn = 'concat';
  if (!Array.isArray(tensors) || tensors.length === 0 || !tensors.every((t) => t instanceof Tensor)) {
    throw new ValueError(fn, `expected a non-empty array of tensors`);
  }
  const first = tensors[0]!;
  const ax = normalizeAxis(fn, checkInteger(fn, 'axis', axis), first.rank);
  for (const [i, t] of tensors.entries()) {
    commonDType(fn, first, t);
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== ax && d !== first.shape[k])) {
      throw new ShapeError(
        fn,
        `tensor ${i} has shape ${formatShape(t.shape)} but tensor 0 has ${formatShape(first.shape)}; all sizes except axis ${ax} must match`,
      );
    }
  }
  const sizes = tensors.map((t) => t.shape[ax]!);
  const shape = [...first.shape];
  shape[ax] = sizes.reduce((a, b) => a + b, 0);
  checkResultSize(fn, shape);
  const out = arrayFor(first.dtype, sizeOf(shape));
  const os = stridesOf(shape);
  let at = 0;
  for (const t of tensors) {
    scatterStrided(out, os, at * os[ax]!, t.data, t.shape);
    at += t.shape[ax]!;
  }
  // y = [x₀, x₁, ...] along axis  =>  dxᵢ = the slice of dy that xᵢ filled
  return record(
    CONCAT,
    tensors,
    new Tensor(out, shape, first.dtype),
    (dy: Tensor, needs) => {
      let from = 0;
      return tensors.map((_t, i) => {
        const begin = shape.map((_, k) => (k === ax ? from : 0));
        const end = shape.map((n, k) => (k === ax ? from + sizes[i]! : n));
        from += sizes[i]!;
        return needs[i] ? slice(dy, begin, end) : null;
      });
    },
    { axis: ax },
  );
}

/** Join same-shaped tensors along a new axis (a composite of reshape and concat). */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const fn = 'stack';
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError(fn, `expected a non-empty array of tensors, got ${given(tensors)}`);
  for (const [i, t] of tensors.entries()) checkTensor(fn, `tensors[${i}]`, t);
  const first = tensors[0]!;
  const ax = normalizeAxis(fn, checkInteger(fn, 'axis', axis), first.rank + 1);
  for (const [i, t] of tensors.entries()) {
    commonDType(fn, first, t);
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(fn, `tensor ${i} has shape ${formatShape(t.shape)} but tensor 0 has ${formatShape(first.shape)}; stack needs equal shapes`);
    }
  }
  const shape = [...first.shape.slice(0, ax), 1, ...first.shape.slice(ax)];
  return concat(
    tensors.map((t) => reshape(t, shape)),
    ax,
  );
}

function indexList(fn: string, indices: Tensor | readonly number[], size: number, axis: number): { idx: ArrayLike<number>; shape: number[] } {
  if (!(indices instanceof Tensor) && !Array.isArray(indices)) {
    throw new ValueError(fn, `indices must be a Tensor or an array of integers, got ${given(indices)}`);
  }
  const idx = indices instanceof Tensor ? indices.data : indices;
  const shape = indices instanceof Tensor ? [...indices.shape] : [indices.length];
  for (let i = 0; i < idx.length; i++) {
    const v: unknown = idx[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new ValueError(
        fn,
        `index ${formatValue(v)} at position ${i} is not an integer; expected integers in [${-size}, ${size - 1}] (axis ${axis} has size ${size})`,
      );
    }
    if (v < -size || v >= size) {
      throw new ValueError(fn, `index ${v} at position ${i} is out of range for axis ${axis} of size ${size}; expected integers in [${-size}, ${size - 1}]`);
    }
  }
  return { idx, shape };
}

/**
 * Pick entries along `axis` by integer indices (tf.gather / torch.index_select; negatives count
 * from the end): the result has shape x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:].
 * With `{ batchDims: b }` (tf.gather's batch_dims), the first b axes of x and indices are batch
 * axes walked together: result[b…, i…] = x[b…, …, indices[b…, i…], …], of shape
 * x.shape[:axis] ++ indices.shape[b:] ++ x.shape[axis+1:].
 */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0, options?: GatherOptions): Tensor {
  const fn = 'gather';
  checkTensor(fn, 'x', x);
  if (options !== undefined) return gatherBatched(x, indices, axis, options);
  const ax = normalizeAxis(fn, checkInteger(fn, 'axis', axis), x.rank);
  const n = x.shape[ax]!;
  const { idx, shape: ishape } = indexList(fn, indices, n, ax);
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const shape = [...x.shape.slice(0, ax), ...ishape, ...x.shape.slice(ax + 1)];
  checkResultSize(fn, shape);
  const out = arrayFor(x.dtype, sizeOf(shape));
  const src = x.data;
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i]! < 0 ? idx[i]! + n : idx[i]!;
      const base = (o * n + j) * inner;
      // A slice is contiguous: copy it as a block (a memcpy for rows of images).
      if (inner > 16) out.set(src.subarray(base, base + inner), k);
      else for (let r = 0; r < inner; r++) out[k + r] = src[base + r]!;
      k += inner;
    }
  }
  // y = x[..., idx, ...]  =>  dx = zeros with dy added at idx (repeated indices add up)
  return record(GATHER, [x], new Tensor(out, shape, x.dtype), (dy: Tensor) => [scatterAdd(dy, indices, ax, n)], { axis: ax });
}

/**
 * The adjoint of gather: a tensor with `size` entries along `axis`, where slice i of `updates`
 * (laid out as gather's output) is added at indices[i].
 */
export function scatterAdd(updates: Tensor, indices: Tensor | readonly number[], axis: number, size: number): Tensor {
  const fn = 'scatterAdd';
  checkTensor(fn, 'updates', updates);
  checkInteger(fn, 'axis', axis);
  checkInteger(fn, 'size', size);
  if (size < 0) throw new ValueError(fn, `size must be a non-negative integer (the length of the result along axis), got ${size}`);
  const { idx, shape: ishape } = indexList(fn, indices, size, axis);
  if (axis < 0 || axis > updates.rank - ishape.length) {
    throw new ValueError(
      fn,
      `axis ${axis} is out of range: updates of shape ${formatShape(updates.shape)} with indices of shape ${formatShape(ishape)} allow an axis in [0, ${updates.rank - ishape.length}]`,
    );
  }
  const lead = updates.shape.slice(0, axis);
  const trail = updates.shape.slice(axis + ishape.length);
  const expected = [...lead, ...ishape, ...trail];
  if (!sameShape(expected, updates.shape)) {
    throw new ShapeError(fn, `updates of shape ${formatShape(updates.shape)} do not match indices of shape ${formatShape(ishape)} at axis ${axis}`);
  }
  const shape = [...lead, size, ...trail];
  checkResultSize(fn, shape);
  const outer = sizeOf(lead);
  const inner = sizeOf(trail);
  const out = arrayFor(updates.dtype, sizeOf(shape));
  const src = updates.data;
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i]! < 0 ? idx[i]! + size : idx[i]!;
      const base = (o * size + j) * inner;
      for (let r = 0; r < inner; r++) out[base + r] = out[base + r]! + src[k++]!;
    }
  }
  // y = scatterAdd(u)  =>  du = gather(dy)
  return record(SCATTER_ADD, [updates], new Tensor(out, shape, updates.dtype), (dy: Tensor) => [gather(dy, indices, axis)], { axis, size });
}

/** Insert a size-1 axis at `axis` (a reshape). */
export function expandDims(x: Tensor, axis: number): Tensor {
  checkTensor('expandDims', 'x', x);
  const ax = normalizeAxis('expandDims', checkInteger('expandDims', 'axis', axis), x.rank + 1);
  return reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
}

/** Drop size-1 axes (all of them, or the ones listed) (a reshape). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const fn = 'squeeze';
  checkTensor(fn, 'x', x);
  if (axis !== undefined && typeof axis !== 'number') checkIntegers(fn, 'axis', axis);
  const axes =
    axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis(fn, a, x.rank));
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new ShapeError(fn, `axis ${a} of shape ${formatShape(x.shape)} has size ${x.shape[a]}; only size-1 axes can be squeezed`);
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Convert to another dtype; the cotangent is converted back. */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', 'x', x);
  if (dtype !== 'float32' && dtype !== 'float64') throw new ValueError('cast', `unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`);
  if (dtype === x.dtype) return x;
  const data = dtype === 'float32' ? Float32Array.from(x.data) : Float64Array.from(x.data);
  // y = cast(x)  =>  dx = cast(dy) back to x's dtype
  return record(CAST, [x], new Tensor(data, x.shape, dtype), (dy: Tensor) => [cast(dy, x.dtype)], { dtype });
}
