import { describe, expect, it } from 'vitest';
import { ValueError } from '@pullback/autograd';
import { readIdx } from '../../src/index.ts';
import { expectError } from '../helpers.ts';
import { idxBytes } from './idx-builder.ts';

describe('readIdx', () => {
  it('parses an MNIST-style image file (magic 0x00000803) written byte by byte', () => {
    // 2 images of 2×3 pixels.
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60]);
    const { shape, data, type } = readIdx(bytes);
    expect(shape).toEqual([2, 2, 3]);
    expect(type).toBe('uint8');
    expect(data).toBeInstanceOf(Uint8Array);
    expect(Array.from(data)).toEqual([0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60]);
  });

  it('parses a label file (magic 0x00000801)', () => {
    const { shape, data } = readIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 7, 2, 1, 0]));
    expect(shape).toEqual([4]);
    expect(Array.from(data)).toEqual([7, 2, 1, 0]);
  });

  it('reads every IDX type code big-endian', () => {
    const cases: [number, string, number[], new (n: number) => ArrayLike<number>][] = [
      [0x09, 'int8', [-128, -1, 0, 127], Int8Array],
      [0x0b, 'int16', [-32768, -2, 258, 32767], Int16Array],
      [0x0c, 'int32', [-2147483648, -5, 16909060, 2147483647], Int32Array],
      [0x0d, 'float32', [1.5, -0.25, 2 ** 100, -0], Float32Array],
      [0x0e, 'float64', [Math.PI, -1e-300, Number.MAX_VALUE, 0.1], Float64Array],
    ];
    for (const [code, type, values, Ctor] of cases) {
      const r = readIdx(idxBytes(code, [2, 2], values));
      expect(r.type).toBe(type);
      expect(r.data).toBeInstanceOf(Ctor);
      expect(Array.from(r.data)).toEqual(values);
    }
    // Big-endian: 0x0102 is 258, not 513.
    expect(Array.from(readIdx(new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 1, 1, 2])).data)).toEqual([258]);
  });

  it('accepts a view into a larger buffer (e.g. a Node Buffer slice)', () => {
    const inner = idxBytes(0x0c, [3], [1, -2, 3]);
    const big = new Uint8Array(inner.length + 5);
    big.set(inner, 5);
    expect(Array.from(readIdx(big.subarray(5)).data)).toEqual([1, -2, 3]);
  });

  it('reports a bad magic, a truncated file and trailing bytes', () => {
    expectError(() => readIdx(new Uint8Array([0x1f, 0x8b, 8, 0])), ValueError, 'readIdx', 'bad magic number 0x1f8b0800', 'gzipped');
    expectError(() => readIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0])), ValueError, 'readIdx', 'bad magic number 0x00000a01');
    expectError(() => readIdx(new Uint8Array([0, 0, 8])), ValueError, 'readIdx', 'truncated file');
    expectError(() => readIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2])), ValueError, 'readIdx', 'truncated file', 'header', '16 bytes');
    expectError(
      () => readIdx(idxBytes(0x08, [2, 2], [1, 2, 3, 4]).subarray(0, 14)),
      ValueError,
      'readIdx',
      'truncated file',
      '[2, 2]',
      'needs 16 bytes',
      'got 14',
    );
    const extra = new Uint8Array([...idxBytes(0x08, [2], [1, 2]), 9]);
    expectError(() => readIdx(extra), ValueError, 'readIdx', 'size mismatch', '1 more');
    expectError(() => readIdx([0, 0, 8, 1] as never), ValueError, 'readIdx', 'Uint8Array');
  });
});
