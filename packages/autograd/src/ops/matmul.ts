import { ShapeError, formatShape } from '../errors.ts';
import { checkBoolean, checkOptions, checkResultSize, checkTensor } from '../args.ts';
import { broadcastShapes, broadcastStrides, sizeOf, stridesOf } from '../shape.ts';
import type { Shape } from '../shape.ts';
import { record } from '../tape.ts';
import { Tensor, arrayFor, commonDType } from '../tensor.ts';
import { forEachRow } from '../kernels.ts';
import { gemm } from '../gemm.ts';
import { reshape } from './shape.ts';
import { primitive } from '../primitive.ts';

const MATMUL = primitive('matmul', 'Z = XY  ⇒  dX = dZ Yᵀ, dY = Xᵀ dZ');

export interface MatmulOptions {
  /** Use Aᵀ (the last two axes swapped) without materialising the transpose. */
  transposeA?: boolean;
  /** Use Bᵀ (the last two axes swapped) without materialising the transpose. */
  transposeB?: boolean;
}

/** `shape [2, 3]`, or for a vector the user passed, `shape [3]; a vector is read as a row`. */
function operand(shown: Shape, as: 'row' | 'column'): string {
  return `shape ${formatShape(shown)}${shown.length === 1 ? `; a vector is read as a ${as}` : ''}`;
}

/** The leading (batch) axes of A and B broadcast together; errors show the operands the user passed. */
function batchShape(a: Shape, b: Shape, shown: readonly [Shape, Shape]): number[] {
  return broadcastShapes(
    'matmul',
    a,
    b,
    (i, da, db) =>
      `batch axes do not broadcast: A has shape ${formatShape(shown[0])} and B has shape ${formatShape(shown[1])}; ` +
      `batch axis ${i} (of the axes before the last two, aligned from the right) has sizes ${da} and ${db}; broadcasting needs equal sizes or a size of 1`,
  );
}

/** `shown`: the shapes to report in errors (the user's, before a 1-D operand was made 2-D). */
function matmulCore(a: Tensor, b: Tensor, ta: boolean, tb: boolean, shown: readonly [Shape, Shape] = [a.shape, b.shape]): Tensor {
  const fn = 'matmul';
  commonDType(fn, a, b);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const kb = tb ? bc : br;
  const n = tb ? br : bc;
  if (k !== kb) {
    throw new ShapeError(
      fn,
      `inner dimensions differ: ${ta ? 'Aᵀ' : 'A'} is ${m}×${k} (A has ${operand(shown[0], 'row')}) and ${tb ? 'Bᵀ' : 'B'} is ${kb}×${n} (B has ${operand(shown[1], 'column')}); ` +
        `the columns of the first must equal the rows of the second`,
    );
  }
  const batch = batchShape(a.shape.slice(0, -2), b.shape.slice(0, -2), shown);
  const shape = [...batch, m, n];
  checkResultSize(fn, shape);
  const out = arrayFor(a.dtype, sizeOf(shape));
  const sa = broadcastStrides(a.shape.slice(0, -2), batch).map((s) => s * ar * ac);
  const sb = broadcastStrides(b.shape.slice(0, -2), batch).map((s) => s * br * bc);
  if (batch.length === 0) {
    gemm(a.data, 0, b.data, 0, out, 0, m, k, n, ta, tb);
  } else {
    const cs = stridesOf(batch).map((s) => s * m * n);
    // Walk the batch with the innermost batch axis in the inner loop.
    const last = batch.length - 1;
    forEachRow(batch, [sa, sb, cs], (off, count) => {
      for (let r = 0; r < count; r++) {
        gemm(a.data, off[0]! + r * sa[last]!, b.data, off[1]! + r * sb[last]!, out, off[2]! + r * cs[last]!, m, k, n, ta, tb);
      }
    });
  }
  const result = new Tensor(out, shape, a.dtype);
  // Y = op(A) op(B). Each case's cotangents are again products with transposition flags, so the
  // backward pass never materialises a transpose:
  //   Y = A B    =>  dA = dY Bᵀ,    dB = Aᵀ dY
  //   Y = A Bᵀ   =>  dA = dY B,     dB = dYᵀ A
  //   Y = Aᵀ B   =>  dA = B dYᵀ,    dB = A dY
  //   Y = Aᵀ Bᵀ  =>  dA = Bᵀ dYᵀ,   dB = dYᵀ Aᵀ
  // Batch axes that were broadcast are summed back by the backward pass.
  return record(
    MATMUL,
    [a, b],
    result,
    (dy: Tensor, needs) => {
      let da: Tensor | null = null;
      let db: Tensor | null = null;
      if (!ta && !tb) {
        if (needs[0]) da = matmulCore(dy, b, false, true);
        if (needs[1]) db = matmulCore(a, dy, true, false);
      } else if (!ta && tb) {
        if (needs[0]) da = matmulCore(dy, b, false, false);
        if (needs[1]) db = matmulCore(dy, a, true, false);
      } else if (ta && !tb) {
        if (needs[0]) da = matmulCore(b, dy, false, true);
        if (needs[1]) db = matmulCore(a, dy, false, false);
      } else {
        if (needs[0]) da = matmulCore(b, dy, true, true);
        if (needs[1]) db = matmulCore(dy, a, true, true);
      }
      return [da, db];
    },
    ta || tb ? { transposeA: ta, transposeB: tb } : undefined,
  );
}

/**
 * Matrix product with NumPy's rules: 2-D × 2-D, batched (leading axes broadcast), and 1-D
 * operands treated as a row (first) or column (second) vector whose axis is then dropped.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const fn = 'matmul';
  checkTensor(fn, 'a', a);
  checkTensor(fn, 'b', b);
  const o = checkOptions<MatmulOptions>(fn, options, ['transposeA', 'transposeB']);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(fn, `operands must have at least one axis, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}; use mul for scalars`);
  }
  const ta = checkBoolean(fn, 'transposeA', o.transposeA ?? false);
  const tb = checkBoolean(fn, 'transposeB', o.transposeB ?? false);
  if (a.rank === 1 || b.rank === 1) {
    const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]!]) : a;
    const b2 = b.rank === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
    const y = matmulCore(a2, b2, ta && a.rank > 1, tb && b.rank > 1, [a.shape, b.shape]);
    const shape = y.shape.filter((_, i) => !((a.rank === 1 && i === y.rank - 2) || (b.rank === 1 && i === y.rank - 1)));
    return reshape(y, shape);
  }
  return matmulCore(a, b, ta, tb);
}
