// Plain loops over typed arrays. No tape here: ops call these for their forward values.
import { checkResultSize } from './args.ts';
import { broadcastShapes, broadcastStrides, sameShape, sizeOf, stridesOf } from './shape.ts';
import type { Shape } from './shape.ts';
import { Tensor, arrayFor } from './tensor.ts';
import type { DType, TypedArray } from './tensor.ts';

/** Elementwise f(x) over a tensor (for constants and masks; primitives bring loops of their own). */
export function mapUnary(x: Tensor, f: (v: number) => number): Tensor {
  const src = x.data;
  const out = arrayFor(x.dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return new Tensor(out, x.shape, x.dtype);
}

/**
 * Walk the multi-indices of `shape` in row-major order, calling `inner(offsets, n, strides)` once
 * per innermost row with each operand's starting offset; the innermost loop is the caller's.
 */
export function forEachRow(shape: Shape, strides: readonly (readonly number[])[], inner: (offsets: number[], n: number) => void): void {
  const rank = shape.length;
  const total = sizeOf(shape);
  if (total === 0) return;
  if (rank === 0) {
    inner(
      strides.map(() => 0),
      1,
    );
    return;
  }
  const n = shape[rank - 1]!;
  const rows = total / n;
  const idx = new Array<number>(rank).fill(0);
  const offsets = strides.map(() => 0);
  for (let r = 0; r < rows; r++) {
    inner(offsets, n);
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]!++;
      for (let k = 0; k < strides.length; k++) offsets[k]! += strides[k]![ax]!;
      if (idx[ax]! < shape[ax]!) break;
      for (let k = 0; k < strides.length; k++) offsets[k]! -= strides[k]![ax]! * idx[ax]!;
      idx[ax] = 0;
    }
  }
}

/** out[k + j] = f(A[pa + j·ia], B[pb + j·ib]) for j < n: one row of an elementwise binary op. */
export type BinaryRow = (out: TypedArray, k: number, A: TypedArray, pa: number, ia: number, B: TypedArray, pb: number, ib: number, n: number) => void;

/** A row loop calling `f` per element (primitives that need speed write their own row). */
export function rowOf(f: (x: number, y: number) => number): BinaryRow {
  return (out, k, A, pa, ia, B, pb, ib, n) => {
    for (const end = k + n; k < end; k++, pa += ia, pb += ib) out[k] = f(A[pa]!, B[pb]!);
  };
}

/** Elementwise f(a, b) with NumPy broadcasting; `fn` names the public function for errors. */
export function mapBinary(fn: string, a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  return mapRows(fn, a, b, rowOf(f));
}

/** Elementwise over a and b with NumPy broadcasting, one row at a time through `row`. */
export function mapRows(fn: string, a: Tensor, b: Tensor, row: BinaryRow): Tensor {
  const dtype = a.dtype;
  const A = a.data;
  const B = b.data;
  if (sameShape(a.shape, b.shape)) {
    const out = arrayFor(dtype, A.length);
    row(out, 0, A, 0, 1, B, 0, 1, A.length);
    return new Tensor(out, a.shape, dtype);
  }
  const shape = broadcastShapes(fn, a.shape, b.shape);
  checkResultSize(fn, shape);
  const out = arrayFor(dtype, sizeOf(shape));
  if (b.size === 1 || a.size === 1) {
    row(out, 0, A, 0, a.size === 1 ? 0 : 1, B, 0, b.size === 1 ? 0 : 1, out.length);
    return new Tensor(out, shape, dtype);
  }
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const rank = shape.length;
  const ia = sa[rank - 1]!;
  const ib = sb[rank - 1]!;
  let k = 0;
  forEachRow(shape, [sa, sb], (off, n) => {
    row(out, k, A, off[0]!, ia, B, off[1]!, ib, n);
    k += n;
  });
  return new Tensor(out, shape, dtype);
}

/** Copy `src` read with `srcStrides` (any strides, e.g. permuted or broadcast) into a new contiguous array. */
export function gatherStrided(src: TypedArray, shape: Shape, srcStrides: readonly number[], offset: number, dtype: DType): TypedArray {
  const out = arrayFor(dtype, sizeOf(shape));
  const rank = shape.length;
  const inner = rank === 0 ? 1 : srcStrides[rank - 1]!;
  let k = 0;
  forEachRow(shape, [srcStrides], (off, n) => {
    let p = off[0]! + offset;
    for (let j = 0; j < n; j++, p += inner) out[k++] = src[p]!;
  });
  return out;
}

/** Write contiguous `src` of `shape` into `dst` at `offset` with `dstStrides`: gatherStrided's mirror. */
export function scatterStrided(dst: TypedArray, dstStrides: readonly number[], offset: number, src: TypedArray, shape: Shape): void {
  const rank = shape.length;
  const inner = rank === 0 ? 1 : dstStrides[rank - 1]!;
  let k = 0;
  forEachRow(shape, [dstStrides], (off, n) => {
    let p = off[0]! + offset;
    for (let j = 0; j < n; j++, p += inner) dst[p] = src[k++]!;
  });
}

/** σ(z) = 1 / (1 + e^{−z}) in two branches, so that e^{−z} never overflows. */
export function sigmoidValue(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** softplus(x) = ln(1 + eˣ) as max(x, 0) + ln(1 + e^{−|x|}), which never overflows. */
export function softplusValue(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * σ'(z) = σ(z) σ(−z) = e^{−|z|} / (1 + e^{−|z|})²: one exponential, no overflow for any z, and
 * none of the cancellation of σ(1 − σ) for large z.
 */
export function sigmoidDerivativeValue(z: number): number {
  const e = Math.exp(-Math.abs(z));
  const d = 1 + e;
  return e / (d * d);
}

/**
 * dy σ'(x) in one loop, for a first-order backward pass (no graph to record): the bits of
 * mul(dy, sigmoidDerivative(x)), σ' rounded to the dtype before the product as that array holds
 * it, without the intermediate tensor. `dy` has the shape of `x`.
 */
export function sigmoidBackward(dy: Tensor, x: Tensor): Tensor {
  const g = dy.data;
  const src = x.data;
  const out = arrayFor(x.dtype, src.length);
  if (x.dtype === 'float32') for (let i = 0; i < src.length; i++) out[i] = g[i]! * Math.fround(sigmoidDerivativeValue(src[i]!));
  else for (let i = 0; i < src.length; i++) out[i] = g[i]! * sigmoidDerivativeValue(src[i]!);
  return new Tensor(out, x.shape, x.dtype);
}

/** Sum over `axes` (sorted, non-negative); the result keeps size-1 axes in their place. */
export function reduceSum(x: Tensor, axes: readonly number[]): { data: TypedArray; keptShape: number[] } {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = arrayFor(x.dtype, sizeOf(keptShape));
  const src = x.data;
  if (out.length === 1) {
    let s = 0;
    for (let i = 0; i < src.length; i++) s += src[i]!;
    out[0] = s;
    return { data: out, keptShape };
  }
  const os = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const rank = x.shape.length;
  const io = os[rank - 1]!;
  let k = 0;
  forEachRow(x.shape, [os], (off, n) => {
    let p = off[0]!;
    if (io === 0) {
      let s = 0;
      for (let j = 0; j < n; j++) s += src[k++]!;
      out[p] = out[p]! + s;
    } else {
      for (let j = 0; j < n; j++, p += io) out[p] = out[p]! + src[k++]!;
    }
  });
  return { data: out, keptShape };
}

/** Max over `axes`, kept shape as in reduceSum. NaN propagates (like NumPy's max). */
export function reduceMax(x: Tensor, axes: readonly number[], sign = 1): { data: TypedArray; keptShape: number[] } {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = arrayFor(x.dtype, sizeOf(keptShape)).fill(-Infinity * sign);
  const src = x.data;
  const os = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const rank = x.shape.length;
  const io = rank === 0 ? 0 : os[rank - 1]!;
  let k = 0;
  forEachRow(x.shape, [os], (off, n) => {
    let p = off[0]!;
    for (let j = 0; j < n; j++, p += io) {
      const v = src[k++]!;
      const cur = out[p]!;
      if (v * sign > cur * sign || Number.isNaN(v)) out[p] = v;
      else if (Number.isNaN(cur)) out[p] = cur;
    }
  });
  return { data: out, keptShape };
}
