// Recipes for the indexing ops of issue #16: scatter and scatterAddAlongAxis (repeated and negative
// indices; src a value, a new input or a number), segmentSum (dropped rows with id −1, empty
// segments) and gather with batchDims. Linear in their tensor operands: no guard is needed.
import { MAX_RANK, MAX_SIZE } from './builder.ts';
import type { Builder, Recipe } from './builder.ts';
import type { Operand } from './program.ts';
import { sizeOf } from './shapes.ts';

/** n indices into an axis of size `size`, negative ones included. */
const indicesInto = (b: Builder, n: number, size: number): number[] => Array.from({ length: n }, () => b.rng.between(-size, size - 1));

/** scatter's src: a number, an earlier value at least as large as the indices on every axis, or a new input of their shape. */
function source(b: Builder, raw: number, indexShape: number[]): Operand {
  if (raw % 4 === 0) return { literal: b.rng.pick([0.5, -1.5]) };
  const fits = (sh: number[]): boolean => sh.length === indexShape.length && sh.every((d, i) => d >= indexShape[i]!);
  return (raw % 4 === 1 ? b.pick(raw >> 2, fits) : null) ?? b.input(indexShape);
}

const scatterLike =
  (name: 'scatter' | 'scatterAddAlongAxis'): Recipe =>
  (b, pick, partner) => {
    const x = b.pick(pick, (sh) => sh.length >= 1);
    if (x === null) return false;
    const { rng } = b;
    const sh = b.shape(x);
    const a = rng.int(sh.length);
    const n = sh[a]!;
    const indexShape = sh.map((d, i) => (i === a ? rng.between(1, n + 1) : rng.between(1, d)));
    if (sizeOf(indexShape) > MAX_SIZE) return false;
    const indices = indicesInto(b, sizeOf(indexShape), n);
    const src = source(b, partner, indexShape);
    const axis = rng.coin(0.3) ? a - sh.length : a;
    // scatter keeps one of x and src per entry; scatterAdd adds up to indexShape[a] src entries to x
    const bound = name === 'scatter' ? Math.max(b.bound(x), b.bound(src)) : b.bound(x) + indexShape[a]! * b.bound(src);
    b.call(name, [x, src], { indices, indicesShape: indexShape, axis }, sh, bound);
    return true;
  };

export const scatter = scatterLike('scatter');
export const scatterAddAlongAxis = scatterLike('scatterAddAlongAxis');

export const segmentSum: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const sh = b.shape(x);
  const idShape = sh.slice(0, rng.between(1, Math.min(2, sh.length)));
  const numSegments = rng.between(1, 4);
  const rest = sh.slice(idShape.length);
  const shape = [numSegments, ...rest];
  if (sizeOf(shape) > MAX_SIZE) return false;
  // −1 drops a row (as TensorFlow)
  const segmentIds = Array.from({ length: sizeOf(idShape) }, () => rng.between(-1, numSegments - 1));
  b.call('segmentSum', [x], { segmentIds, segmentIdsShape: idShape, numSegments }, shape, b.bound(x) * segmentIds.length);
  return true;
};

/** gather with batchDims b: x's first b axes walk with the indices' first b axes. */
export const gatherBatched: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 2);
  if (x === null) return false;
  const { rng } = b;
  const sh = b.shape(x);
  const r = sh.length;
  const batch = rng.between(1, r - 1);
  const a = rng.between(batch, r - 1);
  const extra = rng.pick([[], [rng.between(1, 3)], [2, 2]]);
  const indexShape = [...sh.slice(0, batch), ...extra];
  const shape = [...sh.slice(0, a), ...extra, ...sh.slice(a + 1)];
  if (sizeOf(shape) > MAX_SIZE || shape.length > MAX_RANK) return false;
  const indices = indicesInto(b, sizeOf(indexShape), sh[a]!);
  // batchDims may count from the end of the indices' shape, axis from the end of x's
  const batchDims = extra.length > 0 && rng.coin(0.3) ? batch - indexShape.length : batch;
  const axis = rng.coin(0.3) ? a - r : a;
  b.call('gather', [x], { indices, indicesShape: indexShape, axis, batchDims }, shape, b.bound(x));
  return true;
};
