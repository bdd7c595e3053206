// Layout ops: tiling, repeating, flipping, splitting and joining, flattening, triangles and the
// padding modes. Every one is a composite of the primitives in shape.ts (reshape, broadcastTo,
// slice, gather) and `where`, so each pullback is again made of shape ops and differentiates
// to any order. Arguments are checked here, under the public name, before any primitive runs.
import { ShapeError, ValueError, formatShape } from '../errors.ts';
import { checkInteger, checkIntegers, checkNumber, checkOptions, checkResultSize, checkTensor, given } from '../args.ts';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.ts';
import { Tensor, arrayFor } from '../tensor.ts';
import { add } from './arith.ts';
import { where } from './compare.ts';
import { broadcastTo, gather, padZeros, reshape, slice } from './shape.ts';

function checkAxis(fn: string, axis: unknown, rank: number): number {
  return normalizeAxis(fn, checkInteger(fn, 'axis', axis), rank);
}

/**
 * np.tile: `reps[i]` copies of x laid end to end along axis i. When `reps` is shorter than the rank,
 * leading 1s are assumed; when longer, x gains leading size-1 axes. (PyTorch's `Tensor.repeat` is
 * this op; for NumPy's element-wise `repeat` see {@link repeat}.) A broadcast and a reshape.
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  const fn = 'tile';
  checkTensor(fn, 'x', x);
  checkIntegers(fn, 'reps', reps);
  reps.forEach((r, i) => {
    if (r < 0) throw new ValueError(fn, `reps[${i}] is ${r}; expected non-negative integers`);
  });
  const rank = Math.max(x.rank, reps.length);
  const shape = [...new Array<number>(rank - x.rank).fill(1), ...x.shape];
  const r = [...new Array<number>(rank - reps.length).fill(1), ...reps];
  const out = shape.map((d, i) => d * r[i]!);
  checkResultSize(fn, out);
  // x[a, b] → [1, a, 1, b] → broadcast to [r₀, a, r₁, b] → [r₀a, r₁b]: copy k of axis i is block k.
  const spread = reshape(
    x,
    shape.flatMap((d) => [1, d]),
  );
  return reshape(
    broadcastTo(
      spread,
      shape.flatMap((d, i) => [r[i]!, d]),
    ),
    out,
  );
}

/**
 * np.repeat: each element repeated `repeats` times along `axis` (`repeat([1, 2], 2)` is
 * `[1, 1, 2, 2]`; torch.repeat_interleave). `repeats` is one count for all elements or one per
 * element along the axis; without an axis, x is flattened first. For laying whole copies end to
 * end (PyTorch's `Tensor.repeat`) see {@link tile}.
 */
export function repeat(x: Tensor, repeats: number | readonly number[], axis?: number): Tensor {
  const fn = 'repeat';
  checkTensor(fn, 'x', x);
  const counts = typeof repeats === 'number' ? [checkInteger(fn, 'repeats', repeats)] : checkIntegers(fn, 'repeats', repeats);
  counts.forEach((r) => {
    if (r < 0) throw new ValueError(fn, `repeats must be non-negative, got ${r}`);
  });
  const src = axis === undefined ? reshape(x, [x.size]) : x;
  const ax = axis === undefined ? 0 : checkAxis(fn, axis, x.rank);
  const n = src.shape[ax]!;
  if (typeof repeats !== 'number' && counts.length !== n && counts.length !== 1) {
    throw new ShapeError(
      fn,
      `repeats has ${counts.length} counts but axis ${ax} of shape ${formatShape(src.shape)} has ${n} elements; expected ${n} counts or one`,
    );
  }
  const total = counts.length === 1 ? n * counts[0]! : counts.reduce((a, b) => a + b, 0);
  const out = src.shape.map((d, i) => (i === ax ? total : d));
  checkResultSize(fn, out);
  if (counts.length === 1) {
    // [..., n, ...] → [..., n, 1, ...] → broadcast to [..., n, r, ...] → [..., n·r, ...]
    const r = counts[0]!;
    const split = [...src.shape.slice(0, ax + 1), 1, ...src.shape.slice(ax + 1)];
    const wide = split.map((d, i) => (i === ax + 1 ? r : d));
    return reshape(broadcastTo(reshape(src, split), wide), out);
  }
  return gather(
    src,
    counts.flatMap((r, i) => new Array<number>(r).fill(i)),
    ax,
  );
}

/** Reverse the order of elements along `axis` (one or several; all axes when omitted), as np.flip / torch.flip. */
export function flip(x: Tensor, axis?: number | readonly number[]): Tensor {
  const fn = 'flip';
  checkTensor(fn, 'x', x);
  if (axis !== undefined && typeof axis !== 'number') checkIntegers(fn, 'axis', axis);
  let y = x;
  for (const a of normalizeAxes(fn, axis, x.rank)) {
    const n = x.shape[a]!;
    // y = x[n−1−i] along a: a gather, whose pullback scatters back (reversing again)
    if (n > 1)
      y = gather(
        y,
        Array.from({ length: n }, (_, i) => n - 1 - i),
        a,
      );
  }
  return y;
}

/** Consecutive slices of x along `axis` with the given sizes. */
function pieces(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  let at = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === axis ? at : 0));
    const end = x.shape.map((n, i) => (i === axis ? at + s : n));
    at += s;
    return slice(x, begin, end);
  });
}

/**
 * tf.split: with a number, that many equal pieces along `axis` (the size must divide evenly);
 * with an array, pieces of those sizes (they must add up to the axis size; one may be −1,
 * inferred). For torch.split's "pieces of size k" see {@link chunk} or pass the sizes.
 */
export function split(x: Tensor, sections: number | readonly number[], axis = 0): Tensor[] {
  const fn = 'split';
  checkTensor(fn, 'x', x);
  const ax = checkAxis(fn, axis, x.rank);
  const n = x.shape[ax]!;
  if (typeof sections === 'number') {
    checkInteger(fn, 'sections', sections);
    if (sections < 1 || n % sections !== 0) {
      throw new ValueError(
        fn,
        `cannot split axis ${ax} of size ${n} (shape ${formatShape(x.shape)}) into ${sections} equal pieces; expected a positive divisor of ${n}`,
      );
    }
    return pieces(x, new Array<number>(sections).fill(n / sections), ax);
  }
  const sizes = [...checkIntegers(fn, 'sections', sections)];
  const free = sizes.indexOf(-1);
  if (free !== sizes.lastIndexOf(-1)) throw new ValueError(fn, `sizes ${formatShape(sizes)} have more than one −1; at most one size can be inferred`);
  const known = sizes.reduce((a, s) => a + (s === -1 ? 0 : s), 0);
  if (free >= 0) sizes[free] = n - known;
  if (sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new ValueError(fn, `sizes ${formatShape(sections)} must be non-negative and add up to ${n}, the size of axis ${ax} of shape ${formatShape(x.shape)}`);
  }
  return pieces(x, sizes, ax);
}

/**
 * torch.chunk: split `axis` into pieces of ⌈size / chunks⌉ elements, the last one smaller; there
 * may be fewer than `chunks` pieces (7 elements in 4 chunks give sizes 2, 2, 2, 1).
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  const fn = 'chunk';
  checkTensor(fn, 'x', x);
  checkInteger(fn, 'chunks', chunks);
  if (chunks < 1) throw new ValueError(fn, `chunks must be a positive integer, got ${chunks}`);
  const ax = checkAxis(fn, axis, x.rank);
  const n = x.shape[ax]!;
  if (n === 0) return [x];
  const size = Math.ceil(n / chunks);
  const sizes: number[] = [];
  for (let at = 0; at < n; at += size) sizes.push(Math.min(size, n - at));
  return pieces(x, sizes, ax);
}

/** The slices of x along `axis`, each without that axis (the inverse of stack; torch.unbind). */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  const fn = 'unstack';
  checkTensor(fn, 'x', x);
  const ax = checkAxis(fn, axis, x.rank);
  const shape = x.shape.filter((_, i) => i !== ax);
  return pieces(x, new Array<number>(x.shape[ax]!).fill(1), ax).map((p) => reshape(p, shape));
}

/** PyTorch's name for {@link expandDims}: insert a size-1 axis at `axis` (in [−rank−1, rank]). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const fn = 'unsqueeze';
  checkTensor(fn, 'x', x);
  const ax = checkAxis(fn, axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
}

/**
 * torch.flatten: merge axes `startAxis` to `endAxis` (inclusive; default all) into one. A 0-d
 * tensor becomes [1]. (The pytree flattening of nested records is `flattenTree`.)
 */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  const fn = 'flatten';
  checkTensor(fn, 'x', x);
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis(fn, checkInteger(fn, 'startAxis', startAxis), x.rank);
  const e = normalizeAxis(fn, checkInteger(fn, 'endAxis', endAxis), x.rank);
  if (s > e) throw new ValueError(fn, `startAxis ${startAxis} comes after endAxis ${endAxis} for shape ${formatShape(x.shape)}; expected start ≤ end`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Keep the entries of the last two axes where `keep(row, column)`; zeros elsewhere (where's pullback: dy where kept, 0 elsewhere). */
function triangle(fn: string, x: Tensor, k: number, keep: (i: number, j: number) => boolean): Tensor {
  checkTensor(fn, 'x', x);
  checkInteger(fn, 'k', k);
  if (x.rank < 2) throw new ShapeError(fn, `x must have at least 2 axes (a matrix or a batch of them), got shape ${formatShape(x.shape)}`);
  const [m, n] = x.shape.slice(-2) as [number, number];
  const mask = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) mask[i * n + j] = keep(i, j) ? 1 : 0;
  return where(new Tensor(mask, [m, n], 'float64'), x, 0);
}

/** torch.tril: the lower triangle of the last two axes, entries with column ≤ row + k; zeros above. */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle('tril', x, k, (i, j) => j - i <= k);
}

/** torch.triu: the upper triangle of the last two axes, entries with column ≥ row + k; zeros below. */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle('triu', x, k, (i, j) => j - i >= k);
}

// ---- padding modes ------------------------------------------------------------------------------

/** How pad fills the new entries: a constant, the mirror image without the edge (reflect), or the edge repeated. */
export type PadMode = 'constant' | 'reflect' | 'edge' | 'replicate';

export interface PadOptions {
  /** 'constant' (default), 'reflect' (np.pad's reflect: the edge is not repeated), 'edge' (or its PyTorch name 'replicate'). */
  mode?: PadMode;
  /** The fill value for 'constant' (default 0). */
  value?: number;
}

/** Source index along an axis of size n for padded position p (p < 0 or p ≥ n outside), np.pad's rules. */
function source(mode: 'reflect' | 'edge', p: number, n: number): number {
  if (mode === 'edge' || n === 1) return Math.min(Math.max(p, 0), n - 1);
  // reflect about the first and last entries: period 2(n − 1), the second half read backwards
  const period = 2 * (n - 1);
  const q = ((p % period) + period) % period;
  return q < n ? q : period - q;
}

/** pad(x, before, after, { mode, value }) for the modes other than zeros (see shape.ts's pad). */
export function padWithMode(x: Tensor, before: readonly number[], after: readonly number[], mode: PadMode, value: number): Tensor {
  const fn = 'pad';
  if (mode === 'constant') {
    const zero = padZeros(x, before, after);
    if (value === 0) return zero;
    // The padded zeros plus a constant that is `value` outside the middle and 0 inside (x + 0 = x exactly).
    const inside = padZeros(new Tensor(arrayFor(x.dtype, x.size).fill(1), x.shape, x.dtype), before, after);
    return add(
      zero,
      new Tensor(
        inside.data.map((v) => (v === 1 ? 0 : value)),
        zero.shape,
        x.dtype,
      ),
    );
  }
  const edge = mode === 'replicate' ? 'edge' : mode;
  let y = x;
  for (let a = 0; a < x.rank; a++) {
    const b = before[a]!;
    const e = after[a]!;
    if (b === 0 && e === 0) continue;
    const n = x.shape[a]!;
    if (n === 0) throw new ShapeError(fn, `mode '${mode}' cannot pad axis ${a} of shape ${formatShape(x.shape)}: it has no entries to copy`);
    // y = x[src(p)] along a: a gather, so the pullback adds each padded entry's cotangent to its source
    y = gather(
      y,
      Array.from({ length: b + n + e }, (_, p) => source(edge, p - b, n)),
      a,
    );
  }
  return y;
}

/** The options argument of pad, checked: its mode and fill value. */
export function padOptions(options: unknown): { mode: PadMode; value: number } {
  const fn = 'pad';
  const { mode = 'constant', value = 0 } = checkOptions<PadOptions>(fn, options, ['mode', 'value']);
  if (!['constant', 'reflect', 'edge', 'replicate'].includes(mode as string)) {
    throw new ValueError(fn, `unknown mode ${given(mode)}; expected 'constant', 'reflect', 'edge' or 'replicate'`);
  }
  checkNumber(fn, 'value', value);
  if (value !== 0 && mode !== 'constant') throw new ValueError(fn, `a fill value (${value}) only applies to mode 'constant', got mode '${mode}'`);
  return { mode, value };
}
