// Loops shared by the scans, the new reductions and the selections: a tensor seen as
// [outer, n, inner] around one axis, and a fold over a set of axes. No tape here.
import { forEachRow } from '../kernels.ts';
import { sizeOf, stridesOf } from '../shape.ts';
import type { Shape } from '../shape.ts';
import { Tensor, arrayFor } from '../tensor.ts';
import type { TypedArray } from '../tensor.ts';

/** `shape` around `axis`: element (o, j, i) is at (o·n + j)·inner + i. */
export interface Layout {
  outer: number;
  n: number;
  inner: number;
}

export function layoutOf(shape: Shape, axis: number): Layout {
  return { outer: sizeOf(shape.slice(0, axis)), n: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

/**
 * Call `visit(base, stride, s)` once per slice along the axis, s = o·inner + i counting them in
 * row-major order: the slice's entries are at base + j·stride for j < n.
 */
export function forEachSlice({ outer, n, inner }: Layout, visit: (base: number, stride: number, s: number) => void): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) visit(o * n * inner + i, inner, o * inner + i);
}

/**
 * The running fold of `step` along `axis` from `init`, in each slice (from the end when
 * `reverse`): out[j] = step(out[j − 1], x[j]). Accumulates in double precision.
 */
export function scanAlong(x: Tensor, axis: number, reverse: boolean, init: number, step: (acc: number, v: number) => number): Tensor {
  const layout = layoutOf(x.shape, axis);
  const src = x.data;
  const out = arrayFor(x.dtype, src.length);
  const { n } = layout;
  forEachSlice(layout, (base, stride) => {
    let acc = init;
    for (let t = 0; t < n; t++) {
      const p = base + (reverse ? n - 1 - t : t) * stride;
      acc = step(acc, src[p]!);
      out[p] = acc;
    }
  });
  return new Tensor(out, x.shape, x.dtype);
}

/** Fold `step` over `axes` (sorted, non-negative) from `init`, in double precision; size-1 axes stay in place. */
export function foldAxes(
  x: Tensor,
  axes: readonly number[],
  init: number,
  step: (acc: number, v: number) => number,
): { data: TypedArray; keptShape: number[] } {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Float64Array(sizeOf(keptShape)).fill(init);
  const os = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const io = x.rank === 0 ? 0 : os[x.rank - 1]!;
  const src = x.data;
  let k = 0;
  forEachRow(x.shape, [os], (off, n) => {
    let p = off[0]!;
    for (let j = 0; j < n; j++, p += io) acc[p] = step(acc[p]!, src[k++]!);
  });
  const data = arrayFor(x.dtype, acc.length);
  data.set(acc);
  return { data, keptShape };
}

/** The number of elements a reduction over `axes` combines. */
export function countOver(shape: Shape, axes: readonly number[]): number {
  let n = 1;
  for (const a of axes) n *= shape[a]!;
  return n;
}
