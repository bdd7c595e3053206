import { ValueError, zeros } from '@pullback/autograd';
import type { Tensor, TypedArray } from '@pullback/autograd';
import { checkOptions, checkPositive, describe } from '../internal/check.ts';
import { Optimizer } from './optimizer.ts';
import type { Params } from './optimizer.ts';

export interface AdamOptions {
  /** Learning rate η > 0 (default 1e-3). */
  lr?: number;
  /** [β₁, β₂], each in [0, 1) (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** ε > 0 added to √v̂ (default 1e-8). */
  eps?: number;
  /** Weight decay wd ≥ 0 (default 0 for Adam, 1e-2 for AdamW, as PyTorch). */
  weightDecay?: number;
}

export interface AdamState {
  /** t, the number of updates so far. */
  step: number;
  /** m, the first-moment estimate. */
  expAvg: Tensor;
  /** v, the second-moment estimate. */
  expAvgSq: Tensor;
}

function checkBetas(fn: string, betas: unknown): [number, number] {
  const ok = Array.isArray(betas) && betas.length === 2 && betas.every((b) => typeof b === 'number' && b >= 0 && b < 1);
  if (!ok) throw new ValueError(fn, `betas must be two numbers in [0, 1), got ${Array.isArray(betas) ? `[${betas.join(', ')}]` : describe(betas)}`);
  return [betas[0], betas[1]];
}

/** Shared by Adam and AdamW; `decoupled` picks where weight decay enters. */
abstract class AdamBase extends Optimizer<AdamState> {
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private readonly decoupled: boolean;

  protected constructor(fn: string, params: Params, options: AdamOptions | undefined, decoupled: boolean) {
    const o = checkOptions<AdamOptions>(fn, options, ['lr', 'betas', 'eps', 'weightDecay']);
    const betas = checkBetas(fn, o.betas ?? [0.9, 0.999]);
    const eps = checkPositive(fn, 'eps', o.eps ?? 1e-8);
    const weightDecay = checkPositive(fn, 'weightDecay', o.weightDecay ?? (decoupled ? 1e-2 : 0), true);
    super(fn, params, o.lr ?? 1e-3);
    this.betas = betas;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
  }

  protected initState(p: Tensor): AdamState {
    return { step: 0, expAvg: zeros(p.shape, p.dtype), expAvgSq: zeros(p.shape, p.dtype) };
  }

  protected update(p: TypedArray, grad: TypedArray, state: AdamState): void {
    const [b1, b2] = this.betas;
    const { eps, weightDecay: wd, lr, decoupled } = this;
    const m = state.expAvg.data;
    const v = state.expAvgSq.data;
    const t = ++state.step;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    for (let i = 0; i < p.length; i++) {
      if (decoupled) p[i] = p[i]! * (1 - lr * wd);
      const g = decoupled ? grad[i]! : grad[i]! + wd * p[i]!;
      // m ← m + (1 − β₁)(g − m) is β₁m + (1 − β₁)g written as PyTorch's lerp.
      m[i] = m[i]! + (1 - b1) * (g - m[i]!);
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      p[i] = p[i]! - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + eps);
    }
  }
}

/**
 * Adam (Kingma & Ba) with PyTorch's semantics: g = ∇ + wd·p (L2 in the gradient);
 * m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², p ← p − η m̂ / (√v̂ + ε) with
 * m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).
 */
export class Adam extends AdamBase {
  constructor(params: Params, options?: AdamOptions) {
    super('Adam', params, options, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter) with PyTorch's semantics: decoupled weight decay
 * p ← p − η·wd·p first, then the Adam step on the raw gradient. Default wd = 1e-2.
 */
export class AdamW extends AdamBase {
  constructor(params: Params, options?: AdamOptions) {
    super('AdamW', params, options, true);
  }
}
