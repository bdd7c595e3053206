// "Closed form on the same kernels": an MLP trained with Nielsen's four backpropagation equations
// written out by hand on preallocated typed arrays, calling the engine's own `gemm` and nothing
// else of it. No tape, no Tensor objects, no allocation per step. Pullback's time over this one's
// is therefore what the tape, the Tensor wrappers and the per-op allocations cost.
//
// (STYLE.md keeps the closed-form *reference* in packages/nn/src/reference free of engine code,
// so that it can check the engine. This copy has the opposite purpose — to share the kernels so
// only the bookkeeping differs — and lives in bench/, where it checks nothing.)
//
//   z^l = a^{l−1} Wᵀ + b,  a^l = f(z^l)
//   BP1  δ^L = ∇_a C ⊙ f'(z^L)        (softmax + cross-entropy: δ^L = softmax(z^L) − y)
//   BP2  δ^l = (δ^{l+1} W^{l+1}) ⊙ f'(z^l)
//   BP3  ∂C/∂b^l = Σ_batch δ^l
//   BP4  ∂C/∂W^l = (δ^l)ᵀ a^{l−1}
// with C the mean over the batch, so every δ^L carries a factor 1/m.
import { gemm } from '../packages/autograd/src/gemm.ts';
import type { DType, TypedArray } from '@pullback/autograd';

export type Hidden = 'sigmoid' | 'relu';
/** 'sigmoid-quadratic': Nielsen ch. 1; 'softmax-ce': logits + softmax cross-entropy. */
export type Head = 'sigmoid-quadratic' | 'softmax-ce';

function alloc(dtype: DType, n: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

export class ClosedFormMLP {
  readonly weights: TypedArray[];
  readonly biases: TypedArray[];
  private readonly dW: TypedArray[];
  private readonly db: TypedArray[];
  /** z^l, a^l, δ^l per layer and the input batch, for up to `capacity` rows. */
  private z: TypedArray[] = [];
  private a: TypedArray[] = [];
  private delta: TypedArray[] = [];
  private x: TypedArray;
  private capacity = 0;

  constructor(
    readonly sizes: readonly number[],
    readonly hidden: Hidden,
    readonly head: Head,
    readonly dtype: DType,
  ) {
    const L = sizes.length - 1;
    this.weights = Array.from({ length: L }, (_, l) => alloc(dtype, sizes[l + 1]! * sizes[l]!));
    this.biases = Array.from({ length: L }, (_, l) => alloc(dtype, sizes[l + 1]!));
    this.dW = this.weights.map((w) => alloc(dtype, w.length));
    this.db = this.biases.map((b) => alloc(dtype, b.length));
    this.x = alloc(dtype, 0);
    this.reserve(1);
  }

  /** Copy initial parameters (so every peer starts from the same point). */
  load(weights: readonly ArrayLike<number>[], biases: readonly ArrayLike<number>[]): void {
    weights.forEach((w, l) => {
      this.weights[l]!.set(w);
    });
    biases.forEach((b, l) => {
      this.biases[l]!.set(b);
    });
  }

  private reserve(m: number): void {
    if (m <= this.capacity) return;
    const L = this.sizes.length - 1;
    this.x = alloc(this.dtype, m * this.sizes[0]!);
    this.z = Array.from({ length: L }, (_, l) => alloc(this.dtype, m * this.sizes[l + 1]!));
    this.a = Array.from({ length: L }, (_, l) => alloc(this.dtype, m * this.sizes[l + 1]!));
    this.delta = Array.from({ length: L }, (_, l) => alloc(this.dtype, m * this.sizes[l + 1]!));
    this.capacity = m;
  }

  /** Copy rows `order[start .. start+m)` of `images` ([n, 784] flat) into the input batch. */
  gatherRows(images: TypedArray, order: ArrayLike<number>, start: number, m: number): void {
    this.reserve(m);
    const d = this.sizes[0]!;
    for (let i = 0; i < m; i++) this.x.set(images.subarray(order[start + i]! * d, (order[start + i]! + 1) * d), i * d);
  }

  /** Forward pass on the gathered batch; returns the output activations (probabilities for softmax-ce). */
  forward(m: number): TypedArray {
    const L = this.sizes.length - 1;
    let input = this.x;
    for (let l = 0; l < L; l++) {
      const nIn = this.sizes[l]!,
        nOut = this.sizes[l + 1]!;
      const z = this.z[l]!,
        a = this.a[l]!,
        b = this.biases[l]!;
      gemm(input, 0, this.weights[l]!, 0, z, 0, m, nIn, nOut, false, true);
      for (let i = 0; i < m; i++) for (let j = 0; j < nOut; j++) z[i * nOut + j] = z[i * nOut + j]! + b[j]!;
      const last = l === L - 1;
      if (last && this.head === 'softmax-ce') softmaxRows(z, a, m, nOut);
      else if (!last && this.hidden === 'relu') for (let i = 0; i < m * nOut; i++) a[i] = Math.max(z[i]!, 0);
      else for (let i = 0; i < m * nOut; i++) a[i] = sigmoid(z[i]!);
      input = a;
    }
    return this.a[L - 1]!;
  }

  /** BP1–BP4 for the batch after `forward(m)`; labels[order[start + i]] are the targets. Fills dW, db. */
  backward(labels: TypedArray, order: ArrayLike<number>, start: number, m: number): void {
    const L = this.sizes.length - 1;
    const classes = this.sizes[L]!;
    const out = this.a[L - 1]!,
      dL = this.delta[L - 1]!;
    // BP1, with C = (1/m) Σ_x C_x.
    for (let i = 0; i < m; i++) {
      const label = labels[order[start + i]!]!;
      for (let j = 0; j < classes; j++) {
        const k = i * classes + j;
        const y = j === label ? 1 : 0;
        dL[k] = this.head === 'softmax-ce' ? (out[k]! - y) / m : ((out[k]! - y) * out[k]! * (1 - out[k]!)) / m;
      }
    }
    for (let l = L - 1; l >= 0; l--) {
      const nIn = this.sizes[l]!,
        nOut = this.sizes[l + 1]!;
      const delta = this.delta[l]!;
      const prev = l === 0 ? this.x : this.a[l - 1]!;
      // BP4: dW = δᵀ a^{l−1}   ([nOut × m] · [m × nIn])
      gemm(delta, 0, prev, 0, this.dW[l]!, 0, nOut, m, nIn, true, false);
      // BP3: db = Σ_rows δ
      const db = this.db[l]!;
      db.fill(0);
      for (let i = 0; i < m; i++) for (let j = 0; j < nOut; j++) db[j] = db[j]! + delta[i * nOut + j]!;
      if (l === 0) break;
      // BP2: δ^{l−1} = (δ W) ⊙ f'(z^{l−1})
      const below = this.delta[l - 1]!,
        zb = this.z[l - 1]!,
        ab = this.a[l - 1]!;
      gemm(delta, 0, this.weights[l]!, 0, below, 0, m, nOut, nIn, false, false);
      if (this.hidden === 'relu') for (let i = 0; i < m * nIn; i++) below[i] = zb[i]! > 0 ? below[i]! : 0;
      else for (let i = 0; i < m * nIn; i++) below[i] = below[i]! * ab[i]! * (1 - ab[i]!);
    }
  }

  /** w ← w − η ∂C/∂w for every parameter. */
  update(lr: number): void {
    for (let l = 0; l < this.weights.length; l++) {
      axpy(this.weights[l]!, this.dW[l]!, -lr);
      axpy(this.biases[l]!, this.db[l]!, -lr);
    }
  }

  /** One SGD step on rows order[start .. start+m). */
  trainStep(images: TypedArray, labels: TypedArray, order: ArrayLike<number>, start: number, m: number, lr: number): void {
    this.gatherRows(images, order, start, m);
    this.forward(m);
    this.backward(labels, order, start, m);
    this.update(lr);
  }

  /** Fraction of `count` rows of `images` whose argmax output equals the label. */
  accuracy(images: TypedArray, labels: TypedArray, count: number): number {
    const chunk = 1000;
    const classes = this.sizes[this.sizes.length - 1]!;
    const order = Int32Array.from({ length: count }, (_, i) => i);
    let correct = 0;
    for (let start = 0; start < count; start += chunk) {
      const m = Math.min(chunk, count - start);
      this.gatherRows(images, order, start, m);
      const out = this.forward(m);
      for (let i = 0; i < m; i++) if (argmaxRow(out, i, classes) === labels[start + i]) correct++;
    }
    return correct / count;
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function softmaxRows(z: TypedArray, a: TypedArray, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, z[i * n + j]!);
    let s = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(z[i * n + j]! - max);
      a[i * n + j] = e;
      s += e;
    }
    for (let j = 0; j < n; j++) a[i * n + j] = a[i * n + j]! / s;
  }
}

/** y ← y + αx, unrolled by 8 as the engine's SGD loop (packages/nn/src/optim/sgd.ts), so the two stay on equal terms. */
function axpy(y: TypedArray, x: TypedArray, alpha: number): void {
  const n = y.length;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    y[i] = y[i]! + alpha * x[i]!;
    y[i + 1] = y[i + 1]! + alpha * x[i + 1]!;
    y[i + 2] = y[i + 2]! + alpha * x[i + 2]!;
    y[i + 3] = y[i + 3]! + alpha * x[i + 3]!;
    y[i + 4] = y[i + 4]! + alpha * x[i + 4]!;
    y[i + 5] = y[i + 5]! + alpha * x[i + 5]!;
    y[i + 6] = y[i + 6]! + alpha * x[i + 6]!;
    y[i + 7] = y[i + 7]! + alpha * x[i + 7]!;
  }
  for (; i < n; i++) y[i] = y[i]! + alpha * x[i]!;
}

export function argmaxRow(x: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (x[row * k + j]! > x[row * k + best]!) best = j;
  return best;
}
