// General matrix multiply on row-major typed arrays: C = op(A) op(B), op = identity or transpose.
// Products big enough to pay for copying the operands run on the WebAssembly SIMD kernels
// (wasm/gemm.wat); the rest, and everything where WebAssembly is unavailable, on the JS kernels
// below: register-blocked plain loops, each walking memory contiguously in its inner loop and
// keeping several partial sums in locals, so that loads and stores of C are amortised.
import { ValueError } from './errors.ts';
import type { TypedArray } from './tensor.ts';
import { wasmGemm } from './wasm/gemm-wasm.ts';

export type GemmBackend = 'auto' | 'js' | 'wasm';
const BACKENDS: readonly GemmBackend[] = ['auto', 'js', 'wasm'];

// PULLBACK_KERNELS=js (or wasm) in the environment picks the backend at start-up; read through
// globalThis so that browsers, which have no process object, are unaffected.
const fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PULLBACK_KERNELS;
let backend: GemmBackend = BACKENDS.find((b) => b === fromEnv) ?? 'auto';

/**
 * Which kernels `gemm` runs: 'auto' (WebAssembly SIMD where it pays, else JS), 'js' (always the
 * JS kernels), or 'wasm' (WebAssembly for every size, JS only where WebAssembly is unavailable).
 */
export function setGemmBackend(choice: GemmBackend): void {
  if (!BACKENDS.includes(choice)) throw new ValueError('setGemmBackend', `expected 'auto', 'js' or 'wasm', got ${JSON.stringify(choice)}`);
  backend = choice;
}

/** The backend chosen by setGemmBackend (or PULLBACK_KERNELS); 'auto' by default. */
export function getGemmBackend(): GemmBackend {
  return backend;
}

/**
 * Whether 'auto' sends this product to WebAssembly. Measured (bench/gemm-kernels.ts --small):
 * a call costs ~0.3 µs plus copies, so the JS loops win below ~512 multiply-adds (6×6×6: JS
 * 1.4×; 8×8×8: wasm 1.5×), and where C is a handful of dot products (1×1000×1: JS 4×,
 * 2×256×2: JS 1.5×) the 4×8 tiles are mostly padding.
 */
function worthWasm(m: number, k: number, n: number): boolean {
  return m * n >= 8 && m * k * n >= 512;
}

/** C[m×n] (at co) = op(A)[m×k] · op(B)[k×n]; A is m×k (or k×m if ta), B is k×n (or n×k if tb). */
export function gemm(
  A: TypedArray,
  ao: number,
  B: TypedArray,
  bo: number,
  C: TypedArray,
  co: number,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): void {
  if (backend !== 'js' && (backend === 'wasm' || worthWasm(m, k, n)) && wasmGemm(A, ao, B, bo, C, co, m, k, n, ta, tb)) return;
  if (!tb) gemmXN(A, ao, B, bo, C, co, m, k, n, ta);
  else if (!ta) gemmNT(A, ao, B, bo, C, co, m, k, n);
  else gemmTT(A, ao, B, bo, C, co, m, k, n);
}

// C = op(A) B with op(A) = A (stored m×k) or Aᵀ (stored k×m): a 2×4 block of C is kept in local
// sums over the whole of k and written once (rewriting rows of C for every few k was 1.4–2.2×
// slower on the backward pass's shapes); in float32 the sums are doubles, rounded once.
function gemmXN(A: TypedArray, ao: number, B: TypedArray, bo: number, C: TypedArray, co: number, m: number, k: number, n: number, ta: boolean): void {
  const rowA = ta ? 1 : k; // from row i to row i+1 of op(A)
  const stepA = ta ? m : 1; // from p to p+1 along a row of op(A)
  const m2 = m - (m % 2);
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < m2; i += 2) {
    const a0 = ao + i * rowA,
      a1 = a0 + rowA;
    let j = 0;
    for (; j < n4; j += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let pa = 0;
      let pb = bo + j;
      for (let p = 0; p < k; p++, pa += stepA, pb += n) {
        const x0 = A[a0 + pa]!,
          x1 = A[a1 + pa]!;
        const y0 = B[pb]!,
          y1 = B[pb + 1]!,
          y2 = B[pb + 2]!,
          y3 = B[pb + 3]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const c0 = co + i * n + j,
        c1 = c0 + n;
      C[c0] = s00;
      C[c0 + 1] = s01;
      C[c0 + 2] = s02;
      C[c0 + 3] = s03;
      C[c1] = s10;
      C[c1 + 1] = s11;
      C[c1 + 2] = s12;
      C[c1 + 3] = s13;
    }
    for (; j < n; j++) {
      let s0 = 0,
        s1 = 0;
      for (let p = 0, pa = 0; p < k; p++, pa += stepA) {
        const y = B[bo + p * n + j]!;
        s0 += A[a0 + pa]! * y;
        s1 += A[a1 + pa]! * y;
      }
      C[co + i * n + j] = s0;
      C[co + (i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    const a0 = ao + i * rowA;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, pa = 0; p < k; p++, pa += stepA) s += A[a0 + pa]! * B[bo + p * n + j]!;
      C[co + i * n + j] = s;
    }
  }
}

// C = A Bᵀ: dot products of contiguous rows, a 2×4 block of C at a time (8 running sums).
function gemmNT(A: TypedArray, ao: number, B: TypedArray, bo: number, C: TypedArray, co: number, m: number, k: number, n: number): void {
  const m2 = m - (m % 2);
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < m2; i += 2) {
    const a0 = ao + i * k,
      a1 = a0 + k;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = bo + j * k,
        b1 = b0 + k,
        b2 = b1 + k,
        b3 = b2 + k;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p]!,
          x1 = A[a1 + p]!;
        const y0 = B[b0 + p]!,
          y1 = B[b1 + p]!,
          y2 = B[b2 + p]!,
          y3 = B[b3 + p]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const c0 = co + i * n + j,
        c1 = c0 + n;
      C[c0] = s00;
      C[c0 + 1] = s01;
      C[c0 + 2] = s02;
      C[c0 + 3] = s03;
      C[c1] = s10;
      C[c1 + 1] = s11;
      C[c1 + 2] = s12;
      C[c1 + 3] = s13;
    }
    for (; j < n; j++) {
      const b0 = bo + j * k;
      let s0 = 0,
        s1 = 0;
      for (let p = 0; p < k; p++) {
        const y = B[b0 + p]!;
        s0 += A[a0 + p]! * y;
        s1 += A[a1 + p]! * y;
      }
      C[co + i * n + j] = s0;
      C[co + (i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    const a0 = ao + i * k;
    for (let j = 0; j < n; j++) {
      const b0 = bo + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[a0 + p]! * B[b0 + p]!;
      C[co + i * n + j] = s;
    }
  }
}

// C = Aᵀ Bᵀ (rare: only in the pullback of a product that already had both transposed).
function gemmTT(A: TypedArray, ao: number, B: TypedArray, bo: number, C: TypedArray, co: number, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ao + p * m + i]! * B[bo + j * k + p]!;
      C[co + i * n + j] = s;
    }
  }
}
