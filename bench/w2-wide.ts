import { useThreads } from '@pullback/autograd/node';
import { PROCESS_NOTE, firstSamples, groupSamples } from './child.ts';
import type { PeerGroup } from './child.ts';
import { fmt, log, ratio, roundRobin, stats } from './harness.ts';
import type { Peer, Row, Section, WorkloadOptions } from './harness.ts';
import { WIDE_BATCH, closedFormWide, pullbackWide, tfjsWide, tfjsWideName } from './wide-mlp.ts';
import type { WideContender } from './wide-mlp.ts';

function plan(short: boolean): { steps: number; repeats: number } {
  return short ? { steps: 1, repeats: 3 } : { steps: 10, repeats: 5 };
}

/** The peers of one group (see PeerGroup: each group runs in its own process). */
export async function w2Peers(group: PeerGroup, short: boolean): Promise<Peer[]> {
  const { steps } = plan(short);
  const contenders: WideContender[] =
    group === 'tfjs'
      ? [await tfjsWide('wasm'), await tfjsWide('wasm', 'minimize'), await tfjsWide('cpu')]
      : group === 'float32'
        ? [pullbackWide('float32'), closedFormWide('float32')]
        : [pullbackWide('float64')];
  const peer = (c: WideContender, threads = 1): Peer => ({
    name: threads > 1 ? `${c.name}, ${threads} threads` : c.name,
    setup: () => c.activate(),
    warmup: () => c.train(0),
    run: async () => {
      await c.activate();
      // Worker threads start outside the timing (useThreads from @pullback/autograd/node).
      if (threads > 1 && useThreads(threads) !== threads) throw new Error(`W2: could not start ${threads} threads`);
      const t0 = performance.now();
      for (let b = 0; b < steps; b++) c.train(b);
      const seconds = (performance.now() - t0) / 1000;
      if (threads > 1) useThreads(1);
      return (steps * WIDE_BATCH) / seconds;
    },
    teardown: () => c.dispose(),
  });
  const peers = contenders.map((c) => peer(c));
  if (group === 'float32') peers.splice(1, 0, peer(contenders[0]!, 2));
  return peers;
}

/** Warmed-up samples/s of one group's peers, by name. */
export async function w2Samples(group: PeerGroup, short: boolean): Promise<[string, number[]][]> {
  const { steps, repeats } = plan(short);
  const peers = await w2Peers(group, short);
  log(`W2 ${group}: ${peers.map((c) => c.name).join(', ')} × ${repeats} runs of ${steps} steps of ${WIDE_BATCH}`);
  return [...(await roundRobin(peers, repeats))];
}

/** Every row, with the group (process) its peer runs in. */
const ROWS: readonly [string, PeerGroup][] = [
  ['Pullback float32', 'float32'],
  ['Pullback float32, 2 threads', 'float32'],
  ['closed form float32', 'float32'],
  ['tfjs-wasm', 'tfjs'],
  [tfjsWideName('wasm', 'minimize'), 'tfjs'],
  ['tfjs-cpu', 'tfjs'],
  ['Pullback float64', 'float64'],
];

export async function runW2(options: WorkloadOptions): Promise<Section> {
  const { steps, repeats } = plan(options.short);
  const results = new Map([
    ...(await w2Samples('float32', options.short)),
    ...(await groupSamples<number>('W2', 'tfjs', options.short)),
    ...(await groupSamples<number>('W2', 'float64', options.short)),
  ]);
  const first = await firstSamples<number>('W2', ROWS, options.short);
  const rows: Row[] = ROWS.map(([name]) => ({
    peer: name.replace(/ float(32|64)/, ''),
    dtype: name.includes('float64') ? 'float64' : 'float32',
    unit: 'samples/s',
    higherIsBetter: true,
    stats: stats(results.get(name)!),
    extra: { 'first run, fresh process': fmt(first.get(name)!) },
  }));
  const get = (name: string) => stats(results.get(name)!);
  const vsWasm = ratio(get('Pullback float32'), get('tfjs-wasm'));
  const vsMinimize = ratio(get('Pullback float32'), get(tfjsWideName('wasm', 'minimize')));
  const vsWasmFirst = first.get('Pullback float32')! / first.get('tfjs-wasm')!;
  const vsCpu = ratio(get('Pullback float32'), get('tfjs-cpu'));
  const vsClosed = ratio(get('Pullback float32'), get('closed form float32'));
  const threadedVsWasm = ratio(get('Pullback float32, 2 threads'), get('tfjs-wasm'));
  return {
    id: 'W2',
    title: 'Wide MLP 784-512-512-10 ReLU, softmax cross-entropy, SGD, batch 128: training throughput',
    notes: [
      `Each run: ${steps} training steps (forward, loss, backward, SGD update) on the first ${steps} consecutive batches of ${WIDE_BATCH} MNIST training images (real data, float32 unless stated); samples/s = ${steps * WIDE_BATCH} / seconds.`,
      `${repeats} runs per peer, round-robin within a process, after one warm-up step; every run restarts from the same He-normal weights (Pullback MLP, seed 2). ${PROCESS_NOTE} The 'first run, fresh process' column is each peer's first run (${steps} steps) in a Node process of its own, with no warm-up.`,
      'Every peer builds its batches inside the timed step, as a training loop does (Pullback: gather; closed form: a row copy; tfjs: tf.tensor2d on a subarray of the Float32Array dataset and the one-hot labels from a typed array, inside tf.tidy).',
      `tfjs-wasm and tfjs-cpu as an expert writes them: raw ops for the layers (kernel [in, out], y = x W + b), tf.losses.softmaxCrossEntropy on the logits, gradients by tf.variableGrads and the update v ← v − η g by assign. ${tfjsWideName('wasm', 'minimize')}: the same with optimizer.minimize and tf.train.sgd, the slow form, kept for comparison. Closed form: BP1–BP4 on the engine's gemm (bench/closed-form.ts).`,
      'Pullback runs on one thread (like tfjs-wasm, XNNPACK on 1 thread) and again with useThreads(2) (@pullback/autograd/node), where products of 2²² or more multiply-adds use the second core.',
    ],
    rows,
    ratios: [
      { name: 'Pullback ÷ tfjs-wasm (float32)', value: vsWasm, formula: 'Pullback samples/s ÷ tfjs-wasm samples/s' },
      {
        name: 'Pullback ÷ tfjs-wasm, first run in a fresh process (float32)',
        value: vsWasmFirst,
        formula: 'samples/s ÷ samples/s, each the first run of a fresh process',
      },
      { name: 'Pullback ÷ tfjs-wasm written with optimizer.minimize (float32)', value: vsMinimize, formula: 'samples/s ÷ samples/s' },
      { name: 'Pullback ÷ tfjs-cpu (float32)', value: vsCpu, formula: 'Pullback samples/s ÷ tfjs-cpu samples/s' },
      { name: 'Pullback ÷ closed form (float32)', value: vsClosed, formula: 'Pullback samples/s ÷ closed form samples/s' },
      { name: 'Pullback on 2 threads ÷ tfjs-wasm (float32)', value: threadedVsWasm, formula: 'samples/s ÷ samples/s' },
    ],
    targets: [
      { text: 'W2 ≥ 10× tfjs-wasm samples/s (both on 1 thread)', measured: `${fmt(vsWasm)}×`, met: vsWasm >= 10 },
      { text: 'W2 ≥ 10× tfjs-wasm samples/s (Pullback on 2 threads)', measured: `${fmt(threadedVsWasm)}×`, met: threadedVsWasm >= 10 },
    ],
  };
}
