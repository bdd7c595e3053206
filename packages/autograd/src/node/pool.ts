// The worker threads behind useThreads (./threads.ts). Each worker instantiates the engine's
// WebAssembly gemm module over the engine's own shared memory (see sharedGemm); a product is cut
// into bands of C (see wasmGemm) that the threads take one at a time, each with its own packing
// scratch. Every output element is computed by one thread with the same sums as single-threaded,
// so results are bit-identical whatever the thread count.
//
// A job is what one product hands out. Workers are woken for a job but may wake much later (a
// worker descheduled, or asleep in Atomics.wait), after the job is done, the thread count lowered
// and other jobs started. So a thread takes a task only through one compare-and-swap on a 64-bit
// claim word holding the job's generation and its next task: the claim succeeds only while that
// very job is open, and only for a thread the job was cut for (thread < the job's thread count;
// a higher one's scratch would lie past the job's, over its operands).
import { Worker } from 'node:worker_threads';
import { PullbackError, ValueError } from '../errors.ts';
import { BANDS_PER_THREAD, setGemmPool, sharedGemm } from '../wasm/gemm-wasm.ts';
import type { GemmPool } from '../wasm/gemm-wasm.ts';

// The job, in a SharedArrayBuffer: the claim word (a BigInt64 at byte 0), then Int32 fields
// [count, threads, finished, failed, f64, scratch, scratch bytes, message length, message...,
// tasks...] with each task the kernel's 15 arguments.
/** The claim word: generation · 2^TASK_BITS + next task; the task field TASK_MASK means closed. */
const TASK_BITS = 20n;
const TASK_MASK = (1n << TASK_BITS) - 1n;
const COUNT = 2;
const THREADS = 3;
const FINISHED = 4;
const FAILED = 5;
const F64 = 6;
const SCRATCH = 7;
const SCRATCH_BYTES = 8;
const MESSAGE_LENGTH = 9;
const MESSAGE = 10;
/** The first failure's message is kept up to this many UTF-16 units. */
const MESSAGE_UNITS = 300;
const TASKS = MESSAGE + MESSAGE_UNITS;
const NARGS = 15;
const WORK_ARG = 11;
// Per worker, in a SharedArrayBuffer of its own: [request, thread index, started (1, or −1: failed)].
const REQUEST = 0;
const THREAD = 1;
const STARTED = 2;
/** How long a thread polls for a signal before it sleeps (waking a thread takes tens of µs). */
const SPIN_MS = 0.2;
/** How long setThreads waits for a worker to start before giving up on threads. */
const START_TIMEOUT_MS = 10_000;
/** More threads than any machine has cores; keeps a job's task count within TASK_BITS. */
const MAX_THREADS = 4096;

interface Kernels {
  sgemm: (...a: number[]) => void;
  dgemm: (...a: number[]) => void;
}

/**
 * Thread `thread` takes tasks of the open job until none is left for it, counting each one
 * finished (failed or not); returns the first error it caught. The workers run this same function,
 * as source text with the constants above defined by name.
 *
 * The count and thread count read between loading the claim word `w` and swapping in w + 1 belong
 * to w's job: the caller writes them only while the previous job is closed, and an open word never
 * comes back once its job is closed (the generation only grows), so a swap that succeeds proves
 * that nothing changed in between. Everything about a task is read after claiming it.
 */
function work(claim: BigInt64Array, job: Int32Array, thread: number, kernels: Kernels): unknown {
  let caught: unknown;
  for (;;) {
    const w = Atomics.load(claim, 0);
    const i = Number(w & TASK_MASK);
    if (i >= Atomics.load(job, COUNT) || thread >= Atomics.load(job, THREADS)) return caught;
    if (Atomics.compareExchange(claim, 0, w, w + 1n) !== w) continue;
    try {
      const args = Array.from(job.subarray(TASKS + i * NARGS, TASKS + (i + 1) * NARGS));
      args[WORK_ARG] = job[SCRATCH]! + thread * job[SCRATCH_BYTES]!;
      (job[F64] ? kernels.dgemm : kernels.sgemm)(...args);
    } catch (e) {
      if (caught === undefined) caught = e;
      if (Atomics.compareExchange(job, FAILED, 0, 1) === 0) {
        // The first failure's text, for the caller to rethrow: read only after every task is finished.
        const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        const units = Math.min(text.length, MESSAGE_UNITS);
        for (let u = 0; u < units; u++) job[MESSAGE + u] = text.charCodeAt(u);
        job[MESSAGE_LENGTH] = units;
      }
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
const ctl = new Int32Array(control);
const claim = new BigInt64Array(jobBuffer, 0, 1);
const job = new Int32Array(jobBuffer);
const TASK_MASK = ${TASK_MASK}n, COUNT = ${COUNT}, THREADS = ${THREADS}, FINISHED = ${FINISHED}, FAILED = ${FAILED}, F64 = ${F64}, SCRATCH = ${SCRATCH}, SCRATCH_BYTES = ${SCRATCH_BYTES}, MESSAGE_LENGTH = ${MESSAGE_LENGTH}, MESSAGE = ${MESSAGE}, MESSAGE_UNITS = ${MESSAGE_UNITS}, TASKS = ${TASKS}, NARGS = ${NARGS}, WORK_ARG = ${WORK_ARG};
const work = ${work.toString()};
function serve(kernels) {
  let seen = Atomics.load(ctl, ${REQUEST});
  Atomics.store(ctl, ${STARTED}, 1);
  Atomics.notify(ctl, ${STARTED});
  for (;;) {
    for (let t = performance.now() + ${SPIN_MS}; Atomics.load(ctl, ${REQUEST}) === seen && performance.now() < t;);
    Atomics.wait(ctl, ${REQUEST}, seen);
    seen = Atomics.load(ctl, ${REQUEST});
    work(claim, job, ctl[${THREAD}], kernels);
  }
}
let kernels = null;
try {
  kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
} catch {
  // Tells the caller at once, instead of after its start timeout.
  Atomics.store(ctl, ${STARTED}, -1);
  Atomics.notify(ctl, ${STARTED});
}
if (kernels !== null) serve(kernels);
`;

/** A job buffer: the claim word (closed, generation 0) and the fields, with room for `tasks` tasks. */
interface Job {
  claim: BigInt64Array;
  fields: Int32Array;
}
function newJob(tasks: number): Job {
  const buffer = new SharedArrayBuffer((TASKS + tasks * NARGS) * 4);
  const claim = new BigInt64Array(buffer, 0, 1);
  claim[0] = TASK_MASK;
  return { claim, fields: new Int32Array(buffer) };
}

/** Started workers, kept (asleep) across setThreads calls; `job` is sized for `capacity` threads. */
let started: { workers: Worker[]; controls: Int32Array[]; job: Job; capacity: number } | null = null;
let active: GemmPool | null = null;

/**
 * Uses `n` threads (this one and n − 1 workers) for large matrix products; returns the number in
 * use (1 when workers could not be started). useThreads caps n at the machine's parallelism;
 * tests go past it, to have workers descheduled.
 * Workers are started once and kept: setThreads(1) leaves them asleep in Atomics.wait and a later
 * setThreads(n) reuses them; more threads than started replaces them all.
 */
export function setThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS)
    throw new ValueError('useThreads', `expected a whole number of threads from 1 to ${MAX_THREADS}, got ${n}`);
  setPool(null);
  if (n === 1) return 1;
  if (started === null || started.capacity < n) {
    stop();
    started = start(n);
    if (started === null) return 1;
  }
  setPool(pool(started.job, started.controls.slice(0, n - 1)));
  return n;
}

/** The pool products run on now (null: one thread). */
export function activePool(): GemmPool | null {
  return active;
}

function setPool(p: GemmPool | null): void {
  active = p;
  setGemmPool(p);
}

/** Starts n − 1 workers on the engine's module and memory; null if that is impossible. */
function start(n: number): typeof started {
  const gemm = sharedGemm();
  if (gemm === null) return null;
  const job = newJob(BANDS_PER_THREAD * n);
  const controls = Array.from({ length: n - 1 }, (_, w) => {
    const ctl = new Int32Array(new SharedArrayBuffer(3 * 4));
    ctl[THREAD] = w + 1;
    return ctl;
  });
  const workers = controls.map((ctl) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { module: gemm.module, memory: gemm.memory, job: job.fields.buffer, control: ctl.buffer } });
    worker.unref();
    return worker;
  });
  for (const ctl of controls) {
    Atomics.wait(ctl, STARTED, 0, START_TIMEOUT_MS);
    if (Atomics.load(ctl, STARTED) !== 1) {
      for (const worker of workers) void worker.terminate();
      return null;
    }
  }
  return { workers, controls, job, capacity: n };
}

function pool({ claim, fields: job }: Job, controls: Int32Array[]): GemmPool {
  const threads = controls.length + 1;
  return {
    size: controls.length,
    run(kernel, f64, tasks, scratch, scratchBytes) {
      if (TASKS + tasks.length * NARGS > job.length) throw new PullbackError('useThreads', `too many tasks (${tasks.length}) for ${threads} threads`);
      // The previous job is closed: no claim succeeds while its fields are rewritten.
      for (const [i, args] of tasks.entries()) job.set(args, TASKS + i * NARGS);
      job[F64] = +f64;
      job[SCRATCH] = scratch;
      job[SCRATCH_BYTES] = scratchBytes;
      Atomics.store(job, FAILED, 0);
      Atomics.store(job, FINISHED, 0);
      Atomics.store(job, THREADS, threads);
      Atomics.store(job, COUNT, tasks.length);
      // Opens the job: the next generation, task 0.
      const generation = (Atomics.load(claim, 0) >> TASK_BITS) + 1n;
      Atomics.store(claim, 0, generation << TASK_BITS);
      for (const ctl of controls) {
        Atomics.add(ctl, REQUEST, 1);
        Atomics.notify(ctl, REQUEST);
      }
      const own = work(claim, job, 0, { sgemm: kernel, dgemm: kernel });
      // Every task claimed is finished before we return (none may still touch the memory, which
      // the next product reuses); a worker still asleep holds none and is not waited for. Once
      // every task is claimed, no claim succeeds; closing makes that hold for the next job too.
      for (let t = performance.now() + SPIN_MS; Atomics.load(job, FINISHED) !== tasks.length && performance.now() < t; );
      for (let done = Atomics.load(job, FINISHED); done !== tasks.length; done = Atomics.load(job, FINISHED)) Atomics.wait(job, FINISHED, done);
      Atomics.store(claim, 0, (generation << TASK_BITS) | TASK_MASK);
      if (own !== undefined) throw own;
      if (Atomics.load(job, FAILED) !== 0) throw new PullbackError('useThreads', `a worker thread failed in gemm: ${failure(job)}`);
    },
  };
}

/** The message a worker left in the job. */
function failure(job: Int32Array): string {
  return String.fromCharCode(...job.subarray(MESSAGE, MESSAGE + job[MESSAGE_LENGTH]!));
}

/** Terminates the started workers (before starting more). */
function stop(): void {
  for (const worker of started?.workers ?? []) void worker.terminate();
  started = null;
}
