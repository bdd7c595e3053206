// Shapes and attributes for the ops whose arguments are more than a shape: matmul, transpose,
// reshape, slice, pad, concat, stack, gather, scatterAdd, squeeze. Each yields { shapes, attrs }.
import fc from 'fast-check';
import { shapeArb, sizeOf } from './arbitraries.ts';
import type { Shape } from './arbitraries.ts';

export interface Case<A> {
  shapes: Shape[];
  attrs: A;
}

const dim = fc.integer({ min: 1, max: 3 });

function swapLast(shape: Shape, flag: boolean): Shape {
  if (!flag || shape.length < 2) return shape;
  return [...shape.slice(0, -2), shape[shape.length - 1]!, shape[shape.length - 2]!];
}

export type MatmulLayout = 'matrix' | 'batched' | 'broadcastBatch' | 'vectorMatrix' | 'matrixVector' | 'dot' | 'vectorBatch';

/** matmul operands: 2-D, batched, broadcast batch axes, 1-D on either side; transposeA/B swap the stored axes. */
export function matmulCase(): fc.Arbitrary<Case<{ layout: MatmulLayout; transposeA: boolean; transposeB: boolean }>> {
  const layout = fc.constantFrom<MatmulLayout>('matrix', 'batched', 'broadcastBatch', 'vectorMatrix', 'matrixVector', 'dot', 'vectorBatch');
  return fc.tuple(layout, dim, dim, dim, dim, fc.boolean(), fc.boolean()).map(([layout, m, k, n, b, transposeA, transposeB]) => {
    const pairs: Record<MatmulLayout, [Shape, Shape]> = {
      matrix: [
        [m, k],
        [k, n],
      ],
      batched: [
        [b, m, k],
        [b, k, n],
      ],
      broadcastBatch: [
        [2, 1, m, k],
        [3, k, n],
      ],
      vectorMatrix: [[k], [k, n]],
      matrixVector: [[m, k], [k]],
      dot: [[k], [k]],
      vectorBatch: [[k], [b, k, n]],
    };
    const [a, c] = pairs[layout];
    return { shapes: [swapLast(a, transposeA), swapLast(c, transposeB)], attrs: { layout, transposeA, transposeB } };
  });
}

const permutations3 = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
  [-1, 0, 1],
  [1, -1, -3],
];

/** A rank-3 permutation (negative axes too), or no perm (reverse the axes) on any rank. */
export function transposeCase(): fc.Arbitrary<Case<{ perm: number[] | undefined }>> {
  return fc.oneof(
    fc.tuple(shapeArb(3, 3), fc.constantFrom(...permutations3)).map(([shape, perm]) => ({ shapes: [shape], attrs: { perm } })),
    shapeArb(0, 3).map((shape) => ({ shapes: [shape], attrs: { perm: undefined } })),
  );
}

/** A shape and a target of the same size, some with one size inferred (−1). */
export function reshapeCase(): fc.Arbitrary<Case<{ target: number[] }>> {
  return shapeArb(0, 3).chain((shape) => {
    const n = sizeOf(shape);
    const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
    const targets = divisors.flatMap((d) => [
      [d, n / d],
      [d, -1],
      [-1, d],
      [1, d, n / d],
    ]);
    return fc.constantFrom<number[][]>([n], [-1], [1, n], ...targets).map((target) => ({ shapes: [shape], attrs: { target } }));
  });
}

/** Per-axis begin/end, possibly negative (counting from the end), possibly omitted. */
export function sliceCase(): fc.Arbitrary<Case<{ begin: number[]; end: (number | undefined)[] | undefined }>> {
  return shapeArb(1, 3, 4).chain((shape) => {
    const bounds = shape.map((n) =>
      fc
        .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n }), fc.boolean(), fc.boolean(), fc.boolean())
        .map(([s, t, negS, negT, omitT]) => {
          const [lo, hi] = s < t ? [s, t] : [t - 1, Math.min(s + 1, n)];
          const end = omitT ? (hi === n ? undefined : hi) : negT && hi < n ? hi - n : hi;
          return { begin: negS ? lo - n : lo, end };
        }),
    );
    return fc.tuple(...bounds).map((bs) => ({
      shapes: [shape],
      attrs: { begin: bs.map((b) => b.begin), end: bs.length > 0 && bs.every((b) => b.end === undefined) ? undefined : bs.map((b) => b.end) },
    }));
  });
}

/** A shape and zeros to add before and after each axis. */
export function padCase(): fc.Arbitrary<Case<{ before: number[]; after: number[] }>> {
  return shapeArb(0, 3).chain((shape) => {
    const widths = fc.array(fc.nat(2), { minLength: shape.length, maxLength: shape.length });
    return fc.tuple(widths, widths).map(([before, after]) => ({ shapes: [shape], attrs: { before, after } }));
  });
}

/** Three tensors that join along axis 0 or 1 (or −1) of rank 2, or axis 0 of rank 1. */
export function concatCase(): fc.Arbitrary<Case<{ axis: number }>> {
  return fc.tuple(fc.constantFrom(0, 1, -1, 'vector' as const), dim, dim, dim, dim).map(([axis, r, a, b, c]) => {
    if (axis === 'vector') return { shapes: [[a], [b], [c]], attrs: { axis: 0 } };
    const shapes =
      axis === 0
        ? [
            [a, r],
            [b, r],
            [c, r],
          ]
        : [
            [r, a],
            [r, b],
            [r, c],
          ];
    return { shapes, attrs: { axis } };
  });
}

/** Two equal shapes and a new axis in [−(rank+1), rank]. */
export function stackCase(): fc.Arbitrary<Case<{ axis: number }>> {
  return shapeArb(0, 2).chain((shape) =>
    fc.integer({ min: -(shape.length + 1), max: shape.length }).map((axis) => ({ shapes: [shape, shape], attrs: { axis } })),
  );
}

export interface IndexAttrs {
  axis: number;
  /** Integers in [−size, size): repeats and negatives on purpose. */
  indices: number[];
  /** Shape of the indices ([length] for a flat list, e.g. [2, 2] for a 2-D index tensor). */
  indexShape: number[];
}

function indexArb(size: number): fc.Arbitrary<{ indices: number[]; indexShape: number[] }> {
  const idx = fc.integer({ min: -size, max: size - 1 });
  return fc.oneof(
    fc.array(idx, { minLength: 1, maxLength: 4 }).map((indices) => ({ indices, indexShape: [indices.length] })),
    fc.array(idx, { minLength: 4, maxLength: 4 }).map((indices) => ({ indices, indexShape: [2, 2] })),
  );
}

/** gather's input shape, axis (possibly negative) and indices. */
export function gatherCase(): fc.Arbitrary<Case<IndexAttrs>> {
  return shapeArb(1, 3).chain((shape) =>
    fc.integer({ min: -shape.length, max: shape.length - 1 }).chain((axis) => {
      const ax = axis < 0 ? axis + shape.length : axis;
      return indexArb(shape[ax]!).map(({ indices, indexShape }) => ({ shapes: [shape], attrs: { axis, indices, indexShape } }));
    }),
  );
}

/** scatterAdd's updates shape (laid out as gather's output), indices, axis and target size. */
export function scatterAddCase(): fc.Arbitrary<Case<IndexAttrs & { size: number }>> {
  return fc.tuple(shapeArb(0, 2), dim).chain(([outer, size]) =>
    fc.tuple(fc.integer({ min: 0, max: outer.length }), indexArb(size)).map(([axis, { indices, indexShape }]) => ({
      shapes: [[...outer.slice(0, axis), ...indexShape, ...outer.slice(axis)]],
      attrs: { axis, indices, indexShape, size },
    })),
  );
}

/** A shape with some size-1 axes, and which to squeeze (all when undefined). */
export function squeezeCase(): fc.Arbitrary<Case<{ axis: number | number[] | undefined }>> {
  return fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }).chain((shape) => {
    const ones = shape.flatMap((d, i) => (d === 1 ? [i] : []));
    const axis =
      ones.length === 0 ? fc.constant(undefined) : fc.oneof(fc.constant(undefined), fc.constantFrom(...ones.map((i) => i - shape.length)), fc.subarray(ones));
    return axis.map((a) => ({ shapes: [shape], attrs: { axis: a } }));
  });
}

/** linear operands: x [...lead, in] (0–2 leading axes), W [out, in], and b [out] when `bias`. */
export function linearCase(bias: boolean): fc.Arbitrary<Case<never>> {
  return fc.record({ lead: fc.array(dim, { maxLength: 2 }), inF: dim, outF: dim }).map(({ lead, inF, outF }) => ({
    shapes: bias
      ? [[...lead, inF], [outF, inF], [outF]]
      : [
          [...lead, inF],
          [outF, inF],
        ],
    attrs: undefined as never,
  }));
}

// ---- shape and indexing ops of issue #16 --------------------------------------------------------

/** A shape of rank minRank..maxRank and one axis of it, possibly negative. */
function withAxis(minRank: number, maxRank: number, maxDim = 3): fc.Arbitrary<{ shape: Shape; axis: number }> {
  return shapeArb(minRank, maxRank, maxDim).chain((shape) => fc.integer({ min: -shape.length, max: shape.length - 1 }).map((axis) => ({ shape, axis })));
}

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** tile: a shape of rank 0–2 and 0–3 repetition counts (fewer or more than the rank). */
export function tileCase(): fc.Arbitrary<Case<{ reps: number[] }>> {
  return fc.tuple(shapeArb(0, 2), fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 })).map(([shape, reps]) => ({ shapes: [shape], attrs: { reps } }));
}

/** repeat: one count or one per element (0 included), along an axis or over the flattened tensor. */
export function repeatCase(): fc.Arbitrary<Case<{ repeats: number | number[]; axis: number | undefined }>> {
  return withAxis(1, 3).chain(({ shape, axis }) => {
    const n = shape[norm(axis, shape.length)]!;
    return fc
      .tuple(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n })), fc.boolean())
      .map(([repeats, flat]) => ({
        shapes: [shape],
        attrs: flat ? { repeats: typeof repeats === 'number' ? repeats : 2, axis: undefined } : { repeats, axis },
      }));
  });
}

/** flip: no axis (all), one axis (possibly negative) or several. */
export function flipCase(): fc.Arbitrary<Case<{ axis: number | number[] | undefined }>> {
  return shapeArb(0, 3).chain((shape) => {
    const axes = shape.map((_, i) => i);
    const axis =
      shape.length === 0
        ? fc.constant(undefined)
        : fc.oneof(fc.constant(undefined), fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.subarray(axes));
    return axis.map((a) => ({ shapes: [shape], attrs: { axis: a } }));
  });
}

/** split: a number of equal sections (a divisor of the size) or sizes adding up to it, one maybe −1. */
export function splitCase(): fc.Arbitrary<Case<{ sections: number | number[]; axis: number }>> {
  return withAxis(1, 3, 4).chain(({ shape, axis }) => {
    const n = shape[norm(axis, shape.length)]!;
    const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
    const cuts = fc.uniqueArray(fc.integer({ min: 0, max: n }), { maxLength: 3 }).map((c) => {
      const points = [0, ...c.sort((a, b) => a - b), n];
      return points.slice(1).map((p, i) => p - points[i]!);
    });
    const sections = fc.oneof(
      fc.constantFrom(...divisors),
      cuts,
      cuts.chain((sizes) => fc.nat(sizes.length - 1).map((k) => sizes.map((s, i) => (i === k ? -1 : s)))),
    );
    return sections.map((s) => ({ shapes: [shape], attrs: { sections: s, axis } }));
  });
}

/** chunk: 1–4 chunks along an axis of size 1–4 (uneven and fewer-than-asked chunks included). */
export function chunkCase(): fc.Arbitrary<Case<{ chunks: number; axis: number }>> {
  return fc.tuple(withAxis(1, 3, 4), fc.integer({ min: 1, max: 4 })).map(([{ shape, axis }, chunks]) => ({ shapes: [shape], attrs: { chunks, axis } }));
}

/** A shape of rank 1–3 and one axis (unstack). */
export function unstackCase(): fc.Arbitrary<Case<{ axis: number }>> {
  return withAxis(1, 3).map(({ shape, axis }) => ({ shapes: [shape], attrs: { axis } }));
}

/** flatten: a shape of rank 0–4 and start ≤ end axes (negatives too, defaults sometimes). */
export function flattenCase(): fc.Arbitrary<Case<{ start: number | undefined; end: number | undefined }>> {
  return shapeArb(0, 4).chain((shape) => {
    const r = Math.max(shape.length, 1);
    return fc.tuple(fc.nat(r - 1), fc.nat(r - 1), fc.boolean(), fc.boolean(), fc.boolean()).map(([a, b, negS, negE, defaults]) => {
      const [s, e] = a <= b ? [a, b] : [b, a];
      return { shapes: [shape], attrs: defaults ? { start: undefined, end: undefined } : { start: negS ? s - r : s, end: negE ? e - r : e } };
    });
  });
}

/** tril/triu: a matrix or a batch of them and an offset k that keeps at least one entry. */
export function triangleCase(): fc.Arbitrary<Case<{ k: number }>> {
  return shapeArb(2, 3).chain((shape) => {
    const [m, n] = shape.slice(-2) as [number, number];
    return fc.integer({ min: -(m - 1), max: n - 1 }).map((k) => ({ shapes: [shape], attrs: { k } }));
  });
}

/** pad's options as the tests draw them. */
export interface PadModeOptions {
  mode?: 'constant' | 'reflect' | 'edge' | 'replicate';
  value?: number;
}

/** pad with a mode: reflect, edge/replicate, or a non-zero constant; widths 0–3 (reflect past the size wraps, as np.pad). */
export function padModeCase(): fc.Arbitrary<Case<{ before: number[]; after: number[]; options: PadModeOptions }>> {
  return shapeArb(1, 3).chain((shape) => {
    const widths = fc.array(fc.nat(3), { minLength: shape.length, maxLength: shape.length });
    const options = fc.oneof(
      fc.constantFrom<PadModeOptions>({ mode: 'reflect' }, { mode: 'edge' }, { mode: 'replicate' }),
      fc.double({ min: -3, max: 3, noNaN: true }).map((value): PadModeOptions => ({ value })),
    );
    return fc.tuple(widths, widths, options).map(([before, after, o]) => ({ shapes: [shape], attrs: { before, after, options: o } }));
  });
}

export interface BatchGatherAttrs extends IndexAttrs {
  batchDims: number;
}

/** gather with batchDims 1–2: x = batch ++ mid ++ [n] ++ post, indices = batch ++ (0–2 axes). */
export function batchGatherCase(): fc.Arbitrary<Case<BatchGatherAttrs>> {
  return fc
    .tuple(shapeArb(1, 2), shapeArb(0, 1), dim, shapeArb(0, 1), shapeArb(0, 2), fc.boolean(), fc.boolean())
    .chain(([batch, mid, n, post, inner, negAxis, negBatch]) => {
      const x = [...batch, ...mid, n, ...post];
      const indexShape = [...batch, ...inner];
      const count = sizeOf(indexShape);
      const axis = batch.length + mid.length;
      return fc.array(fc.integer({ min: -n, max: n - 1 }), { minLength: count, maxLength: count }).map((indices) => ({
        shapes: [x],
        attrs: {
          axis: negAxis ? axis - x.length : axis,
          indices,
          indexShape,
          batchDims: negBatch ? batch.length - indexShape.length : batch.length,
        },
      }));
    });
}

/** takeAlongAxis: indices of x's rank, 1–3 along the axis, other axes equal to x's or 1 (broadcast). */
export function takeAlongCase(): fc.Arbitrary<Case<IndexAttrs>> {
  return withAxis(1, 3).chain(({ shape, axis }) => {
    const ax = norm(axis, shape.length);
    const n = shape[ax]!;
    return fc.tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length })).chain(([k, ones]) => {
      const indexShape = shape.map((d, i) => (i === ax ? k : ones[i] ? 1 : d));
      const count = sizeOf(indexShape);
      return fc
        .array(fc.integer({ min: -n, max: n - 1 }), { minLength: count, maxLength: count })
        .map((indices) => ({ shapes: [shape], attrs: { axis, indices, indexShape } }));
    });
  });
}

/**
 * scatter / scatterAddAlongAxis: x, and src at least as large as the indices, whose sizes are at most x's
 * (along the axis at most n − 1 when `missOne`, so every row keeps an unwritten entry of x).
 */
export function scatterCase(missOne: boolean): fc.Arbitrary<Case<IndexAttrs>> {
  return withAxis(1, 3).chain(({ shape: base, axis }) => {
    const ax = norm(axis, base.length);
    const shape = base.map((d, i) => (i === ax && missOne ? d + 1 : d));
    const n = shape[ax]!;
    const sizes = shape.map((d, i) => fc.integer({ min: 1, max: i === ax && missOne ? d - 1 : d }));
    return fc.tuple(fc.tuple(...sizes), fc.array(fc.nat(1), { minLength: shape.length, maxLength: shape.length })).chain(([indexShape, grow]) => {
      const count = sizeOf(indexShape);
      // src may be larger than indices on any axis (PyTorch reads it at the index positions)
      const srcShape = indexShape.map((d, i) => d + grow[i]!);
      return fc
        .array(fc.integer({ min: -n, max: n - 1 }), { minLength: count, maxLength: count })
        .map((indices) => ({ shapes: [shape, srcShape], attrs: { axis, indices, indexShape } }));
    });
  });
}

/** segmentSum: data whose leading 1–2 axes are the ids' shape; ids in [−1, num) (−1 drops a row), not all dropped. */
export function segmentSumCase(): fc.Arbitrary<Case<{ ids: number[]; idShape: number[]; numSegments: number }>> {
  return fc.tuple(shapeArb(1, 2), shapeArb(0, 1), dim).chain(([idShape, rest, numSegments]) => {
    const count = sizeOf(idShape);
    return fc
      .array(fc.integer({ min: -1, max: numSegments - 1 }), { minLength: count, maxLength: count })
      .filter((ids) => ids.some((s) => s >= 0))
      .map((ids) => ({ shapes: [[...idShape, ...rest]], attrs: { ids, idShape, numSegments } }));
  });
}

/** einsum specs by number of operands: traces, diagonals, transposes, sums, products, batched and chained products. */
export const EINSUM_SPECS: Record<1 | 2 | 3, string[]> = {
  1: ['ii', 'ii->i', 'ij->ji', 'ij->', 'ij->j', 'iij->j', 'ijk->kij', 'i->'],
  2: ['ij,jk->ik', 'ij,jk', 'bij,bjk->bik', 'i,j->ij', 'ij,ij->ij', 'ij,ij->', 'ijk,ikl->jl', 'ii,ij->j', 'ij,j->ij', 'i,i->', 'ij,kj->ki'],
  3: ['i,ij,j', 'ij,jk,kl->il', 'i,i,i->i', 'bi,bj,bij->b'],
};

/** An einsum spec with `count` operands and a size 1–3 per index; the shapes follow from the subscripts. */
export function einsumCase(count: 1 | 2 | 3): fc.Arbitrary<Case<{ spec: string }>> {
  return fc.tuple(fc.constantFrom(...EINSUM_SPECS[count]), fc.array(dim, { minLength: 8, maxLength: 8 })).map(([spec, sizes]) => {
    const inputs = spec.split('->')[0]!.split(',');
    const size = (c: string) => sizes['ijklb'.indexOf(c)]!;
    return { shapes: inputs.map((s) => [...s].map(size)), attrs: { spec } };
  });
}
