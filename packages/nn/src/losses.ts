// Cost functions: prediction and target in, a 0-d tensor out, differentiable in the prediction.
// Two conventions live side by side, and each function's JSDoc says which it follows:
// per-example costs summed over the last axis then averaged over the batch (Nielsen and the
// seeds: quadraticCost, crossEntropyCost, softmaxCrossEntropy), and PyTorch's elementwise
// losses averaged over ALL elements (mseLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits).
import {
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  add,
  defineOp,
  div,
  formatShape,
  formatValue,
  gather,
  log,
  logSoftmax,
  maximum,
  mean,
  mul,
  neg,
  reshape,
  sigmoid,
  softplus,
  square,
  sub,
  sum,
  tensor,
} from '@pullback/autograd';
import { primitive, record } from '@pullback/autograd/internal';
import { checkChoice, checkOptions, checkPair, checkTensor, describe, sameShape } from './internal/check.ts';

export type Reduction = 'mean' | 'sum';
export interface LossOptions {
  /** 'mean' (default) or 'sum'; over what depends on the loss, see its JSDoc. */
  reduction?: Reduction;
}

export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum'];

/** The ε below which probabilities are clamped inside a log. */
export const LOG_EPSILON = 1e-12;

function reductionOf(fn: string, options: unknown): Reduction {
  return checkChoice(fn, 'reduction', checkOptions<LossOptions>(fn, options, ['reduction']).reduction ?? 'mean', REDUCTIONS);
}

function reduce(x: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? mean(x) : sum(x);
}

function checkRank(fn: string, what: string, x: Tensor): void {
  if (x.shape.length === 0) {
    throw new ShapeError(fn, `${what} has shape []; expected at least one axis (the outputs of one example, [n], or a batch, [batch, n])`);
  }
}

/**
 * ln max(x, ε). Fused so that the pullback is dy / max(x, ε) rather than the 0 a clamp would
 * give: a prediction of exactly 0 for a true class still gets a large (finite) push.
 */
const clampedLog = defineOp('clampedLog', (x: Tensor) => ({
  output: log(maximum(x, LOG_EPSILON)),
  // y = ln max(x, ε)  =>  dx = dy / max(x, ε)   (straight through the clamp; written with
  // engine ops on x so that second derivatives, e.g. a Hessian, are exact too)
  pullback: (dy: Tensor) => [div(dy, maximum(x, LOG_EPSILON))],
}));

/** −[y ln p + (1 − y) ln(1 − p)] elementwise, with both logs clamped at ε. */
function bernoulliNll(p: Tensor, y: Tensor): Tensor {
  return neg(add(mul(y, clampedLog(p)), mul(sub(1, y), clampedLog(sub(1, p)))));
}

function checkProbabilities(fn: string, p: Tensor): void {
  const d = p.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i]! >= 0 && d[i]! <= 1)) {
      throw new ValueError(fn, `prediction ${d[i]} at flat position ${i} is not a probability in [0, 1]; pass logits to binaryCrossEntropyWithLogits instead`);
    }
  }
}

// Fused as PyTorch's mse_loss: the cost of a small batch is a handful of numbers, and five ops
// (sub, square, sum, scale, mean) each way cost more than the arithmetic. Its composite form,
// a − y, its square, the sums and the scale, is what traces show (expandComposite).
const QUADRATIC_COST = primitive('quadraticCost', '∂C/∂a = s (a − y), ∂C/∂y = −s (a − y)', {
  composite: ([a, y]: readonly Tensor[], attrs) => {
    const perExample = mul(sum(square(sub(a!, y!)), -1), 0.5);
    return reduce(perExample, (attrs?.reduction ?? 'mean') as Reduction);
  },
});

/**
 * Quadratic cost (Nielsen eq. 6, seed 002 eq. 5): C_x = ½‖a − y‖² summed over the last axis,
 * then C = (1/m) Σ_x C_x ('mean', default) or Σ_x C_x ('sum') over the m examples.
 */
export function quadraticCost(a: Tensor, y: Tensor, options?: LossOptions): Tensor {
  const [p, t, reduction] = quadraticArgs(a, y, options);
  let examples = 1;
  for (let i = 0; i < p.rank - 1; i++) examples *= p.shape[i]!;
  const scale = reduction === 'mean' ? 1 / examples : 1;
  const P = p.data;
  const T = t.data;
  let total = 0;
  for (let i = 0; i < P.length; i++) {
    const d = P[i]! - T[i]!;
    total += d * d;
  }
  const cost = tensor(0.5 * total * scale, { dtype: p.dtype });
  // C = s Σ ½(a − y)²  =>  da = s dC (a − y), dy = −da   (with engine ops, so second
  // derivatives are exact too)
  return record(
    QUADRATIC_COST,
    [p, t],
    cost,
    (dc: Tensor, needs: readonly boolean[]) => {
      const da = mul(sub(p, t), mul(dc, scale));
      return [needs[0] ? da : null, needs[1] ? neg(da) : null];
    },
    { reduction },
  );
}

/** quadraticCost's arguments, checked (both forms report as quadraticCost). */
function quadraticArgs(a: Tensor, y: Tensor, options: LossOptions | undefined): [Tensor, Tensor, Reduction] {
  const fn = 'quadraticCost';
  const [p, t] = checkPair(fn, a, y);
  checkRank(fn, 'prediction', p);
  return [p, t, reductionOf(fn, options)];
}

/** PyTorch's MSELoss: (1/N) Σ_i (a_i − y_i)² over ALL N elements ('mean', default), or the sum. */
export function mseLoss(a: Tensor, y: Tensor, options?: LossOptions): Tensor {
  const fn = 'mseLoss';
  const [p, t] = checkPair(fn, a, y);
  const reduction = reductionOf(fn, options);
  return reduce(square(sub(p, t)), reduction);
}

/**
 * PyTorch's BCELoss from probabilities p ∈ [0, 1]: ℓ_i = −[y_i ln p_i + (1 − y_i) ln(1 − p_i)],
 * averaged over ALL elements ('mean', default) or summed. Inside the logs p is clamped to
 * [ε, 1 − ε], ε = 1e-12 (ln max(p, ε), ln max(1 − p, ε)), so p = 0 or 1 gives a finite loss of
 * at most −ln ε ≈ 27.6 per element (PyTorch clamps the log at −100 instead); the gradient passes
 * straight through the clamp. Prefer `binaryCrossEntropyWithLogits` when you have logits.
 */
export function binaryCrossEntropy(p: Tensor, y: Tensor, options?: LossOptions): Tensor {
  const fn = 'binaryCrossEntropy';
  const [pp, t] = checkPair(fn, p, y);
  const reduction = reductionOf(fn, options);
  checkProbabilities(fn, pp);
  return reduce(bernoulliNll(pp, t), reduction);
}

/**
 * PyTorch's BCEWithLogitsLoss: ℓ_i = softplus(z_i) − y_i z_i (= BCE of σ(z_i)), averaged over ALL
 * elements ('mean', default) or summed. Exact and finite for any |z| (1000 included): no σ, no
 * log of a rounded probability. ∂ℓ/∂z = σ(z) − y.
 */
export function binaryCrossEntropyWithLogits(z: Tensor, y: Tensor, options?: LossOptions): Tensor {
  const fn = 'binaryCrossEntropyWithLogits';
  const [logits, t] = checkPair(fn, z, y, ['logits', 'target']);
  const reduction = reductionOf(fn, options);
  return reduce(sub(softplus(logits), mul(t, logits)), reduction);
}

/**
 * Nielsen's cross-entropy cost (ch. 3, eq. 63): C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)]
 * summed over the last axis, then averaged over the batch ('mean', default) or summed. For a
 * [batch, n] input this is n times binaryCrossEntropy's 'mean'.
 *
 * When `a` is the recorded output of `sigmoid(z)` the cost is computed from the logits z as
 * y·softplus(−z) + (1 − y)·softplus(z) (the same number), so that δ^L = a^L − y holds exactly at
 * any |z|: from the rounded probabilities it would lose ε·e^|z| and fail past |z| ≈ 28, bringing
 * back the saturation slowdown this cost exists to remove (as Keras does for sigmoid outputs).
 * Otherwise (an `a` not on the tape, e.g. under noGrad) the logs are clamped as in
 * `binaryCrossEntropy`, which differs from the exact value only past |z| ≈ 28.
 */
export function crossEntropyCost(a: Tensor, y: Tensor, options?: LossOptions): Tensor {
  const fn = 'crossEntropyCost';
  const [p, t] = checkPair(fn, a, y);
  checkRank(fn, 'prediction', p);
  const reduction = reductionOf(fn, options);
  checkProbabilities(fn, p);
  // By identity, never by name: a user op called 'sigmoid' is not the engine's sigmoid.
  const z = p.primitive === sigmoid.primitive && p.inputs !== null ? (p.inputs[0] as Tensor) : null;
  const perUnit = z === null ? bernoulliNll(p, t) : add(mul(t, softplus(neg(z))), mul(sub(1, t), softplus(z)));
  return reduce(sum(perUnit, -1), reduction);
}

/** Class labels for `logits` of shape [...batch, C]: the flat indices into the [M·C] flattening. */
function flatLabelIndices(fn: string, labels: ArrayLike<number>, classes: number): number[] {
  const out = new Array<number>(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new ValueError(fn, `label ${formatValue(c)} at position ${i} is not a class index in [0, ${classes - 1}] (the logits have ${classes} classes)`);
    }
    out[i] = i * classes + c;
  }
  return out;
}

/**
 * Softmax cross-entropy (PyTorch's CrossEntropyLoss) from logits of shape [batch, C] (or [C]):
 * C_x = −ln softmax(z)_{label} = logSumExp(z) − z_{label} for integer labels (number[] or a
 * Tensor of class indices, shape [batch]; a number for one example), or C_x = −Σ_j y_j ln
 * softmax(z)_j for probability / one-hot targets (a Tensor of the logits' shape). Averaged over
 * the batch ('mean', default) or summed. Computed with logSoftmax: finite for logits of ±1000.
 * ∂C_x/∂z = softmax(z) − y.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor | readonly number[] | number, options?: LossOptions): Tensor {
  const fn = 'softmaxCrossEntropy';
  const z = checkTensor(fn, 'logits', logits);
  checkRank(fn, 'logits', z);
  const reduction = reductionOf(fn, options);
  const batchShape = z.shape.slice(0, -1);
  const classes = z.shape[z.shape.length - 1]!;
  if (labels instanceof Tensor && sameShape(labels.shape, z.shape)) {
    if (labels.dtype !== z.dtype) {
      throw new DTypeError(fn, `logits have dtype ${z.dtype} but the target probabilities have dtype ${labels.dtype}; cast one with .cast('${z.dtype}')`);
    }
    return reduce(neg(sum(mul(labels, logSoftmax(z, -1)), -1)), reduction);
  }
  let indices: ArrayLike<number>;
  let labelShape: readonly number[];
  if (typeof labels === 'number') {
    indices = [labels];
    labelShape = [];
  } else if (labels instanceof Tensor) {
    indices = labels.data;
    labelShape = labels.shape;
  } else if (Array.isArray(labels)) {
    indices = labels;
    labelShape = [labels.length];
  } else {
    throw new ValueError(fn, `labels must be class indices (number[], a number or a Tensor) or a Tensor of target probabilities, got ${describe(labels)}`);
  }
  if (!sameShape(labelShape, batchShape)) {
    throw new ShapeError(
      fn,
      `logits have shape ${formatShape(z.shape)}, so labels must be class indices of shape ${formatShape(batchShape)}` +
        ` or probabilities of shape ${formatShape(z.shape)}; got labels of shape ${formatShape(labelShape)}`,
    );
  }
  const flat = flatLabelIndices(fn, indices, classes);
  const picked = gather(reshape(logSoftmax(z, -1), [z.size]), flat);
  return reduce(neg(reshape(picked, batchShape)), reduction);
}
