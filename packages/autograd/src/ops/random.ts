// Random tensors from a seeded generator (Rng: xoshiro128**, the generator model initialisation
// uses too), reproducible on every platform: the uniforms are integer arithmetic on 32-bit words,
// and the normals add only IEEE 754 exact roundings (+, −, ×, ÷, √) and portableLog, never Math.log
// or the trigonometric functions, whose last bit ECMAScript leaves to the engine. Draws are made in
// float64 and stored in the requested dtype, so a generator advances by the same amount whatever the
// dtype, and a float32 tensor holds the float64 one rounded (except where rounding would reach
// `high`, see rand). Without a `generator` option the default one is used (see manualSeed).
import { ShapeError, ValueError, formatShape } from '../errors.ts';
import { checkBoolean, checkInteger, checkNumber, checkOptions, checkResultSize, checkTensor, checkTensorLike, given } from '../args.ts';
import { checkDType } from '../create.ts';
import { gatherStrided } from '../kernels.ts';
import { portableLog } from '../portable-log.ts';
import { primitive } from '../primitive.ts';
import { Rng, defaultRng } from '../rng.ts';
import { broadcastStrides, broadcastsTo, checkShape, sizeOf } from '../shape.ts';
import { record } from '../tape.ts';
import { Tensor, arrayFor } from '../tensor.ts';
import type { DType } from '../tensor.ts';
import { mul } from './arith.ts';

const DROPOUT = primitive('dropout', 'dx = dz · mask / (1 − p)  (mask: the kept elements, fixed by the forward draw)');

export interface RandOptions {
  generator?: Rng;
  dtype?: DType;
  /** Values lie in [low, high); default [0, 1). */
  low?: number;
  high?: number;
}

export interface RandnOptions {
  generator?: Rng;
  dtype?: DType;
  mean?: number;
  /** Standard deviation, ≥ 0; default 1. */
  std?: number;
}

export interface BernoulliOptions {
  generator?: Rng;
  /** Default: p's dtype, or float64 for a number. */
  dtype?: DType;
  /** Default: p's shape ([] for a number); p is broadcast to it. */
  shape?: readonly number[];
}

export interface RandintOptions {
  generator?: Rng;
  dtype?: DType;
}

export interface DropoutOptions {
  generator?: Rng;
  /** False: the identity (evaluation mode); default true. */
  training?: boolean;
}

function generatorOf(fn: string, g: unknown): Rng {
  if (g === undefined) return defaultRng();
  if (!(g instanceof Rng)) throw new ValueError(fn, `generator must be an Rng (new Rng(seed)), got ${given(g)}`);
  return g;
}

function outputShape(fn: string, shape: unknown): number[] {
  const s = checkShape(fn, shape as readonly number[]);
  checkResultSize(fn, s);
  return s;
}

function finite(fn: string, what: string, x: unknown): number {
  if (!Number.isFinite(checkNumber(fn, what, x))) throw new ValueError(fn, `${what} must be a finite number, got ${x}`);
  return x as number;
}

function probability(fn: string, p: unknown): number {
  checkNumber(fn, 'p', p);
  if (!((p as number) >= 0 && (p as number) <= 1)) throw new ValueError(fn, `p must be a probability in [0, 1], got ${p}`);
  return p as number;
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const f64Bits = new BigUint64Array(f64.buffer);

/** The largest value of `dtype` below x (x itself a value of the dtype, finite). */
function largestBelow(x: number, dtype: DType): number {
  if (x === 0) return dtype === 'float32' ? -(2 ** -149) : -Number.MIN_VALUE;
  if (dtype === 'float32') {
    f32[0] = x;
    f32Bits[0] = x > 0 ? f32Bits[0]! - 1 : f32Bits[0]! + 1;
    return f32[0]!;
  }
  f64[0] = x;
  f64Bits[0] = x > 0 ? f64Bits[0]! - 1n : f64Bits[0]! + 1n;
  return f64[0]!;
}

/**
 * Uniform values in [low, high) (default [0, 1)): low + (high − low)·u with u = rng.next(), 53
 * random bits from two 32-bit words. In float32 the bounds are first rounded to float32 (as
 * PyTorch casts them to the dtype); a value that rounding carries up to `high` becomes the largest
 * value below it, so `high` is never returned.
 */
export function rand(shape: readonly number[], options?: RandOptions): Tensor {
  const fn = 'rand';
  const o = checkOptions<RandOptions>(fn, options, ['generator', 'dtype', 'low', 'high']);
  const s = outputShape(fn, shape);
  const dtype = checkDType(fn, o.dtype ?? 'float64');
  const rng = generatorOf(fn, o.generator);
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const low = round(finite(fn, 'low', o.low ?? 0));
  const high = round(finite(fn, 'high', o.high ?? 1));
  if (!(low < high)) {
    throw new ValueError(
      fn,
      `low must be below high (values are drawn from [low, high)), got low ${o.low ?? 0} and high ${o.high ?? 1}${dtype === 'float32' ? ' (rounded to float32)' : ''}`,
    );
  }
  const width = high - low;
  if (!Number.isFinite(width)) throw new ValueError(fn, `high − low must be finite, got low ${low} and high ${high}`);
  const top = largestBelow(high, dtype);
  const out = arrayFor(dtype, sizeOf(s));
  for (let i = 0; i < out.length; i++) {
    out[i] = low + width * rng.next();
    if (out[i]! >= high) out[i] = top;
  }
  return new Tensor(out, s, dtype);
}

/**
 * Normal values N(mean, std²) by Marsaglia's polar method: u, v uniform in [−1, 1) (exact: 2·next() − 1)
 * until 0 < s = u² + v² < 1, then u·√(−2 ln s / s) and v·√(−2 ln s / s) are two independent standard
 * normals, filling two elements (the second is dropped at the end of an odd count, so a call never
 * leaves state behind). ln is portableLog: the same bits on every engine.
 */
export function randn(shape: readonly number[], options?: RandnOptions): Tensor {
  const fn = 'randn';
  const o = checkOptions<RandnOptions>(fn, options, ['generator', 'dtype', 'mean', 'std']);
  const s = outputShape(fn, shape);
  const dtype = checkDType(fn, o.dtype ?? 'float64');
  const rng = generatorOf(fn, o.generator);
  const mean = finite(fn, 'mean', o.mean ?? 0);
  const std = finite(fn, 'std', o.std ?? 1);
  if (std < 0) throw new ValueError(fn, `std must be ≥ 0, got ${std}`);
  const out = arrayFor(dtype, sizeOf(s));
  for (let i = 0; i < out.length; i += 2) {
    let u: number;
    let v: number;
    let r: number;
    do {
      u = 2 * rng.next() - 1;
      v = 2 * rng.next() - 1;
      r = u * u + v * v;
    } while (r >= 1 || r === 0);
    const factor = Math.sqrt((-2 * portableLog(r)) / r);
    out[i] = mean + std * (u * factor);
    if (i + 1 < out.length) out[i + 1] = mean + std * (v * factor);
  }
  return new Tensor(out, s, dtype);
}

/** Every element of p in [0, 1] (NaN is not), else a ValueError naming the first one that is not. */
function checkProbabilities(fn: string, p: Tensor): void {
  const d = p.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= 0 && v <= 1)) throw new ValueError(fn, `p must hold probabilities in [0, 1], got ${v} at flat index ${i} (shape ${formatShape(p.shape)})`);
  }
}

/**
 * 1 with probability p, else 0 (u < p for u = rng.next() uniform in [0, 1), so p = 0 never and
 * p = 1 always gives 1). p is a number or a tensor of probabilities broadcast to `shape` (JAX's
 * bernoulli). A constant: no gradient flows to p.
 */
export function bernoulli(p: Tensor | number, options?: BernoulliOptions): Tensor {
  const fn = 'bernoulli';
  const o = checkOptions<BernoulliOptions>(fn, options, ['generator', 'dtype', 'shape']);
  const { shape, at } = probabilitiesOf(fn, p, o.shape);
  const dtype = checkDType(fn, o.dtype ?? (p instanceof Tensor ? p.dtype : 'float64'));
  const rng = generatorOf(fn, o.generator);
  const out = arrayFor(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.next() < at(i) ? 1 : 0;
  return new Tensor(out, shape, dtype);
}

/** The output shape (`shape`, else p's) and the probability of each output element: p broadcast to it. */
function probabilitiesOf(fn: string, p: unknown, shape: readonly number[] | undefined): { shape: number[]; at: (i: number) => number } {
  if (typeof p === 'number') {
    const q = probability(fn, p);
    return { shape: outputShape(fn, shape ?? []), at: () => q };
  }
  const t = checkTensorLike(fn, 'p', p) as Tensor;
  checkProbabilities(fn, t);
  const s = outputShape(fn, shape ?? t.shape);
  if (!broadcastsTo(t.shape, s)) throw new ShapeError(fn, `p of shape ${formatShape(t.shape)} does not broadcast to shape ${formatShape(s)}`);
  const data = gatherStrided(t.data, s, broadcastStrides(t.shape, s), 0, t.dtype);
  return { shape: s, at: (i) => data[i]! };
}

const TWO_POW_24 = 16777216;
const TWO_POW_32 = 4294967296;

/**
 * Integers drawn uniformly from [low, high) (unbiased: rejection sampling on 32-bit words), as a
 * float tensor: the engine has no integer dtype. high − low is at most 2³²; in float32 the bounds
 * must lie within ±2²⁴, where every integer is exact.
 */
export function randint(low: number, high: number, shape: readonly number[], options?: RandintOptions): Tensor {
  const fn = 'randint';
  const o = checkOptions<RandintOptions>(fn, options, ['generator', 'dtype']);
  checkInteger(fn, 'low', low);
  checkInteger(fn, 'high', high);
  if (!(low < high)) throw new ValueError(fn, `low must be below high (values are drawn from [low, high)), got low ${low} and high ${high}`);
  if (high - low > TWO_POW_32) throw new ValueError(fn, `high − low must be at most 2³² (4294967296), got ${high - low}`);
  const s = outputShape(fn, shape);
  const dtype = checkDType(fn, o.dtype ?? 'float64');
  const limit = dtype === 'float32' ? TWO_POW_24 : Number.MAX_SAFE_INTEGER;
  if (Math.abs(low) > limit || Math.abs(high) > limit) {
    throw new ValueError(fn, `low and high must lie within ±${limit} so that every value is an exact ${dtype}, got low ${low} and high ${high}`);
  }
  const rng = generatorOf(fn, o.generator);
  const n = high - low;
  const out = arrayFor(dtype, sizeOf(s));
  for (let i = 0; i < out.length; i++) out[i] = low + rng.int(n);
  return new Tensor(out, s, dtype);
}

/**
 * Inverted dropout (torch.nn.functional.dropout): each element is zeroed with probability p
 * (drawn as rng.next() < p) and the survivors are scaled by 1/(1 − p), so the expectation is x.
 * p = 0 and `training: false` return x itself; p = 1 gives zeros (x · 0); neither draws.
 */
export function dropout(x: Tensor, p: number, options?: DropoutOptions): Tensor {
  const fn = 'dropout';
  checkTensor(fn, 'x', x);
  probability(fn, p);
  const o = checkOptions<DropoutOptions>(fn, options, ['generator', 'training']);
  const training = o.training === undefined ? true : checkBoolean(fn, 'training', o.training);
  const rng = generatorOf(fn, o.generator);
  if (!training || p === 0) return x;
  const maskData = arrayFor(x.dtype, x.size);
  if (p < 1) {
    const scale = 1 / (1 - p);
    for (let i = 0; i < maskData.length; i++) maskData[i] = rng.next() < p ? 0 : scale;
  }
  const mask = new Tensor(maskData, x.shape, x.dtype);
  const out = arrayFor(x.dtype, x.size);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i]! * maskData[i]!;
  // z = x ⊙ m with m = mask/(1 − p) fixed by the draw  =>  dx = dz ⊙ m
  return record(DROPOUT, [x], new Tensor(out, x.shape, x.dtype), (dz: Tensor) => [mul(dz, mask)], { p });
}
