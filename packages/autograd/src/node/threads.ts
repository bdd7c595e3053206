// Node-only: runs large matrix products on several threads. The WebAssembly gemm is instantiated
// over one shared memory on this thread and on each worker; a product is cut into bands of C
// (see wasmGemm) that the threads take one at a time, each with its own packing scratch. Every
// output element is computed by one thread with the same sums as single-threaded, so results
// are bit-identical whatever the thread count. Import from '@pullback/autograd/node'.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ValueError } from '../errors.ts';
import { GEMM_WASM_SHARED } from '../wasm/gemm-binary.ts';
import { MAX_PAGES, decodeBase64, instantiateGemm, setGemmPool, wasmApi } from '../wasm/gemm-wasm.ts';
import type { GemmPool } from '../wasm/gemm-wasm.ts';

// The job, in a SharedArrayBuffer: [next task, task count, f64, scratch, scratch bytes, tasks...]
// with each task the kernel's 15 arguments.
const NEXT = 0;
const COUNT = 1;
const F64 = 2;
const SCRATCH = 3;
const SCRATCH_BYTES = 4;
const TASKS = 5;
const NARGS = 15;
const WORK_ARG = 11;
// Per worker, in a SharedArrayBuffer of its own: [request, done, failed, thread index].
const REQUEST = 0;
const DONE = 1;
const FAILED = 2;
const THREAD = 3;
/** How long a thread polls for a signal before it sleeps (waking a thread takes tens of µs). */
const SPIN_MS = 0.2;
/** How long useThreads waits for a worker to start before giving up on threads. */
const START_TIMEOUT_MS = 10_000;

/**
 * Thread `thread` takes tasks until none are left. The workers run this same function, as source
 * text with the constants above defined by name.
 */
function work(job: Int32Array, thread: number, kernels: { sgemm: (...a: number[]) => void; dgemm: (...a: number[]) => void }): void {
  const kernel = job[F64] ? kernels.dgemm : kernels.sgemm;
  for (let i = Atomics.add(job, NEXT, 1); i < job[COUNT]!; i = Atomics.add(job, NEXT, 1)) {
    const args = Array.from(job.subarray(TASKS + i * NARGS, TASKS + (i + 1) * NARGS));
    args[WORK_ARG] = job[SCRATCH]! + thread * job[SCRATCH_BYTES]!;
    kernel(...args);
  }
}

// The worker, plain JS so that it runs whatever loader the main thread uses: it waits for a
// request (spinning briefly, then sleeping in Atomics.wait), works, signals done. It is unref'd
// and sleeps between calls, so it never keeps the process alive.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, job: jobBuffer, control } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const job = new Int32Array(jobBuffer);
const ctl = new Int32Array(control);
const NEXT = ${NEXT}, COUNT = ${COUNT}, F64 = ${F64}, SCRATCH = ${SCRATCH}, SCRATCH_BYTES = ${SCRATCH_BYTES}, TASKS = ${TASKS}, NARGS = ${NARGS}, WORK_ARG = ${WORK_ARG};
const work = ${work.toString()};
let seen = 0;
Atomics.store(ctl, ${DONE}, 0);
Atomics.notify(ctl, ${DONE});
for (;;) {
  for (let t = performance.now() + ${SPIN_MS}; Atomics.load(ctl, ${REQUEST}) === seen && performance.now() < t;);
  Atomics.wait(ctl, ${REQUEST}, seen);
  seen = Atomics.load(ctl, ${REQUEST});
  try {
    work(job, ctl[${THREAD}], exports);
  } catch {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

let workers: Worker[] = [];

/**
 * Uses `n` threads (this one and n − 1 workers) for large matrix products; useThreads(1) returns
 * to one. Returns the number of threads in use (1 when workers could not be started). It pays
 * only where cores are idle: a worker descheduled by another process holds up the product.
 */
export function useThreads(n: number = availableParallelism()): number {
  if (!Number.isInteger(n) || n < 1) throw new ValueError('useThreads', `expected a whole number of threads >= 1, got ${String(n)}`);
  stop();
  const api = wasmApi();
  if (n === 1 || api === undefined) return 1;
  const module = new api.Module(decodeBase64(GEMM_WASM_SHARED));
  const memory = new api.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  // wasmGemm hands out at most 4 bands per thread.
  const job = new Int32Array(new SharedArrayBuffer((TASKS + 4 * n * NARGS) * 4));
  const controls = Array.from({ length: n - 1 }, (_, w) => {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * 4));
    ctl[DONE] = -1; // until the worker is ready
    ctl[THREAD] = w + 1;
    return ctl;
  });
  workers = controls.map((ctl) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { module, memory, job: job.buffer, control: ctl.buffer } });
    worker.unref();
    return worker;
  });
  for (const ctl of controls) {
    if (Atomics.wait(ctl, DONE, -1, START_TIMEOUT_MS) === 'timed-out' && Atomics.load(ctl, DONE) === -1) {
      stop();
      return 1;
    }
  }
  setGemmPool(instantiateGemm(api, module, memory), pool(job, controls));
  return n;
}

function pool(job: Int32Array, controls: Int32Array[]): GemmPool {
  return {
    size: controls.length,
    run(kernel, f64, tasks, scratch, scratchBytes) {
      if (TASKS + tasks.length * NARGS > job.length) throw new Error(`useThreads: too many tasks (${tasks.length}) for ${controls.length + 1} threads`);
      tasks.forEach((args, i) => job.set(args, TASKS + i * NARGS));
      job[COUNT] = tasks.length;
      job[F64] = +f64;
      job[SCRATCH] = scratch;
      job[SCRATCH_BYTES] = scratchBytes;
      Atomics.store(job, NEXT, 0);
      for (const ctl of controls) {
        Atomics.add(ctl, REQUEST, 1);
        Atomics.notify(ctl, REQUEST);
      }
      try {
        work(job, 0, { sgemm: kernel, dgemm: kernel });
      } finally {
        // Every worker acknowledges before we return: none may still touch the memory, which the
        // next product reuses.
        for (const ctl of controls) {
          const request = Atomics.load(ctl, REQUEST);
          for (let t = performance.now() + SPIN_MS; Atomics.load(ctl, DONE) !== request && performance.now() < t;);
          for (let done = Atomics.load(ctl, DONE); done !== request; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done);
        }
      }
      const failed = controls.some((ctl) => Atomics.exchange(ctl, FAILED, 0) !== 0);
      if (failed) throw new Error('useThreads: a worker thread failed in gemm');
    },
  };
}

/** Back to one thread: the workers are terminated. */
function stop(): void {
  setGemmPool(null);
  for (const worker of workers) void worker.terminate();
  workers = [];
}
