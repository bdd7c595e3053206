// W4: what the backward pass costs relative to the forward pass, on W2's network and batches:
// time(forward + backward) ÷ time(forward). Forward = logits and loss, recorded as for training
// (Pullback's tape on; tfjs inside tf.tidy); forward + backward adds the gradients of every
// parameter (backward() / tf.variableGrads), without an update. The matmul FLOPs alone put the
// ratio near 2.4: the backward pass needs ∂W for all three layers but ∂x only for the upper two.
import { groupSamples } from './child.ts';
import type { PeerGroup } from './child.ts';
import { fmt, log, roundRobin, stats } from './harness.ts';
import type { Peer, Ratio, Row, Section, WorkloadOptions } from './harness.ts';
import { WIDE_BATCH, closedFormWide, pullbackWide, tfjsWide } from './wide-mlp.ts';
import type { WideContender } from './wide-mlp.ts';

interface Sample {
  forward: number;
  forwardBackward: number;
}

function plan(short: boolean): { steps: number; repeats: number } {
  return short ? { steps: 1, repeats: 3 } : { steps: 8, repeats: 5 };
}

/** Forward and forward + backward ms/step of one group's peers (see PeerGroup). */
export async function w4Samples(group: PeerGroup, short: boolean): Promise<[string, Sample[]][]> {
  const { steps, repeats } = plan(short);
  const contenders: WideContender[] = group === 'tfjs' ? [await tfjsWide('wasm'), await tfjsWide('cpu')] : [pullbackWide(group), closedFormWide(group)];
  log(`W4 ${group}: ${contenders.length} peers × ${repeats} runs of ${steps} forward and ${steps} forward+backward passes`);
  const perStep = (fn: (b: number) => void): number => {
    const t0 = performance.now();
    for (let b = 0; b < steps; b++) fn(b);
    return (performance.now() - t0) / steps;
  };
  const peers: Peer<Sample>[] = contenders.map((c) => ({
    name: c.name,
    setup: async () => {
      await c.activate();
      c.forward(0);
      c.forwardBackward(0);
    },
    run: async () => {
      await c.activate();
      const forward = perStep(c.forward);
      const forwardBackward = perStep(c.forwardBackward);
      return { forward, forwardBackward };
    },
    teardown: () => c.dispose(),
  }));
  return [...(await roundRobin(peers, repeats))];
}

export async function runW4(options: WorkloadOptions): Promise<Section> {
  const { steps, repeats } = plan(options.short);
  const results = new Map([...(await w4Samples('float32', options.short)), ...(await groupSamples<Sample>('W4', 'tfjs', options.short))]);
  const names = ['Pullback float32', 'closed form float32', 'tfjs-wasm', 'tfjs-cpu'];
  const rows: Row[] = [];
  const ratios: Ratio[] = [];
  const byName = new Map<string, number>();
  for (const name of names) {
    const samples = results.get(name)!;
    const f = stats(samples.map((s) => s.forward));
    const fb = stats(samples.map((s) => s.forwardBackward));
    const peer = name.replace(/ float(32|64)$/, '');
    rows.push({ peer: `${peer}: forward`, dtype: 'float32', unit: 'ms/step', higherIsBetter: false, stats: f });
    rows.push({ peer: `${peer}: forward + backward`, dtype: 'float32', unit: 'ms/step', higherIsBetter: false, stats: fb });
    const r = fb.median / f.median;
    byName.set(name, r);
    ratios.push({ name: `${peer} (float32)`, value: r, formula: 'median ms(forward + backward) ÷ median ms(forward)' });
  }
  const pb = byName.get('Pullback float32')!;
  return {
    id: 'W4',
    title: 'Backward cost: time(forward + backward) ÷ time(forward) on W2',
    notes: [
      `W2's network, batch ${WIDE_BATCH}, float32. Each run times ${steps} forward passes then ${steps} forward + backward passes on the same batches; ${repeats} runs per peer, round-robin within a process, after a warm-up. Pullback and the closed form run in this process, the tfjs peers in a child (see W1).`,
      "Forward includes making the batch (as in W2: gather for Pullback, tf.tensor2d on a subarray of the dataset inside tf.tidy for tfjs), the loss and, for Pullback, recording the tape; forward + backward (tf.variableGrads for tfjs) stops before the optimizer update. The closed form has no tape: its ratio is what the engine's matmul kernels alone give.",
      "tfjs-wasm: the forward products x W take XNNPACK's fast path, but the gradients of a product are products with a transposed operand (dX = dY Wᵀ, dW = Xᵀ dY), which its BatchMatMul kernel computes on a slow generic path (~1 GFLOP/s here, against ~25 untransposed); hence its large ratio.",
    ],
    rows,
    ratios,
    targets: [{ text: 'W4 ≤ 2.6 (Pullback)', measured: fmt(pb), met: pb <= 2.6 }],
  };
}
