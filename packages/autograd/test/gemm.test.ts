import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gemm } from '../src/gemm.ts';

// The blocked kernels against the textbook triple loop, for every transposition variant and
// sizes around the block edges (2×4 blocks, 4-way unrolling).
function naive(A: Float64Array, B: Float64Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? A[p * m + i]! : A[i * k + p]!) * (tb ? B[j * k + p]! : B[p * n + j]!);
      C[i * n + j] = s;
    }
  }
  return C;
}

describe('gemm', () => {
  it('equals the triple loop for all transpositions, sizes and offsets', () => {
    fc.assert(
      fc.property(
        fc.record({ m: fc.integer({ min: 0, max: 9 }), k: fc.integer({ min: 0, max: 9 }), n: fc.integer({ min: 0, max: 9 }), ta: fc.boolean(), tb: fc.boolean(), off: fc.integer({ min: 0, max: 3 }), seed: fc.integer() }),
        ({ m, k, n, ta, tb, off, seed }) => {
          let s = seed >>> 0;
          const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
          const A = Float64Array.from({ length: m * k }, r);
          const B = Float64Array.from({ length: k * n }, r);
          const Ap = new Float64Array(off + A.length);
          Ap.set(A, off);
          const Bp = new Float64Array(off + B.length);
          Bp.set(B, off);
          const C = new Float64Array(off + m * n).fill(NaN);
          gemm(Ap, off, Bp, off, C, off, m, k, n, ta, tb);
          const E = naive(A, B, m, k, n, ta, tb);
          for (let i = 0; i < E.length; i++) expect(Math.abs(C[off + i]! - E[i]!)).toBeLessThan(1e-12);
          for (let i = 0; i < off; i++) expect(C[i]).toBeNaN();
        },
      ),
      { numRuns: 300 },
    );
  });
  it('writes float32 results', () => {
    const A = Float32Array.of(1, 2, 3, 4);
    const B = Float32Array.of(5, 6, 7, 8);
    const C = new Float32Array(4);
    gemm(A, 0, B, 0, C, 0, 2, 2, 2, false, false);
    expect([...C]).toEqual([19, 22, 43, 50]);
  });
});
