
import { useThreads } from '@pullback/autograd/node';
import { PROCESS_NOTE, groupSamples } from './child.ts';
import type { PeerGroup } from './child.ts';
import { fmt, log, ratio, roundRobin, stats } from './harness.ts';
import type { Peer, Row, Section, WorkloadOptions } from './harness.ts';
import { WIDE_BATCH, closedFormWide, pullbackWide, tfjsWide } from './wide-mlp.ts';
import type { WideContender } from './wide-mlp.ts';

function plan(short: boolean): { steps: number; repeats: number } {
  return short ? { steps: 1, repeats: 3 } : { steps: 10, repeats: 5 };
}

/** samples/s of one group's peers, by name (see PeerGroup: each group runs in its own process). */
export async function w2Samples(group: PeerGroup, short: boolean): Promise<[string, number[]][]> {
  const { steps, repeats } = plan(short);
  const contenders: WideContender[] =
    group === 'tfjs'
      ? [await tfjsWide('wasm', steps), await tfjsWide('cpu', steps)]
      : group === 'float32'
        ? [pullbackWide('float32', steps), closedFormWide('float32')]
        : [pullbackWide('float64', steps)];
  log(`W2 ${group}: ${contenders.map((c) => c.name).join(', ')} × ${repeats} runs of ${steps} steps of ${WIDE_BATCH}`);
  const peer = (c: WideContender, threads = 1): Peer => ({
    name: threads > 1 ? `${c.name}, ${threads} threads` : c.name,
    setup: async () => {
      await c.activate();
      c.train(0); // warm-up
    },
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
  return [...(await roundRobin(peers, repeats))];
}

const ROWS = ['Pullback float32', 'Pullback float32, 2 threads', 'closed form float32', 'tfjs-wasm', 'tfjs-cpu', 'Pullback float64'];

export async function runW2(options: WorkloadOptions): Promise<Section> {
  const { steps, repeats } = plan(options.short);
  const results = new Map([
    ...(await w2Samples('float32', options.short)),
    ...(await groupSamples<number>('W2', 'tfjs', options.short)),
    ...(await groupSamples<number>('W2', 'float64', options.short)),
  ]);
  const rows: Row[] = ROWS.map((name) => ({
    peer: name.replace(/ float(32|64)/, ''),
    dtype: name.includes('float64') ? 'float64' : 'float32',
    unit: 'samples/s',
    higherIsBetter: true,
    stats: stats(results.get(name)!),
  }));
  const get = (name: string) => stats(results.get(name)!);
  const vsWasm = ratio(get('Pullback float32'), get('tfjs-wasm'));
  const vsCpu = ratio(get('Pullback float32'), get('tfjs-cpu'));
  const vsClosed = ratio(get('Pullback float32'), get('closed form float32'));
  const threadedVsWasm = ratio(get('Pullback float32, 2 threads'), get('tfjs-wasm'));
  return {
    id: 'W2',
    title: 'Wide MLP 784-512-512-10 ReLU, softmax cross-entropy, SGD, batch 128: training throughput',
    notes: [
      `Each run: ${steps} training steps (forward, loss, backward, SGD update) on the first ${steps} consecutive batches of ${WIDE_BATCH} MNIST training images (real data, float32 unless stated); samples/s = ${steps * WIDE_BATCH} / seconds.`,
      `${repeats} runs per peer, round-robin within a process, after one warm-up step; every run restarts from the same He-normal weights (Pullback MLP, seed 2). ${PROCESS_NOTE}`,
      "tfjs peers: tf.losses.softmaxCrossEntropy on the logits, optimizer.minimize with tf.train.sgd; closed form: BP1–BP4 on the engine's gemm (bench/closed-form.ts).",
      'Pullback runs on one thread (like tfjs-wasm, XNNPACK on 1 thread) and again with useThreads(2) (@pullback/autograd/node), where products of 2²² or more multiply-adds use the second core.',
    ],
    rows,
    ratios: [
      { name: 'Pullback ÷ tfjs-wasm (float32)', value: vsWasm, formula: 'Pullback samples/s ÷ tfjs-wasm samples/s' },
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
