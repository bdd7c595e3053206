// The JS side of the WebAssembly SIMD gemm (gemm.wat): loads the embedded module, copies the
// operands into its memory, runs the kernel and copies C out. Browser-safe: no Node built-ins;
// the module is compiled synchronously on first use, or in the background where a browser
// refuses that (the JS kernels serve until it is ready).
import type { TypedArray } from '../tensor.ts';
import { GEMM_WASM, GEMM_WASM_SHARED } from './gemm-binary.ts';

/** The part of the WebAssembly API used here (the engine's lib settings do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<object>;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
/** A WebAssembly.Memory (shared or not). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** sgemm/dgemm of gemm.wat: (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, work, kcb, mcb, ncb). */
export type Kernel = (...args: number[]) => void;

/** Cache blocking: KC steps of k, MC rows of A (a multiple of 4), NC columns of B (a multiple of 8). */
export interface Blocking {
  kc: number;
  mc: number;
  nc: number;
}

/**
 * Block sizes per element type, measured on Zen 4 (bench/gemm-kernels.ts): anything from KC 256
 * to 1024 and MC 32 to 128 is within ~3%; the B micro-panel (KC×8) must stay in L1.
 */
export const BLOCKING: { readonly f32: Blocking; readonly f64: Blocking } = {
  f32: { kc: 512, mc: 64, nc: 1024 },
  f64: { kc: 256, mc: 64, nc: 1024 },
};

/** The memory import's maximum in gemm.wat: addresses stay below 2³¹. */
const MAX_PAGES = 32768;
const PAGE = 65536;

/** Bytes of packing scratch one thread needs for element size `e` (4 or 8). */
export function workBytes(e: number): number {
  const { kc, mc, nc } = e === 4 ? BLOCKING.f32 : BLOCKING.f64;
  const aBytes = e === 4 ? 4 : 16; // f64 A panels hold each value twice
  return mc * kc * aBytes + kc * nc * e + 4 * 8 * e;
}

/** The kernels of one instance and the memory they run on. */
interface GemmInstance {
  readonly memory: WasmMemory;
  readonly sgemm: Kernel;
  readonly dgemm: Kernel;
}

/** Worker threads running kernel calls on the engine's shared memory (see ../node/threads.ts). */
export interface GemmPool {
  /** Worker threads, besides the calling one. */
  readonly size: number;
  /**
   * Runs each task (an argument list of `kernel`) once, on this thread and on the workers, handing
   * them out one at a time so that a thread slowed by other work takes fewer; thread t (0 = this
   * one) passes scratch + t·scratchBytes as the `work` argument. Returns when all are done.
   */
  run(kernel: Kernel, f64: boolean, tasks: readonly number[][], scratch: number, scratchBytes: number): void;
}

interface Wasm extends GemmInstance {
  f32: Float32Array;
  f64: Float64Array;
}

const withViews = (i: GemmInstance): Wasm => ({ ...i, f32: new Float32Array(i.memory.buffer), f64: new Float64Array(i.memory.buffer) });

let wasm: Wasm | null = null;
let sharedModule: object | null = null; // the module behind `wasm` when its memory is shared
let pool: GemmPool | null = null; // see setGemmPool
let status: 'untried' | 'compiling' | 'ready' | 'unavailable' = 'untried';

/**
 * Products of at least this many multiply-adds (≈ 161³) are split between the pool's threads.
 * Splitting has a fixed cost on this thread whether or not a worker helps (job setup, waking a
 * worker, packing op(A) once per band), small from this size on; below it a worker that is asleep,
 * or shares its core with another process, can cost more than it saves (figures: BENCHMARKS.md).
 */
export const PARALLEL_MIN = 1 << 22;
/** The narrowest band of C (columns or rows) handed to one thread: its packing is repeated. */
const BAND = 64;
/**
 * At most this many bands per thread, so that a thread slowed down takes fewer (a pool's job
 * buffer is sized for it).
 */
export const BANDS_PER_THREAD = 4;

/** Splits large products (PARALLEL_MIN) between this thread and `workers`; null: one thread. */
export function setGemmPool(workers: GemmPool | null): void {
  pool = workers;
}

/**
 * The compiled module and the shared memory that the kernels run on, for worker threads to
 * instantiate the same code over the same memory (compiling it on first call); null where the
 * memory is not shared (no SharedArrayBuffer) or WebAssembly SIMD is unavailable.
 */
export function sharedGemm(): { module: object; memory: WasmMemory } | null {
  const w = load();
  return w !== null && sharedModule !== null ? { module: sharedModule, memory: w.memory } : null;
}

/** base64 to bytes, without atob or Node buffers (neither is everywhere the engine runs). */
function decodeBase64(text: string): Uint8Array {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const value = new Uint8Array(128);
  for (let i = 0; i < 64; i++) value[digits.charCodeAt(i)] = i;
  const body = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    acc = (acc << 6) | value[body.charCodeAt(i)]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** The global WebAssembly object, if this runtime has one. */
function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** The kernels of `module` (gemm.wat compiled) over `memory`. */
function instantiateGemm(api: WasmApi, module: object, memory: WasmMemory): GemmInstance {
  const { exports } = new api.Instance(module, { env: { memory } });
  return { memory, sgemm: exports.sgemm as Kernel, dgemm: exports.dgemm as Kernel };
}

/**
 * Growing a plain WebAssembly memory detaches its old ArrayBuffer, and V8 reacts to the first
 * detach in a process by adding a detach check to every typed-array access in JavaScript from
 * then on: a Float32Array update loop ran 1.9× slower afterwards, in user code and in every JS
 * kernel alike. A shared memory grows without detaching anything, so it is used wherever
 * SharedArrayBuffer is available (Node; cross-origin-isolated pages); elsewhere the plain memory
 * starts at INITIAL_PAGES (address space, not resident memory) so that few programs ever grow it.
 */
function sharedMemory(api: WasmApi): WasmMemory | null {
  if (typeof (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer !== 'function') return null;
  try {
    return new api.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  } catch {
    return null;
  }
}
const INITIAL_PAGES = 512; // 32 MB

/** The kernels over a shared memory (with the module built for one), else over a plain one. */
function instantiate(api: WasmApi, plain: object, shared: { module: object; memory: WasmMemory } | null): void {
  sharedModule = shared?.module ?? null;
  wasm = withViews(
    shared !== null
      ? instantiateGemm(api, shared.module, shared.memory)
      : instantiateGemm(api, plain, new api.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES })),
  );
  status = 'ready';
}

/** The instance, compiling it on first call; null while unavailable or still compiling. */
function load(): Wasm | null {
  if (status !== 'untried') return wasm;
  const api = wasmApi();
  const bytes = decodeBase64(GEMM_WASM);
  try {
    // validate is false where SIMD is missing (old browsers, Node < 16.4).
    if (api === undefined || !api.validate(bytes)) throw new Error('no WebAssembly SIMD');
  } catch {
    status = 'unavailable';
    return null;
  }
  try {
    const memory = sharedMemory(api);
    instantiate(api, new api.Module(bytes), memory === null ? null : { module: new api.Module(decodeBase64(GEMM_WASM_SHARED)), memory });
  } catch {
    // A browser main thread may refuse to compile synchronously: compile in the background and
    // switch over when ready (with the plain module: one compile is enough there).
    status = 'compiling';
    api.compile(bytes).then(
      (module) => instantiate(api, module, null),
      () => {
        status = 'unavailable';
      },
    );
  }
  return wasm;
}

/** Whether the WebAssembly kernels can run now (compiles them on first call). */
export function wasmGemmReady(): boolean {
  return load() !== null;
}

/** Memory of at least `bytes`, growing it if needed; false when that is impossible. */
function reserve(w: Wasm, bytes: number): boolean {
  const have = w.memory.buffer.byteLength;
  if (bytes > have) {
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return false;
    try {
      w.memory.grow(pages);
    } catch {
      return false;
    }
  }
  if (w.f32.buffer !== w.memory.buffer) {
    w.f32 = new Float32Array(w.memory.buffer);
    w.f64 = new Float64Array(w.memory.buffer);
  }
  return true;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * C[m×n] (at co) = op(A) op(B) with the WebAssembly kernels, as `gemm` in ../gemm.ts; false (and
 * C untouched) when they are unavailable, so the caller runs the JS kernels instead.
 */
export function wasmGemm(
  A: TypedArray,
  ao: number,
  B: TypedArray,
  bo: number,
  C: TypedArray,
  co: number,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): boolean {
  if (load() === null) return false;
  const f32 = A instanceof Float32Array;
  if (f32 !== B instanceof Float32Array || f32 !== C instanceof Float32Array) return false;
  const e = f32 ? 4 : 8;
  const workers = pool !== null && m * k * n >= PARALLEL_MIN ? pool : null;
  const w = wasm!;
  const parts = workers !== null ? 1 + workers.size : 1;
  // Layout: packing scratch for each thread, then A, B and C.
  const work = align(workBytes(e));
  const aAt = parts * work;
  const bAt = aAt + align(m * k * e);
  const cAt = bAt + align(k * n * e);
  if (!reserve(w, cAt + m * n * e)) return false;
  const view = f32 ? w.f32 : w.f64;
  view.set(A.subarray(ao, ao + m * k), aAt / e);
  view.set(B.subarray(bo, bo + k * n), bAt / e);
  const { kc, mc, nc } = f32 ? BLOCKING.f32 : BLOCKING.f64;
  const lda = ta ? m : k;
  const ldb = tb ? k : n;
  const kernel = f32 ? w.sgemm : w.dgemm;
  // With threads, C is cut into bands of columns (or of rows, when C is narrow), computed with
  // the same KC slices of k, so every element is the same sum in the same order as on one thread.
  const byColumns = n >= m || n >= BAND * parts;
  const along = byColumns ? n : m;
  // Up to BANDS_PER_THREAD bands per thread, and a multiple of the thread count (3 bands on 2
  // threads left one thread idle for a third of the product).
  const most = Math.min(BANDS_PER_THREAD * parts, Math.floor(along / BAND));
  const bands = workers !== null && most >= parts ? most - (most % parts) : 1;
  if (bands === 1) {
    kernel(m, n, k, aAt, lda, +ta, bAt, ldb, +tb, cAt, n, 0, kc, mc, nc);
  } else {
    const tasks: number[][] = [];
    for (let t = 1, from = 0; t <= bands; t++) {
      const to = t === bands ? along : Math.round((along * t) / bands / 8) * 8; // whole tiles
      tasks.push(
        byColumns
          ? [m, to - from, k, aAt, lda, +ta, bAt + from * (tb ? k : 1) * e, ldb, +tb, cAt + from * e, n, 0, kc, mc, nc]
          : [to - from, n, k, aAt + from * (ta ? 1 : k) * e, lda, +ta, bAt, ldb, +tb, cAt + from * n * e, n, 0, kc, mc, nc],
      );
      from = to;
    }
    workers!.run(kernel, !f32, tasks, 0, work);
  }
  C.set(view.subarray(cAt / e, cAt / e + m * n), co);
  return true;
}
