// W1: Nielsen's chapter-1 network — 784-30-10, sigmoid, quadratic cost, SGD η = 3.0, batches of
// 10 — for one epoch of the first 50,000 MNIST training images, then accuracy on the 10,000 test
// images. Every peer starts from the same weights (Pullback's MLP with seed 1, N(0, 1)) and visits
// the images in the same shuffled order, so the accuracies should agree to rounding.
import { gather, noGrad, oneHot } from '@pullback/autograd';
import type { DType, Tensor } from '@pullback/autograd';
import { MLP, SGD, quadraticCost } from '@pullback/nn';
import { ClosedFormMLP, argmaxRow } from './closed-form.ts';
import { epochOrder, f32, mnist } from './data.ts';
import { PROCESS_NOTE, firstSamples, groupSamples, tfjsWasmDetails } from './child.ts';
import type { PeerGroup } from './child.ts';
import { fmt, log, ratio, roundRobin, stats } from './harness.ts';
import type { Peer, Row, Section, WorkloadOptions } from './harness.ts';
import { disposeLayers, oneHotTensor, resetLayers, rowsTensor, sgdStep, tf, tfForward, tfLayers, tfVariables, useBackend } from './tfjs.ts';
import type { TfBackend, TfLayer } from './tfjs.ts';

const SIZES = [784, 30, 10];
const LR = 3.0;
const BATCH = 10;
const SEED = 1;

interface Epoch {
  /** Seconds for the whole epoch (extrapolated when only `steps` of it ran). */
  seconds: number;
  accuracy: number;
}

export interface Plan {
  train: number;
  test: number;
  repeats: number;
  /** Steps the slow tfjs-cpu peer runs per repeat (its time is scaled up to the epoch). */
  cpuSteps: number;
  cpuRepeats: number;
}

export function plan(short: boolean): Plan {
  return short
    ? { train: 1000, test: 500, repeats: 3, cpuSteps: 10, cpuRepeats: 3 }
    : { train: 50_000, test: 10_000, repeats: 3, cpuSteps: 500, cpuRepeats: 3 };
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
    warmup: () => {
      for (let i = 0; i < 50; i++) step(batches[i % batches.length]!); // the JIT
    },
    run: () => {
      params.forEach((t, i) => {
        t.data.set(initial[i]!);
      });
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
    warmup: () => {
      net.load(weights, biases);
      train(Math.min(200, batches.length)); // the JIT
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

/** How a tfjs peer is written: as an expert writes it, or the slow form kept for comparison. */
export type TfStyle = 'expert' | 'minimize';

/** The row name of a tfjs peer: the slow form says how it is written. */
export function tfjsName(backend: TfBackend, style: TfStyle): string {
  return style === 'expert' ? `tfjs-${backend}` : `tfjs-${backend} (optimizer.minimize + gather)`;
}

/** C = 1/(2m) Σ_batch ‖a − y‖², Nielsen's quadratic cost, in raw tfjs ops. */
function tfQuadraticCost(a: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.mean(tf.mul(0.5, tf.sum(tf.square(tf.sub(a, y)), -1))) as tf.Scalar;
}

/**
 * tfjs's peer. 'expert': each batch is copied from the Float32Array dataset into a fresh typed
 * array and made a tensor (tf.tensor2d) inside tf.tidy, gradients by tf.variableGrads, the update
 * v ← v − η g by assign; no dataSync until the epoch is over. 'minimize': the dataset is one
 * tensor, batches come from tf.gather, and optimizer.minimize with tf.train.sgd applies the step.
 */
function tfjsPeer(backend: TfBackend, style: TfStyle, p: Plan, batches: number[][]): Peer<Epoch> {
  const data = mnist('float32');
  const trainX = f32(data.train.images),
    trainY = f32(data.train.labels);
  const { weights, biases } = initialParameters('float32') as { weights: Float32Array[]; biases: Float32Array[] };
  const steps = backend === 'cpu' ? Math.min(p.cpuSteps, batches.length) : batches.length;
  interface State {
    layers: TfLayer[];
    vars: tf.Variable[];
    lr: tf.Scalar;
    testX: tf.Tensor2D;
    /** The slow form only: the whole training set as tensors, and the optimizer. */
    all: { x: tf.Tensor2D; y: tf.Tensor2D; optimizer: tf.SGDOptimizer } | null;
  }
  let state: State | null = null;
  const expertStep = (s: State, idx: number[]): void =>
    tf.tidy(() => {
      const x = rowsTensor(trainX, 784, idx);
      const y = oneHotTensor(trainY, 10, idx);
      sgdStep(s.vars, () => tfQuadraticCost(tfForward(s.layers, x, tf.sigmoid, tf.sigmoid), y), s.lr);
    });
  const minimizeStep = (s: State, idx: number[]): void =>
    tf.tidy(() => {
      const all = s.all!;
      const i = tf.tensor1d(idx, 'int32');
      const x = tf.gather(all.x, i) as tf.Tensor2D;
      const y = tf.gather(all.y, i);
      all.optimizer.minimize(() => tfQuadraticCost(tfForward(s.layers, x, tf.sigmoid, tf.sigmoid), y), false, s.vars);
    });
  const step = style === 'expert' ? expertStep : minimizeStep;
  return {
    name: tfjsName(backend, style),
    setup: async () => {
      await useBackend(backend);
      const n = p.train;
      const layers = tfLayers(weights, biases, SIZES);
      state = {
        layers,
        vars: tfVariables(layers),
        lr: tf.scalar(LR),
        testX: tf.tensor2d(f32(data.test.images).subarray(0, p.test * 784), [p.test, 784]),
        all:
          style === 'minimize'
            ? {
                x: tf.tensor2d(trainX.subarray(0, n * 784), [n, 784]),
                y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(trainY.subarray(0, n), 'int32'), 10), 'float32')) as tf.Tensor2D,
                optimizer: tf.train.sgd(LR),
              }
            : null,
      };
    },
    warmup: () => {
      for (let i = 0; i < 20; i++) step(state!, batches[i % batches.length]!);
    },
    run: async () => {
      await useBackend(backend);
      const s = state!;
      resetLayers(s.layers, weights, biases);
      const t0 = performance.now();
      for (let b = 0; b < steps; b++) step(s, batches[b]!);
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
      s.lr.dispose();
      s.testX.dispose();
      if (s.all) {
        s.all.x.dispose();
        s.all.y.dispose();
        s.all.optimizer.dispose();
      }
      state = null;
    },
  };
}

function accuracyOf(out: ArrayLike<number>, labels: ArrayLike<number>, n: number): number {
  let correct = 0;
  for (let i = 0; i < n; i++) if (argmaxRow(out, i, 10) === labels[i]) correct++;
  return correct / n;
}

/** The peers of one group (see PeerGroup: each group runs in its own process). */
export function w1Peers(group: PeerGroup, short: boolean): Peer<Epoch>[] {
  const p = plan(short);
  const batches = epochBatches(p.train);
  return group === 'tfjs'
    ? [tfjsPeer('wasm', 'expert', p, batches), tfjsPeer('wasm', 'minimize', p, batches), tfjsPeer('cpu', 'expert', p, batches)]
    : [pullbackPeer(group, p, batches), closedFormPeer(group, p, batches)];
}

/** Warmed-up samples of one group's peers, by peer name. */
export async function w1Samples(group: PeerGroup, short: boolean): Promise<[string, Epoch[]][]> {
  const p = plan(short);
  const peers = w1Peers(group, short);
  const steps = Math.ceil(p.train / BATCH);
  log(
    `W1 ${group}: ${peers.map((x) => x.name).join(', ')} × ${p.repeats} epochs of ${p.train} images${group === 'tfjs' ? ` (tfjs-cpu: ${Math.min(p.cpuSteps, steps)} of ${steps} steps × ${p.cpuRepeats})` : ''}`,
  );
  return [...(await roundRobin(peers, p.repeats, (name) => (name === 'tfjs-cpu' ? p.cpuRepeats : p.repeats)))];
}

/** Every row, with the group (process) its peer runs in. */
const ROWS: readonly [string, PeerGroup][] = [
  ['Pullback float32', 'float32'],
  ['closed form float32', 'float32'],
  ['tfjs-wasm', 'tfjs'],
  [tfjsName('wasm', 'minimize'), 'tfjs'],
  ['tfjs-cpu', 'tfjs'],
  ['Pullback float64', 'float64'],
  ['closed form float64', 'float64'],
];

export async function runW1(options: WorkloadOptions): Promise<Section> {
  const p = plan(options.short);
  const steps = Math.ceil(p.train / BATCH);
  const cpuSteps = Math.min(p.cpuSteps, steps);
  const results = new Map([
    ...(await w1Samples('float32', options.short)),
    ...(await groupSamples<Epoch>('W1', 'tfjs', options.short)),
    ...(await groupSamples<Epoch>('W1', 'float64', options.short)),
  ]);
  const first = await firstSamples<Epoch>('W1', ROWS, options.short);
  const rows: Row[] = ROWS.map(([name]) => {
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
        'first epoch, fresh process': `${fmt(first.get(name)!.seconds)} s`,
        'test accuracy': accText,
        ...(partial && { note: `timed ${cpuSteps}/${steps} steps, ×${fmt(steps / cpuSteps)} to an epoch` }),
      },
    };
  });
  const get = (peer: string, dtype: string) => rows.find((r) => r.peer === peer && r.dtype === dtype)!.stats;
  const firstOf = (name: string) => first.get(name)!.seconds;
  const vsWasm = ratio(get('tfjs-wasm', 'float32'), get('Pullback', 'float32'));
  const vsWasmFirst = firstOf('tfjs-wasm') / firstOf('Pullback float32');
  const vsMinimize = ratio(get(tfjsName('wasm', 'minimize'), 'float32'), get('Pullback', 'float32'));
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
      `Two timings per peer: the median of ${p.repeats} epochs after a warm-up (the table's median), and the first epoch of a fresh Node process with no warm-up at all (the 'first epoch, fresh process' column: what a user who times one training run sees; loading MNIST and building the model are not timed).`,
      "tfjs has no float64: its rows are float32 only. tfjs-wasm and tfjs-cpu are written as an expert tfjs user writes them: tf.variable weights in tf.layers.dense's layout (kernel [in, out], y = x W + b), the forward pass and the quadratic cost in raw ops, gradients by tf.variableGrads (tfjs's own registered gradient functions), the update v ← v − η g applied by hand with assign, and each batch copied from the Float32Array dataset into a typed array and made a tensor with tf.tensor2d inside tf.tidy; nothing is read back (dataSync) until the epoch is over.",
      `${tfjsName('wasm', 'minimize')}: the same network written the slow way, kept for comparison: the dataset as one tensor, batches by tf.gather, the step by optimizer.minimize with tf.train.sgd(3.0).`,
      `tfjs-wasm: ${tfjsWasmDetails}. tfjs-cpu is too slow for whole epochs in the time budget: it trains ${cpuSteps} of the ${steps} steps per repeat and its time is scaled to the epoch (×${fmt(steps / cpuSteps)}), its first epoch too; its accuracy is after those steps only.`,
      "closed form = bench/closed-form.ts: BP1–BP4 by hand on preallocated typed arrays, calling the engine's gemm; no tape.",
      `Repeats: ${p.repeats} (tfjs-cpu ${p.cpuRepeats}), round-robin across the peers of a process, after a warm-up. ${PROCESS_NOTE} Each first epoch runs in a process of its own.`,
    ],
    rows,
    ratios: [
      { name: 'speed-up vs tfjs-wasm (float32)', value: vsWasm, formula: 'tfjs-wasm s/epoch ÷ Pullback s/epoch (warmed-up medians)' },
      {
        name: 'speed-up vs tfjs-wasm, first epoch in a fresh process (float32)',
        value: vsWasmFirst,
        formula: 'tfjs-wasm first epoch ÷ Pullback first epoch, each in a fresh process',
      },
      { name: 'speed-up vs tfjs-wasm written with optimizer.minimize + gather (float32)', value: vsMinimize, formula: 'that row s/epoch ÷ Pullback s/epoch' },
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
