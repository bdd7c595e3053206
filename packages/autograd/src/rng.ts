// The library's seeded generator, shared by the random tensors here (rand, randn, dropout, ...)
// and by model initialisation in @pullback/nn, which re-exports it: one class and one default
// generator, so that manualSeed(s) makes a whole training run reproducible (as torch.manual_seed).
import { given } from './args.ts';
import { ValueError } from './errors.ts';

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_32 = 4294967296;

/** splitmix32: spreads one 32-bit word over the whole state, so seeds 0, 1, 2 give unrelated streams. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let t = state.s ^ (state.s >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) on uint32 words, seeded by
 * splitmix32. Only integer operations (`Math.imul`, shifts) touch the state, so the uniform
 * stream is bit-identical on every platform and JavaScript engine. `normal()` also calls
 * Math.log/sqrt/cos/sin, which V8 (Node) implements identically everywhere (fdlibm ports).
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** Box–Muller makes normals in pairs; the second one waits here. */
  private spare: number | null = null;
  readonly seed: number;

  /** `seed`: any safe integer (negative and above 2³² too: both 32-bit halves are used). */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new ValueError('Rng', `seed must be a safe integer, got ${given(seed)}`);
    }
    this.seed = seed;
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    const mix = { s: lo ^ Math.imul(hi, 0x85ebca6b) };
    this.s0 = splitmix32(mix);
    this.s1 = splitmix32(mix);
    this.s2 = splitmix32(mix);
    this.s3 = splitmix32(mix);
    // xoshiro's one forbidden state; splitmix32 cannot produce it in practice, but be exact.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next uniform integer in [0, 2³²). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (two uint32 draws: the top 27 and 26 bits). */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /**
   * A standard normal N(0, 1) by Box–Muller: with u₁ ∈ (0, 1], u₂ ∈ [0, 1),
   * r = √(−2 ln u₁), the pair (r cos 2πu₂, r sin 2πu₂); the sine half is kept for the next call.
   */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.next();
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A uniform integer in [0, n), unbiased (rejection sampling); 1 ≤ n ≤ 2³². */
  int(n: number): number {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new ValueError('Rng.int', `n must be an integer in [1, 2^32], got ${given(n)}`);
    }
    // Accept only draws below the largest multiple of n, so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Fisher–Yates shuffle in place (every permutation equally likely); returns the same array. */
  shuffle<A extends { length: number; [index: number]: unknown }>(array: A): A {
    if (array === null || typeof array !== 'object' || typeof array.length !== 'number') {
      throw new ValueError('Rng.shuffle', `expected an array, got ${given(array)}`);
    }
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

let fallback = new Rng(0);

/**
 * Reset the generator used when a layer, MLP or batch iterator is given neither `rng` nor `seed`,
 * and when a random tensor (rand, randn, bernoulli, randint, dropout) is given no `generator`
 * (like torch.manual_seed). It starts at seed 0, so runs are reproducible by default.
 */
export function manualSeed(seed: number): void {
  fallback = new Rng(seed);
}

/** The generator behind `manualSeed`. */
export function defaultRng(): Rng {
  return fallback;
}
