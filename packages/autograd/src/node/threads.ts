// Node-only: runs large matrix products on several threads. Each worker instantiates the engine's
// WebAssembly gemm module over the engine's own shared memory (see sharedGemm); a product is cut
// into bands of C (see wasmGemm) that the threads take one at a time, each with its own packing
// scratch. Every output element is computed by one thread with the same sums as single-threaded,
// so results are bit-identical whatever the thread count. Import from '@pullback/autograd/node'.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ValueError } from '../errors.ts';
import { BANDS_PER_THREAD, setGemmPool, sharedGemm } from '../wasm/gemm-wasm.ts';
import type { GemmPool } from '../wasm/gemm-wasm.ts';

// The job, in a SharedArrayBuffer: [next task, task count, finished tasks, failed, f64, scratch,
// scratch bytes, tasks...] with each task the kernel's 15 arguments.
const NEXT = 0;
const COUNT = 1;
const FINISHED = 2;
const FAILED = 3;
const F64 = 4;
const SCRATCH = 5;
const SCRATCH_BYTES = 6;
const TASKS = 7;
const NARGS = 15;
const WORK_ARG = 11;
/** NEXT between jobs: any claim comes back past any task count. */
const CLOSED = 1 << 30;
// Per worker, in a SharedArrayBuffer of its own: [request, thread index, started].
const REQUEST = 0;
const THREAD = 1;
const STARTED = 2;
/** How long a thread polls for a signal before it sleeps (waking a thread takes tens of µs). */
const SPIN_MS = 0.2;
/** How long useThreads waits for a worker to start before giving up on threads. */
const START_TIMEOUT_MS = 10_000;

/**
 * Thread `thread` takes tasks until none are left, counting each one finished (failed or not).
 * The workers run this same function, as source text with the constants above defined by name.
 * A worker may wake up only after the caller finished the job alone and returned: NEXT is then
 * CLOSED, its claim comes back past the count and it touches nothing; or it wakes during the next
 * job and takes part in that one, which is why everything about a task is read after claiming it.
 */
function work(job: Int32Array, thread: number, kernels: { sgemm: (...a: number[]) => void; dgemm: (...a: number[]) => void }): void {
  for (let i = Atomics.add(job, NEXT, 1); i < Atomics.load(job, COUNT); i = Atomics.add(job, NEXT, 1)) {
    try {
      const args = Array.from(job.subarray(TASKS + i * NARGS, TASKS + (i + 1) * NARGS));
      args[WORK_ARG] = job[SCRATCH]! + thread * job[SCRATCH_BYTES]!;
      (job[F64] ? kernels.dgemm : kernels.sgemm)(...args);
    } catch {
      Atomics.store(job, FAILED, 1);
    }
    Atomics.add(job, FINISHED, 1);
    Atomics.notify(job, FINISHED);
  }
}

// The worker, plain JS so that it runs whatever loader the main thread uses: it waits for a
// request (spinning briefly, then sleeping in Atomics.wait) and works. It is unref'd and sleeps
// between calls, so it never keeps the process alive.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, job: jobBuffer, control } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const job = new Int32Array(jobBuffer);
const ctl = new Int32Array(control);
const NEXT = ${NEXT}, COUNT = ${COUNT}, FINISHED = ${FINISHED}, FAILED = ${FAILED}, F64 = ${F64}, SCRATCH = ${SCRATCH}, SCRATCH_BYTES = ${SCRATCH_BYTES}, TASKS = ${TASKS}, NARGS = ${NARGS}, WORK_ARG = ${WORK_ARG};
const work = ${work.toString()};
let seen = Atomics.load(ctl, ${REQUEST});
Atomics.store(ctl, ${STARTED}, 1);
Atomics.notify(ctl, ${STARTED});
for (;;) {
  for (let t = performance.now() + ${SPIN_MS}; Atomics.load(ctl, ${REQUEST}) === seen && performance.now() < t;);
  Atomics.wait(ctl, ${REQUEST}, seen);
  seen = Atomics.load(ctl, ${REQUEST});
  work(job, ctl[${THREAD}], exports);
}
`;

/** Started workers, kept (asleep) across useThreads calls; `job` is sized for `capacity` threads. */
let started: { workers: Worker[]; controls: Int32Array[]; job: Int32Array; capacity: number } | null = null;

/**
 * Uses `n` threads (this one and n − 1 workers) for large matrix products; useThreads(1) returns
 * to one. Returns the number of threads in use (1 when workers could not be started). It pays
 * only where cores are idle: a worker descheduled by another process holds up the product.
 *
 * Workers are started once and kept: useThreads(1) leaves them asleep in Atomics.wait (unref'd:
 * they never keep the process alive) and a later useThreads(n) reuses them, warm, at no cost.
 */
export function useThreads(n: number = availableParallelism()): number {
  if (!Number.isInteger(n) || n < 1) throw new ValueError('useThreads', `expected a whole number of threads >= 1, got ${String(n)}`);
  setGemmPool(null);
  if (n === 1) return 1;
  if (started === null || started.capacity < n) {
    stop();
    started = start(n);
    if (started === null) return 1;
  }
  setGemmPool(pool(started.job, started.controls.slice(0, n - 1)));
  return n;
}

/** Starts n − 1 workers on the engine's module and memory; null if that is impossible. */
function start(n: number): typeof started {
  const gemm = sharedGemm();
  if (gemm === null) return null;
  const job = new Int32Array(new SharedArrayBuffer((TASKS + BANDS_PER_THREAD * n * NARGS) * 4));
  job[NEXT] = CLOSED;
  const controls = Array.from({ length: n - 1 }, (_, w) => {
    const ctl = new Int32Array(new SharedArrayBuffer(3 * 4));
    ctl[THREAD] = w + 1;
    return ctl;
  });
  const workers = controls.map((ctl) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { module: gemm.module, memory: gemm.memory, job: job.buffer, control: ctl.buffer } });
    worker.unref();
    return worker;
  });
  const result = { workers, controls, job, capacity: n };
  for (const ctl of controls) {
    if (Atomics.wait(ctl, STARTED, 0, START_TIMEOUT_MS) === 'timed-out' && Atomics.load(ctl, STARTED) === 0) {
      for (const worker of workers) void worker.terminate();
      return null;
    }
  }
  return result;
}

function pool(job: Int32Array, controls: Int32Array[]): GemmPool {
  return {
    size: controls.length,
    run(kernel, f64, tasks, scratch, scratchBytes) {
      if (TASKS + tasks.length * NARGS > job.length) throw new Error(`useThreads: too many tasks (${tasks.length}) for ${controls.length + 1} threads`);
      tasks.forEach((args, i) => job.set(args, TASKS + i * NARGS));
      job[F64] = +f64;
      job[SCRATCH] = scratch;
      job[SCRATCH_BYTES] = scratchBytes;
      Atomics.store(job, FINISHED, 0);
      Atomics.store(job, COUNT, tasks.length);
      // Publishes the job: a worker claims a task only through NEXT, after everything above.
      Atomics.store(job, NEXT, 0);
      for (const ctl of controls) {
        Atomics.add(ctl, REQUEST, 1);
        Atomics.notify(ctl, REQUEST);
      }
      work(job, 0, { sgemm: kernel, dgemm: kernel });
      // Every task is finished before we return (none may still touch the memory, which the next
      // product reuses); a worker still asleep holds none and is not waited for.
      for (let t = performance.now() + SPIN_MS; Atomics.load(job, FINISHED) !== tasks.length && performance.now() < t; );
      for (let done = Atomics.load(job, FINISHED); done !== tasks.length; done = Atomics.load(job, FINISHED)) Atomics.wait(job, FINISHED, done);
      Atomics.store(job, NEXT, CLOSED);
      if (Atomics.exchange(job, FAILED, 0) !== 0) throw new Error('useThreads: a thread failed in gemm');
    },
  };
}

/** Terminates the started workers (before starting more). */
function stop(): void {
  for (const worker of started?.workers ?? []) void worker.terminate();
  started = null;
}
