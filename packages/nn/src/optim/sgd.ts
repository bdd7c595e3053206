import { ValueError, zeros } from '@pullback/autograd';
import type { Tensor, TypedArray } from '@pullback/autograd';
import { checkBoolean, checkOptions, checkPositive } from '../internal/check.ts';
import { Optimizer } from './optimizer.ts';
import type { Params } from './optimizer.ts';

export interface SGDOptions {
  /** Learning rate η > 0 (required). */
  lr: number;
  /** Momentum μ ≥ 0 (default 0: plain SGD). */
  momentum?: number;
  /** Nesterov momentum (needs μ > 0). */
  nesterov?: boolean;
  /** L2 weight decay wd ≥ 0, added to the gradient (applies to every parameter given, biases too). */
  weightDecay?: number;
}

export interface SGDState {
  /** Updates taken so far. */
  step: number;
  /** v, null when μ = 0. */
  momentumBuffer: Tensor | null;
}

/**
 * Stochastic gradient descent with PyTorch's semantics: g = ∇ + wd·p; with momentum μ,
 * v = g on the first step and v = μ v + g after; the step direction d is v, or g + μ v with
 * Nesterov (d = g without momentum); p ← p − η d.
 */
export class SGD extends Optimizer<SGDState> {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: Params, options: SGDOptions) {
    const fn = 'SGD';
    const o = checkOptions<SGDOptions>(fn, options, ['lr', 'momentum', 'nesterov', 'weightDecay']);
    if (o.lr === undefined) throw new ValueError(fn, `options.lr (the learning rate) is required, e.g. new SGD(params, { lr: 0.1 })`);
    const momentum = checkPositive(fn, 'momentum', o.momentum ?? 0, true);
    const weightDecay = checkPositive(fn, 'weightDecay', o.weightDecay ?? 0, true);
    const nesterov = checkBoolean(fn, 'nesterov', o.nesterov ?? false);
    if (nesterov && momentum === 0) throw new ValueError(fn, `nesterov momentum requires momentum > 0, got momentum ${momentum}`);
    super(fn, params, o.lr);
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  protected initState(p: Tensor): SGDState {
    return { step: 0, momentumBuffer: this.momentum === 0 ? null : zeros(p.shape, p.dtype) };
  }

  protected update(p: TypedArray, grad: TypedArray, state: SGDState): void {
    const { momentum: mu, nesterov, weightDecay: wd, lr } = this;
    const v = state.momentumBuffer?.data ?? null;
    const first = state.step === 0;
    state.step++;
    if (v === null && wd === 0) {
      descend(p, grad, lr);
      return;
    }
    for (let i = 0; i < p.length; i++) {
      const g = grad[i]! + wd * p[i]!;
      let d = g;
      if (v !== null) {
        v[i] = first ? g : mu * v[i]! + g;
        d = nesterov ? g + mu * v[i]! : v[i]!;
      }
      p[i] = p[i]! - lr * d;
    }
  }
}

/**
 * Plain SGD, p ← p − η ∇: the common case, in a loop of its own without the general one's
 * branches, unrolled by 8 (V8 does not unroll or vectorize loops itself).
 */
function descend(p: TypedArray, grad: TypedArray, lr: number): void {
  const n = p.length;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    p[i] = p[i]! - lr * grad[i]!;
    p[i + 1] = p[i + 1]! - lr * grad[i + 1]!;
    p[i + 2] = p[i + 2]! - lr * grad[i + 2]!;
    p[i + 3] = p[i + 3]! - lr * grad[i + 3]!;
    p[i + 4] = p[i + 4]! - lr * grad[i + 4]!;
    p[i + 5] = p[i + 5]! - lr * grad[i + 5]!;
    p[i + 6] = p[i + 6]! - lr * grad[i + 6]!;
    p[i + 7] = p[i + 7]! - lr * grad[i + 7]!;
  }
  for (; i < n; i++) p[i] = p[i]! - lr * grad[i]!;
}
