// Recipes for the shape and indexing ops of issue #16: flip, tile, pad with a mode,
// takeAlongAxis and einsum (matmul-shaped and loop specs).
import { MAX_RANK, MAX_SIZE } from './builder.ts';
import type { Recipe } from './builder.ts';
import { sizeOf } from './shapes.ts';

export const flip: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const r = b.shape(x).length;
  const axis = rng.permutation(r).slice(0, rng.between(1, r));
  b.emit({ op: 'flip', args: [x], axis }, b.shape(x), b.bound(x));
  return true;
};

export const tile: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  const { rng } = b;
  const sh = b.shape(x);
  const rank = sh.length < MAX_RANK && rng.coin(0.3) ? sh.length + 1 : sh.length;
  const reps = Array.from({ length: rank }, () => rng.between(1, 2));
  const full = [...new Array<number>(rank - sh.length).fill(1), ...sh];
  const shape = full.map((d, i) => d * reps[i]!);
  if (sizeOf(shape) > MAX_SIZE) return false;
  b.emit({ op: 'tile', args: [x], reps }, shape, b.bound(x));
  return true;
};

export const pad: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const sh = b.shape(x);
  const before = sh.map(() => rng.int(3));
  const after = sh.map(() => rng.int(3));
  const shape = sh.map((d, i) => d + before[i]! + after[i]!);
  if (sizeOf(shape) > MAX_SIZE) return false;
  const mode = rng.pick(['reflect', 'edge', 'constant'] as const);
  const value = mode === 'constant' ? rng.between(-4, 4) / 2 : 0;
  b.emit({ op: 'pad', args: [x], before, after, mode, value }, shape, Math.max(b.bound(x), Math.abs(value)));
  return true;
};

export const takeAlongAxis: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const sh = b.shape(x);
  const axis = rng.int(sh.length);
  const n = sh[axis]!;
  const indexShape = sh.map((d, i) => (i === axis ? rng.between(1, 3) : d));
  if (sizeOf(indexShape) > MAX_SIZE) return false;
  const indices = Array.from({ length: sizeOf(indexShape) }, () => rng.between(-n, n - 1));
  b.emit({ op: 'takeAlongAxis', args: [x], axis, indices, indexShape }, indexShape, b.bound(x));
  return true;
};

/** einsum on a matrix x: a transpose, a row sum, a diagonal, a product with a new input, or x ⊙ x summed over rows. */
export const einsum: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length === 2);
  if (x === null) return false;
  const { rng } = b;
  const [m, n] = b.shape(x) as [number, number];
  const bx = b.bound(x);
  switch (rng.int(5)) {
    case 0:
      b.emit({ op: 'einsum', args: [x], spec: 'ij->ji' }, [n, m], bx);
      return true;
    case 1:
      b.emit({ op: 'einsum', args: [x], spec: 'ij->i' }, [m], bx * n);
      return true;
    case 2:
      if (m !== n) return false;
      b.emit({ op: 'einsum', args: [x], spec: 'ii->i' }, [m], bx);
      return true;
    case 3: {
      const k = rng.between(1, 3);
      if (m * k > MAX_SIZE) return false;
      const y = b.input([n, k]);
      b.emit({ op: 'einsum', args: [x, y], spec: 'ij,jk->ik' }, [m, k], bx * b.bound(y) * n);
      return true;
    }
    default:
      b.emit({ op: 'einsum', args: [x, x], spec: 'ij,ij->j' }, [n], bx * bx * m);
      return true;
  }
};
