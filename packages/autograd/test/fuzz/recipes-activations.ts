// Recipes for the composite activations of issue #16 and dropout. Guards: leakyRelu, elu and selu
// on tanh x ± 1.5 (kinks, or a jump of the second derivative, at 0); clamp, clip, hardTanh and
// relu6 on entries placed below, between and above the bounds, at least 0.25 from each (the
// gradient jumps at a bound); gelu is smooth; dropout carries the seed of its mask, so every
// evaluation of the program (finite differences included) draws the same one.
import type { Builder, Recipe } from './builder.ts';
import type { Operand } from './program.ts';
import { awayFrom } from './recipes-elementwise.ts';
import { broadcast, sizeOf } from './shapes.ts';

/** 0.25 tanh x plus a centre drawn per entry: every entry within 0.25 of its centre. */
function near(b: Builder, x: number, centres: readonly number[]): number {
  const t = b.binary('mul', b.unary('tanh', x, 1), { literal: 0.25 }, 0.25);
  const offsets = b.constant(
    b.shape(x),
    Array.from({ length: sizeOf(b.shape(x)) }, () => b.rng.pick(centres)),
  );
  return b.binary('add', t, offsets, 0.25 + b.bound(offsets));
}

/** Entries below lo, between lo and hi, and above hi (hi − lo ≥ 1), each at least 0.25 from both. */
const around = (b: Builder, x: number, lo: number, hi: number): number => near(b, x, [lo - 0.75, (lo + hi) / 2, hi + 0.75]);

export const gelu: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  // |x Φ(x)| ≤ |x|, and the same for the tanh form
  b.call('gelu', [x], { approximate: b.rng.pick(['none', 'tanh']) }, b.shape(x), b.bound(x));
  return true;
};

export const leakyRelu: Recipe = (b, pick) => {
  const x = awayFrom(b, b.pick(pick)!, 1.5);
  const negativeSlope = b.rng.pick([0.01, 0.2, -0.5, 1.5]);
  b.call('leakyRelu', [x], { negativeSlope }, b.shape(x), 2.5 * Math.max(1, Math.abs(negativeSlope)));
  return true;
};

export const elu: Recipe = (b, pick) => {
  const x = awayFrom(b, b.pick(pick)!, 1.5);
  const alpha = b.rng.pick([1, 0.5, 2]);
  // α(eˣ − 1) ∈ (−α, 0] for x ≤ 0
  b.call('elu', [x], { alpha }, b.shape(x), Math.max(2.5, alpha));
  return true;
};

export const selu: Recipe = (b, pick) => {
  const x = awayFrom(b, b.pick(pick)!, 1.5);
  // scale · max(2.5, α) with scale ≈ 1.0507, α ≈ 1.6733
  b.call('selu', [x], {}, b.shape(x), 2.7);
  return true;
};

/**
 * A bound of clamp near `centre`: the number itself, or centre + 0.25 tanh y for an earlier value
 * or a new input y whose shape broadcasts to `shape` without enlarging it (gradients reach it).
 */
function boundNear(b: Builder, raw: number, shape: number[], centre: number): Operand {
  if (b.rng.coin(0.3)) return { literal: centre };
  const fits = (sh: number[]): boolean => broadcast(shape, sh)?.join() === shape.join();
  const y = (raw % 2 === 0 ? b.pick(raw >> 1, fits) : null) ?? b.input(b.relatedShape(shape, false));
  const t = b.binary('mul', b.unary('tanh', y, 1), { literal: 0.25 }, 0.25);
  return b.binary('add', t, { literal: centre }, Math.abs(centre) + 0.25);
}

/** clamp or clip with number or tensor bounds near −1 and 1, one of them sometimes left out (`without`). */
const clampLike =
  (name: 'clamp' | 'clip'): Recipe =>
  (b, pick, partner) => {
    const x = b.pick(pick)!;
    const sh = b.shape(x);
    const without = b.rng.pick([null, null, 'min', 'max'] as const);
    const v = near(b, x, [-1.75, 0, 1.75]);
    const args: Operand[] = [v];
    if (without !== 'min') args.push(boundNear(b, partner, sh, -1));
    if (without !== 'max') args.push(boundNear(b, partner >> 3, sh, 1));
    b.call(name, args, without === null ? {} : { without }, sh, 2);
    return true;
  };

export const clamp = clampLike('clamp');
export const clip = clampLike('clip');

export const hardTanh: Recipe = (b, pick) => {
  const [minVal, maxVal] = b.rng.pick([
    [-1, 1],
    [-0.5, 1.5],
    [-2, -0.5],
  ] as const);
  const x = around(b, b.pick(pick)!, minVal, maxVal);
  b.call('hardTanh', [x], { minVal, maxVal }, b.shape(x), b.bound(x));
  return true;
};

export const relu6: Recipe = (b, pick) => {
  const x = around(b, b.pick(pick)!, 0, 6);
  b.call('relu6', [x], {}, b.shape(x), 6);
  return true;
};

export const dropout: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  const p = b.rng.pick([0.25, 0.5]);
  // survivors are scaled by 1 / (1 − p)
  b.call('dropout', [x], { p, seed: b.rng.int(2 ** 31) }, b.shape(x), b.bound(x) / (1 - p));
  return true;
};
