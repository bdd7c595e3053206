import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { gemm, getGemmBackend, setGemmBackend } from '../src/gemm.ts';
import type { GemmBackend } from '../src/gemm.ts';
import { BLOCKING, wasmGemmReady } from '../src/wasm/gemm-wasm.ts';
import { buildWasm } from '../scripts/build-wasm.ts';
import { setThreads } from '../src/node/pool.ts';
import { mulberry32 } from '../src/mulberry32.ts';

// Both backends against the textbook triple loop in float64, for every transposition variant,
// sizes around the tile and block edges, offsets into the arrays, and NaN canaries around C.

/** op(A)·op(B) and, per entry, Σ|a||b| (the scale of its rounding error). */
function naive(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): { C: Float64Array; scale: Float64Array } {
  const C = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const x = (ta ? A[p * m + i]! : A[i * k + p]!) * (tb ? B[j * k + p]! : B[p * n + j]!);
        s += x;
        t += Math.abs(x);
      }
      C[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { C, scale };
}

interface Case {
  m: number;
  k: number;
  n: number;
  ta: boolean;
  tb: boolean;
  ao: number;
  bo: number;
  co: number;
  seed: number;
}

/** Runs one product on the current backend and checks it; f32 sums carry ~√k·ε32 relative error. */
function check({ m, k, n, ta, tb, ao, bo, co, seed }: Case, f32: boolean): void {
  const random = mulberry32(seed);
  const r = () => random() - 0.5;
  const make = (size: number) => (f32 ? new Float32Array(size) : new Float64Array(size));
  const A = make(ao + m * k).map((_, i) => (i < ao ? NaN : r()));
  const B = make(bo + k * n).map((_, i) => (i < bo ? NaN : r()));
  const C = make(co + m * n + 3).fill(NaN);
  gemm(A, ao, B, bo, C, co, m, k, n, ta, tb);
  const { C: E, scale } = naive(A.subarray(ao), B.subarray(bo), m, k, n, ta, tb);
  const rel = f32 ? 1e-5 * Math.sqrt(k) : 1e-12;
  for (let i = 0; i < E.length; i++) {
    const err = Math.abs(C[co + i]! - E[i]!);
    if (!(err <= rel * scale[i]!))
      expect.fail(`C[${i}] = ${C[co + i]}, expected ${E[i]} (±${rel * scale[i]!}) for ${JSON.stringify({ m, k, n, ta, tb, f32 })}`);
  }
  for (let i = 0; i < co; i++) expect(C[i]).toBeNaN();
  for (let i = co + m * n; i < C.length; i++) expect(C[i]).toBeNaN();
}

const cases = (max: number) =>
  fc.record({
    m: fc.integer({ min: 0, max }),
    k: fc.integer({ min: 0, max }),
    n: fc.integer({ min: 0, max }),
    ta: fc.boolean(),
    tb: fc.boolean(),
    ao: fc.integer({ min: 0, max: 5 }),
    bo: fc.integer({ min: 0, max: 5 }),
    co: fc.integer({ min: 0, max: 5 }),
    seed: fc.integer(),
  });

/** Runs `body` with `backend` selected, restoring 'auto' after. */
function using(backend: GemmBackend, body: () => void): void {
  setGemmBackend(backend);
  try {
    body();
  } finally {
    setGemmBackend('auto');
  }
}

describe('gemm, JS kernels', () => {
  it('equals the triple loop for all transpositions, sizes and offsets (2×4 blocks, 4-way unrolling)', () => {
    using('js', () => {
      fc.assert(
        fc.property(cases(9), (c) => check(c, false)),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(cases(9), (c) => check(c, true)),
        { numRuns: 100 },
      );
    });
  });
  it('writes float32 results', () => {
    const A = Float32Array.of(1, 2, 3, 4);
    const B = Float32Array.of(5, 6, 7, 8);
    const C = new Float32Array(4);
    using('js', () => gemm(A, 0, B, 0, C, 0, 2, 2, 2, false, false));
    expect([...C]).toEqual([19, 22, 43, 50]);
  });
});

describe('gemm, WebAssembly kernels', () => {
  it('are available under Node', () => expect(wasmGemmReady()).toBe(true));

  for (const [dtype, f32] of [
    ['float32', true],
    ['float64', false],
  ] as const) {
    it(`equal the triple loop in ${dtype} for all transpositions, sizes 0..70 and offsets`, () => {
      using('wasm', () =>
        fc.assert(
          fc.property(cases(70), (c) => check(c, f32)),
          { numRuns: 150 },
        ),
      );
    });

    it(`equal the triple loop in ${dtype} across cache blocks (blocks shrunk to a few tiles)`, () => {
      const blocking = f32 ? BLOCKING.f32 : BLOCKING.f64;
      const saved = { ...blocking };
      Object.assign(blocking, { kc: 7, mc: 8, nc: 16 });
      try {
        using('wasm', () =>
          fc.assert(
            fc.property(cases(40), (c) => check(c, f32)),
            { numRuns: 150 },
          ),
        );
      } finally {
        Object.assign(blocking, saved);
      }
    });

    it(`equal the triple loop in ${dtype} on large products (several blocks of each size)`, () => {
      const big = [
        [300, 257, 130],
        [70, 600, 1030],
        [130, 9, 300],
      ] as const;
      using('wasm', () => {
        for (const [m, k, n] of big) {
          for (const [ta, tb] of [
            [false, false],
            [false, true],
            [true, false],
            [true, true],
          ] as const)
            check({ m, k, n, ta, tb, ao: 3, bo: 1, co: 2, seed: m + k + n }, f32);
        }
      });
    });
  }

  it('overwrite C (never accumulate into it) and give 0 for an empty sum', () => {
    for (const k of [0, 3]) {
      const C = new Float64Array(40).fill(7);
      using('wasm', () => gemm(new Float64Array(5 * k).fill(1), 0, new Float64Array(k * 8).fill(1), 0, C, 0, 5, k, 8, false, false));
      expect([...C]).toEqual(Array(40).fill(k));
    }
  });

  it('leave C to the JS kernels while compiling in the background where a synchronous compile is refused', async () => {
    // As a browser main thread may refuse `new WebAssembly.Module` for a large module.
    const api = (globalThis as unknown as { WebAssembly: { Module: unknown } }).WebAssembly;
    const Module = api.Module;
    vi.resetModules();
    const fresh = await import('../src/wasm/gemm-wasm.ts');
    api.Module = function refuse() {
      throw new RangeError('synchronous compilation refused');
    };
    const C = new Float64Array(4);
    try {
      expect(fresh.wasmGemm(Float64Array.of(1, 2, 3, 4), 0, Float64Array.of(5, 6, 7, 8), 0, C, 0, 2, 2, 2, false, false)).toBe(false);
    } finally {
      api.Module = Module;
    }
    for (let i = 0; i < 200 && !fresh.wasmGemmReady(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fresh.wasmGemm(Float64Array.of(1, 2, 3, 4), 0, Float64Array.of(5, 6, 7, 8), 0, C, 0, 2, 2, 2, false, false)).toBe(true);
    expect([...C]).toEqual([19, 22, 43, 50]);
    vi.resetModules();
  });

  it('match the JS kernels in float64 on the shapes of a small MLP', () => {
    for (const [m, k, n, ta, tb] of [
      [10, 784, 30, false, true],
      [30, 10, 784, true, false],
      [10, 30, 10, false, false],
    ] as const) {
      const A = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));
      const B = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));
      const [js, wasm] = (['js', 'wasm'] as const).map((b) => {
        const C = new Float64Array(m * n);
        using(b, () => gemm(A, 0, B, 0, C, 0, m, k, n, ta, tb));
        return C;
      });
      for (let i = 0; i < m * n; i++) expect(Math.abs(wasm![i]! - js![i]!)).toBeLessThan(1e-12 * k);
    }
  });
});

// setThreads is useThreads without its cap at the machine's parallelism: 3 threads run on any machine.
describe('gemm on threads (useThreads)', () => {
  afterEach(() => void setThreads(1));

  it('gives results bit-identical to one thread, cutting C into bands of columns or of rows', () => {
    // (64, 300, 520): bands of columns; (700, 200, 40): C is narrow, bands of rows.
    for (const f32 of [true, false]) {
      for (const [m, k, n] of [
        [64, 300, 520],
        [700, 200, 40],
      ] as const) {
        for (const [ta, tb] of [
          [false, false],
          [false, true],
          [true, false],
          [true, true],
        ] as const) {
          const make = (size: number, f: (i: number) => number) =>
            f32 ? Float32Array.from({ length: size }, (_, i) => f(i)) : Float64Array.from({ length: size }, (_, i) => f(i));
          const A = make(m * k, (i) => Math.sin(i));
          const B = make(k * n, (i) => Math.cos(i * 0.7));
          const [one, two] = [1, 2].map((threads) => {
            expect(setThreads(threads)).toBe(threads);
            const C = make(m * n + 2, () => NaN);
            using('wasm', () => gemm(A, 0, B, 0, C, 1, m, k, n, ta, tb));
            return C;
          });
          expect(two!.every((x, i) => Object.is(x, one![i]))).toBe(true);
          expect(one![0]).toBeNaN();
          expect(Number.isNaN(one![1])).toBe(false);
        }
      }
    }
  });
  it('keeps its workers across useThreads(1) and back, and needs none awake to finish a product', async () => {
    // 192 columns on 2 threads: 2 bands (not 3); 3 threads: 3 bands.
    const [m, k, n] = [150, 170, 192];
    const A = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const B = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.3));
    const product = () => {
      const C = new Float32Array(m * n);
      using('wasm', () => gemm(A, 0, B, 0, C, 0, m, k, n, false, false));
      return C;
    };
    const one = product();
    const same = (C: Float32Array) => C.every((x, i) => Object.is(x, one[i]));
    for (const threads of [2, 1, 2, 3, 2]) {
      expect(setThreads(threads)).toBe(threads);
      expect(same(product())).toBe(true);
      // Long enough for the workers to stop polling and sleep: the next product starts without them.
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(same(product())).toBe(true);
    }
  });
});

describe('gemm backend choice', () => {
  afterEach(() => {
    setGemmBackend('auto');
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('is auto by default and settable', () => {
    expect(getGemmBackend()).toBe('auto');
    setGemmBackend('js');
    expect(getGemmBackend()).toBe('js');
  });
  it('rejects an unknown backend, naming the function', () => {
    expect(() => setGemmBackend('gpu' as GemmBackend)).toThrow(/^setGemmBackend: expected 'auto', 'js' or 'wasm', got "gpu"/);
  });
  it('reads PULLBACK_KERNELS=js from the environment', async () => {
    vi.stubEnv('PULLBACK_KERNELS', 'js');
    vi.resetModules();
    const fresh = await import('../src/gemm.ts');
    expect(fresh.getGemmBackend()).toBe('js');
  });
});

describe('build-wasm', () => {
  it('regenerates exactly the embedded module (gemm.wat and gemm-binary.ts agree; run pnpm build:wasm)', async () => {
    const embedded = readFileSync(new URL('../src/wasm/gemm-binary.ts', import.meta.url), 'utf8');
    expect(await buildWasm()).toBe(embedded);
  });
});
