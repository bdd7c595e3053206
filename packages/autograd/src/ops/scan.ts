// Scans along one axis: cumsum, cumprod, logCumSumExp. Each is a primitive with a `reverse`
// attribute (scan from the end) because each pullback is a scan the other way.
import '../tensor.ts'; // load order: see ops/index.ts
import { checkInteger, checkOptions, checkTensor } from '../args.ts';
import { mapUnary } from '../kernels.ts';
import { normalizeAxis } from '../shape.ts';
import { isGradEnabled, record } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { primitive } from '../primitive.ts';
import { full } from '../create.ts';
import { add, div, mul, sub } from './arith.ts';
import { where } from './compare.ts';
import { sum } from './reduce.ts';
import { reshape } from './shape.ts';
import { exp, log } from './unary.ts';
import { forEachSlice, layoutOf, scanAlong } from './along.ts';

const CUMSUM = primitive('cumsum', 'dxⱼ = Σ_{k≥j} dzₖ (a cumulative sum of dz from the end)');
const CUMPROD = primitive('cumprod', 'dxⱼ = Σ_{k≥j} dzₖ ∏_{i≤k, i≠j} xᵢ (exact at zeros)');
const LOG_CUM_SUM_EXP = primitive('logCumSumExp', 'dxⱼ = Σ_{k≥j} dzₖ exp(xⱼ − zₖ)');

/** A scan's axis: an integer or `{ axis }`; omitted, the scan runs over the flattened tensor (as NumPy). */
export type ScanAxis = number | { axis?: number };

function scanArgs(fn: string, x: unknown, axis: unknown): { t: Tensor; a: number } {
  const t = checkTensor(fn, 'x', x);
  const ax = axis !== null && typeof axis === 'object' ? checkOptions<{ axis: number }>(fn, axis, ['axis']).axis : axis;
  if (ax === undefined) return { t: reshape(t, [t.size]), a: 0 };
  return { t, a: normalizeAxis(fn, checkInteger(fn, 'axis', ax), t.rank) };
}

/** Running sums along `axis`: zⱼ = Σ_{i≤j} xᵢ (torch.cumsum). Omitted axis: over the flattened tensor. */
export function cumsum(x: Tensor, axis?: ScanAxis): Tensor {
  const { t, a } = scanArgs('cumsum', x, axis);
  return scanSum(t, a, false);
}

function scanSum(x: Tensor, axis: number, reverse: boolean): Tensor {
  const out = scanAlong(x, axis, reverse, 0, (acc, v) => acc + v);
  // zₖ = Σ_{j≤k} xⱼ  =>  dxⱼ = Σ_{k≥j} dzₖ: the same scan run the other way
  return record(CUMSUM, [x], out, (dz: Tensor) => [scanSum(dz, axis, !reverse)], { axis, reverse });
}

/** Running products along `axis`: zⱼ = ∏_{i≤j} xᵢ (torch.cumprod); gradients exact at zeros. */
export function cumprod(x: Tensor, axis?: ScanAxis): Tensor {
  const { t, a } = scanArgs('cumprod', x, axis);
  return scanProd(t, a, false);
}

/** The inclusive running product (internal: prod's pullback uses both directions). */
export function scanProd(x: Tensor, axis: number, reverse: boolean): Tensor {
  const out = scanAlong(x, axis, reverse, 1, (acc, v) => acc * v);
  return record(CUMPROD, [x], out, (dz: Tensor) => [cumprodBackward(x, out, dz, axis, reverse)], { axis, reverse });
}

/**
 * 0/1 masks over x: `before` marks the entries ahead (in scan order) of the first zero of their
 * slice (all of a slice without zeros), `at` marks that first zero, `upTo` both.
 */
function zeroMasks(x: Tensor, axis: number, reverse: boolean): { before: Tensor; at: Tensor; upTo: Tensor; anyZero: boolean } {
  const layout = layoutOf(x.shape, axis);
  const before = mapUnary(x, () => 0);
  const at = mapUnary(x, () => 0);
  const upTo = mapUnary(x, () => 0);
  const src = x.data;
  let anyZero = false;
  forEachSlice(layout, (base, stride) => {
    for (let t = 0; t < layout.n; t++) {
      const p = base + (reverse ? layout.n - 1 - t : t) * stride;
      upTo.data[p] = 1;
      if (src[p] === 0) {
        at.data[p] = 1;
        anyZero = true;
        return;
      }
      before.data[p] = 1;
    }
  });
  return { before, at, upTo, anyZero };
}

/**
 * zₖ = ∏_{i≤k} xᵢ  =>  dxⱼ = Σ_{k≥j} dzₖ ∏_{i≤k, i≠j} xᵢ (as PyTorch's cumprod_backward). Ahead of
 * a slice's first zero xⱼ ≠ 0, so that is (Σ_{k≥j} dzₖ zₖ) / xⱼ; at the first zero it is
 * Σ_{k≥j} dzₖ cₖ with c the running product of x with that zero replaced by 1; past it, every
 * product holds the zero: 0. All three are written with recorded ops, so they differentiate again.
 */
function cumprodBackward(x: Tensor, z: Tensor, dz: Tensor, axis: number, reverse: boolean): Tensor {
  const { before, at, upTo, anyZero } = zeroMasks(x, axis, reverse);
  const ahead = where(before, div(scanSum(mul(dz, z), axis, !reverse), where(before, x, 1)), 0);
  if (!anyZero) return ahead;
  const c = scanProd(where(at, 1, x), axis, reverse);
  const dx = add(ahead, where(at, scanSum(mul(dz, c), axis, !reverse), 0));
  if (!isGradEnabled()) return dx;
  // Past the first zero the value is 0, but not its derivative with respect to that zero: there
  // ∏_{i≤k, i≠j} xᵢ = z₀ · ∏_{0<i≤k, i≠j} xᵢ (0 the first zero), z₀ = 0 times the cumprod gradient
  // of the rest of the slice, recorded only when the pullback is itself differentiated (as PyTorch
  // takes its exact path then). Each level replaces one zero by 1: the recursion ends.
  const rest = where(upTo, 1, x);
  const z0 = sum(where(at, z, 0), axis, true);
  return add(dx, where(upTo, 0, mul(z0, cumprodBackward(rest, scanProd(rest, axis, reverse), dz, axis, reverse))));
}

/** log(eᵃ + eᵇ) without overflow: max + log1p(exp(−|a − b|)). */
function logAddExp(a: number, b: number): number {
  const m = Math.max(a, b);
  if (m === Infinity || m === -Infinity || Number.isNaN(m)) return m;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** Running log Σ exp along `axis`: zⱼ = log Σ_{i≤j} exp(xᵢ), finite for inputs of any magnitude. */
export function logCumSumExp(x: Tensor, axis?: ScanAxis): Tensor {
  const { t, a } = scanArgs('logCumSumExp', x, axis);
  return scanLogSumExp(t, a, false);
}

function scanLogSumExp(x: Tensor, axis: number, reverse: boolean): Tensor {
  const out = scanAlong(x, axis, reverse, -Infinity, logAddExp);
  return record(LOG_CUM_SUM_EXP, [x], out, (dz: Tensor) => [logCumSumExpBackward(x, out, dz, axis, reverse)], { axis, reverse });
}

/**
 * zₖ = log Σ_{j≤k} exp(xⱼ)  =>  dxⱼ = Σ_{k≥j} dzₖ exp(xⱼ − zₖ), computed in the log domain so that
 * nothing overflows: for the positive part of dz, exp(xⱼ + logCumSumExp_{k≥j}(log dzₖ − zₖ)), minus
 * the same for the negative part (as TensorFlow's and PyTorch's logcumsumexp_backward). The log of
 * |dz| is taken at 1 where dz has the other sign (double where), so second derivatives see no log 0.
 */
function logCumSumExpBackward(x: Tensor, z: Tensor, dz: Tensor, axis: number, reverse: boolean): Tensor {
  // The log of a zero part is the dtype's lowest finite number, not −Inf: a scan over only such
  // entries stays finite, so that its own pullback never meets −Inf − (−Inf).
  const lowest = x.dtype === 'float32' ? -3.4028234663852886e38 : -Number.MAX_VALUE;
  const part = (sign: 1 | -1): Tensor | null => {
    const mask = mapUnary(dz, (v) => (v * sign > 0 ? 1 : 0));
    if (!mask.data.includes(1)) return null;
    const logAbs = where(mask, log(mul(where(mask, dz, sign), sign)), lowest);
    return exp(add(x, scanLogSumExp(sub(logAbs, z), axis, !reverse)));
  };
  const pos = part(1);
  const neg = part(-1);
  if (pos === null && neg === null) return full(x.shape, 0, x.dtype);
  if (neg === null) return pos!;
  return pos === null ? mul(neg, -1) : sub(pos, neg);
}
