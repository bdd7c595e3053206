// W3: square matrix products C = A B, n = 128 … 1024, in GFLOP/s = 2n³ / seconds. Pullback's
// `matmul` on constant tensors (no tape) vs tf.matMul on each tfjs backend; output allocation is
// included for everyone (each call returns a new matrix).
import { matmul, mulberry32, tensor } from '@pullback/autograd';
import { useThreads } from '@pullback/autograd/node';
import type { DType, Tensor } from '@pullback/autograd';
import { PROCESS_NOTE, groupSamples, tfjsWasmDetails } from './child.ts';
import type { PeerGroup } from './child.ts';
import { fmt, log, ratio, roundRobin, stats } from './harness.ts';
import type { Peer, Ratio, Row, Section, Target, WorkloadOptions } from './harness.ts';
import { tf, useBackend } from './tfjs.ts';
import type { TfBackend } from './tfjs.ts';

function randomMatrix(n: number, seed: number): Float64Array {
  const out = new Float64Array(n * n);
  const random = mulberry32(seed);
  for (let i = 0; i < out.length; i++) out[i] = random() - 0.5;
  return out;
}

/** Products per sample: enough for ~0.5 GFLOP (at least one). */
function repsFor(n: number, short: boolean): number {
  return short ? 1 : Math.max(1, Math.round(5e8 / (2 * n ** 3)));
}

/** Pullback's matmul on one thread, or on `threads` (useThreads, started outside the timing). */
function pullbackPeer(n: number, dtype: DType, reps: number, threads = 1): Peer {
  const a: Tensor = tensor(randomMatrix(n, 1), { dtype, shape: [n, n] });
  const b: Tensor = tensor(randomMatrix(n, 2), { dtype, shape: [n, n] });
  return {
    name: `Pullback ${dtype}${threads > 1 ? `, ${threads} threads` : ''} n=${n}`,
    setup: () => void matmul(a, b),
    run: () => {
      if (threads > 1 && useThreads(threads) !== threads) throw new Error(`W3: could not start ${threads} threads`);
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) matmul(a, b);
      const seconds = (performance.now() - t0) / 1000;
      if (threads > 1) useThreads(1);
      return (2 * n ** 3 * reps) / seconds / 1e9;
    },
  };
}

function tfjsPeer(n: number, backend: TfBackend, reps: number): Peer {
  let a: tf.Tensor2D | null = null;
  let b: tf.Tensor2D | null = null;
  return {
    name: `tfjs-${backend} n=${n}`,
    setup: async () => {
      await useBackend(backend);
      a = tf.tensor2d(Float32Array.from(randomMatrix(n, 1)), [n, n]);
      b = tf.tensor2d(Float32Array.from(randomMatrix(n, 2)), [n, n]);
      tf.matMul(a, b).dispose();
    },
    run: async () => {
      await useBackend(backend);
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) tf.matMul(a!, b!).dispose();
      return (2 * n ** 3 * reps) / ((performance.now() - t0) / 1000) / 1e9;
    },
    teardown: async () => {
      await useBackend(backend);
      a!.dispose();
      b!.dispose();
    },
  };
}

function plan(short: boolean): { sizes: number[]; repeats: number } {
  return short ? { sizes: [32, 64], repeats: 3 } : { sizes: [128, 256, 512, 1024], repeats: 5 };
}

/** GFLOP/s of one group's peers at every size, by name (see PeerGroup: each group runs in its own process). */
export async function w3Samples(group: PeerGroup, short: boolean): Promise<[string, number[]][]> {
  const { sizes, repeats } = plan(short);
  const out: [string, number[]][] = [];
  for (const n of sizes) {
    const reps = repsFor(n, short);
    log(`W3 ${group}: n = ${n}, ${reps} products per sample × ${repeats}`);
    const peers =
      group === 'tfjs'
        ? [tfjsPeer(n, 'wasm', reps), tfjsPeer(n, 'cpu', reps)]
        : group === 'float32'
          ? [pullbackPeer(n, group, reps), pullbackPeer(n, group, reps, 2)]
          : [pullbackPeer(n, group, reps)];
    out.push(...(await roundRobin(peers, repeats)));
  }
  return out;
}

export async function runW3(options: WorkloadOptions): Promise<Section> {
  const { sizes, repeats } = plan(options.short);
  const results = new Map([
    ...(await w3Samples('float32', options.short)),
    ...(await groupSamples<number>('W3', 'tfjs', options.short)),
    ...(await groupSamples<number>('W3', 'float64', options.short)),
  ]);
  const get = (name: string) => stats(results.get(name)!);
  const rows: Row[] = [];
  const ratios: Ratio[] = [];
  const targets: Target[] = [];
  for (const n of sizes) {
    for (const peer of ['Pullback float32', 'Pullback float32, 2 threads', 'tfjs-wasm', 'tfjs-cpu', 'Pullback float64']) {
      rows.push({
        peer: `${peer.replace(/ float(32|64)/, '')} n=${n}`,
        dtype: peer.includes('float64') ? 'float64' : 'float32',
        unit: 'GFLOP/s',
        higherIsBetter: true,
        stats: get(`${peer} n=${n}`),
      });
    }
    const vsWasm = ratio(get(`Pullback float32 n=${n}`), get(`tfjs-wasm n=${n}`));
    ratios.push({ name: `n=${n} Pullback ÷ tfjs-wasm (float32)`, value: vsWasm, formula: 'GFLOP/s ÷ GFLOP/s' });
    ratios.push({
      name: `n=${n} Pullback ÷ tfjs-cpu (float32)`,
      value: ratio(get(`Pullback float32 n=${n}`), get(`tfjs-cpu n=${n}`)),
      formula: 'GFLOP/s ÷ GFLOP/s',
    });
    const threadedVsWasm = ratio(get(`Pullback float32, 2 threads n=${n}`), get(`tfjs-wasm n=${n}`));
    ratios.push({ name: `n=${n} Pullback on 2 threads ÷ tfjs-wasm (float32)`, value: threadedVsWasm, formula: 'GFLOP/s ÷ GFLOP/s' });
    if (n === 512 || n === 1024) {
      targets.push({ text: `W3 ≥ 1.5× tfjs-wasm GFLOP/s at n = ${n} (float32, both on 1 thread)`, measured: `${fmt(vsWasm)}×`, met: vsWasm >= 1.5 });
      targets.push({
        text: `W3 ≥ 1.5× tfjs-wasm GFLOP/s at n = ${n} (float32, Pullback on 2 threads)`,
        measured: `${fmt(threadedVsWasm)}×`,
        met: threadedVsWasm >= 1.5,
      });
    }
  }
  if (targets.length === 0) {
    // Short mode has no n = 512 / 1024: report the largest size against the same bar, marked as such.
    const last = ratios.find((r) => r.name.startsWith(`n=${sizes[sizes.length - 1]} Pullback ÷ tfjs-wasm`))!;
    targets.push({
      text: `W3 ≥ 1.5× tfjs-wasm GFLOP/s (smoke run: n = ${sizes[sizes.length - 1]} only)`,
      measured: `${fmt(last.value)}×`,
      met: last.value >= 1.5,
    });
  }
  return {
    id: 'W3',
    title: 'Square matmul C = A B: GFLOP/s = 2n³ / t',
    notes: [
      `Sizes n = ${sizes.join(', ')}; each sample times ${options.short ? '1 product' : 'enough products for ≈ 0.5 GFLOP (at least one)'}; ${repeats} samples per peer, round-robin per size within a process, after a warm-up product.`,
      'Entries uniform in [−0.5, 0.5). tfjs has no float64; Pullback float64 is listed for reference.',
      PROCESS_NOTE,
      `tfjs-wasm: ${tfjsWasmDetails}. Pullback runs on one thread, and again on two (useThreads(2) from @pullback/autograd/node: products of 2²² or more multiply-adds split into bands of C); the issue allows the second core for large products.`,
    ],
    rows,
    ratios,
    targets,
  };
}
