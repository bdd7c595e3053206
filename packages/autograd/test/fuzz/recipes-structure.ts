// Recipes for matmul (vector, matrix and batched layouts, transposeA / transposeB, broadcast
// batch axes) and for the ops that move values around: reshape, transpose, slice, concat,
// gather, broadcastTo.
import { MAX_RANK, MAX_SIZE } from './builder.ts';
import type { Builder, Recipe } from './builder.ts';
import { innerSize, matmulShape, sizeOf } from './shapes.ts';

/** A new operand for matmul with `x`: inner size k, and a vector, matrix or batched layout. */
function matmulPartner(b: Builder, x: number[], xIsA: boolean, ta: boolean, tb: boolean): number[] {
  const { rng } = b;
  const k = x.length === 1 ? x[0]! : xIsA ? (ta ? x[x.length - 2]! : x[x.length - 1]!) : tb ? x[x.length - 1]! : x[x.length - 2]!;
  // Up to 4: gemm's unrolled and blocked paths start at 4 columns (or 4 summed terms).
  const f = rng.between(1, 4);
  const flip = xIsA ? tb : ta;
  const core = xIsA === flip ? [f, k] : [k, f];
  const xBatch = x.slice(0, -2);
  switch (rng.int(3)) {
    case 0:
      return [k];
    case 1:
      return core;
    default: {
      const batch = xBatch.length === 0 ? [rng.between(1, 3)] : rng.pick([xBatch, xBatch.map(() => 1), xBatch.slice(1)]);
      return [...batch, ...core];
    }
  }
}

export const matmul: Recipe = (b, pick, partner) => {
  const x = b.pick(pick, (sh) => sh.length >= 1 && sh.length <= 3);
  if (x === null) return false;
  const { rng } = b;
  const [xIsA, ta, tb] = [rng.coin(), rng.coin(), rng.coin()];
  const result = (y: number[]): number[] | null => (xIsA ? matmulShape(b.shape(x), y, ta, tb) : matmulShape(y, b.shape(x), ta, tb));
  const fits = (y: number[]): boolean => {
    const out = result(y);
    return out !== null && sizeOf(out) <= MAX_SIZE;
  };
  let y = partner % 4 === 0 ? null : b.pick(partner >> 2, fits);
  if (y === null) {
    const shape = matmulPartner(b, b.shape(x), xIsA, ta, tb);
    if (!fits(shape)) return false;
    y = b.input(shape);
  }
  const [p, q] = xIsA ? [x, y] : [y, x];
  const k = innerSize(b.shape(p), ta);
  b.emit({ op: 'matmul', args: [p, q], transposeA: ta, transposeB: tb }, result(b.shape(y))!, b.bound(p) * b.bound(q) * k);
  return true;
};

export const reshape: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  const { rng } = b;
  const n = sizeOf(b.shape(x));
  const rank = n === 1 ? rng.int(4) : rng.between(1, 3);
  const target = new Array<number>(rank).fill(1);
  let rest = n;
  for (let p = 2; rest > 1; p++) {
    while (rest % p === 0) {
      target[rng.int(rank)]! *= p;
      rest /= p;
    }
  }
  const shape = [...target];
  if (rank > 0 && rng.coin(0.3)) target[rng.int(rank)] = -1;
  b.emit({ op: 'reshape', args: [x], shape: target }, shape, b.bound(x));
  return true;
};

export const transpose: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 2);
  if (x === null) return false;
  const { rng } = b;
  const r = b.shape(x).length;
  const perm = rng.coin(0.25) ? undefined : rng.permutation(r).map((a) => (rng.coin(0.2) ? a - r : a));
  const axes = perm === undefined ? b.shape(x).map((_, i) => r - 1 - i) : perm.map((a) => (a + r) % r);
  b.emit(
    { op: 'transpose', args: [x], perm },
    axes.map((a) => b.shape(x)[a]!),
    b.bound(x),
  );
  return true;
};

export const slice: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const begin: number[] = [];
  const end: (number | undefined)[] = [];
  const shape = b.shape(x).map((n) => {
    const lo = rng.int(n);
    const hi = rng.between(lo + 1, n);
    begin.push(rng.coin(0.3) ? lo - n : lo);
    end.push(hi === n ? (rng.coin() ? undefined : n) : rng.coin(0.3) ? hi - n : hi);
    return hi - lo;
  });
  b.emit({ op: 'slice', args: [x], begin, end }, shape, b.bound(x));
  return true;
};

export const concat: Recipe = (b, pick, partner) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const base = b.shape(x);
  const r = base.length;
  const ax = rng.int(r);
  const parts = [x];
  let size = base[ax]!;
  const extra = rng.between(1, 2);
  for (let i = 0; i < extra; i++) {
    const fits = (sh: number[]): boolean => sh.length === r && sh.every((d, k) => k === ax || d === base[k]);
    const choice = rng.int(3);
    const y = choice === 0 ? x : choice === 1 ? b.pick(partner >> i, fits) : null;
    const part = y ?? b.input(base.map((d, k) => (k === ax ? rng.between(1, 3) : d)));
    if ((size + b.shape(part)[ax]!) * (sizeOf(base) / base[ax]!) > MAX_SIZE) break;
    parts.push(part);
    size += b.shape(part)[ax]!;
  }
  if (parts.length === 1) return false;
  const order = rng.permutation(parts.length).map((i) => parts[i]!);
  const shape = base.map((d, k) => (k === ax ? size : d));
  b.emit({ op: 'concat', args: order, axis: rng.coin(0.3) ? ax - r : ax }, shape, Math.max(...order.map((v) => b.bound(v))));
  return true;
};

export const gather: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const sh = b.shape(x);
  const ax = rng.int(sh.length);
  const n = sh[ax]!;
  let indexShape = rng.coin(0.25) ? [2, 2] : [rng.between(1, 4)];
  const outOf = (is: number[]): number[] => [...sh.slice(0, ax), ...is, ...sh.slice(ax + 1)];
  if (sizeOf(outOf(indexShape)) > MAX_SIZE || outOf(indexShape).length > MAX_RANK) indexShape = [1];
  const indices = Array.from({ length: sizeOf(indexShape) }, () => rng.between(-n, n - 1));
  const axis = rng.coin(0.3) ? ax - sh.length : ax;
  b.emit({ op: 'gather', args: [x], axis, indices, indexShape }, outOf(indexShape), b.bound(x));
  return true;
};

export const broadcastTo: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  const { rng } = b;
  const sh = b.shape(x);
  let target = sh.map((d) => (d === 1 && rng.coin() ? rng.between(2, 3) : d));
  if ((rng.coin() || target.every((d, i) => d === sh[i])) && target.length < MAX_RANK) target = [rng.between(1, 3), ...target];
  if (sizeOf(target) > MAX_SIZE || target.every((d, i) => d === sh[i])) return false;
  b.emit({ op: 'broadcastTo', args: [x], shape: target }, target, b.bound(x));
  return true;
};
