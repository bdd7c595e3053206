// A small seeded generator for the numbers inside a program (values, constants, attributes).
// fast-check draws the seeds; drawing the numbers here keeps them generic while fast-check
// shrinks the program's structure (shrunk raw doubles would drift to 0 and to ties).
import { mulberry32 } from '../../src/mulberry32.ts';

export class Rng {
  /** Uniform in [0, 1) (mulberry32). */
  readonly next: () => number;

  /** The seeds are hashed (FNV-1a style) into mulberry32's 32-bit seed. */
  constructor(...seeds: number[]) {
    let h = 0x811c9dc5;
    for (const s of seeds) h = Math.imul(h ^ (s >>> 0), 0x01000193) ^ (h >>> 15);
    this.next = mulberry32(h);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  coin(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** A random permutation of 0..n−1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }

  /**
   * n values on the lattice k/32 in [−2, 2]: exact in float32 (so float32 and float64 runs see
   * the same inputs) and short to print.
   */
  lattice(n: number): number[] {
    return Array.from({ length: n }, () => this.between(-64, 64) / 32);
  }

  /** n values uniform in [−1, 1): random directions and cotangents. */
  uniform(n: number): number[] {
    return Array.from({ length: n }, () => 2 * this.next() - 1);
  }

  /** n non-zero weights k/16 with 1 ≤ |k| ≤ 16, so every element of a sink reaches the loss. */
  weights(n: number): number[] {
    return Array.from({ length: n }, () => ((this.coin() ? 1 : -1) * this.between(1, 16)) / 16);
  }
}
