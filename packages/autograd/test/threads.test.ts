// Threaded products against the single-thread ones, bit for bit, while the thread count changes
// under load. On a machine with fewer cores than threads the workers are descheduled often, which
// is what exposes a worker that wakes late: it must never take part in a job it was not started
// for (its packing scratch would lie past the job's, over the operands).
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { PullbackError, ValueError } from '../src/errors.ts';
import { gemm } from '../src/gemm.ts';
import { activePool, setThreads } from '../src/node/pool.ts';
import { useThreads } from '../src/node/threads.ts';
import { BANDS_PER_THREAD, wasmGemmReady } from '../src/wasm/gemm-wasm.ts';
import { Rng } from './fuzz/rng.ts';

type Floats = Float32Array | Float64Array;
interface Case {
  m: number;
  k: number;
  n: number;
  ta: boolean;
  tb: boolean;
  A: Floats;
  B: Floats;
  /** The product on one thread. */
  one: Floats;
}

/**
 * Every shape is at least PARALLEL_MIN multiply-adds, so it is split between the threads wherever
 * C has a band of 64 for each (168 columns: two bands at most, one thread on 3 or 4).
 */
const SHAPES = [
  [256, 256, 256], // the shape: bands of columns
  [168, 168, 168], // just above the threshold
  [64, 260, 256], // wide C: bands of columns
  [520, 200, 48], // narrow C: bands of rows
  [200, 160, 264], // bands of uneven width
] as const;

function makeCase(rng: Rng, f32: boolean, [m, k, n]: readonly [number, number, number]): Case {
  const make = (size: number) => {
    const x = f32 ? new Float32Array(size) : new Float64Array(size);
    for (let i = 0; i < size; i++) x[i] = rng.next() * 2 - 1;
    return x;
  };
  const c: Case = { m, k, n, ta: rng.coin(), tb: rng.coin(), A: make(m * k), B: make(k * n), one: make(0) };
  setThreads(1);
  c.one = product(c);
  return c;
}

function product({ m, k, n, ta, tb, A, B }: Case): Floats {
  const C = A instanceof Float32Array ? new Float32Array(m * n) : new Float64Array(m * n);
  gemm(A, 0, B, 0, C, 0, m, k, n, ta, tb);
  return C;
}

/** How many entries differ from the single-thread product (compared as bits: NaN, −0 included). */
function differences(c: Case): number {
  const C = product(c);
  let count = 0;
  for (let i = 0; i < C.length; i++) if (!Object.is(C[i], c.one[i])) count++;
  return count;
}

describe('threaded products while the thread count changes', () => {
  afterEach(() => void setThreads(1));

  it('are bit-identical to one thread for every sequence of counts, workers waking late included', async () => {
    expect(wasmGemmReady()).toBe(true);
    const seed = Number(process.env.PULLBACK_THREADS_SEED ?? Date.now() % 2 ** 31);
    console.log(`threads stress: seed ${seed} (PULLBACK_THREADS_SEED=${seed} repeats this run)`);
    const rng = new Rng(seed);
    const cases = [true, false].flatMap((f32) => SHAPES.flatMap((shape) => [makeCase(rng, f32, shape), makeCase(rng, f32, shape)]));
    // Counts cycle 1 → 4 → 2 → 3 → 1 …, with random counts in between; a few products at each.
    const cycle = [1, 4, 2, 3];
    let threads = 1;
    let products = 0;
    let changes = 0;
    let wrong = 0;
    const started = performance.now();
    for (let round = 0; performance.now() - started < 10_000 && round < 2500; round++) {
      const next = round % 2 === 0 ? cycle[(round / 2) % cycle.length]! : rng.between(1, 4);
      if (next !== threads) changes++;
      threads = next;
      expect(setThreads(threads)).toBe(threads);
      for (let p = rng.between(1, 3); p > 0; p--) {
        const c = rng.pick(cases);
        const bad = differences(c);
        products++;
        if (bad > 0) {
          wrong++;
          console.log(
            `threads stress: ${bad} entries differ in round ${round} (${threads} threads, ${c.m}×${c.k}×${c.n}, ta ${c.ta}, tb ${c.tb}, ${c.A.constructor.name})`,
          );
        }
      }
      // Now and then long enough for the workers to stop polling and sleep: they wake late.
      if (rng.coin(0.1)) await new Promise((resolve) => setTimeout(resolve, rng.between(0, 3)));
    }
    console.log(`threads stress: ${products} products, ${changes} count changes, ${wrong} with differences (seed ${seed})`);
    expect(wrong).toBe(0);
    expect(products).toBeGreaterThan(200);
  });
});

describe('useThreads', () => {
  afterEach(() => void setThreads(1));

  it('takes a whole number from 1 to the machine parallelism, and changes nothing otherwise', () => {
    const most = availableParallelism();
    expect(useThreads(most)).toBe(most);
    const before = activePool();
    const range = `from 1 to ${most} \\(os.availableParallelism\\(\\) on this machine\\)`;
    for (const [n, shown] of [
      [0, '0'],
      [-1, '-1'],
      [2.5, '2.5'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [2 ** 31, '2147483648'],
      [most + 1, String(most + 1)],
      [200, '200'],
      ['2', '"2" \\(a string\\)'],
      [null, 'null'],
    ] as const) {
      const call = () => useThreads(n as number);
      expect(call).toThrow(ValueError);
      expect(call).toThrow(new RegExp(`^useThreads: expected a whole number of threads ${range}, got ${shown}$`));
      expect(activePool()).toBe(before);
    }
    expect(useThreads()).toBe(most);
  });
});

describe('a failure on a thread', () => {
  afterEach(() => void setThreads(1));

  /** Busy for `ms`: the calling thread's stand-in kernel, slow enough for the worker to take tasks. */
  const busy = (ms: number) => () => {
    for (const t = performance.now() + ms; performance.now() < t; );
  };

  it("surfaces a worker's own error message, and the pool keeps working", () => {
    expect(setThreads(2)).toBe(2);
    const pool = activePool()!;
    // The worker runs the real sgemm with C far past the end of memory: a RuntimeError there.
    const outOfBounds = [8, 8, 8, 0, 8, 0, 0, 8, 0, 2 ** 31 - 64, 8, 0, 512, 64, 1024];
    const tasks = Array.from({ length: 2 * BANDS_PER_THREAD }, () => outOfBounds);
    let error: unknown;
    // The calling thread may take every task before the worker wakes: retry until it did not.
    for (let attempt = 0; attempt < 50 && error === undefined; attempt++) {
      try {
        pool.run(busy(2), false, tasks, 0, 1 << 16);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(PullbackError);
    expect((error as Error).message).toMatch(/^useThreads: a worker thread failed in gemm: RuntimeError: memory access out of bounds/);
    const c = makeCase(new Rng(7), true, [256, 256, 256]);
    setThreads(2);
    expect(differences(c)).toBe(0);
  });
  it("rethrows the calling thread's own error as it was", () => {
    expect(setThreads(2)).toBe(2);
    const boom = new RangeError('boom');
    let calls = 0;
    const kernel = () => {
      calls++;
      throw boom;
    };
    // A worker taking one of these runs an empty product (k = 0, m = 0): nothing. A warm worker
    // may take them all before this thread claims one: retry until this thread ran the kernel.
    const empty = Array.from({ length: 3 }, () => new Array<number>(15).fill(0));
    let error: unknown;
    for (let attempt = 0; attempt < 50 && calls === 0; attempt++) {
      try {
        activePool()!.run(kernel, false, empty, 0, 0);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBe(boom);
    expect(calls).toBeGreaterThan(0);
  });
});
