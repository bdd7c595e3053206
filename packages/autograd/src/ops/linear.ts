import { DTypeError, ShapeError, ValueError, describeValue, formatShape } from '../errors.ts';
import { gemm } from '../gemm.ts';
import { sizeOf } from '../shape.ts';
import { isGradEnabled, record } from '../tape.ts';
import { Tensor, arrayFor } from '../tensor.ts';
import { primitive } from '../primitive.ts';
import { add } from './arith.ts';
import { matmul } from './matmul.ts';
import { sum } from './reduce.ts';
import { reshape } from './shape.ts';

const LINEAR = primitive('linear', 'Y = X Wᵀ + b  ⇒  dX = dY W, dW = dYᵀ X, db = Σ_rows dY', {
  firstOrder: {
    why: 'speed: the same gemm calls as the recorded pullback without its reshapes and checks (W1 backward)',
    ulps: { float32: 0, float64: 0 },
    example: { fn: linear, shapes: [[5, 7], [3, 7], [3]] },
  },
  // The steps a trace shows for the fused op: x Wᵀ, then + b.
  composite: ([x, weight, bias]: readonly Tensor[]) => {
    const xw = matmul(x!, weight!, { transposeB: true });
    return bias === undefined ? xw : add(xw, bias);
  },
});

/**
 * y = x Wᵀ + b (PyTorch's F.linear) for x of shape [..., in], W [out, in] and b [out] (optional).
 * Fused for speed, as PyTorch's addmm: a layer records one node instead of a matmul and an add,
 * and its pullback makes dx, dW and db in one step. The values equal those of
 * add(matmul(x, W, { transposeB: true }), b) to the last bit (same products, bias added last).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const fn = 'linear';
  if (!(x instanceof Tensor)) throw new ValueError(fn, `expected the input x as a Tensor, got ${describeValue(x)}`);
  if (!(weight instanceof Tensor)) throw new ValueError(fn, `expected the weight as a Tensor, got ${describeValue(weight)}`);
  if (bias !== null && !(bias instanceof Tensor)) throw new ValueError(fn, `expected the bias as a Tensor or null, got ${describeValue(bias)}`);
  if (weight.rank !== 2) throw new ShapeError(fn, `the weight has shape ${formatShape(weight.shape)}; expected [out, in] (2 axes)`);
  const [outF, inF] = weight.shape as [number, number];
  if (x.rank === 0 || x.shape[x.rank - 1] !== inF) {
    throw new ShapeError(
      fn,
      `x has shape ${formatShape(x.shape)}; expected [..., ${inF}] (the last axis must match the weight's ${inF} input features, weight ${formatShape(weight.shape)})`,
    );
  }
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError(
      fn,
      `the bias has shape ${formatShape(bias.shape)}; expected [${outF}] (one per output feature of the weight ${formatShape(weight.shape)})`,
    );
  }
  for (const [what, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t !== null && t.dtype !== x.dtype)
      throw new DTypeError(fn, `x has dtype ${x.dtype} but the ${what} has dtype ${t.dtype}; expected one dtype (cast one of them)`);
  }
  const rows = sizeOf(x.shape.slice(0, -1));
  const shape = [...x.shape.slice(0, -1), outF];
  const data = arrayFor(x.dtype, rows * outF);
  gemm(x.data, 0, weight.data, 0, data, 0, rows, inF, outF, false, true);
  if (bias !== null) {
    const b = bias.data;
    for (let r = 0, k = 0; r < rows; r++) for (let j = 0; j < outF; j++, k++) data[k] = data[k]! + b[j]!;
  }
  const out = new Tensor(data, shape, x.dtype);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  // Y = X Wᵀ + b  =>  dX = dY W, dW = dYᵀ X, db = Σ_rows dY   (X, dY read as [rows, ·] matrices)
  return record(LINEAR, inputs, out, (dy: Tensor, needs) => {
    if (!isGradEnabled()) return firstOrder(dy, x, weight, bias !== null, rows, needs);
    const dyRows = reshape(dy, [rows, outF]);
    const dx = needs[0] ? matmul(dy, weight) : null;
    const dw = needs[1] ? matmul(dyRows, reshape(x, [rows, inF]), { transposeA: true }) : null;
    return bias === null ? [dx, dw] : [dx, dw, needs[2] ? sum(dyRows, 0) : null];
  });
}

/**
 * linear's pullback in a first-order pass (nothing recorded): the same gemm calls and the same
 * row-by-row bias sum as the recorded pullback, so the same bits, without the reshapes, checks
 * and shape bookkeeping of matmul and sum that a small batch pays for on every step.
 */
function firstOrder(dy: Tensor, x: Tensor, weight: Tensor, hasBias: boolean, rows: number, needs: readonly boolean[]): (Tensor | null)[] {
  const [outF, inF] = weight.shape as [number, number];
  const dtype = x.dtype;
  const g = dy.data;
  let dx: Tensor | null = null;
  if (needs[0]) {
    const d = arrayFor(dtype, rows * inF);
    gemm(g, 0, weight.data, 0, d, 0, rows, outF, inF, false, false);
    dx = new Tensor(d, x.shape, dtype);
  }
  let dw: Tensor | null = null;
  if (needs[1]) {
    const d = arrayFor(dtype, outF * inF);
    gemm(g, 0, x.data, 0, d, 0, outF, rows, inF, true, false);
    dw = new Tensor(d, weight.shape, dtype);
  }
  if (!hasBias) return [dx, dw];
  let db: Tensor | null = null;
  if (needs[2]) {
    const d = arrayFor(dtype, outF);
    for (let r = 0, k = 0; r < rows; r++) for (let j = 0; j < outF; j++, k++) d[j] = d[j]! + g[k]!;
    db = new Tensor(d, [outF], dtype);
  }
  return [dx, dw, db];
}
