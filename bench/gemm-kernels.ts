// The gemm kernels side by side: the JS loops vs the WebAssembly SIMD kernels, GFLOP/s (2mkn per
// second), median of several repeats, the two backends interleaved so that both see the same
// machine load. Square products and the shapes of training an MLP (784-30-10 and 784-512-…).
//
//   npx tsx bench/gemm-kernels.ts            everything (≈ 1 min)
//   npx tsx bench/gemm-kernels.ts --wasm     WebAssembly only (for tuning the blocking)
//   npx tsx bench/gemm-kernels.ts --small    the crossover between the two on tiny products
//   npx tsx bench/gemm-kernels.ts --threads  adds WebAssembly on 2 threads (useThreads(2))
import { useThreads } from '../packages/autograd/src/node/threads.ts';
import { gemm, setGemmBackend } from '../packages/autograd/src/gemm.ts';
import type { GemmBackend } from '../packages/autograd/src/gemm.ts';
import { wasmGemmReady } from '../packages/autograd/src/wasm/gemm-wasm.ts';
import { mulberry32 } from '../packages/autograd/src/mulberry32.ts';

type Case = { m: number; k: number; n: number; ta: boolean; tb: boolean; label: string };

const square = [128, 256, 512, 1024].map((s) => ({ m: s, k: s, n: s, ta: false, tb: false, label: `square ${s}` }));
const shape = (m: number, k: number, n: number, t: 'NN' | 'NT' | 'TN'): Case => ({ m, k, n, ta: t === 'TN', tb: t === 'NT', label: `(${m},${k},${n}) ${t}` });
const skinny: Case[] = [
  shape(10, 784, 30, 'NT'),
  shape(30, 10, 784, 'TN'),
  shape(10, 30, 10, 'NN'),
  shape(128, 784, 512, 'NT'),
  shape(512, 128, 784, 'TN'),
  shape(128, 512, 512, 'NN'),
  shape(128, 512, 512, 'NT'),
  shape(512, 128, 512, 'TN'),
];
const small: Case[] = [2, 4, 6, 8, 12, 16, 24, 32].flatMap((s) => [shape(s, s, s, 'NN'), shape(s, 4 * s, s, 'NT'), shape(4 * s, s, 4, 'TN')]);

function matrix(size: number, f32: boolean, seed: number): Float32Array | Float64Array {
  const out = f32 ? new Float32Array(size) : new Float64Array(size);
  const random = mulberry32(seed);
  for (let i = 0; i < size; i++) out[i] = random() - 0.5;
  return out;
}

/** Median GFLOP/s of each backend over `repeats` interleaved samples of ≥ `ms` milliseconds. */
function measure(c: Case, f32: boolean, backends: GemmBackend[], repeats: number, ms: number): number[] {
  const A = matrix(c.m * c.k, f32, 1);
  const B = matrix(c.k * c.n, f32, 2);
  const C = f32 ? new Float32Array(c.m * c.n) : new Float64Array(c.m * c.n);
  const flops = 2 * c.m * c.k * c.n;
  const run = (reps: number) => {
    for (let r = 0; r < reps; r++) gemm(A, 0, B, 0, C, 0, c.m, c.k, c.n, c.ta, c.tb);
  };
  const samples = backends.map(() => [] as number[]);
  const reps = backends.map((b) => {
    setGemmBackend(b);
    let n = 1;
    for (;;) {
      const t0 = performance.now();
      run(n); // also the warm-up (and the WebAssembly tier-up)
      if (performance.now() - t0 >= ms / 4) return Math.max(1, Math.round((n * ms) / Math.max(performance.now() - t0, 1e-3)));
      n *= 4;
    }
  });
  for (let r = 0; r < repeats; r++) {
    backends.forEach((b, i) => {
      setGemmBackend(b);
      const t0 = performance.now();
      run(reps[i]!);
      samples[i]!.push((flops * reps[i]!) / ((performance.now() - t0) / 1000) / 1e9);
    });
  }
  setGemmBackend('auto');
  return samples.map((s) => s.sort((x, y) => x - y)[s.length >> 1]!);
}

const args = process.argv.slice(2);
const backends: GemmBackend[] = args.includes('--wasm') ? ['wasm'] : args.includes('--small') ? ['js', 'wasm', 'auto'] : ['js', 'wasm'];
const threads = args.includes('--threads');
const cases = args.includes('--small') ? small : [...square, ...skinny];
if (!wasmGemmReady()) throw new Error('gemm-kernels: WebAssembly SIMD is not available here');
const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1)).padStart(6);
const columns = [...backends, ...(threads ? ['wasm×2'] : [])];
const ratio = columns.length > 1 && backends[0] === 'js';
console.log(`GFLOP/s, median of 7; ${columns.join(' | ')} per dtype${ratio ? ', then wasm/js' : ''}`);
console.log(`${'shape'.padEnd(22)}${['float32', 'float64'].map((d) => d.padStart(columns.length * 7 + (ratio ? 8 : 0))).join('')}`);
for (const c of cases) {
  const cells = [true, false].map((f32) => {
    const ms = c.m * c.k * c.n > 1e6 ? 100 : 30;
    const g = measure(c, f32, backends, 7, ms);
    if (threads) {
      useThreads(2);
      g.push(...measure(c, f32, ['wasm'], 7, ms));
      useThreads(1);
    }
    return g.map(fmt).join(' ') + (ratio ? `  ${(g[1]! / g[0]!).toFixed(1).padStart(5)}×` : '');
  });
  console.log(`${c.label.padEnd(22)}${cells.join('  ')}`);
}
