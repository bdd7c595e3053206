import { describe, expect, it } from 'vitest';
import { type Tensor, ValueError, tensor } from '@pullback/autograd';
import { Adam, AdamW } from '../../src/index.ts';
import { expectClose, expectError, snapshot } from '../helpers.ts';

function param(values: number[], dtype: 'float64' | 'float32' = 'float64'): Tensor {
  return tensor(values, { requiresGrad: true, dtype });
}

/**
 * Adam as written in Kingma & Ba (Algorithm 1), with PyTorch's two weight-decay placements:
 * 'l2' adds wd·p to g; 'decoupled' (AdamW) shrinks p by (1 − η·wd) before the step.
 */
function adamByHand(p0: number[], grads: number[][], o: { lr: number; b1: number; b2: number; eps: number; wd: number; mode: 'l2' | 'decoupled' }): number[][] {
  let p = [...p0];
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  const out: number[][] = [];
  grads.forEach((raw, k) => {
    const t = k + 1;
    if (o.mode === 'decoupled') p = p.map((x) => x - o.lr * o.wd * x);
    const g = raw.map((gi, i) => (o.mode === 'l2' ? gi + o.wd * p[i]! : gi));
    m = m.map((mi, i) => o.b1 * mi + (1 - o.b1) * g[i]!);
    v = v.map((vi, i) => o.b2 * vi + (1 - o.b2) * g[i]! * g[i]!);
    const mHat = m.map((mi) => mi / (1 - o.b1 ** t));
    const vHat = v.map((vi) => vi / (1 - o.b2 ** t));
    p = p.map((x, i) => x - (o.lr * mHat[i]!) / (Math.sqrt(vHat[i]!) + o.eps));
    out.push([...p]);
  });
  return out;
}

const GRADS = [
  [0.1, -3],
  [0.4, -1],
  [-0.2, 0.5],
];

describe('Adam', () => {
  it('matches the formulas over three steps (defaults lr 1e-3, betas [0.9, 0.999], eps 1e-8)', () => {
    const p = param([1, -1]);
    const opt = new Adam([p]);
    const expected = adamByHand([1, -1], GRADS, { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0, mode: 'l2' });
    GRADS.forEach((g, k) => {
      p.grad = tensor(g);
      opt.step();
      expectClose(p.data, expected[k]!, 1e-14);
    });
    const s = opt.state.get(p)!;
    expect(s.step).toBe(3);
    // m and v after three steps, by hand.
    const m = [0, 1].map((i) => 0.1 * 0.9 ** 2 * GRADS[0]![i]! + 0.1 * 0.9 * GRADS[1]![i]! + 0.1 * GRADS[2]![i]!);
    const v = [0, 1].map((i) => 0.001 * (0.999 ** 2 * GRADS[0]![i]! ** 2 + 0.999 * GRADS[1]![i]! ** 2 + GRADS[2]![i]! ** 2));
    expectClose(s.expAvg.data, m, 1e-14);
    expectClose(s.expAvgSq.data, v, 1e-14);
  });

  it('first step moves each coordinate by lr·g/(|g| + ε) ≈ lr·sign(g), whatever the scale of g', () => {
    const p = param([1, -1, 0]);
    const opt = new Adam([p], { lr: 0.01 });
    p.grad = tensor([1e-3, -300, 5]);
    opt.step();
    expectClose(p.data, [1 - 0.01 * (1e-3 / (1e-3 + 1e-8)), -1 + 0.01 * (300 / (300 + 1e-8)), -0.01 * (5 / (5 + 1e-8))], 1e-14);
  });

  it('weight decay is L2 added to the gradient (PyTorch Adam)', () => {
    const p = param([2, -0.5]);
    const opt = new Adam([p], { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1 });
    const expected = adamByHand([2, -0.5], GRADS, { lr: 0.05, b1: 0.8, b2: 0.99, eps: 1e-6, wd: 0.1, mode: 'l2' });
    GRADS.forEach((g, k) => {
      p.grad = tensor(g);
      opt.step();
      expectClose(p.data, expected[k]!, 1e-14);
    });
  });

  it('keeps float32 state for float32 parameters', () => {
    const p = param([1, 2], 'float32');
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = tensor([1, 1], { dtype: 'float32' });
    opt.step();
    expect(opt.state.get(p)!.expAvg.dtype).toBe('float32');
    expectClose(p.data, [0.9, 1.9], 1e-6);
  });

  it('rejects bad hyper-parameters without creating state or touching parameters', () => {
    const p = param([1]);
    p.grad = tensor([1]);
    const before = snapshot([p]);
    expectError(() => new Adam([p], { lr: 0 }), ValueError, 'Adam', 'learning rate');
    expectError(() => new Adam([p], { betas: [0.9, 1] }), ValueError, 'Adam', 'betas', '[0.9, 1]');
    expectError(() => new Adam([p], { betas: [-0.1, 0.9] }), ValueError, 'Adam', 'betas');
    expectError(() => new Adam([p], { betas: [0.9] as never }), ValueError, 'Adam', 'betas');
    expectError(() => new Adam([p], { eps: 0 }), ValueError, 'Adam', 'eps');
    expectError(() => new Adam([p], { weightDecay: -0.1 }), ValueError, 'Adam', 'weightDecay');
    expectError(() => new AdamW([p], { eps: -1 }), ValueError, 'AdamW', 'eps');
    expect(snapshot([p])).toEqual(before);
  });
});

describe('AdamW', () => {
  it('decays decoupled: p ← p(1 − η·wd), then the Adam step on the raw gradient (default wd 1e-2)', () => {
    const p = param([1, -1]);
    const opt = new AdamW([p], { lr: 0.01 });
    expect(opt.weightDecay).toBe(0.01);
    const expected = adamByHand([1, -1], GRADS, { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.01, mode: 'decoupled' });
    GRADS.forEach((g, k) => {
      p.grad = tensor(g);
      opt.step();
      expectClose(p.data, expected[k]!, 1e-14);
    });
  });

  it('differs from Adam with the same weight decay (the point of decoupling)', () => {
    const a = param([3]);
    const b = param([3]);
    const adam = new Adam([a], { lr: 0.1, weightDecay: 0.5 });
    const adamw = new AdamW([b], { lr: 0.1, weightDecay: 0.5 });
    a.grad = tensor([0.01]);
    b.grad = tensor([0.01]);
    adam.step();
    adamw.step();
    // Adam: g = 0.01 + 1.5 → first step −0.1·sign; AdamW: 3·(1 − 0.05) − 0.1.
    expect(a.data[0]).toBeCloseTo(2.9, 8);
    expect(b.data[0]).toBeCloseTo(2.85 - 0.1, 6);
  });
});
