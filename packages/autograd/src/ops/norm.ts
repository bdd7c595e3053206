// Vector norms over axes (L1, L2, ∞; torch.linalg.vector_norm) and the Frobenius norm of
// matrices (torch.linalg.matrix_norm's 'fro').
import '../tensor.ts'; // load order: see ops/index.ts
import { ValueError } from '../errors.ts';
import { given } from '../args.ts';
import { mapBinary } from '../kernels.ts';
import { record } from '../tape.ts';
import { Tensor } from '../tensor.ts';
import type { Axis } from '../tensor.ts';
import { primitive } from '../primitive.ts';
import { div, mul } from './arith.ts';
import { sign, where } from './compare.ts';
import { reshape } from './shape.ts';
import { outShapeOf, reduceArgs } from './reduce.ts';
import type { ReduceOptions } from './reduce.ts';
import { foldAxes } from './along.ts';

const NORM = primitive(
  'norm',
  "ord 1: dx = dz sign(x); ord 2 and 'fro': dx = dz x / z (0 where z = 0); ord ∞: dx = dz sign(x) at the largest |x| (shared among ties)",
);

/** Which norm: 1 (Σ|x|), 2 (√Σx²), Infinity (max |x|), or 'fro' (√Σx² over two matrix axes, the last two by default). */
export type NormOrd = number | 'fro';

export interface NormOptions extends ReduceOptions {
  ord?: NormOrd;
}

const ORDS: readonly unknown[] = [1, 2, Infinity, 'fro'];

/**
 * ‖x‖ over `axis` (all axes when omitted; the last two for 'fro'), as torch.linalg.vector_norm and,
 * for 'fro', matrix_norm: `norm(x, ord = 2, axis?, keepDims?)` (the order of torch.norm and
 * tf.norm) or `norm(x, { ord, axis, keepDims })`. The gradient of the 2-norm at 0 is 0 (as PyTorch).
 */
export function norm(input: Tensor, ord?: NormOrd | NormOptions, axis?: Axis, keepDims?: boolean): Tensor {
  const fn = 'norm';
  let p: unknown = ord;
  let rest: { axis?: unknown; keepDims?: unknown };
  if (ord !== null && typeof ord === 'object') {
    if (axis !== undefined || keepDims !== undefined) {
      throw new ValueError(fn, `with an options object { ord, axis, keepDims } as second argument, pass no further arguments; got ${given(axis ?? keepDims)}`);
    }
    rest = { ...ord };
    p = (ord as NormOptions).ord;
    delete (rest as NormOptions).ord;
  } else {
    rest = { axis, keepDims };
  }
  if (p === undefined) p = 2;
  if (!ORDS.includes(p)) throw new ValueError(fn, `ord must be 1, 2, Infinity or 'fro', got ${given(p)}`);
  if (p === 'fro') rest = froAxes(input, rest);
  const { t: x, axes, keep } = reduceArgs(fn, input, rest as ReduceOptions, undefined);
  if (p === 'fro' && axes.length !== 2) throw new ValueError(fn, `ord 'fro' is a matrix norm: axis must name two axes, got ${given(rest.axis)}`);
  const order = p === 'fro' ? 2 : (p as number);
  const { data, keptShape } = order === 1 ? foldAxes(x, axes, 0, (acc, v) => acc + Math.abs(v)) : order === 2 ? euclidean(x, axes) : largestAbs(x, axes);
  const out = new Tensor(data, outShapeOf(x.shape, axes, keep), x.dtype);
  return record(NORM, [x], out, (dz: Tensor) => [normBackward(order, x, axes, reshape(dz, keptShape), reshape(out, keptShape))], {
    ord: p,
    axes,
    keepDims: keep,
  });
}

/** 'fro' defaults to the last two axes (matrix_norm's dim = (−2, −1)). */
function froAxes(x: Tensor, rest: { axis?: unknown; keepDims?: unknown }): { axis?: unknown; keepDims?: unknown } {
  if (rest.axis !== undefined || !(x instanceof Tensor)) return rest;
  if (x.rank < 2) throw new ValueError('norm', `ord 'fro' is a matrix norm: x must have at least 2 axes, got shape [${x.shape.join(', ')}]`);
  return { ...rest, axis: [-2, -1] };
}

function largestAbs(x: Tensor, axes: readonly number[]) {
  return foldAxes(x, axes, 0, (acc, v) => (Number.isNaN(acc) || Number.isNaN(v) ? NaN : Math.max(acc, Math.abs(v))));
}

/** √Σx², scaled by the largest |x| so that squares neither overflow nor underflow (as BLAS nrm2). */
function euclidean(x: Tensor, axes: readonly number[]) {
  const big = largestAbs(x, axes);
  const scale = new Tensor(big.data, big.keptShape, x.dtype);
  const usable = (m: number): boolean => m > 0 && Number.isFinite(m);
  const ratios = mapBinary('norm', x, scale, (v, m) => (usable(m) ? v / m : v));
  const sums = foldAxes(ratios, axes, 0, (acc, r) => acc + r * r);
  const data = sums.data.map((s, i) => {
    const m = big.data[i]!;
    return usable(m) ? m * Math.sqrt(s) : Number.isNaN(m) ? NaN : m === Infinity ? Infinity : Math.sqrt(s);
  });
  return { data, keptShape: big.keptShape };
}

function normBackward(order: number, x: Tensor, axes: readonly number[], dz: Tensor, z: Tensor): Tensor {
  // ‖x‖₁ = Σ|x|  =>  dx = dz sign(x) (0 at 0, as PyTorch's abs)
  if (order === 1) return mul(dz, sign(x));
  if (order === 2) {
    // ‖x‖₂ = √Σx²  =>  dx = dz x / z, masked to 0 where z = 0 (as PyTorch), z taken at 1 there (double where)
    const zero = new Tensor(
      z.data.map((v) => (v === 0 ? 1 : 0)),
      z.shape,
      z.dtype,
    );
    return mul(x, where(zero, 0, div(dz, where(zero, 1, z))));
  }
  // ‖x‖∞ = max |x|  =>  dx = dz sign(x) where |x| is the max, shared among ties; NaN entries are where a NaN max came from
  const hits = mapBinary('norm', x, z, (v, m) => (Math.abs(v) === m || Number.isNaN(v) ? 1 : 0));
  const count = foldAxes(hits, axes, 0, (acc, v) => acc + v);
  const share = mapBinary('norm', hits, new Tensor(count.data, count.keptShape, x.dtype), (h, c) => h / c);
  const weights = mapBinary('norm', share, x, (s, v) => (s === 0 ? 0 : Number.isNaN(v) ? NaN : s * Math.sign(v)));
  return mul(dz, weights);
}
