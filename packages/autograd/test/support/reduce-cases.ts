// Shapes and attributes for the reductions, scans and selections of ops/stats.ts, ops/scan.ts,
// ops/norm.ts and ops/select.ts. Each yields { shapes, attrs } like op-cases.ts.
import fc from 'fast-check';
import { reduction, shapeArb } from './arbitraries.ts';
import type { AxisArg } from './arbitraries.ts';
import type { Case } from './op-cases.ts';

/** How many elements a reduction over `axis` (all when undefined) combines. */
function countOf(shape: number[], axis: AxisArg): number {
  const axes = axis === undefined ? shape.map((_, i) => i) : typeof axis === 'number' ? [axis < 0 ? axis + shape.length : axis] : axis;
  return axes.reduce((n, a) => n * shape[a]!, 1);
}

export interface ReduceAttrs {
  axis: AxisArg;
  keepDims: boolean;
}

/** A reduction (as `reduction()`) over at least two elements, and a correction of 0 or 1. */
export function varianceCase(): fc.Arbitrary<Case<ReduceAttrs & { correction: 0 | 1 }>> {
  return fc
    .tuple(
      reduction().filter(({ shape, axis }) => countOf(shape, axis) >= 2),
      fc.constantFrom<(0 | 1)[]>(0, 1),
    )
    .map(([{ shape, axis, keepDims }, correction]) => ({ shapes: [shape], attrs: { axis, keepDims, correction } }));
}

export type Ord = 1 | 2 | typeof Infinity | 'fro';

/** A vector norm over a reduction's axes, or a Frobenius norm over two axes (the last two when undefined). */
export function normCase(): fc.Arbitrary<Case<ReduceAttrs & { ord: Ord }>> {
  const vector = fc.tuple(reduction(), fc.constantFrom<Ord[]>(1, 2, Infinity)).map(([{ shape, axis, keepDims }, ord]) => ({
    shapes: [shape],
    attrs: { axis, keepDims, ord },
  }));
  const matrix = fc.tuple(shapeArb(2, 3), fc.boolean(), fc.boolean()).chain(([shape, keepDims, own]) => {
    const pairs = shape.flatMap((_, i) => shape.map((_, j) => [i, j - shape.length]).filter(([a, b]) => a !== b! + shape.length));
    const axis = own ? fc.constantFrom(...pairs) : fc.constant(undefined);
    return axis.map((a) => ({ shapes: [shape], attrs: { axis: a, keepDims, ord: 'fro' as Ord } }));
  });
  return fc.oneof(vector, matrix);
}

export interface TopkAttrs {
  k: number;
  axis: number | undefined;
  largest: boolean;
  sorted: boolean;
}

/** topk along an axis (or the default last), k from 1 to its size, largest or smallest, sorted or not. */
export function topkCase(): fc.Arbitrary<Case<TopkAttrs>> {
  return shapeArb(1, 3).chain((shape) =>
    fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: undefined }).chain((axis) => {
      const n = shape[axis === undefined ? shape.length - 1 : axis < 0 ? axis + shape.length : axis]!;
      return fc
        .record({ k: fc.integer({ min: 1, max: n }), largest: fc.boolean(), sorted: fc.boolean() })
        .map(({ k, largest, sorted }) => ({ shapes: [shape], attrs: { k, axis, largest, sorted } }));
    }),
  );
}
