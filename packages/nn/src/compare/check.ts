// Argument checks for compareWithBackprop / compareGradients. Everything is checked before the
// model is touched, so a rejected call leaves it exactly as it was.
import { DTypeError, ShapeError, Tensor, ValueError, formatShape } from '@pullback/autograd';
import { checkChoice, checkKeys, checkPositive, describe } from '../internal/check.ts';
import { REDUCTIONS } from '../losses.ts';
import { checkL2Convention } from '../regularization.ts';
import { MLP } from '../mlp.ts';
import type { RefActivation, RefNetwork } from '../reference/index.ts';
import type { Side } from './rows.ts';
import type { CompareOptions } from './types.ts';

/** Options with every default filled in (no L2 term: null). */
export type ResolvedOptions = Required<Omit<CompareOptions, 'l2'>> & { l2: NonNullable<CompareOptions['l2']> | null };

/** A checked batch: x is [m, n_1], y is [m, n_L], both float64, copied out of the user's tensors. */
export interface CheckedBatch {
  x: Float64Array;
  y: Float64Array;
  m: number;
}

const OPTION_KEYS = ['cost', 'reduction', 'l2', 'rtol', 'atol', 'notation'] as const;
const L2_KEYS = ['lambda', 'convention', 'trainingSetSize'] as const;

/**
 * The model must be an MLP of float64 elementwise layers: the reference implements BP1–BP4 for
 * elementwise activations in float64 only, so a softmax output or float32 weights cannot be compared.
 */
export function checkModel(fn: string, model: unknown): MLP {
  if (!(model instanceof MLP)) throw new ValueError(fn, `model must be an MLP (it needs forwardTrace and per-layer activations), got ${describe(model)}`);
  model.activations.forEach((f, i) => {
    if (f.kind === 'softmax') {
      throw new ValueError(
        fn,
        `layer ${i + 2} has a softmax activation, which is not elementwise; BP1–BP4 as compared here need elementwise activations (sigmoid, tanh, relu, identity)`,
      );
    }
  });
  for (const [name, p] of model.namedParameters()) {
    if (p.dtype !== 'float64') {
      throw new ValueError(
        fn,
        `parameter '${name}' has dtype ${p.dtype}; the closed-form reference runs in float64, so compare a float64 model (build the MLP with dtype 'float64')`,
      );
    }
  }
  return model;
}

function checkMatrix(fn: string, what: string, t: unknown, m: number | null, n: number, nName: string): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(fn, `${what} must be a Tensor of shape [m, ${nName}], got ${describe(t)}`);
  const expected = m === null ? `[m, ${n}]` : formatShape([m, n]);
  if (t.shape.length !== 2 || t.shape[1] !== n || (m !== null && t.shape[0] !== m) || t.shape[0] === 0) {
    throw new ShapeError(
      fn,
      `${what} has shape ${formatShape(t.shape)}; expected ${expected} (one example per row, ${nName} = ${n}${m === null ? '' : `, m = ${m} examples`}; use [1, ${n}] for a single example)`,
    );
  }
  if (t.dtype !== 'float64') throw new DTypeError(fn, `${what} has dtype ${t.dtype}; the comparison runs in float64, cast it with .cast('float64')`);
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) throw new ValueError(fn, `${what} holds ${d[i]} at flat position ${i}; every entry must be finite`);
  }
  return t;
}

/** x must be [m, n_1] and y [m, n_L], float64 and finite. */
export function checkBatch(fn: string, model: MLP, batch: unknown): CheckedBatch {
  if (typeof batch !== 'object' || batch === null) throw new ValueError(fn, `batch must be an object { x, y } of tensors, got ${describe(batch)}`);
  const { x, y } = batch as { x?: unknown; y?: unknown };
  const sizes = model.sizes;
  const xt = checkMatrix(fn, 'batch.x', x, null, sizes[0]!, 'n_1');
  const m = xt.shape[0]!;
  const yt = checkMatrix(fn, 'batch.y', y, m, sizes[sizes.length - 1]!, 'n_L');
  return { x: Float64Array.from(xt.data), y: Float64Array.from(yt.data), m };
}

/** Fills in the defaults and rejects unknown keys, costs, reductions, λ < 0, .... */
export function checkCompareOptions(fn: string, options: unknown): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(fn, `options must be an object with at least { cost: 'quadratic' | 'crossEntropy' }, got ${describe(options)}`);
  }
  checkKeys(fn, options, OPTION_KEYS);
  const o = options as Partial<CompareOptions>;
  const cost = checkChoice(fn, 'options.cost', o.cost, ['quadratic', 'crossEntropy'] as const);
  const reduction = checkChoice(fn, 'options.reduction', o.reduction ?? 'mean', REDUCTIONS);
  const notation = checkChoice(fn, 'options.notation', o.notation ?? 'nielsen', ['nielsen', 'ufldl'] as const);
  const rtol = checkPositive(fn, 'options.rtol', o.rtol ?? 1e-10, true);
  const atol = checkPositive(fn, 'options.atol', o.atol ?? 1e-12, true);
  return { cost, reduction, l2: checkL2(fn, o.l2), rtol, atol, notation };
}

function checkL2(fn: string, l2: unknown): ResolvedOptions['l2'] {
  if (l2 === undefined) return null;
  if (typeof l2 !== 'object' || l2 === null || Array.isArray(l2)) {
    throw new ValueError(fn, `options.l2 must be { lambda, convention: 'unscaled' | 'trainingSet', trainingSetSize? } or undefined, got ${describe(l2)}`);
  }
  checkKeys(fn, l2, L2_KEYS);
  const { lambda, convention, trainingSetSize } = l2 as { lambda?: unknown; convention?: unknown; trainingSetSize?: unknown };
  const lam = checkPositive(fn, 'options.l2.lambda (λ)', lambda, true);
  const conv = checkL2Convention(fn, 'options.l2.convention', convention);
  if (conv === 'unscaled') {
    if (trainingSetSize !== undefined) {
      throw new ValueError(fn, `options.l2.trainingSetSize is only used by convention 'trainingSet'; the 'unscaled' convention is (λ/2)·ΣW²`);
    }
    return { lambda: lam, convention: conv };
  }
  if (typeof trainingSetSize !== 'number' || !Number.isSafeInteger(trainingSetSize) || trainingSetSize < 1) {
    throw new ValueError(
      fn,
      `options.l2.trainingSetSize must be an integer ≥ 1 for convention 'trainingSet' (the n in λ/(2n)), got ${describe(trainingSetSize)}`,
    );
  }
  return { lambda: lam, convention: conv, trainingSetSize };
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * A matrix of shape `dims` given flat (row-major) or nested (one array per row, as written by
 * hand), checked and returned flat. A vector (`dims` of length 1) is flat only.
 */
function checkFlat(fn: string, what: string, v: unknown, dims: readonly number[]): ArrayLike<number> {
  const length = dims.reduce((a, b) => a * b, 1);
  const shape = formatShape(dims);
  const nestedOk = dims.length === 2;
  if (!isArrayLike(v)) {
    throw new ValueError(
      fn,
      `${what} must be ${nestedOk ? `${shape} as nested rows or ` : ''}a flat array of ${length} numbers (${shape} row-major), got ${describe(v)}`,
    );
  }
  const a = Array.isArray(v) && v.some(isArrayLike) ? checkNested(fn, what, v, dims) : v;
  if (a.length !== length) throw new ShapeError(fn, `${what} has ${a.length} entries; expected ${shape} = ${length} (row-major)`);
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number') throw new ValueError(fn, `${what}[${i}] is ${describe(a[i])}; expected a number`);
  }
  return a as ArrayLike<number>;
}

/** Nested rows [[...], [...]] of a [rows, cols] matrix, flattened row-major after their shape is checked. */
function checkNested(fn: string, what: string, v: unknown[], dims: readonly number[]): unknown[] {
  const shape = formatShape(dims);
  if (dims.length !== 2) throw new ValueError(fn, `${what} is a nested array; it is a vector of shape ${shape}, pass it flat`);
  const [rows, cols] = dims as [number, number];
  if (v.length !== rows) throw new ShapeError(fn, `${what} has ${v.length} rows; expected ${shape} (${rows} rows of ${cols})`);
  const out: unknown[] = [];
  v.forEach((row, r) => {
    if (!isArrayLike(row)) throw new ValueError(fn, `${what}[${r}] is ${describe(row)}; expected a row of ${cols} numbers (${what} is ${shape})`);
    if (row.length !== cols) throw new ShapeError(fn, `${what}[${r}] has ${row.length} entries; expected ${cols} (${what} is ${shape})`);
    for (let k = 0; k < cols; k++) out.push(row[k]);
  });
  return out;
}

function checkPerLayer(fn: string, what: string, v: unknown, depth: number): unknown[] {
  if (!Array.isArray(v)) throw new ValueError(fn, `${what} must be an array with one entry per weight layer (${depth}), got ${describe(v)}`);
  if (v.length !== depth)
    throw new ValueError(fn, `${what} has ${v.length} entries but the model has ${depth} weight layer(s) (layers 2..${depth + 1}); give one per layer`);
  return v;
}

/** The manual numbers, shape-checked against the model and the batch size m. */
export function checkManual(fn: string, model: MLP, manual: unknown, m: number): Side {
  if (typeof manual !== 'object' || manual === null) throw new ValueError(fn, `manual must be an object { gradW, gradB?, delta? }, got ${describe(manual)}`);
  checkKeys(fn, manual, ['gradW', 'gradB', 'delta']);
  const { gradW, gradB, delta } = manual as { gradW?: unknown; gradB?: unknown; delta?: unknown };
  const sizes = model.sizes;
  const depth = sizes.length - 1;
  const outW = checkPerLayer(fn, 'manual.gradW', gradW, depth).map((g, i) =>
    checkFlat(fn, `manual.gradW[${i}] (∂C/∂w^${i + 2})`, g, [sizes[i + 1]!, sizes[i]!]),
  );
  const outB =
    gradB === undefined
      ? new Array<null>(depth).fill(null)
      : checkPerLayer(fn, 'manual.gradB', gradB, depth).map((g, i) => {
          if (g === null) return null;
          if (model.layers[i]!.bias === null) throw new ValueError(fn, `manual.gradB[${i}] is given but layer ${i + 2} has no bias; pass null there`);
          return checkFlat(fn, `manual.gradB[${i}] (∂C/∂b^${i + 2})`, g, [sizes[i + 1]!]);
        });
  const outD =
    delta === undefined
      ? new Array<null>(depth).fill(null)
      : checkPerLayer(fn, 'manual.delta', delta, depth).map((d, i) =>
          d === null ? null : checkFlat(fn, `manual.delta[${i}] (δ^${i + 2})`, d, [m, sizes[i + 1]!]),
        );
  return { gradW: outW, gradB: outB, delta: outD };
}

/** The model's numbers copied into the reference's plain-array network (no shared storage). */
export function toRefNetwork(model: MLP): RefNetwork {
  return {
    sizes: [...model.sizes],
    weights: model.layers.map((layer) => Float64Array.from(layer.weight.data)),
    biases: model.layers.map((layer) => (layer.bias === null ? null : Float64Array.from(layer.bias.data))),
    activations: model.activations.map((f) => f.kind as RefActivation),
  };
}
