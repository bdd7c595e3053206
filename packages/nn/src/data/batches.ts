import { MAX_TENSOR_SIZE, ValueError } from '@pullback/autograd';
import { checkBoolean, checkInteger, checkOptions } from '../internal/check.ts';
import { resolveRng } from '../random.ts';
import type { Rng } from '../random.ts';

export interface BatchOptions {
  /** Visit the examples in a random order (Fisher–Yates from the generator); default false. */
  shuffle?: boolean;
  /** Generator for the shuffle; or `seed`; neither: the `manualSeed` generator. */
  rng?: Rng;
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize; default false. */
  dropLast?: boolean;
}

/**
 * Mini-batches of example indices: a permutation of 0..n−1 (the identity unless `shuffle`) cut
 * into consecutive chunks of `batchSize`; the last chunk holds the n mod batchSize leftovers
 * unless `dropLast`. The order is fixed when `batches` is called (one shuffle per call: call it
 * once per epoch). Pick rows with `gather(x, indices)`.
 */
export function batches(n: number, batchSize: number, options: BatchOptions = {}): IterableIterator<number[]> {
  const fn = 'batches';
  checkInteger(fn, 'n (the number of examples)', n, 0);
  // The permutation is an array of n indices: held to the tensor limit, checked before allocating
  if (n > MAX_TENSOR_SIZE) throw new ValueError(fn, `n (the number of examples) is ${n}; at most ${MAX_TENSOR_SIZE} (2³¹ − 1) examples can be indexed`);
  checkInteger(fn, 'batchSize', batchSize, 1);
  const o = checkOptions<BatchOptions>(fn, options, ['shuffle', 'rng', 'seed', 'dropLast']);
  const shuffle = checkBoolean(fn, 'shuffle', o.shuffle ?? false);
  const dropLast = checkBoolean(fn, 'dropLast', o.dropLast ?? false);
  if (!shuffle && (o.rng !== undefined || o.seed !== undefined)) {
    throw new ValueError(fn, `rng/seed are only used with { shuffle: true }`);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) resolveRng(fn, o).shuffle(order);
  const end = dropLast ? n - (n % batchSize) : n;
  return (function* () {
    for (let start = 0; start < end; start += batchSize) yield order.slice(start, Math.min(start + batchSize, end));
  })();
}
