// Recipes for the elementwise ops, where, reductions and softmax. Each keeps its operands in
// the op's domain, and away from kinks, with instructions that are part of the program (so they
// print): exp(tanh x), log(softplus x + 0.125), a / (softplus b + 0.5), pow(softplus x + 0.5, ·),
// relu / abs of tanh x ± 1.5, maximum of tanh x ± 2.5 against something in (−1, 1), and max / min
// over tanh x plus distinct offsets 2.5 apart, so the argmax is unique and stays put under
// finite-difference steps.
import { type Domain, type ElementwisePrimitive, elementwisePrimitives } from '../../src/internal.ts';
import type { Builder, Recipe } from './builder.ts';
import type { Operand, ReduceOp, SoftmaxOp, UnaryOp } from './program.ts';
import { SCAN } from './program.ts';
import type { Rng } from './rng.ts';
import { broadcast, reducedShape, sizeOf } from './shapes.ts';

/** softplus(x) + c: positive, at least c. */
export function positive(b: Builder, x: number, c: number): number {
  const s = b.unary('softplus', x, b.bound(x) + 0.7);
  return b.binary('add', s, { literal: c }, b.bound(s) + c);
}

/** tanh(x) ± c elementwise (random signs): |value| ≥ c − 1, so clear of 0 and of (−1, 1). */
export function awayFrom(b: Builder, x: number, c: number): number {
  const t = b.unary('tanh', x, 1);
  return b.binary('add', t, b.signs(b.shape(x), c), c + 1);
}

/** An axis argument of a reduction: all (undefined), one (maybe negative), several, or none ([]). */
export function axisSpec(rng: Rng, rank: number): number | number[] | undefined {
  if (rank === 0) return rng.coin(0.2) ? [] : undefined;
  const neg = (a: number): number => (rng.coin(0.3) ? a - rank : a);
  switch (rng.int(5)) {
    case 0:
      return undefined;
    case 1:
    case 2:
      return neg(rng.int(rank));
    case 3:
      return rng
        .permutation(rank)
        .slice(0, rng.between(rank >= 2 && rng.coin() ? 2 : 1, rank))
        .map(neg);
    default:
      return rng.coin(0.2) ? [] : neg(rng.int(rank));
  }
}

// ---- unary ---------------------------------------------------------------------------------

export const simple =
  (op: UnaryOp, bound: (x: number) => number): Recipe =>
  (b, pick) => {
    const x = b.pick(pick)!;
    b.unary(op, x, bound(b.bound(x)));
    return true;
  };

export const exp: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  b.unary('exp', b.unary('tanh', x, 1), Math.E);
  return true;
};

export const log: Recipe = (b, pick) => {
  const p = positive(b, b.pick(pick)!, 0.125);
  b.unary('log', p, Math.max(2.1, Math.log(b.bound(p))));
  return true;
};

export const sqrt: Recipe = (b, pick) => {
  const p = positive(b, b.pick(pick)!, 0.125);
  b.unary('sqrt', p, Math.sqrt(b.bound(p)));
  return true;
};

export const relu: Recipe = (b, pick) => {
  const a = awayFrom(b, b.pick(pick)!, 1.5);
  b.unary('relu', a, 2.5);
  return true;
};

export const abs: Recipe = (b, pick) => {
  const a = awayFrom(b, b.pick(pick)!, 1.5);
  b.unary('abs', a, 2.5);
  return true;
};

// ---- binary and where ----------------------------------------------------------------------

export const arithmetic =
  (op: 'add' | 'sub' | 'mul'): Recipe =>
  (b, pick, partner) => {
    const x = b.pick(pick)!;
    const y = b.partner(partner, b.shape(x), b.rng.pick([0.5, 1.5, -2]));
    const [p, q] = b.rng.coin() ? [x, y] : [y, x];
    const bound = op === 'mul' ? b.bound(p) * b.bound(q) : b.bound(p) + b.bound(q);
    b.binary(op, p, q, bound);
    return true;
  };

export const div: Recipe = (b, pick, partner) => {
  const x = b.pick(pick)!;
  if (b.rng.coin(0.15)) {
    b.binary('div', { literal: 1 }, positive(b, x, 0.5), 2);
    return true;
  }
  const d = b.partner(partner, b.shape(x), null) as number;
  b.binary('div', x, positive(b, d, 0.5), 2 * b.bound(x));
  return true;
};

export const pow: Recipe = (b, pick, partner) => {
  const x = b.pick(pick)!;
  const mode = b.rng.int(3);
  if (mode === 0) {
    // A number base: only the exponent's rule runs.
    const base = b.rng.pick([0.75, 1.5]);
    b.binary('pow', { literal: base }, b.unary('tanh', x, 1), 2);
    return true;
  }
  const base = positive(b, x, 0.5);
  const top = Math.max(b.bound(base), 2);
  if (mode === 1) {
    const e = b.rng.pick([2, 3, -1, 0.5, -1.5]);
    b.binary('pow', base, { literal: e }, top ** Math.abs(e));
    return true;
  }
  const y = b.partner(partner, b.shape(x), null) as number;
  b.binary('pow', base, b.unary('tanh', y, 1), top);
  return true;
};

export const extremum =
  (op: 'maximum' | 'minimum'): Recipe =>
  (b, pick, partner) => {
    const x = b.pick(pick)!;
    const far = awayFrom(b, x, 2.5);
    const y = b.partner(partner, b.shape(x), 0.25);
    const near: Operand = typeof y === 'number' ? b.unary('tanh', y, 1) : y;
    const [p, q] = b.rng.coin() ? [far, near] : [near, far];
    b.binary(op, p, q, 3.5);
    return true;
  };

export const where: Recipe = (b, pick, partner) => {
  const x = b.pick(pick)!;
  const y = b.partner(partner, b.shape(x), 0);
  const [p, q] = b.rng.coin() ? [x, y] : [y, x];
  const out = broadcast(b.shapeOf(p), b.shapeOf(q))!;
  const maskShape = b.relatedShape(out, false);
  const mask = b.constant(
    maskShape,
    Array.from({ length: sizeOf(maskShape) }, () => b.rng.int(2)),
  );
  b.emit({ op: 'where', args: [mask, p, q] }, out, Math.max(b.bound(p), b.bound(q)));
  return true;
};

// ---- reductions and softmax ----------------------------------------------------------------

/** tanh x plus distinct offsets 2.5 apart: all entries differ by more than 0.5, so no ties. */
export function spreadOut(b: Builder, x: number): number {
  const n = sizeOf(b.shape(x));
  const t = b.unary('tanh', x, 1);
  const offsets = b.constant(
    b.shape(x),
    b.rng.permutation(n).map((k) => 2.5 * (k - Math.floor(n / 2))),
  );
  return b.binary('add', t, offsets, 1 + b.bound(offsets));
}

export const reduction =
  (op: ReduceOp): Recipe =>
  (b, pick) => {
    let x = b.pick(pick)!;
    const inner = b.bound(x);
    if (op === 'max' || op === 'min') x = spreadOut(b, x);
    const axis = axisSpec(b.rng, b.shape(x).length);
    const keepDims = b.rng.coin();
    const shape = reducedShape(b.shape(x), axis, keepDims);
    const count = sizeOf(b.shape(x)) / sizeOf(shape);
    const bound = op === 'sum' ? inner * count : op === 'logSumExp' ? inner + Math.log(count) : b.bound(x);
    b.emit({ op, args: [x], axis, keepDims }, shape, bound);
    return true;
  };

export const softmaxLike =
  (op: SoftmaxOp): Recipe =>
  (b, pick) => {
    const x = b.pick(pick, (sh) => sh.length >= 1);
    if (x === null) return false;
    const r = b.shape(x).length;
    const axis = b.rng.coin(0.3) ? undefined : b.rng.between(-r, r - 1);
    const n = b.shape(x)[axis === undefined ? r - 1 : (axis + r) % r]!;
    b.emit({ op, args: [x], axis }, b.shape(x), op === 'softmax' ? 1 : 2 * b.bound(x) + Math.log(n));
    return true;
  };

/** A scan along one axis (possibly negative); cumprod over tanh x ± 1.5, entries of size in (0.5, 2.5), so that products stay moderate. */
export const scan: Recipe = (b, pick) => {
  const op = SCAN[b.rng.int(SCAN.length)]!;
  let x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  if (op === 'cumprod') x = awayFrom(b, x, 1.5);
  const shape = b.shape(x);
  const r = shape.length;
  const axis = b.rng.between(-r, r - 1);
  const n = shape[(axis + r) % r]!;
  const inner = b.bound(x);
  const bound = op === 'cumsum' ? inner * n : op === 'cumprod' ? Math.max(1, inner) ** n : inner + Math.log(n);
  b.emit({ op, args: [x], axis }, shape, bound);
  return true;
};

// ---- any elementwise primitive, from its descriptor ------------------------------------------

/**
 * Every elementwise primitive without a recipe of its own (`dedicated`): its operands are mapped
 * into one open piece of its domain (between the points it avoids) as lo + (hi − lo)(tanh x + 1)/2,
 * 5% in from each end, so finite differences stay clear of kinks and poles. One step applies a
 * chain of such primitives, one per ten candidates, so that each is drawn about as often as an
 * op with a recipe of its own, however many there are, without crowding the other recipes out.
 */
export const generic =
  (dedicated: readonly string[]): Recipe =>
  (b, pick, partner) => {
    const candidates = elementwisePrimitives().filter((p) => !dedicated.includes(p.name));
    if (candidates.length === 0) return false;
    let x = b.pick(pick)!;
    let applied = false;
    const reps = Math.ceil(candidates.length / 10);
    for (let rep = 0; rep < reps; rep++) {
      const p = candidates[b.rng.int(candidates.length)]!;
      const args = [x];
      if (p.elementwise.arity === 2) {
        // Later links take a fresh input of a related shape (raw % 8 ≥ 4), which often broadcasts.
        const y = b.partner(rep === 0 ? partner : (partner + 7919 * rep) | 4, b.shape(x), null);
        if (typeof y !== 'number') continue;
        args.push(y);
      }
      const pieces = args.map((a, i) => intoDomain(b, a, pieceOf(b, p.elementwise.domains[i]!)));
      x = b.elementwise(
        p.name,
        pieces.map((q) => q.value),
        boundOver(
          p,
          pieces.map((q) => q.piece),
        ),
      );
      applied = true;
    }
    return applied;
  };

type Piece = readonly [number, number];

/** One open piece of the domain between the points it avoids, chosen at random, 5% in from each end. */
function pieceOf(b: Builder, d: Domain): Piece {
  const cuts = [d.low, ...(d.avoid ?? []).filter((a) => a > d.low && a < d.high), d.high];
  const k = b.rng.int(cuts.length - 1);
  const lo = cuts[k]!;
  const hi = cuts[k + 1]!;
  const margin = 0.05 * (hi - lo);
  return [lo + margin, hi - margin];
}

function intoDomain(b: Builder, x: number, [lo, hi]: Piece): { value: number; piece: Piece } {
  const t = b.unary('tanh', x, 1);
  const half = (hi - lo) / 2;
  const scaled = b.binary('mul', t, { literal: half }, half);
  return { value: b.binary('add', scaled, { literal: lo + half }, Math.max(Math.abs(lo), Math.abs(hi))), piece: [lo, hi] };
}

/** A bound on |f| over the pieces, from a grid (loose by half, for the interval arithmetic after it). */
function boundOver(p: ElementwisePrimitive, pieces: readonly Piece[]): number {
  const grid = (q: Piece): number[] => Array.from({ length: 41 }, (_, i) => q[0] + ((q[1] - q[0]) * i) / 40);
  const [gx, gy] = [grid(pieces[0]!), grid(pieces[1] ?? pieces[0]!)];
  let m = 0;
  for (const x of gx) for (const y of gy) m = Math.max(m, Math.abs(p.elementwise.value(x, y)));
  return 1.5 * m + 1e-9;
}
