import '../tensor.ts'; // load order: see ops/index.ts
import { ValueError, describeValue, formatShape, formatValue } from '../errors.ts';
import { checkDType } from '../create.ts';
import { mapBinary, mapUnary } from '../kernels.ts';
import { broadcastShapes, broadcastStrides, sizeOf } from '../shape.ts';
import { markCut, record } from '../tape.ts';
import { Tensor, arrayFor, lift, lift2 } from '../tensor.ts';
import type { DType, TensorLike } from '../tensor.ts';
import { forEachRow } from '../kernels.ts';
import { type Value, binary, indicator, mapBinaryConstant } from '../elementwise.ts';
import { Scalar } from '../scalar.ts';
import { primitive } from '../primitive.ts';

const WHERE = primitive('where', '∂z/∂x = [cond], ∂z/∂y = [¬cond]');
import { checkResultSize, checkTensor, checkTensorLike, operands } from '../args.ts';

// Comparisons return 0/1 tensors of the operands' dtype and are constants: not recorded (but
// marked as a cut, so that whyNoGrad can say where a path to a parameter ends).
function constant(op: string, inputs: readonly Tensor[], out: Tensor): Tensor {
  markCut('nondifferentiable', op, inputs, out);
  return out;
}

/** 1 where a = b, else 0 (not differentiable). */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('equal', a, b);
  return constant(
    'equal',
    [x, y],
    mapBinary('equal', x, y, (p, q) => (p === q ? 1 : 0)),
  );
}
/** 1 where a ≠ b, else 0 (not differentiable). */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('notEqual', a, b);
  return constant(
    'notEqual',
    [x, y],
    mapBinary('notEqual', x, y, (p, q) => (p !== q ? 1 : 0)),
  );
}
/** 1 where a > b, else 0 (not differentiable). */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('greater', a, b);
  return constant(
    'greater',
    [x, y],
    mapBinary('greater', x, y, (p, q) => (p > q ? 1 : 0)),
  );
}
/** 1 where a ≥ b, else 0 (not differentiable). */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('greaterEqual', a, b);
  return constant(
    'greaterEqual',
    [x, y],
    mapBinary('greaterEqual', x, y, (p, q) => (p >= q ? 1 : 0)),
  );
}
/** 1 where a < b, else 0 (not differentiable). */
export function less(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('less', a, b);
  return constant(
    'less',
    [x, y],
    mapBinary('less', x, y, (p, q) => (p < q ? 1 : 0)),
  );
}
/** 1 where a ≤ b, else 0 (not differentiable). */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('lessEqual', a, b);
  return constant(
    'lessEqual',
    [x, y],
    mapBinary('lessEqual', x, y, (p, q) => (p <= q ? 1 : 0)),
  );
}
/** −1, 0 or 1 by the sign of x (not differentiable). */
export function sign(x: Tensor): Tensor {
  checkTensor('sign', 'x', x);
  return constant(
    'sign',
    [x],
    mapUnary(x, (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN)),
  );
}

/**
 * The share of z's cotangent that goes to p, where z = max(p, q) (sign 1) or min(p, q) (sign −1):
 * all of it when z came from p, half at ties; a NaN operand is where z came from (z is NaN), so
 * the cotangent follows it (as PyTorch), and a NaN output is never given a zero gradient.
 */
function extremumShare(p: number, q: number, sign: number): number {
  if (Number.isNaN(p)) return Number.isNaN(q) ? 0.5 : 1;
  if (Number.isNaN(q)) return 0;
  return p * sign > q * sign ? 1 : p === q ? 0.5 : 0;
}

/** Elementwise max(a, b); NaN if either is NaN (as PyTorch's maximum). */
export const maximum = binary('maximum', {
  formula: '∂z/∂x = [x > y], ∂z/∂y = [y > x] (½ each at ties)',
  value: (p, q) => (p > q || Number.isNaN(p) ? p : q),
  // z = max(x, y)  =>  dx = dz [x > y], dy = dz [y > x], split in half at ties (as JAX and PyTorch)
  partials: [(x, y) => extremumShare(x, y, 1), (x, y) => extremumShare(y, x, 1)],
  derivatives: [(x, y) => indicator(x, y, (p, q) => extremumShare(p, q, 1)), (x, y) => indicator(x, y, (p, q) => extremumShare(q, p, 1))],
});

/** Elementwise min(a, b); NaN if either is NaN (as PyTorch's minimum). */
export const minimum = binary('minimum', {
  formula: '∂z/∂x = [x < y], ∂z/∂y = [y < x] (½ each at ties)',
  value: (p, q) => (p < q || Number.isNaN(p) ? p : q),
  // z = min(x, y)  =>  dx = dz [x < y], dy = dz [y < x], split in half at ties
  partials: [(x, y) => extremumShare(x, y, -1), (x, y) => extremumShare(y, x, -1)],
  derivatives: [(x, y) => indicator(x, y, (p, q) => extremumShare(p, q, -1)), (x, y) => indicator(x, y, (p, q) => extremumShare(q, p, -1))],
});

/**
 * cond ? a : b elementwise, all three broadcast together. `cond` is a constant mask (non-zero is
 * true). Note the classic leak: where(x > 0, sqrt(x), 0) still has a NaN/Inf cotangent inside
 * sqrt's pullback at x = 0 multiplied by a zero; anomaly mode reports it.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'cond', cond);
  const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : cond.dtype;
  const [x, y] = lift2('where', lift('where', checkTensorLike('where', 'a', a), dtype), lift('where', checkTensorLike('where', 'b', b), dtype));
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, x.shape), y.shape);
  checkResultSize('where', shape);
  const out = arrayFor(x.dtype, sizeOf(shape));
  const C = cond.data;
  const X = x.data;
  const Y = y.data;
  const strides = [broadcastStrides(cond.shape, shape), broadcastStrides(x.shape, shape), broadcastStrides(y.shape, shape)];
  const last = shape.length - 1;
  const inc = strides.map((s) => (last >= 0 ? s[last]! : 0));
  let k = 0;
  forEachRow(shape, strides, (off, n) => {
    let pc = off[0]!;
    let px = off[1]!;
    let py = off[2]!;
    for (let j = 0; j < n; j++, pc += inc[0]!, px += inc[1]!, py += inc[2]!) out[k++] = C[pc] !== 0 ? X[px]! : Y[py]!;
  });
  const result = new Tensor(out, shape, x.dtype);
  // z = cond ? x : y  =>  dx = cond ? dz : 0, dy = cond ? 0 : dz; the mask gets none (piecewise
  // constant), but it is an input so that whyNoGrad can follow a path through it to its sources.
  return record(WHERE, [x, y, cond], result, (dz: Tensor, needs) => [needs[0] ? where(cond, dz, 0) : null, needs[1] ? where(cond, 0, dz) : null, null]);
}

/**
 * cond(x, y) ? then(x, y) : otherwise(x, y), elementwise on the recorded inputs of an elementwise
 * rule (pow's edges); both branches stay differentiable. On tensors the branch not taken is
 * evaluated at `safe` inputs where it is not taken (JAX's double-where trick): otherwise its
 * NaN or Inf, multiplied by a zero cotangent, would leak into second derivatives.
 */
export function choose(
  x: Value,
  y: Value,
  cond: (x: number, y: number) => boolean,
  then: (x: Value, y: Value) => Value | number,
  otherwise: (x: Value, y: Value) => Value | number,
  safe: readonly [number, number],
): Value | number {
  if (x instanceof Scalar) return cond(x._data, (y as Scalar)._data) ? then(x, y) : otherwise(x, y);
  const mask = mapBinaryConstant(x, y as Tensor, (a, b) => (cond(a, b) ? 1 : 0));
  const xs = where(mask, safe[0], x as Tensor);
  const ys = where(mask, safe[1], y as Tensor);
  return where(mask, then(x, y) as Tensor | number, otherwise(xs, ys) as Tensor | number);
}

/**
 * One-hot rows: `indices` (integers in [0, depth)) of shape S give a 0/1 tensor of shape [...S, depth].
 * Not differentiable.
 */
export function oneHot(indices: Tensor | readonly number[], depth: number, dtype: DType = 'float64'): Tensor {
  const fn = 'oneHot';
  if (!Number.isInteger(depth) || depth < 1) throw new ValueError(fn, `depth must be a positive integer, got ${formatValue(depth)}`);
  checkDType(fn, dtype);
  if (!(indices instanceof Tensor) && !Array.isArray(indices)) {
    throw new ValueError(fn, `indices must be a Tensor or an array of integers, got ${describeValue(indices)}`);
  }
  const idx = indices instanceof Tensor ? indices.data : indices;
  const shape = indices instanceof Tensor ? indices.shape : [indices.length];
  checkResultSize(fn, [...shape, depth]);
  const out = arrayFor(dtype, idx.length * depth);
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= depth) {
      throw new ValueError(
        fn,
        `index ${formatValue(v)} at position ${i} is not an integer in [0, ${depth - 1}] (indices of shape ${formatShape(shape)}, depth ${depth})`,
      );
    }
    out[i * depth + v] = 1;
  }
  return new Tensor(out, [...shape, depth], dtype);
}
