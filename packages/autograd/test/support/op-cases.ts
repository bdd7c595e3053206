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
