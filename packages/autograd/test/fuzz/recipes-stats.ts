// Recipes for the statistics of issue #16: prod, var, std, norm (ords 1, 2, ∞, 'fro') and topk's
// values. Guards: prod over at most 6 entries of 1.25 tanh x (|product| ≤ 1.25⁶; prod is a
// polynomial, smooth everywhere); var of 2 tanh x (smooth); std over ≥ 2 distinct entries (its
// square root has a kink where the variance is 0); norms 1 and 2 of tanh x ± 1.5 (|x| kinks at 0);
// norm ∞ over entries of distinct sizes (ties move the argmax); topk over distinct entries.
import type { Builder, Recipe } from './builder.ts';
import type { Attrs } from './program.ts';
import { awayFrom, axisSpec, spreadOut } from './recipes-elementwise.ts';
import { reducedShape, sizeOf } from './shapes.ts';

type AxisSpec = number | number[] | undefined;

/** How many entries each result entry reduces over. */
const countOver = (shape: number[], axis: AxisSpec): number => sizeOf(shape) / sizeOf(reducedShape(shape, axis, false));

/** The axis and keepDims attributes (an absent axis means all axes). */
const reduceAttrs = (axis: AxisSpec, keepDims: boolean): Attrs => ({ ...(axis === undefined ? {} : { axis }), keepDims });

/** c · tanh x: smooth, |value| < c. */
function squash(b: Builder, x: number, c: number): number {
  return b.binary('mul', b.unary('tanh', x, 1), { literal: c }, c);
}

/** tanh x ± 2.5 (k + ½) for a permutation k: entries of distinct sizes (2.5 apart), at least 0.25 from 0. */
function distinctSizes(b: Builder, x: number): number {
  const n = sizeOf(b.shape(x));
  const sizes = b.constant(
    b.shape(x),
    b.rng.permutation(n).map((k) => (b.rng.coin() ? 1 : -1) * 2.5 * (k + 0.5)),
  );
  return b.binary('add', b.unary('tanh', x, 1), sizes, 1 + b.bound(sizes));
}

export const prod: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  const sh = b.shape(x);
  let axis = axisSpec(b.rng, sh.length);
  // Over at most 6 entries: reduce the smallest axis instead when the drawn axes hold more.
  if (countOver(sh, axis) > 6 && sh.length > 0) axis = sh.indexOf(Math.min(...sh));
  const n = countOver(sh, axis);
  if (n > 6) return false;
  const keepDims = b.rng.coin();
  b.call('prod', [squash(b, x, 1.25)], reduceAttrs(axis, keepDims), reducedShape(sh, axis, keepDims), 1.25 ** n);
  return true;
};

export const variance: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  const sh = b.shape(x);
  const axis = axisSpec(b.rng, sh.length);
  const keepDims = b.rng.coin();
  const n = countOver(sh, axis);
  // correction 1 needs 2 entries (one gives 0/0, as PyTorch)
  const correction = n >= 2 && b.rng.coin() ? 1 : 0;
  // Σ (x − x̄)² / (n − c) with |x − x̄| < 4
  const bound = (16 * n) / (n - correction);
  b.call('var', [squash(b, x, 2)], { ...reduceAttrs(axis, keepDims), correction }, reducedShape(sh, axis, keepDims), bound);
  return true;
};

export const std: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sizeOf(sh) >= 2);
  if (x === null) return false;
  const sh = b.shape(x);
  let axis = axisSpec(b.rng, sh.length);
  if (countOver(sh, axis) < 2) axis = undefined;
  const keepDims = b.rng.coin();
  const correction = b.rng.coin() ? 1 : 0;
  const s = spreadOut(b, x);
  // √(Σ (x − x̄)² / (n − c)) ≤ 2 max|x| √(n / (n − c)), and n / (n − c) ≤ 2
  b.call('std', [s], { ...reduceAttrs(axis, keepDims), correction }, reducedShape(sh, axis, keepDims), 2 * b.bound(s) * Math.SQRT2);
  return true;
};

export const norm: Recipe = (b, pick) => {
  const { rng } = b;
  const ord = rng.pick([1, 2, 'inf', 'fro'] as const);
  const x = b.pick(pick, (sh) => ord !== 'fro' || sh.length >= 2);
  if (x === null) return false;
  const sh = b.shape(x);
  const r = sh.length;
  // 'fro' reduces two axes: the last two when axis is absent
  const axis: AxisSpec =
    ord === 'fro'
      ? rng.coin(0.3)
        ? undefined
        : rng
            .permutation(r)
            .slice(0, 2)
            .map((a) => (rng.coin(0.3) ? a - r : a))
      : axisSpec(rng, r);
  const axes = ord === 'fro' && axis === undefined ? [r - 2, r - 1] : axis;
  const keepDims = rng.coin();
  const n = countOver(sh, axes);
  const s = ord === 'inf' ? distinctSizes(b, x) : awayFrom(b, x, 1.5);
  const bound = ord === 1 ? 2.5 * n : ord === 'inf' ? b.bound(s) : 2.5 * Math.sqrt(n);
  b.call('norm', [s], { ord, ...reduceAttrs(axis, keepDims) }, reducedShape(sh, axes, keepDims), bound);
  return true;
};

export const topk: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const s = spreadOut(b, x);
  const sh = b.shape(s);
  const a = rng.int(sh.length);
  const k = rng.between(1, sh[a]!);
  const attrs = { k, axis: rng.coin(0.3) ? a : a - sh.length, largest: rng.coin(0.7), sorted: rng.coin(0.7) };
  b.call(
    'topk',
    [s],
    attrs,
    sh.map((d, i) => (i === a ? k : d)),
    b.bound(s),
  );
  return true;
};
