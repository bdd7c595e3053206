// The wide network of W2 and W4: 784-512-512-10, ReLU, softmax cross-entropy on the logits,
// batches of 128 consecutive MNIST training images, plain SGD. One contender per engine, each able
// to run a training step, a forward pass alone (loss included, recorded as for training) and a
// forward + backward pass (gradients, no update).
import { gather } from '@pullback/autograd';
import type { DType, Tensor } from '@pullback/autograd';
import { MLP, SGD, softmaxCrossEntropy } from '@pullback/nn';
import { ClosedFormMLP } from './closed-form.ts';
import { f32, mnist } from './data.ts';
import { disposeLayers, oneHotTensor, resetLayers, sgdStep, tf, tfForward, tfLayers, tfVariables, useBackend } from './tfjs.ts';
import type { TfBackend, TfLayer } from './tfjs.ts';

export const WIDE_SIZES = [784, 512, 512, 10];
export const WIDE_BATCH = 128;
const LR = 0.01;
const SEED = 2;

export interface WideContender {
  name: string;
  dtype: DType;
  /** Make this contender's engine current (tfjs backends) and put the initial weights back. */
  activate(): Promise<void>;
  train(batch: number): void;
  forward(batch: number): void;
  forwardBackward(batch: number): void;
  dispose(): Promise<void>;
}

/** Pullback's model of the wide network: He-normal weights, zero biases, seed 2. */
function wideMlp(dtype: DType): MLP {
  return new MLP(WIDE_SIZES, { activation: 'relu', outputActivation: 'identity', init: 'he', seed: SEED, dtype });
}

/** wideMlp's initial weights and biases: the same start for all. */
function initial(dtype: DType): { weights: Float32Array[] | Float64Array[]; biases: Float32Array[] | Float64Array[] } {
  const m = wideMlp(dtype);
  return {
    weights: m.layers.map((l) => l.weight.data.slice()) as Float32Array[] | Float64Array[],
    biases: m.layers.map((l) => l.bias!.data.slice()) as Float32Array[] | Float64Array[],
  };
}

function rows(batch: number): number[] {
  return Array.from({ length: WIDE_BATCH }, (_, i) => batch * WIDE_BATCH + i);
}

export function pullbackWide(dtype: DType): WideContender {
  const data = mnist(dtype);
  const model = wideMlp(dtype);
  const params = model.parameters();
  const start = params.map((p) => p.data.slice());
  const optimizer = new SGD(params, { lr: LR });
  // The batch is gathered in the step, as a training loop does (every peer builds its batches in the timing).
  const loss = (b: number): Tensor => softmaxCrossEntropy(model.call(gather(data.train.images, rows(b), 0)), gather(data.train.labels, rows(b), 0));
  return {
    name: `Pullback ${dtype}`,
    dtype,
    activate: async () => {
      params.forEach((p, i) => {
        p.data.set(start[i]!);
      });
    },
    train: (b) => {
      const l = loss(b);
      optimizer.zeroGrad();
      l.backward();
      optimizer.step();
    },
    forward: (b) => void loss(b),
    forwardBackward: (b) => {
      const l = loss(b);
      optimizer.zeroGrad();
      l.backward();
    },
    dispose: async () => {},
  };
}

export function closedFormWide(dtype: DType): WideContender {
  const data = mnist(dtype);
  const { weights, biases } = initial(dtype);
  const net = new ClosedFormMLP(WIDE_SIZES, 'relu', 'softmax-ce', dtype);
  const order = Int32Array.from({ length: data.train.labels.size }, (_, i) => i);
  const images = data.train.images.data,
    labels = data.train.labels.data;
  return {
    name: `closed form ${dtype}`,
    dtype,
    activate: async () => net.load(weights, biases),
    train: (b) => net.trainStep(images, labels, order, b * WIDE_BATCH, WIDE_BATCH, LR),
    forward: (b) => {
      net.gatherRows(images, order, b * WIDE_BATCH, WIDE_BATCH);
      net.forward(WIDE_BATCH);
    },
    forwardBackward: (b) => {
      net.gatherRows(images, order, b * WIDE_BATCH, WIDE_BATCH);
      net.forward(WIDE_BATCH);
      net.backward(labels, order, b * WIDE_BATCH, WIDE_BATCH);
    },
    dispose: async () => {},
  };
}

/** How a tfjs contender trains: as an expert writes it, or by optimizer.minimize (the slow form, kept as a second row). */
export type WideStyle = 'expert' | 'minimize';

export function tfjsWideName(backend: TfBackend, style: WideStyle): string {
  return style === 'expert' ? `tfjs-${backend}` : `tfjs-${backend} (optimizer.minimize)`;
}

/**
 * tfjs's contender. Each batch is made inside tf.tidy from the Float32Array dataset (128
 * consecutive rows: one subarray, one tf.tensor2d; the labels one-hot in a typed array); the loss
 * is tf.losses.softmaxCrossEntropy on the logits (tfjs's fused softmax − y gradient). 'expert'
 * trains by tf.variableGrads and v ← v − η g with assign; 'minimize' by optimizer.minimize with
 * tf.train.sgd. Forward and forward + backward (W4) are the same in both.
 */
export async function tfjsWide(backend: TfBackend, style: WideStyle = 'expert'): Promise<WideContender> {
  await useBackend(backend);
  const data = mnist('float32');
  const images = f32(data.train.images),
    labels = f32(data.train.labels);
  const { weights, biases } = initial('float32') as { weights: Float32Array[]; biases: Float32Array[] };
  const layers: TfLayer[] = tfLayers(weights, biases, WIDE_SIZES);
  const vars = tfVariables(layers);
  const lr = tf.scalar(LR);
  const optimizer = tf.train.sgd(LR);
  // Call inside tf.tidy: the batch tensors are freed with the rest.
  const loss = (b: number): tf.Scalar => {
    const x = tf.tensor2d(images.subarray(b * WIDE_BATCH * 784, (b + 1) * WIDE_BATCH * 784), [WIDE_BATCH, 784]);
    const y = oneHotTensor(labels, 10, rows(b));
    return tf.losses.softmaxCrossEntropy(
      y,
      tfForward(layers, x, tf.relu, (z) => z),
    ) as tf.Scalar;
  };
  return {
    name: tfjsWideName(backend, style),
    dtype: 'float32',
    activate: async () => {
      await useBackend(backend);
      resetLayers(layers, weights, biases);
    },
    train:
      style === 'expert' ? (b) => tf.tidy(() => sgdStep(vars, () => loss(b), lr)) : (b) => tf.tidy(() => void optimizer.minimize(() => loss(b), false, vars)),
    forward: (b) => tf.tidy(() => void loss(b)),
    forwardBackward: (b) => tf.tidy(() => void tf.variableGrads(() => loss(b), vars)),
    dispose: async () => {
      await useBackend(backend);
      disposeLayers(layers);
      lr.dispose();
      optimizer.dispose();
    },
  };
}
