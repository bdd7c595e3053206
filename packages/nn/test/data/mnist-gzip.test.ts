// Gzipped MNIST files are inflated at most to the size their IDX header declares. gunzipSync is
// wrapped to measure how many bytes the loader inflates, so a decompression bomb shows up as a
// number, not only as an error.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { ValueError } from '@pullback/autograd';
import { loadMnist } from '../../src/node.ts';
import { expectError } from '../helpers.ts';
import { idxBytes } from './idx-builder.ts';

const inflated = vi.hoisted(() => ({ bytes: 0, calls: 0 }));
vi.mock('node:zlib', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:zlib')>();
  return {
    ...real,
    gunzipSync: (input: zlib.InputType, options?: zlib.ZlibOptions): Buffer => {
      inflated.calls++;
      const out = real.gunzipSync(input, options);
      inflated.bytes += out.length;
      return out;
    },
  };
});

const tmp = mkdtempSync(join(tmpdir(), 'pullback-mnist-gz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  inflated.bytes = 0;
  inflated.calls = 0;
});

/** The files of a fake MNIST (3 train, 2 test images of 2×2 pixels), two of them gzipped. */
function fakeFiles(): Record<string, Uint8Array> {
  return {
    'train-images-idx3-ubyte.gz': zlib.gzipSync(idxBytes(0x08, [3, 2, 2], [0, 51, 102, 255, 1, 2, 3, 4, 5, 6, 7, 8])),
    'train-labels-idx1-ubyte': idxBytes(0x08, [3], [5, 0, 4]),
    't10k-images-idx3-ubyte': idxBytes(0x08, [2, 2, 2], [255, 0, 0, 255, 10, 20, 30, 40]),
    't10k-labels-idx1-ubyte.gz': zlib.gzipSync(idxBytes(0x08, [2], [7, 2])),
  };
}

/** A directory `name` holding `files` (name → bytes, written as given). */
function writeDir(name: string, files: Record<string, Uint8Array>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, file), bytes);
  return dir;
}

/** An IDX labels header declaring `n` labels, followed by `body` bytes of zeros, gzipped. */
function labelsGz(n: number, body: number): Uint8Array {
  const bytes = new Uint8Array(8 + body);
  bytes.set(idxBytes(0x08, [n], []));
  return zlib.gzipSync(bytes, { level: 9 });
}

describe('loadMnist: gzipped files', () => {
  it('rejects a decompression bomb after inflating little more than its header declares', () => {
    // 10 labels declared (18 bytes), but the stream inflates to 16 MB from about 16 KB.
    const bomb = labelsGz(10, 16 * 2 ** 20);
    expect(bomb.length).toBeLessThan(2 ** 15);
    const dir = writeDir('bomb', { ...fakeFiles(), 't10k-labels-idx1-ubyte.gz': bomb });
    expectError(
      () => loadMnist(dir),
      ValueError,
      'loadMnist',
      join(dir, 't10k-labels-idx1-ubyte.gz'),
      'inflates to more than the 18 bytes its IDX header declares (shape [10] of uint8)',
    );
    // The honest train images (28 bytes, twice: header probe and whole file) and header probes
    // of the bomb bounded by 1 KB + 64 KB each, never its 16 MB.
    expect(inflated.bytes).toBeLessThan(512 * 1024);
  });

  it('rejects a file that inflates short of the size its header declares, naming it', () => {
    const short = zlib.gzipSync(idxBytes(0x08, [10], [1, 2, 3, 4, 5, 6]));
    const dir = writeDir('short', { ...fakeFiles(), 't10k-labels-idx1-ubyte.gz': short });
    expectError(
      () => loadMnist(dir),
      ValueError,
      'loadMnist',
      join(dir, 't10k-labels-idx1-ubyte.gz'),
      'inflates to 14 bytes, fewer than the 18 bytes its IDX header declares (shape [10] of uint8)',
    );
  });

  it('rejects a corrupt gzip stream and a gzipped file that is not IDX, with a ValueError naming the file', () => {
    const corrupt = new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const dir = writeDir('corrupt', { ...fakeFiles(), 't10k-labels-idx1-ubyte.gz': corrupt });
    expectError(() => loadMnist(dir), ValueError, 'loadMnist', join(dir, 't10k-labels-idx1-ubyte.gz'), 'is not a valid gzip file');
    const png = zlib.gzipSync(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const dir2 = writeDir('png', { ...fakeFiles(), 't10k-labels-idx1-ubyte.gz': png });
    expectError(
      () => loadMnist(dir2),
      ValueError,
      'loadMnist',
      join(dir2, 't10k-labels-idx1-ubyte.gz'),
      'is not a valid IDX file',
      'bad magic number 0x89504e47',
    );
  });

  it('reads gzipped files of every compressibility exactly (the header probe grows and bisects its input)', () => {
    // 28×28 pixels: the train images are noise (little compression, the probe doubles its input),
    // the test labels a long run of zeros (a short input overshoots, the probe bisects).
    const side = 28;
    const noise = Array.from({ length: 3 * side * side }, (_, i) => (i * 2654435761) >>> 24);
    const zeros = new Array(100_000).fill(0);
    const dir = writeDir('sizes', {
      'train-images-idx3-ubyte.gz': zlib.gzipSync(idxBytes(0x08, [3, side, side], noise)),
      'train-labels-idx1-ubyte': idxBytes(0x08, [3], [5, 0, 4]),
      't10k-images-idx3-ubyte': idxBytes(0x08, [100_000, 1, 1], zeros),
      't10k-labels-idx1-ubyte.gz': zlib.gzipSync(idxBytes(0x08, [100_000], zeros)),
    });
    const m = loadMnist(dir, { flatten: false });
    expect(Array.from(m.train.images.data)).toEqual(noise.map((v) => v / 255));
    expect(m.test.labels.shape).toEqual([100_000]);
    expect(m.test.labels.data.every((v) => v === 0)).toBe(true);
  });
});
