// Reductions beyond sum and max: prod (exact at zeros), var and std (with a correction).
import '../tensor.ts'; // load order: see ops/index.ts
import { ValueError } from '../errors.ts';
import { given } from '../args.ts';
import { mapBinary } from '../kernels.ts';
import { record } from '../tape.ts';
import { Tensor } from '../tensor.ts';
import type { Axis } from '../tensor.ts';
import { primitive } from '../primitive.ts';
import { full } from '../create.ts';
import { div, mul, sub } from './arith.ts';
import { where } from './compare.ts';
import { reshape, transpose } from './shape.ts';
import { mean, outShapeOf, reduceArgs } from './reduce.ts';
import type { KeepDims, ReduceOptions } from './reduce.ts';
import { scanProd, shifted } from './scan.ts';
import { countOver, foldAxes } from './along.ts';

const PROD = primitive('prod', 'dxⱼ = dz ∏_{i≠j} xᵢ (exact at zeros)');
const VAR = primitive('var', 'dx = dz · 2(x − mean(x)) / (N − correction)');
const STD = primitive('std', 'dx = dz · (x − mean(x)) / ((N − correction) · z), 0 where z = 0');

/** ∏ over `axis` (all axes when omitted); `prod(x, axis, keepDims)` or `prod(x, { axis, keepDims })`. */
export function prod(input: Tensor, axis?: Axis | ReduceOptions, keepDims?: KeepDims): Tensor {
  const { t: x, axes, keep } = reduceArgs('prod', input, axis, keepDims);
  const { data, keptShape } = foldAxes(x, axes, 1, (acc, v) => acc * v);
  const out = new Tensor(data, outShapeOf(x.shape, axes, keep), x.dtype);
  // z = ∏ x  =>  dxⱼ = dz ∏_{i≠j} xᵢ: never z / xⱼ, which is 0/0 at a zero (as PyTorch's prod_backward)
  return record(PROD, [x], out, (dz: Tensor) => [mul(reshape(dz, keptShape), othersProduct(x, axes))], { axes, keepDims: keep });
}

/**
 * ∏_{i≠j} xᵢ over each reduced slice, for every j: the product of the entries before j times the
 * product of those after it (exclusive running products both ways, as PyTorch's
 * prod_safe_zeros_backward). With one zero in a slice this is the product of the others at the
 * zero and 0 elsewhere; with two, 0 everywhere. The reduced axes are moved last and flattened.
 */
function othersProduct(x: Tensor, axes: readonly number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = transpose(x, perm);
  const n = countOver(x.shape, axes);
  if (n === 0) return full(x.shape, 0, x.dtype);
  const flat = reshape(moved, [...kept.map((i) => x.shape[i]!), n]);
  const last = kept.length;
  const others = reshape(mul(exclusiveProduct(flat, last, false), exclusiveProduct(flat, last, true)), moved.shape);
  const inverse = new Array<number>(perm.length);
  perm.forEach((a, i) => {
    inverse[a] = i;
  });
  return transpose(others, inverse);
}

/** ∏ of the entries strictly before each one along `axis` (after it, when `reverse`): the running product shifted by one, a 1 entering. */
function exclusiveProduct(x: Tensor, axis: number, reverse: boolean): Tensor {
  return shifted(scanProd(x, axis, reverse), axis, reverse, 'one');
}

/** The options var and std take besides axis and keepDims. */
export interface VarOptions extends ReduceOptions {
  /** Subtracted from the count N in the divisor: 1 (default, as torch.var) for the unbiased sample variance, 0 for the population variance. */
  correction?: number;
}

/** var's and std's keepDims argument: a boolean, or `{ keepDims, correction }` after a positional axis. */
export type VarKeepDims = boolean | { keepDims?: boolean; correction?: number };

function varianceArgs(fn: string, input: unknown, axis: unknown, keepDims: unknown) {
  const { t, axes, keep, options } = reduceArgs(fn, input, axis as Axis | ReduceOptions | undefined, keepDims as KeepDims | undefined, ['correction']);
  const c = options.correction === undefined ? 1 : options.correction;
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
    throw new ValueError(fn, `correction must be a non-negative integer (1: sample variance, 0: population variance), got ${given(c)}`);
  }
  // As PyTorch: divide by max(0, N − correction), so one sample with correction 1 gives NaN (0/0).
  const dof = Math.max(0, countOver(t.shape, axes) - c);
  const m = foldAxes(t, axes, 0, (acc, v) => acc + v);
  const n = countOver(t.shape, axes);
  const centre = new Tensor(
    m.data.map((s) => s / n),
    m.keptShape,
    t.dtype,
  );
  const squares = foldAxes(
    mapBinary(fn, t, centre, (v, mu) => (v - mu) * (v - mu)),
    axes,
    0,
    (acc, v) => acc + v,
  );
  return { x: t, axes, keep, dof, correction: c, keptShape: m.keptShape, squares: squares.data };
}

/**
 * Variance over `axis` (all axes when omitted): Σ (x − mean)² / (N − correction), correction 1 by
 * default (as torch.var). `var(x, axis, keepDims)`, `var(x, axis, { keepDims, correction })` or
 * `var(x, { axis, keepDims, correction })`.
 */
export function variance(input: Tensor, axis?: Axis | VarOptions, keepDims?: VarKeepDims): Tensor {
  const { x, axes, keep, dof, correction, keptShape, squares } = varianceArgs('var', input, axis, keepDims);
  const out = new Tensor(
    squares.map((s) => s / dof),
    outShapeOf(x.shape, axes, keep),
    x.dtype,
  );
  // z = Σ (x − x̄)² / d  =>  dx = dz · 2(x − x̄) / d (the x̄ terms sum to zero)
  return record(VAR, [x], out, (dz: Tensor) => [mul(reshape(dz, keptShape), mul(sub(x, mean(x, axes, true)), 2 / dof))], {
    axes,
    keepDims: keep,
    correction,
  });
}
/** The same function as `variance`, under PyTorch's name (`ag.var(x)`; import it as `{ var as variance }`). */
export { variance as var };

/**
 * Standard deviation over `axis`: √var with the same arguments. Its gradient where the variance is
 * 0 is 0, as PyTorch's std_backward (which masks dz / (2z) to 0 where z = 0).
 */
export function std(input: Tensor, axis?: Axis | VarOptions, keepDims?: VarKeepDims): Tensor {
  const { x, axes, keep, dof, correction, keptShape, squares } = varianceArgs('std', input, axis, keepDims);
  const out = new Tensor(
    squares.map((s) => Math.sqrt(s / dof)),
    outShapeOf(x.shape, axes, keep),
    x.dtype,
  );
  // z = √(Σ (x − x̄)² / d)  =>  dx = dz (x − x̄) / (d z); masked to 0 where z = 0, with z taken at 1
  // there (double where) so that no 1/0 reaches a second derivative
  return record(
    STD,
    [x],
    out,
    (dz: Tensor) => {
      const zk = reshape(out, keptShape);
      const zero = new Tensor(
        zk.data.map((v) => (v === 0 ? 1 : 0)),
        keptShape,
        x.dtype,
      );
      const scale = where(zero, 0, div(reshape(dz, keptShape), where(zero, 1, zk)));
      return [mul(scale, mul(sub(x, mean(x, axes, true)), 1 / dof))];
    },
    { axes, keepDims: keep, correction },
  );
}
