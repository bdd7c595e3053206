import { DTypeError, GraphError, ShapeError, ValueError, describeValue, formatShape } from './errors.ts';
import { broadcastsTo, sameShape } from './shape.ts';
import type { Shape } from './shape.ts';
import { Node, bumpVersion, checkBackwardOptions, currentPass, isOptions, markCut, runBackward } from './tape.ts';
import type { BackwardOptions } from './tape.ts';
import * as ops from './ops/index.ts';
import type { ElementwiseMethods } from './ops/methods.ts';
import { installElementwiseMethods } from './primitive.ts';

export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;
export type TensorLike = Tensor | number;
/** What `toArray` returns: a number for a 0-d tensor, else arrays nested one level per axis. */
export type NestedNumbers = number | NestedNumbers[];
export type Axis = number | readonly number[];

/** A zero-filled array for `size` elements of `dtype`. */
export function arrayFor(dtype: DType, size: number): TypedArray {
  const bytes = dtype === 'float32' ? 4 * size : 8 * size;
  if (bytes > POOLED_MAX || bytes <= ON_HEAP_MAX || markUntransferable === null) {
    return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  }
  // A fresh ArrayBuffer of a few hundred bytes costs V8 an off-heap allocation and its tracking,
  // more than the small ops that need one; a view on a pooled chunk costs a fraction of that.
  // So, as Node.js pools its small byte buffers, small arrays are carved from a shared
  // chunk that is never reused (views start zeroed and never alias); a chunk lives as long as
  // any view into it, so a kept small tensor keeps at most POOL_BYTES alive. A user may transfer
  // `t.data.buffer` to a worker: a transferred chunk would empty every tensor carved from it, so
  // chunks are marked untransferable (as Node marks the pool of its byte buffers: the transfer copies), and
  // where that mark does not exist (browsers) small arrays own their buffers.
  if (poolOffset + bytes > POOL_BYTES || pool.byteLength === 0) {
    pool = new ArrayBuffer(POOL_BYTES);
    markUntransferable(pool);
    poolOffset = 0;
  }
  const out = dtype === 'float32' ? new Float32Array(pool, poolOffset, size) : new Float64Array(pool, poolOffset, size);
  poolOffset += (bytes + 7) & ~7; // keep every view 8-byte aligned
  return out;
}

/** V8 keeps typed arrays up to 64 bytes on its own heap, where they are already cheap. */
const ON_HEAP_MAX = 64;
const POOLED_MAX = 2048;
const POOL_BYTES = 32 * 1024;
/** Node's worker_threads.markAsUntransferable, looked up without importing a Node module. */
const markUntransferable = untransferableMarker();
let pool = new ArrayBuffer(0);
let poolOffset = POOL_BYTES;

function untransferableMarker(): ((buffer: ArrayBuffer) => void) | null {
  type Process = { getBuiltinModule?: (id: string) => { markAsUntransferable?: (x: object) => void } | undefined };
  const proc = (globalThis as { process?: Process }).process;
  const mark = proc?.getBuiltinModule?.('node:worker_threads')?.markAsUntransferable;
  return typeof mark === 'function' ? mark : null;
}

// Tensor gets a method per elementwise primitive (x.exp(), x.mul(y)), installed below the class.
export interface Tensor extends ElementwiseMethods<Tensor> {}

/**
 * An n-dimensional array of float32 or float64 in row-major order, recorded on the tape when it
 * (or an input of the op that made it) requires a gradient. Every operation returns a new tensor;
 * values change in place only through `assign`, `markModified` (after a raw write into `.data`)
 * and optimizers, which bump a version so that a backward pass through an op that saw the old
 * values raises. Create tensors with `tensor()`, `zeros()`, `ones()`, ...
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above types the methods installElementwiseMethods puts on the prototype
export class Tensor extends Node {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  /** The backward pass that created this tensor (0 outside passes), for `_ownedBy`. */
  readonly _pass = currentPass;
  /** Set once another tensor shares `data` (see `shareData`). */
  _shared = false;

  /**
   * `data` is taken as is (no copy): prefer `tensor()`, which copies. The arguments are checked
   * (a Float32Array or Float64Array, a shape of non-negative integers with `data.length` elements,
   * the dtype of the array) because a tensor that disagrees with itself gives wrong results later.
   */
  constructor(data: TypedArray, shape: Shape, dtype: DType = data instanceof Float32Array ? 'float32' : 'float64') {
    super();
    checkConstruction(data, shape, dtype);
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.size = data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /**
   * The accumulated gradient of the last `backward()` calls: `.grad` ADDS across calls (like
   * PyTorch), so call `zeroGrad()` (or an optimizer's) between steps. Null until a backward pass
   * reaches this tensor.
   */
  get grad(): Tensor | null {
    return this._grad as Tensor | null;
  }
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor && sameShape(g.shape, this.shape))) {
      throw new ShapeError('Tensor.grad', `a gradient must be a tensor of shape ${formatShape(this.shape)}`);
    }
    if (g !== null && g.dtype !== this.dtype) {
      throw new DTypeError('Tensor.grad', `the gradient has dtype ${g.dtype} but the tensor has dtype ${this.dtype}; cast it with .cast('${this.dtype}')`);
    }
    this._grad = g;
  }

  /**
   * Say that `.data` was written in place. Optimizers call it after a step; call it after your
   * own writes: a backward pass through an op recorded before the write then raises a GraphError
   * instead of computing gradients from the new values (PyTorch's version counter). Raw writes
   * without it are caught by a sampled check (every entry under detectAnomaly).
   */
  markModified(): this {
    bumpVersion(this);
    return this;
  }

  /** Copy `values` (a tensor of the same shape, or numbers) into `.data` in place; see markModified. */
  assign(values: Tensor | ArrayLike<number>): this {
    const src = values instanceof Tensor ? values.data : values;
    if (values instanceof Tensor ? !sameShape(values.shape, this.shape) : src === null || typeof src !== 'object' || src.length !== this.size) {
      throw new ShapeError(
        'Tensor.assign',
        `expected ${values instanceof Tensor ? `a tensor of shape ${formatShape(this.shape)}, got ${formatShape(values.shape)}` : `${this.size} numbers, got ${describeValue(values)}`}`,
      );
    }
    for (let i = 0; i < src.length; i++) {
      if (typeof src[i] !== 'number') throw new ValueError('Tensor.assign', `element ${i} is ${describeValue(src[i])}; expected a number`);
    }
    this.data.set(src);
    return this.markModified();
  }

  /** Forget the accumulated gradient. */
  zeroGrad(): this {
    this._grad = null;
    return this;
  }

  /** Make this tensor a differentiable leaf (in place); returns it. */
  requireGrad(flag = true): this {
    if (this.inputs !== null) {
      throw new GraphError('Tensor.requireGrad', `only leaves can be marked; this tensor is the output of '${this.op}'. Use detach() first`);
    }
    this.requiresGrad = flag;
    return this;
  }

  /** Keep the gradient of this non-leaf tensor in `.grad` after backward(). */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** Label used by graph export, traces and error messages. */
  named(name: string): this {
    this.name = name;
    return this;
  }

  /**
   * Pull the seed cotangent (default 1 for a one-element tensor) back through the tape and
   * accumulate into every leaf's `.grad` that requires one. Call it as `backward()`,
   * `backward(options)`, `backward(seed)` or `backward(seed, options)`.
   */
  backward(seed?: TensorLike | BackwardOptions, options?: BackwardOptions): void {
    if (isOptions(seed)) {
      if (options !== undefined) throw new ValueError('backward', 'got two options objects; call backward(options) or backward(seed, options)');
      options = seed;
      seed = undefined;
    }
    if (!this.requiresGrad) {
      throw new GraphError(
        'backward',
        `this tensor (${this._describe()}) does not require grad: no input of its computation was created with { requiresGrad: true }, or it was computed under noGrad()`,
      );
    }
    const s = seed === undefined ? undefined : typeof seed === 'number' ? ops.full(this.shape, seed, this.dtype) : seed;
    runBackward({ fn: 'backward', roots: [this], seeds: [s as Node], accumulate: true, ...checkBackwardOptions(options) });
  }

  /** The same values, cut from the tape: a constant (stop-gradient). */
  detach(): Tensor {
    const out = shareData(this, this.shape);
    markCut('detach', 'detach', [this], out);
    return out;
  }

  item(): number {
    if (this.size !== 1) throw new ShapeError('Tensor.item', `needs a tensor with one element, got shape ${formatShape(this.shape)}`);
    return this.data[0]!;
  }

  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): NestedNumbers {
    const { shape, data } = this;
    if (shape.length === 0) return data[0]!;
    const build = (axis: number, offset: number, stride: number): NestedNumbers[] => {
      const n = shape[axis]!;
      const inner = stride / n;
      const out = new Array<NestedNumbers>(n);
      for (let i = 0; i < n; i++) {
        out[i] = axis === shape.length - 1 ? data[offset + i]! : build(axis + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  override toString(): string {
    const body = this.size <= 64 ? JSON.stringify(this.toArray()) : `${this.size} values`;
    return `tensor(${body}, shape=${formatShape(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- tape hooks --------------------------------------------------------------------------

  override _ones(): Tensor {
    return ops.full(this.shape, 1, this.dtype);
  }
  override _sum(a: Node, b: Node): Node {
    return ops.add(a as Tensor, b as Tensor);
  }
  override _isFinite(): boolean {
    const d = this.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return false;
    return true;
  }
  override _describe(): string {
    return `${formatShape(this.shape)} ${this.dtype}`;
  }
  override _fingerprint(all: boolean): number {
    const d = this.data;
    const n = d.length;
    let h = 0x811c9dc5 ^ n;
    // Every entry of a small tensor; else 8 entries spread over it, first and last included.
    if (all || n <= 8) for (let i = 0; i < n; i++) h = mixBits(h, d[i]!);
    else for (let k = 0; k < 8; k++) h = mixBits(h, d[Math.floor((k * (n - 1)) / 7)]!);
    return h >>> 0 || 1;
  }
  override _copy(): Tensor {
    const data = arrayFor(this.dtype, this.size);
    data.set(this.data);
    return new Tensor(data, this.shape, this.dtype);
  }
  override _ownedBy(pass: number): boolean {
    return this._pass === pass && !this._shared;
  }
  override _fit(c: unknown, consumer: Node, index: number, pass = 'backward'): Node {
    const where = index < 0 ? 'the seed cotangent' : `the cotangent that op '${consumer.op}' returned for input ${index}`;
    const fn = index < 0 ? pass : consumer.op;
    if (c === undefined && index < 0) {
      if (this.size !== 1) {
        throw new GraphError(
          fn,
          `the output has shape ${formatShape(this.shape)}, not a single element; pass a seed cotangent of that shape` +
            (fn === 'backward' ? ', e.g. y.backward(onesLike(y))' : ''),
        );
      }
      return this._ones();
    }
    if (!(c instanceof Tensor)) {
      throw new GraphError(fn, `${where} is not a Tensor (got ${c === null ? 'null' : typeof c}); expected a tensor of shape ${formatShape(this.shape)}`);
    }
    if (c.dtype !== this.dtype) {
      throw new DTypeError(fn, `${where} has dtype ${c.dtype}; expected ${this.dtype} like the ${index < 0 ? 'output' : 'input'}`);
    }
    if (sameShape(c.shape, this.shape)) return c;
    // The one place where broadcasting is undone: an input that was broadcast to the op's
    // output shape receives that shape's cotangent, summed here over the broadcast axes.
    if (index >= 0 && c.rank <= (consumer as Tensor).rank && broadcastsTo(this.shape, c.shape)) {
      return ops.sumTo(c, this.shape);
    }
    throw new ShapeError(
      fn,
      `${where} has shape ${formatShape(c.shape)}; expected the ${index < 0 ? 'output' : 'input'}'s shape ${formatShape(this.shape)}` +
        (index >= 0 ? ` (or a shape it was broadcast to, no larger in rank than the output's ${formatShape((consumer as Tensor).shape ?? [])})` : ''),
    );
  }

  // ---- methods: the same operations as the exported functions ------------------------------

  square(): Tensor {
    return ops.square(this);
  }
  sum(axis?: Axis | ops.ReduceOptions, keepDims?: ops.KeepDims): Tensor {
    return ops.sum(this, axis, keepDims);
  }
  mean(axis?: Axis | ops.ReduceOptions, keepDims?: ops.KeepDims): Tensor {
    return ops.mean(this, axis, keepDims);
  }
  max(axis?: Axis | ops.ReduceOptions, keepDims?: ops.KeepDims): Tensor {
    return ops.max(this, axis, keepDims);
  }
  min(axis?: Axis | ops.ReduceOptions, keepDims?: ops.KeepDims): Tensor {
    return ops.min(this, axis, keepDims);
  }
  logSumExp(axis?: Axis | ops.ReduceOptions, keepDims?: ops.KeepDims): Tensor {
    return ops.logSumExp(this, axis, keepDims);
  }
  softmax(axis: number | { axis?: number } = -1): Tensor {
    return ops.softmax(this, axis);
  }
  logSoftmax(axis: number | { axis?: number } = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
  matmul(b: Tensor): Tensor {
    return ops.matmul(this, b);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  get T(): Tensor {
    return ops.transpose(this);
  }
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  slice(begin: readonly number[], end?: readonly (number | undefined)[]): Tensor {
    return ops.slice(this, begin, end);
  }
  // shape and indexing (issue #16): see the functions of the same names
  flip(axis?: number | readonly number[]): Tensor {
    return ops.flip(this, axis);
  }
  tile(reps: readonly number[]): Tensor {
    return ops.tile(this, reps);
  }
  repeat(repeats: number | readonly number[], axis?: number): Tensor {
    return ops.repeat(this, repeats, axis);
  }
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return ops.flatten(this, startAxis, endAxis);
  }
  unsqueeze(axis: number): Tensor {
    return ops.unsqueeze(this, axis);
  }
  tril(k = 0): Tensor {
    return ops.tril(this, k);
  }
  triu(k = 0): Tensor {
    return ops.triu(this, k);
  }
  takeAlongAxis(indices: Tensor | readonly number[], axis: number): Tensor {
    return ops.takeAlongAxis(this, indices, axis);
  }
  gather(indices: Tensor | readonly number[], axis = 0): Tensor {
    return ops.gather(this, indices, axis);
  }
  equal(b: TensorLike): Tensor {
    return ops.equal(this, b);
  }
  greater(b: TensorLike): Tensor {
    return ops.greater(this, b);
  }
  greaterEqual(b: TensorLike): Tensor {
    return ops.greaterEqual(this, b);
  }
  less(b: TensorLike): Tensor {
    return ops.less(this, b);
  }
  lessEqual(b: TensorLike): Tensor {
    return ops.lessEqual(this, b);
  }
  notEqual(b: TensorLike): Tensor {
    return ops.notEqual(this, b);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
}

installElementwiseMethods(Tensor.prototype);

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** FNV-style mixing of the 64 bits of `v` into the hash `h`. */
function mixBits(h: number, v: number): number {
  bits[0] = v;
  h = Math.imul(h ^ words[0]!, 16777619);
  return Math.imul(h ^ words[1]!, 16777619);
}

/** The constructor's check: a loop over the axes, cheap next to any op that makes a tensor. */
function checkConstruction(data: unknown, shape: unknown, dtype: unknown): void {
  const type = data instanceof Float64Array ? 'float64' : data instanceof Float32Array ? 'float32' : null;
  if (type === null)
    throw new ValueError('Tensor', `data must be a Float32Array or a Float64Array, got ${describeValue(data)}; use tensor(data) for other data`);
  if (dtype !== type)
    throw new DTypeError(
      'Tensor',
      `dtype ${JSON.stringify(dtype)} does not match the data, a ${type === 'float64' ? 'Float64Array' : 'Float32Array'} ('${type}')`,
    );
  if (!Array.isArray(shape)) throw new ValueError('Tensor', `shape must be an array of sizes, got ${describeValue(shape)}`);
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ValueError('Tensor', `shape ${formatShape(shape)} has size ${describeValue(d)}; expected non-negative integers`);
    }
    n *= d;
  }
  if (n !== (data as TypedArray).length) {
    throw new ShapeError('Tensor', `${(data as TypedArray).length} values cannot fill shape ${formatShape(shape)}; expected ${n} values`);
  }
}

/** JAX's name for `x.detach()`: the same values as a constant, cut from the tape. */
export function stopGradient(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError('stopGradient', `expected a Tensor, got ${describeValue(x)}`);
  return x.detach();
}

/** Same dtype for all operands, or a DTypeError naming `fn`. */
export function commonDType(fn: string, a: Tensor, b: Tensor): DType {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(fn, `operands have dtypes ${a.dtype} and ${b.dtype}; cast one with .cast('${a.dtype}') so both match`);
  }
  return a.dtype;
}

/** Numbers become 0-d constants of `dtype`; tensors pass through. */
export function lift(fn: string, x: TensorLike, dtype: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') {
    const d = arrayFor(dtype, 1);
    d[0] = x;
    return new Tensor(d, [], dtype);
  }
  throw new ValueError(fn, `expected a Tensor or a number, got ${describeValue(x)}`);
}

/** A tensor of `shape` over x's data (a reshape, a detach): both are marked as sharing it. */
export function shareData(x: Tensor, shape: Shape): Tensor {
  const out = new Tensor(x.data, shape, x.dtype);
  x._shared = true;
  out._shared = true;
  return out;
}

/** Two operands, numbers lifted to the other's dtype. */
export function lift2(fn: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) {
    commonDType(fn, a, b);
    return [a, b];
  }
  const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float64';
  return [lift(fn, a, dtype), lift(fn, b, dtype)];
}
