// The TensorFlow.js peers: tfjs-core with its plain-JavaScript CPU backend and its WebAssembly
// backend (XNNPACK, SIMD; Node gives it no threads, so it is single-threaded like Pullback). Both
// are registered in this one process; each peer switches to its own backend before it runs, and
// only ever touches tensors it created there, so no data moves between backends.
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };
export type TfBackend = 'cpu' | 'wasm';

let wasmReady = false;
let gradientsReady = false;

// tfjs-core's Node bundle has kernels but no gradient functions: the union package @tensorflow/tfjs
// adds them by importing tfjs-core's ESM build, dist/register_all_gradients.js. That build uses
// extensionless relative imports ('./gradients'), which Node's ESM loader rejects, so a resolve
// hook adds '.js' (or '/index.js') for files inside tfjs-core's dist. The gradients register into
// tfjs's global registry, shared with the bundle. It is tfjs's own gradient code, unchanged.
const RESOLVE_HOOK = `
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && !specifier.endsWith('.js') && (context.parentURL ?? '').includes('/@tensorflow/tfjs-core/dist/')) {
    try { return await next(specifier + '.js', context); } catch { return next(specifier + '/index.js', context); }
  }
  return next(specifier, context);
}`;

async function loadGradients(): Promise<void> {
  if (gradientsReady) return;
  register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`);
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  gradientsReady = true;
}

/** Make `backend` the active one (loading the .wasm binaries from node_modules, offline). */
export async function useBackend(backend: TfBackend): Promise<void> {
  await loadGradients();
  if (backend === 'wasm' && !wasmReady) {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
    wasmReady = true;
  }
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialise`);
  }
  await tf.ready();
}

/** e.g. 'SIMD, 1 thread' for the wasm backend. */
export function backendDetails(backend: TfBackend): string {
  if (backend === 'cpu') return 'plain JavaScript kernels';
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return `XNNPACK${simd ? ' SIMD' : ''}, ${threads ? 'multi-threaded' : '1 thread'}`;
}

/**
 * A dense layer as tf.layers.dense keeps it: kernel W [in, out], y = x W + b. Weights come in
 * Pullback's layout [out, in] and are transposed once here. (The layout matters on the wasm
 * backend: only an untransposed product takes XNNPACK's fast path; with transposeB it is ~20×
 * slower, so a forward pass in Pullback's layout would be unfair to tfjs.)
 */
export interface TfLayer {
  w: tf.Variable;
  b: tf.Variable;
}

function kernel(w: Float32Array, nIn: number, nOut: number): tf.Tensor2D {
  const t = new Float32Array(w.length);
  for (let o = 0; o < nOut; o++) for (let i = 0; i < nIn; i++) t[i * nOut + o] = w[o * nIn + i]!;
  return tf.tensor2d(t, [nIn, nOut], 'float32');
}

export function tfLayers(weights: readonly Float32Array[], biases: readonly Float32Array[], sizes: readonly number[]): TfLayer[] {
  return weights.map((w, l) => ({
    w: tf.variable(kernel(w, sizes[l]!, sizes[l + 1]!)),
    b: tf.variable(tf.tensor1d(biases[l]!, 'float32')),
  }));
}

/** Put the initial parameters back (before every repeat). */
export function resetLayers(layers: readonly TfLayer[], weights: readonly Float32Array[], biases: readonly Float32Array[]): void {
  tf.tidy(() => {
    layers.forEach((layer, l) => {
      const [nIn, nOut] = layer.w.shape as [number, number];
      layer.w.assign(kernel(weights[l]!, nIn, nOut));
      layer.b.assign(tf.tensor(biases[l]!, layer.b.shape, 'float32'));
    });
  });
}

/** Logits or activations of an MLP in tfjs: f(x W + b) per layer, `last` on the output layer. */
export function tfForward(layers: readonly TfLayer[], x: tf.Tensor2D, hidden: (z: tf.Tensor) => tf.Tensor, last: (z: tf.Tensor) => tf.Tensor): tf.Tensor2D {
  let a: tf.Tensor = x;
  layers.forEach((layer, l) => {
    const z = tf.add(tf.matMul(a as tf.Tensor2D, layer.w), layer.b);
    a = l === layers.length - 1 ? last(z) : hidden(z);
  });
  return a as tf.Tensor2D;
}

/**
 * One SGD step as a tfjs expert writes it: the gradients of `loss` with respect to `vars` by
 * tf.variableGrads, then v ← v − η ∂loss/∂v applied by hand with assign. Call it inside tf.tidy,
 * which frees the batch, the gradients and every intermediate. `lr` is a scalar made once.
 */
export function sgdStep(vars: readonly tf.Variable[], loss: () => tf.Scalar, lr: tf.Scalar): void {
  const { grads } = tf.variableGrads(loss, [...vars]);
  for (const v of vars) v.assign(tf.sub(v, tf.mul(lr, grads[v.name]!)));
}

/**
 * A batch as a user builds it for tfjs: rows `rows` of a row-major [n, width] Float32Array copied
 * into a fresh Float32Array (tfjs may keep the array it is given, so it is not reused), then one
 * tf.tensor2d. Consecutive rows need no copy: a subarray is enough.
 */
export function rowsTensor(source: Float32Array, width: number, rows: readonly number[]): tf.Tensor2D {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    out.set(source.subarray(r * width, (r + 1) * width), i * width);
  });
  return tf.tensor2d(out, [rows.length, width]);
}

/** One-hot rows of `labels` (class indices stored as floats) for the given rows, as a [rows, classes] tensor. */
export function oneHotTensor(labels: Float32Array, classes: number, rows: readonly number[]): tf.Tensor2D {
  const out = new Float32Array(rows.length * classes);
  rows.forEach((r, i) => {
    out[i * classes + labels[r]!] = 1;
  });
  return tf.tensor2d(out, [rows.length, classes]);
}

export function tfVariables(layers: readonly TfLayer[]): tf.Variable[] {
  return layers.flatMap((l) => [l.w, l.b]);
}

export function disposeLayers(layers: readonly TfLayer[]): void {
  for (const l of layers) {
    l.w.dispose();
    l.b.dispose();
  }
}
