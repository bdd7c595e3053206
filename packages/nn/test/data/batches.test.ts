import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValueError, gather, tensor } from '@pullback/autograd';
import { Rng, batches } from '../../src/index.ts';
import { expectError } from '../helpers.ts';

describe('batches', () => {
  it('cuts 0..n−1 into consecutive chunks, the last one short unless dropLast', () => {
    expect([...batches(7, 3)]).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect([...batches(7, 3, { dropLast: true })]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect([...batches(6, 3, { dropLast: true })]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect([...batches(2, 5)]).toEqual([[0, 1]]);
    expect([...batches(2, 5, { dropLast: true })]).toEqual([]);
    expect([...batches(0, 4)]).toEqual([]);
  });

  it('shuffles with the seeded Fisher–Yates of Rng: same seed → same batches', () => {
    const a = [...batches(10, 4, { shuffle: true, seed: 3 })];
    expect(a).toEqual([...batches(10, 4, { shuffle: true, rng: new Rng(3) })]);
    expect(a.flat()).toEqual(new Rng(3).shuffle(Array.from({ length: 10 }, (_, i) => i)));
    expect(a.flat()).not.toEqual([...batches(10, 4, { shuffle: true, seed: 4 })].flat());
  });

  it('covers every index exactly once (any n, batch size, seed)', () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 0, max: 60 }), size: fc.integer({ min: 1, max: 17 }), seed: fc.integer(), dropLast: fc.boolean() }),
        ({ n, size, seed, dropLast }) => {
          const bs = [...batches(n, size, { shuffle: true, seed, dropLast })];
          const flat = bs.flat();
          expect(new Set(flat).size).toBe(flat.length);
          expect(flat.every((i) => Number.isInteger(i) && i >= 0 && i < n)).toBe(true);
          expect(flat.length).toBe(dropLast ? n - (n % size) : n);
          expect(bs.every((b) => b.length === size || (!dropLast && b === bs[bs.length - 1]))).toBe(true);
        },
      ),
    );
  });

  it('indices pick rows with gather', () => {
    const x = tensor([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    const [first] = [...batches(3, 2, { shuffle: true, seed: 1 })];
    expect(gather(x, first!).toArray()).toEqual(first!.map((i) => [i, i]));
  });

  it('validates its arguments eagerly', () => {
    expectError(() => batches(10, 0), ValueError, 'batches', 'batchSize', 'integer ≥ 1');
    expectError(() => batches(10, 2.5), ValueError, 'batches', 'batchSize');
    expectError(() => batches(-1, 2), ValueError, 'batches', 'n (the number of examples)');
    expectError(() => batches(10, 2, { seed: 1 }), ValueError, 'batches', 'shuffle: true');
    expectError(() => batches(10, 2, { shuffle: true, seed: 1, rng: new Rng(1) }), ValueError, 'batches', 'either rng or seed');
    expectError(() => batches(10, 2, { shufle: true } as never), ValueError, 'batches', "unknown option 'shufle'");
  });
});
