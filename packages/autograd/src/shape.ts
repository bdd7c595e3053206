import { ShapeError, ValueError, formatShape, formatValue } from './errors.ts';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major (C-order) strides. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * NumPy broadcasting: align from the right; each pair of sizes must be equal or one of them 1.
 * `explain` words the error for a caller with its own view of the shapes (matmul's batch axes).
 */
export function broadcastShapes(fn: string, a: Shape, b: Shape, explain?: (axis: number, da: number, db: number) => string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)]!;
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        fn,
        explain
          ? explain(i, da, db)
          : `cannot broadcast shapes ${formatShape(a)} and ${formatShape(b)}: axis ${i} of the result ` +
              `(axis ${i - (rank - a.length)} of the first, ${i - (rank - b.length)} of the second) has sizes ${da} and ${db}; ` +
              `broadcasting needs equal sizes or a size of 1`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** True when `from` broadcasts to exactly `to`. */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const off = to.length - from.length;
  for (let i = 0; i < from.length; i++) {
    if (from[i] !== 1 && from[i] !== to[i + off]) return false;
  }
  return true;
}

/** Strides for reading a tensor of shape `from` as if broadcast to `to` (0 on broadcast axes). */
export function broadcastStrides(from: Shape, to: Shape): number[] {
  const own = stridesOf(from);
  const off = to.length - from.length;
  const out = new Array<number>(to.length).fill(0);
  for (let i = 0; i < from.length; i++) out[i + off] = from[i] === 1 ? 0 : own[i]!;
  return out;
}

/** A valid axis in [-rank, rank) turned non-negative; anything else is an error naming `fn`. */
export function normalizeAxis(fn: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis)) {
    throw new ValueError(fn, `axis must be an integer, got ${formatValue(axis)}`);
  }
  if (axis < -rank || axis >= rank) {
    throw new ValueError(fn, `axis ${axis} is out of range for a tensor of rank ${rank}; expected an axis in [${-rank}, ${rank - 1}]`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Axes to reduce: all when undefined; sorted, unique, non-negative. */
export function normalizeAxes(fn: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new ValueError(fn, `axis must be an integer or an array of integers, got ${formatValue(axis)}`);
  }
  const list: readonly number[] = typeof axis === 'number' ? [axis] : axis;
  const out = list.map((a) => normalizeAxis(fn, a, rank));
  const set = new Set(out);
  if (set.size !== out.length) throw new ValueError(fn, `axes ${formatShape(list)} repeat an axis; expected distinct axes`);
  return [...set].sort((x, y) => x - y);
}

/** A shape given by the user: non-negative integers. */
export function checkShape(fn: string, shape: readonly number[], what = 'shape'): number[] {
  if (!Array.isArray(shape)) throw new ValueError(fn, `${what} must be an array of sizes, got ${typeof shape}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(fn, `${what} ${formatShape(shape)} has size ${formatValue(d)}; expected non-negative integers`);
    }
  }
  return [...shape];
}

/**
 * The most elements a tensor may hold. Typed arrays allow 2³² in Node 20 (V8) and fewer in some
 * engines; 2³¹ − 1 also keeps every flat index a 32-bit integer.
 */
export const MAX_TENSOR_SIZE = 2 ** 31 - 1;

/** A shape whose tensor can be allocated (at most MAX_TENSOR_SIZE elements), or a ValueError naming `fn`. */
export function checkSize(fn: string, shape: Shape, what = 'shape'): void {
  const n = sizeOf(shape);
  if (n > MAX_TENSOR_SIZE) {
    throw new ValueError(fn, `${what} ${formatShape(shape)} has ${n} elements; a tensor holds at most ${MAX_TENSOR_SIZE} (2³¹ − 1)`);
  }
}
