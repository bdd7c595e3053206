// W1: Nielsen's chapter-1 network — 784-30-10, sigmoid, quadratic cost, SGD η = 3.0, batches of
// 10 — for one epoch of the first 50,000 MNIST training images, then accuracy on the 10,000 test
// images. Every peer starts from the same weights (Pullback's MLP with seed 1, N(0, 1)) and visits
// the images in the same shuffled order, so the accuracies should agree to rounding.
import { gather, noGrad, oneHot } from '@pullback/autograd';
import type { DType, Tensor } from '@pullback/autograd';
import { MLP, SGD, quadraticCost } from '@pullback/nn';
import { ClosedFormMLP, argmaxRow } from './closed-form.ts';
import { epochOrder, f32, mnist } from './data.ts';
import { PROCESS_NOTE, groupSamples, tfjsWasmDetails } from './child.ts';
import type { PeerGroup } from './child.ts';
import { fmt, log, ratio, roundRobin, stats } from './harness.ts';
import type { Peer, Row, Section, WorkloadOptions } from './harness.ts';
import { resetLayers, tf, tfForward, tfLayers, tfVariables, disposeLayers, useBackend } from './tfjs.ts';
import type { TfBackend } from './tfjs.ts';

const SIZES = [784, 30, 10];
const LR = 3.0;
const BATCH = 10;
const SEED = 1;

interface Epoch {
  /** Seconds for the whole epoch (extrapolated when only `steps` of it ran). */
  seconds: number;
  accuracy: number;
}

interface Plan {
  train: number;
  test: number;
  repeats: number;
  /** Steps the slow tfjs-cpu peer runs per repeat (its time is scaled up to the epoch). */
  cpuSteps: number;
  cpuRepeats: number;
}

export function plan(short: boolean): Plan {
  return short ? { train: 200, test: 200, repeats: 3, cpuSteps: 10, cpuRepeats: 3 } : { train: 50_000, test: 10_000, repeats: 3, cpuSteps: 500, cpuRepeats: 3 };
}

/** The batches of one epoch, as index lists (built before timing, shared by every peer). */
export function epochBatches(n: number): number[][] {
  const order = epochOrder(n, SEED);
  const out: number[][] = [];
  for (let s = 0; s < n; s += BATCH) out.push(Array.from(order.subarray(s, Math.min(n, s + BATCH))));
  return out;
}

/** Pullback's model of Nielsen's network: sigmoid, N(0, 1) weights (the default init), seed 1. */
function nielsenMlp(dtype: DType): MLP {
  return new MLP(SIZES, { activation: 'sigmoid', outputActivation: 'sigmoid', seed: SEED, dtype });
}

/** nielsenMlp's initial weights and biases: every peer starts from them. */
function initialParameters(dtype: DType): { weights: Float64Array[] | Float32Array[]; biases: Float64Array[] | Float32Array[] } {
  const model = nielsenMlp(dtype);
  return {
    weights: model.layers.map((l) => l.weight.data.slice()) as Float64Array[] | Float32Array[],
    biases: model.layers.map((l) => l.bias!.data.slice()) as Float64Array[] | Float32Array[],
  };
}

export function pullbackPeer(dtype: DType, p: Plan, batches: number[][]): Peer<Epoch> {
  const data = mnist(dtype);
  const model = nielsenMlp(dtype);
  const params = model.parameters();
  const initial = params.map((t) => t.data.slice());
  const optimizer = new SGD(params, { lr: LR });
  const testX = gather(
    data.test.images,
    Array.from({ length: p.test }, (_, i) => i),
    0,
  );
  const step = (idx: number[]): void => {
    const x = gather(data.train.images, idx, 0);
    const y = oneHot(gather(data.train.labels, idx, 0), 10, dtype);
    const loss = quadraticCost(model.call(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  };
  return {
    name: `Pullback ${dtype}`,
    setup: () => {
      for (let i = 0; i < 50; i++) step(batches[i % batches.length]!); // warm the JIT
    },
    run: () => {
      params.forEach((t, i) => t.data.set(initial[i]!));
      const t0 = performance.now();
      for (const idx of batches) step(idx);
      const seconds = (performance.now() - t0) / 1000;
      const out: Tensor = noGrad(() => model.call(testX));
      return { seconds, accuracy: accuracyOf(out.data, data.test.labels.data, p.test) };
    },
  };
}

export function closedFormPeer(dtype: DType, p: Plan, batches: number[][]): Peer<Epoch> {
  const data = mnist(dtype);
  const { weights, biases } = initialParameters(dtype);
  const net = new ClosedFormMLP(SIZES, 'sigmoid', 'sigmoid-quadratic', dtype);
  const order = Int32Array.from(batches.flat());
  const images = data.train.images.data,
    labels = data.train.labels.data;
  /** SGD steps on the epoch's first `count` batches. */
  const train = (count: number): void => {
    for (let s = 0, b = 0; b < count; s += batches[b]!.length, b++) net.trainStep(images, labels, order, s, batches[b]!.length, LR);
  };
  return {
    name: `closed form ${dtype}`,
    setup: () => {
      net.load(weights, biases);
      train(Math.min(200, batches.length)); // warm the JIT
    },
    run: () => {
      net.load(weights, biases);
      const t0 = performance.now();
      train(batches.length);
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, accuracy: net.accuracy(data.test.images.data, data.test.labels.data, p.test) };
    },
  };
}

function tfjsPeer(backend: TfBackend, p: Plan, batches: number[][]): Peer<Epoch> {
  const data = mnist('float32');
  const { weights, biases } = initialParameters('float32') as { weights: Float32Array[]; biases: Float32Array[] };
  const steps = backend === 'cpu' ? Math.min(p.cpuSteps, batches.length) : batches.length;
  let state: { layers: ReturnType<typeof tfLayers>; x: tf.Tensor2D; y: tf.Tensor2D; testX: tf.Tensor2D; optimizer: tf.SGDOptimizer } | null = null;
  const step = (idx: number[]): void => {
    const s = state!;
    tf.tidy(() => {
      const i = tf.tensor1d(idx, 'int32');
      const x = tf.gather(s.x, i) as tf.Tensor2D;
      const y = tf.gather(s.y, i);
      s.optimizer.minimize(
        () => {
          const a = tfForward(s.layers, x, tf.sigmoid, tf.sigmoid);
          return tf.mean(tf.mul(0.5, tf.sum(tf.square(tf.sub(a, y)), -1))) as tf.Scalar;
        },
        false,
        tfVariables(s.layers),
      );
    });
  };
  return {
    name: `tfjs-${backend}`,
    setup: async () => {
      await useBackend(backend);
      const n = p.train;
      state = {
        layers: tfLayers(weights, biases, SIZES),
        x: tf.tensor2d(f32(data.train.images).subarray(0, n * 784), [n, 784]),
        y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(f32(data.train.labels).subarray(0, n), 'int32'), 10), 'float32')) as tf.Tensor2D,
        testX: tf.tensor2d(f32(data.test.images).subarray(0, p.test * 784), [p.test, 784]),
        optimizer: tf.train.sgd(LR),
      };
      for (let i = 0; i < 20; i++) step(batches[i % batches.length]!);
    },
    run: async () => {
      await useBackend(backend);
      const s = state!;
      resetLayers(s.layers, weights, biases);
      const t0 = performance.now();
      for (let b = 0; b < steps; b++) step(batches[b]!);
      const seconds = ((performance.now() - t0) / 1000) * (batches.length / steps);
      const out = tf.tidy(() => tfForward(s.layers, s.testX, tf.sigmoid, tf.sigmoid));
      const accuracy = accuracyOf(out.dataSync(), data.test.labels.data, p.test);
      out.dispose();
      return { seconds, accuracy };
    },
    teardown: async () => {
      await useBackend(backend);
      const s = state!;
      disposeLayers(s.layers);
      s.x.dispose();
      s.y.dispose();
      s.testX.dispose();
      s.optimizer.dispose();
      state = null;
    },
  };
}

function accuracyOf(out: ArrayLike<number>, labels: ArrayLike<number>, n: number): number {
  let correct = 0;
  for (let i = 0; i < n; i++) if (argmaxRow(out, i, 10) === labels[i]) correct++;
  return correct / n;
}

/** Samples of one group's peers, by peer name (see PeerGroup: each group runs in its own process). */
export async function w1Samples(group: PeerGroup, short: boolean): Promise<[string, Epoch[]][]> {
  const p = plan(short);
  const batches = epochBatches(p.train);
  const peers: Peer<Epoch>[] =
    group === 'tfjs' ? [tfjsPeer('wasm', p, batches), tfjsPeer('cpu', p, batches)] : [pullbackPeer(group, p, batches), closedFormPeer(group, p, batches)];
  log(
    `W1 ${group}: ${peers.map((x) => x.name).join(', ')} × ${p.repeats} epochs of ${p.train} images${group === 'tfjs' ? ` (tfjs-cpu: ${Math.min(p.cpuSteps, batches.length)} of ${batches.length} steps × ${p.cpuRepeats})` : ''}`,
  );
  return [...(await roundRobin(peers, p.repeats, (name) => (name === 'tfjs-cpu' ? p.cpuRepeats : p.repeats)))];
}

const ROWS = ['Pullback float32', 'closed form float32', 'tfjs-wasm', 'tfjs-cpu', 'Pullback float64', 'closed form float64'];

export async function runW1(options: WorkloadOptions): Promise<Section> {
  const p = plan(options.short);
  const steps = Math.ceil(p.train / BATCH);
  const cpuSteps = Math.min(p.cpuSteps, steps);
  const results = new Map([
    ...(await w1Samples('float32', options.short)),
    ...(await groupSamples<Epoch>('W1', 'tfjs', options.short)),
    ...(await groupSamples<Epoch>('W1', 'float64', options.short)),
  ]);
  const rows: Row[] = ROWS.map((name) => {
    const runs = results.get(name)!;
    const accs = runs.map((r) => r.accuracy);
    const partial = name === 'tfjs-cpu' && cpuSteps < steps;
    const accText = partial
      ? `${pct(accs[0]!)} after ${cpuSteps} steps only`
      : pct(accs[accs.length - 1]!) + (new Set(accs).size > 1 ? ` (${pct(Math.min(...accs))}–${pct(Math.max(...accs))})` : '');
    return {
      peer: name.replace(/ float(32|64)$/, ''),
      dtype: name.includes('float64') ? 'float64' : 'float32',
      unit: 's/epoch',
      higherIsBetter: false,
      stats: stats(runs.map((r) => r.seconds)),
      extra: {
        'test accuracy': accText,
        ...(partial && { note: `timed ${cpuSteps}/${steps} steps, ×${fmt(steps / cpuSteps)} to an epoch` }),
      },
    };
  });
  const get = (peer: string, dtype: string) => rows.find((r) => r.peer === peer && r.dtype === dtype)!.stats;
  const vsWasm = ratio(get('tfjs-wasm', 'float32'), get('Pullback', 'float32'));
  const vsCpu = ratio(get('tfjs-cpu', 'float32'), get('Pullback', 'float32'));
  const tape32 = ratio(get('Pullback', 'float32'), get('closed form', 'float32'));
  const tape64 = ratio(get('Pullback', 'float64'), get('closed form', 'float64'));
  const wasmCf = ratio(get('tfjs-wasm', 'float32'), get('closed form', 'float32'));
  return {
    id: 'W1',
    title: 'Nielsen 784-30-10 sigmoid, quadratic cost, SGD η=3, batch 10: one epoch',
    notes: [
      `${p.train.toLocaleString('en-US')} training images (${steps} steps), test accuracy on ${p.test.toLocaleString('en-US')} test images after the epoch (not timed).`,
      'All peers start from the same N(0, 1) weights (Pullback MLP, seed 1) and see the same shuffled order; each repeat restarts from those weights.',
      "tfjs has no float64: its rows are float32 only. tfjs peers: tf.variable weights in tf.layers.dense's layout (kernel [in, out], y = x W + b), optimizer.minimize with tf.train.sgd(3.0), gradients by tfjs's own registered gradient functions, batches by tf.gather.",
      `tfjs-wasm: ${tfjsWasmDetails}. tfjs-cpu is too slow for whole epochs in the time budget: it trains ${cpuSteps} of the ${steps} steps per repeat and its time is scaled to the epoch (×${fmt(steps / cpuSteps)}); its accuracy is after those steps only.`,
      "closed form = bench/closed-form.ts: BP1–BP4 by hand on preallocated typed arrays, calling the engine's gemm; no tape.",
      `Repeats: ${p.repeats} (tfjs-cpu ${p.cpuRepeats}), round-robin across the peers of a process, after a warm-up. ${PROCESS_NOTE}`,
    ],
    rows,
    ratios: [
      { name: 'speed-up vs tfjs-wasm (float32)', value: vsWasm, formula: 'tfjs-wasm s/epoch ÷ Pullback s/epoch' },
      { name: 'speed-up vs tfjs-cpu (float32)', value: vsCpu, formula: 'tfjs-cpu s/epoch (extrapolated) ÷ Pullback s/epoch' },
      { name: 'tape cost (float32)', value: tape32, formula: 'Pullback s/epoch ÷ closed form s/epoch' },
      { name: 'tape cost (float64)', value: tape64, formula: 'Pullback s/epoch ÷ closed form s/epoch' },
      { name: 'closed form vs tfjs-wasm (float32)', value: wasmCf, formula: 'tfjs-wasm s/epoch ÷ closed form s/epoch' },
    ],
    targets: [
      { text: 'W1 ≥ 6× faster than tfjs-wasm (float32)', measured: `${fmt(vsWasm)}×`, met: vsWasm >= 6 },
      { text: 'W1 within 1.15× of the closed form (float32)', measured: `${fmt(tape32)}×`, met: tape32 <= 1.15 },
      { text: 'W1 within 1.15× of the closed form (float64)', measured: `${fmt(tape64)}×`, met: tape64 <= 1.15 },
    ],
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
