import { DTypeError, GraphError, ShapeError, ValueError, describeValue, formatShape } from './errors.ts';
import { broadcastsTo, sameShape } from './shape.ts';
import type { Shape } from './shape.ts';
import { Node, currentPass, markCut, runBackward } from './tape.ts';
import type { BackwardOptions } from './tape.ts';
import * as ops from './ops/index.ts';

export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;
export type TensorLike = Tensor | number;
export type Axis = number | readonly number[];

/** A zero-filled array for `size` elements of `dtype`. */
export function arrayFor(dtype: DType, size: number): TypedArray {
  const bytes = dtype === 'float32' ? 4 * size : 8 * size;
  if (bytes > POOLED_MAX || bytes <= ON_HEAP_MAX) return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  // A fresh ArrayBuffer of a few hundred bytes costs V8 about 0.6 µs (an off-heap allocation
  // and its tracking), more than the small ops that need one; a view on a pooled chunk costs
  // 0.03 µs. So, as Node.js pools its small byte buffers, small arrays are carved from a shared
  // chunk that is never reused (views start zeroed and never alias); a chunk lives as long as
  // any view into it, so a kept small tensor keeps at most POOL_BYTES alive.
  if (poolOffset + bytes > POOL_BYTES) {
    pool = new ArrayBuffer(POOL_BYTES);
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
let pool = new ArrayBuffer(POOL_BYTES);
let poolOffset = 0;

/**
 * An n-dimensional array of float32 or float64 in row-major order, recorded on the tape when it
 * (or an input of the op that made it) requires a gradient. Tensors are immutable values: every
 * operation returns a new tensor. Create them with `tensor()`, `zeros()`, `ones()`, ...
 */
export class Tensor extends Node {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  /** The backward pass that created this tensor (0 outside passes), for `_ownedBy`. */
  readonly _pass = currentPass;
  /** Set once another tensor shares `data` (see `shareData`). */
  _shared = false;

  /** Internal: `data` is taken as is (no copy) and must have `sizeOf(shape)` elements. */
  constructor(data: TypedArray, shape: Shape, dtype: DType = data instanceof Float32Array ? 'float32' : 'float64') {
    super();
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
   * accumulate into every leaf's `.grad` that requires one.
   */
  backward(seed?: TensorLike, options: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new GraphError(
        'backward',
        `this tensor (${this._describe()}) does not require grad: no input of its computation was created with { requiresGrad: true }, or it was computed under noGrad()`,
      );
    }
    const s = seed === undefined ? undefined : typeof seed === 'number' ? ops.full(this.shape, seed, this.dtype) : seed;
    runBackward({ fn: 'backward', roots: [this], seeds: [s as Node], accumulate: true, ...options });
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
  toArray(): any {
    const { shape, data } = this;
    if (shape.length === 0) return data[0];
    const build = (axis: number, offset: number, stride: number): any => {
      const n = shape[axis]!;
      const inner = stride / n;
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * inner, inner);
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

  add(b: TensorLike): Tensor {
    return ops.add(this, b);
  }
  sub(b: TensorLike): Tensor {
    return ops.sub(this, b);
  }
  mul(b: TensorLike): Tensor {
    return ops.mul(this, b);
  }
  div(b: TensorLike): Tensor {
    return ops.div(this, b);
  }
  pow(b: TensorLike): Tensor {
    return ops.pow(this, b);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  softplus(): Tensor {
    return ops.softplus(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  maximum(b: TensorLike): Tensor {
    return ops.maximum(this, b);
  }
  minimum(b: TensorLike): Tensor {
    return ops.minimum(this, b);
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
