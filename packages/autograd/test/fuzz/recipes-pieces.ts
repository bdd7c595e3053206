// Recipes for the layout ops of issue #16 that only move values: repeat, split, chunk and unstack
// (one piece per instruction, `part`; sometimes two pieces of the same value), unsqueeze, flatten,
// tril and triu. All are linear, so no guard is needed; the result keeps the operand's bound.
import { MAX_RANK, MAX_SIZE } from './builder.ts';
import type { Builder, Recipe } from './builder.ts';
import type { Attrs } from './program.ts';
import type { Rng } from './rng.ts';
import { sizeOf } from './shapes.ts';

/** A signed axis of a rank-r value: a, or a − r. */
const signed = (rng: Rng, a: number, r: number): number => (rng.coin(0.3) ? a - r : a);

/** One or two pieces of x (of the given sizes along axis a), each a call with `part`. */
function pieces(b: Builder, name: string, x: number, attrs: Attrs, a: number, sizes: number[]): void {
  const parts = b.rng.permutation(sizes.length).slice(0, b.rng.coin(0.3) ? 2 : 1);
  for (const part of parts) {
    const shape = b.shape(x).map((d, i) => (i === a ? sizes[part]! : d));
    b.call(name, [x], { ...attrs, part }, shape, b.bound(x));
  }
}

export const repeat: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  const { rng } = b;
  const sh = b.shape(x);
  // Without an axis x is flattened first.
  const flat = sh.length === 0 || rng.coin(0.25);
  const src = flat ? [sizeOf(sh)] : sh;
  const a = flat ? 0 : rng.int(sh.length);
  const n = src[a]!;
  const counts = rng.coin() ? [rng.between(1, 3)] : Array.from({ length: n }, () => rng.int(3));
  counts[0] = Math.max(1, counts[0]!);
  const total = counts.length === 1 ? n * counts[0]! : counts.reduce((p, q) => p + q, 0);
  const shape = src.map((d, i) => (i === a ? total : d));
  if (sizeOf(shape) > MAX_SIZE) return false;
  const attrs = { repeats: counts.length === 1 ? counts[0]! : counts, ...(flat ? {} : { axis: signed(rng, a, sh.length) }) };
  b.call('repeat', [x], attrs, shape, b.bound(x));
  return true;
};

export const split: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.some((d) => d >= 2));
  if (x === null) return false;
  const { rng } = b;
  const sh = b.shape(x);
  const a = rng.pick(sh.flatMap((d, i) => (d >= 2 ? [i] : [])));
  const n = sh[a]!;
  const axis = signed(rng, a, sh.length);
  if (rng.coin()) {
    // equal pieces: a divisor of n
    const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
    const sections = rng.pick(divisors);
    pieces(b, 'split', x, { sections, axis }, a, new Array<number>(sections).fill(n / sections));
    return true;
  }
  // sizes: n cut at 1 or 2 distinct points, one size maybe written as −1
  const cuts = rng
    .permutation(n - 1)
    .slice(0, Math.min(n - 1, rng.between(1, 2)))
    .map((c) => c + 1)
    .sort((p, q) => p - q);
  const sizes = [...cuts, n].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]!));
  const written = rng.coin(0.3) ? sizes.map((s, i) => (i === sizes.length - 1 ? -1 : s)) : sizes;
  pieces(b, 'split', x, { sections: written, axis }, a, sizes);
  return true;
};

export const chunk: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const sh = b.shape(x);
  const a = rng.int(sh.length);
  const n = sh[a]!;
  const chunks = rng.between(1, n + 1);
  // pieces of ⌈n / chunks⌉, the last one smaller (torch.chunk)
  const size = Math.ceil(n / chunks);
  const sizes: number[] = [];
  for (let at = 0; at < n; at += size) sizes.push(Math.min(size, n - at));
  pieces(b, 'chunk', x, { chunks, axis: signed(rng, a, sh.length) }, a, sizes);
  return true;
};

export const unstack: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length >= 1);
  if (x === null) return false;
  const { rng } = b;
  const sh = b.shape(x);
  const a = rng.int(sh.length);
  const parts = rng.permutation(sh[a]!).slice(0, rng.coin(0.3) ? 2 : 1);
  const axis = signed(rng, a, sh.length);
  for (const part of parts) {
    b.call(
      'unstack',
      [x],
      { axis, part },
      sh.filter((_, i) => i !== a),
      b.bound(x),
    );
  }
  return true;
};

export const unsqueeze: Recipe = (b, pick) => {
  const x = b.pick(pick, (sh) => sh.length < MAX_RANK);
  if (x === null) return false;
  const sh = b.shape(x);
  const a = b.rng.int(sh.length + 1);
  const shape = [...sh.slice(0, a), 1, ...sh.slice(a)];
  b.call('unsqueeze', [x], { axis: signed(b.rng, a, sh.length + 1) }, shape, b.bound(x));
  return true;
};

export const flatten: Recipe = (b, pick) => {
  const x = b.pick(pick)!;
  const { rng } = b;
  const sh = b.shape(x);
  const r = sh.length;
  // a 0-d value becomes [1]; its only valid axes are the defaults 0 and −1
  const s = r === 0 ? 0 : rng.int(r);
  const e = r === 0 ? 0 : rng.between(s, r - 1);
  const shape = r === 0 ? [1] : [...sh.slice(0, s), sizeOf(sh.slice(s, e + 1)), ...sh.slice(e + 1)];
  const attrs = r === 0 ? { startAxis: 0, endAxis: -1 } : { startAxis: signed(rng, s, r), endAxis: signed(rng, e, r) };
  b.call('flatten', [x], attrs, shape, b.bound(x));
  return true;
};

const triangle =
  (name: 'tril' | 'triu'): Recipe =>
  (b, pick) => {
    const x = b.pick(pick, (sh) => sh.length >= 2);
    if (x === null) return false;
    b.call(name, [x], { k: b.rng.between(-2, 2) }, b.shape(x), b.bound(x));
    return true;
  };

export const tril = triangle('tril');
export const triu = triangle('triu');
