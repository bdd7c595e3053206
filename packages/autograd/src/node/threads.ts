// Node-only: runs large matrix products on several threads (see ./pool.ts). Import from
// '@pullback/autograd/node'.
import { availableParallelism } from 'node:os';
import { ValueError, formatValue } from '../errors.ts';
import { setThreads } from './pool.ts';

/**
 * Uses `n` threads (this one and n − 1 workers), 1 ≤ n ≤ os.availableParallelism(), for large
 * matrix products; useThreads(1) returns to one. Returns the number of threads in use (1 when
 * workers could not be started). It pays only where cores are idle: a worker descheduled by
 * another process holds up the product. Products are bit-identical whatever the thread count.
 *
 * Workers are started once and kept: useThreads(1) leaves them asleep in Atomics.wait (unref'd:
 * they never keep the process alive) and a later useThreads(n) reuses them, warm, at no cost.
 * A bad `n` throws a ValueError and changes nothing.
 */
export function useThreads(n: number = availableParallelism()): number {
  const most = availableParallelism();
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > most) {
    throw new ValueError(
      'useThreads',
      `expected a whole number of threads from 1 to ${most} (os.availableParallelism() on this machine), got ${formatValue(n)}`,
    );
  }
  return setThreads(n);
}
