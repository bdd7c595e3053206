// Scans along one axis: cumsum, cumprod, logCumSumExp. Each is a primitive with a `reverse`
// attribute (scan from the end) because each pullback is a scan the other way.
import '../tensor.ts'; // load order: see ops/index.ts
import { checkInteger, checkOptions, checkTensor } from '../args.ts';
import { normalizeAxis } from '../shape.ts';
import { record } from '../tape.ts';
import { Tensor, arrayFor } from '../tensor.ts';
import { primitive } from '../primitive.ts';
import { full } from '../create.ts';
import { mul, sub } from './arith.ts';
import { concat, reshape, slice } from './shape.ts';
import { exp } from './unary.ts';
import { forEachSlice, layoutOf, scanAlong } from './along.ts';

const CUMSUM = primitive('cumsum', 'dxⱼ = Σ_{k≥j} dzₖ (a cumulative sum of dz from the end)');
const CUMPROD = primitive('cumprod', 'dxⱼ = Σ_{k≥j} dzₖ ∏_{i≤k, i≠j} xᵢ (exact at zeros)');
const LINEAR_SCAN = primitive('linearScan', 'h = a h₋₁ + b: db = the recurrence run back with a shifted, da = db · h₋₁');
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
 * zₖ = ∏_{i≤k} xᵢ  =>  dxⱼ = Σ_{k≥j} dzₖ ∏_{i≤k, i≠j} xᵢ = zⱼ₋₁ Tⱼ, with zⱼ₋₁ the product of the
 * entries before j (1 for the first) and Tⱼ = Σ_{k≥j} dzₖ ∏_{j<i≤k} xᵢ = dzⱼ + xⱼ₊₁ Tⱼ₊₁ a linear
 * recurrence run from the end. No division: exact at zeros (the role of PyTorch's zero-aware
 * cumprod_backward) and at tiny entries, and made of recorded ops, so it differentiates again.
 */
function cumprodBackward(x: Tensor, z: Tensor, dz: Tensor, axis: number, reverse: boolean): Tensor {
  const before = shifted(z, axis, reverse, 'one');
  return mul(before, linearScan(shifted(x, axis, !reverse, 'zero'), dz, axis, !reverse));
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
 * zₖ = log Σ_{j≤k} exp(xⱼ)  =>  dxⱼ = Σ_{k≥j} dzₖ exp(xⱼ − zₖ) = exp(xⱼ − zⱼ) Tⱼ with
 * Tⱼ = Σ_{k≥j} dzₖ exp(zⱼ − zₖ) = dzⱼ + exp(zⱼ − zⱼ₊₁) Tⱼ₊₁: a linear recurrence run from the end
 * whose factors are ≤ 1 (z never decreases along the scan), so nothing overflows, and which is
 * linear in dz, so that jvp (a derivative with respect to dz at dz = 0) sees every entry.
 */
function logCumSumExpBackward(x: Tensor, z: Tensor, dz: Tensor, axis: number, reverse: boolean): Tensor {
  // the next z in scan order (the last one repeats: its factor, exp(0), multiplies nothing)
  const next = shifted(z, axis, !reverse, 'edge');
  return mul(exp(sub(x, z)), linearScan(exp(sub(z, next)), dz, axis, !reverse));
}

/**
 * x moved one place along `axis` towards its start (`toStart`: yⱼ = xⱼ₊₁) or its end (yⱼ = xⱼ₋₁),
 * the vacated place filled with 0 or with the edge entry it held: a slice and a concat, differentiable.
 */
export function shifted(x: Tensor, axis: number, toStart: boolean, fill: 'zero' | 'edge' | 'one'): Tensor {
  const n = x.shape[axis]!;
  if (n === 0) return x;
  const at = (from: number, to: number): Tensor =>
    slice(
      x,
      x.shape.map((_, i) => (i === axis ? from : 0)),
      x.shape.map((d, i) => (i === axis ? to : d)),
    );
  const edgeShape = x.shape.map((d, i) => (i === axis ? 1 : d));
  const pad = fill === 'edge' ? (toStart ? at(n - 1, n) : at(0, 1)) : full(edgeShape, fill === 'one' ? 1 : 0, x.dtype);
  return toStart ? concat([at(1, n), pad], axis) : concat([pad, at(0, n - 1)], axis);
}

/**
 * hⱼ = aⱼ hⱼ₋₁ + bⱼ along `axis` (from the end when `reverse`: hⱼ = aⱼ hⱼ₊₁ + bⱼ), h before the
 * first entry 0; internal, for pullbacks that must stay linear in their cotangent.
 */
function linearScan(a: Tensor, b: Tensor, axis: number, reverse: boolean): Tensor {
  const layout = layoutOf(b.shape, axis);
  const A = a.data;
  const B = b.data;
  const out = new Tensor(arrayFor(b.dtype, B.length), b.shape, b.dtype);
  const { n } = layout;
  forEachSlice(layout, (base, stride) => {
    let acc = 0;
    for (let t = 0; t < n; t++) {
      const p = base + (reverse ? n - 1 - t : t) * stride;
      acc = t === 0 ? B[p]! : A[p]! * acc + B[p]!;
      out.data[p] = acc;
    }
  });
  // h = a·h₋₁ + b  =>  g = db runs the recurrence the other way with each a moved one step
  // (gⱼ = dhⱼ + aⱼ₊₁ gⱼ₊₁), and daⱼ = gⱼ hⱼ₋₁ (h₋₁ = 0)
  return record(
    LINEAR_SCAN,
    [a, b],
    out,
    (dh: Tensor, needs) => {
      const g = linearScan(shifted(a, axis, !reverse, 'zero'), dh, axis, !reverse);
      return [needs[0] ? mul(g, shifted(out, axis, reverse, 'zero')) : null, g];
    },
    { axis, reverse },
  );
}
