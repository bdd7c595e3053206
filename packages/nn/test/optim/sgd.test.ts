import { describe, expect, it } from 'vitest';
import { DTypeError, type Tensor, ValueError, mul, sum, tensor } from '@pullback/autograd';
import { Linear, SGD, gradientDescentStep } from '../../src/index.ts';
import { expectClose, expectError, snapshot } from '../helpers.ts';

/** A parameter whose gradient we set by hand, so steps can be checked against plain formulas. */
function param(values: number[]): Tensor {
  return tensor(values, { requiresGrad: true });
}
function setGrad(p: Tensor, g: number[]): void {
  p.grad = tensor(g);
}

describe('SGD', () => {
  it('plain SGD: p ← p − η g', () => {
    const p = param([1, -2]);
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, [0.5, -1]);
    opt.step();
    expectClose(p.data, [1 - 0.05, -2 + 0.1], 1e-15);
    expect(opt.state.get(p)!.momentumBuffer).toBeNull();
  });

  it('momentum (PyTorch): v₁ = g₁, v_t = μv + g_t, p ← p − η v', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const grads = [
      [1, -1],
      [0.5, 2],
      [-1, 0.25],
    ];
    let v = [0, 0];
    let x = [1, 2];
    grads.forEach((g, t) => {
      setGrad(p, g);
      opt.step();
      v = v.map((vi, i) => (t === 0 ? g[i]! : 0.9 * vi + g[i]!));
      x = x.map((xi, i) => xi - 0.1 * v[i]!);
      expectClose(p.data, x, 1e-15);
      expectClose(opt.state.get(p)!.momentumBuffer!.data, v, 1e-15);
    });
    expect(opt.state.get(p)!.step).toBe(3);
  });

  it('nesterov: p ← p − η (g + μ v)', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.5, momentum: 0.5, nesterov: true });
    setGrad(p, [2]);
    opt.step(); // v = 2, d = 2 + 1 = 3, p = 1 − 1.5
    expectClose(p.data, [-0.5], 1e-15);
    setGrad(p, [1]);
    opt.step(); // v = 0.5·2 + 1 = 2, d = 1 + 1 = 2, p = −0.5 − 1
    expectClose(p.data, [-1.5], 1e-15);
  });

  it('weight decay adds wd·p to the gradient before momentum', () => {
    const p = param([2, -4]);
    const opt = new SGD([p], { lr: 0.1, weightDecay: 0.5 });
    setGrad(p, [1, 1]);
    opt.step(); // g = [1 + 1, 1 − 2]
    expectClose(p.data, [2 - 0.2, -4 + 0.1], 1e-15);
  });

  it('skips parameters whose grad is null; zeroGrad clears grads; works on a Module', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new SGD([a, b], { lr: 1 });
    setGrad(a, [0.25]);
    opt.step();
    expect(Array.from(a.data)).toEqual([0.75]);
    expect(Array.from(b.data)).toEqual([1]);
    expect(opt.state.has(b)).toBe(false);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    const layer = new Linear(2, 1, { seed: 0 });
    const w0 = Array.from(layer.weight.data);
    const x = tensor([[1, 2]]);
    sum(layer.forward(x)).backward();
    new SGD(layer, { lr: 0.1 }).step();
    // ∂/∂W Σ(xWᵀ + b) = x.
    expectClose(layer.weight.data, [w0[0]! - 0.1, w0[1]! - 0.2], 1e-15);
  });

  it('lr can be changed (for a schedule) and is checked', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1 });
    opt.lr = 0.5;
    setGrad(p, [1]);
    opt.step();
    expect(p.data[0]).toBe(0.5);
    expectError(() => (opt.lr = 0), ValueError, 'SGD.lr', 'learning rate');
    expect(opt.lr).toBe(0.5);
  });

  it('validates options and parameters before mutating anything', () => {
    const p = param([1, 2]);
    setGrad(p, [1, 1]);
    const before = snapshot([p]);
    expectError(() => new SGD([p], { lr: -1 }), ValueError, 'SGD', 'learning rate must be a finite number > 0, got number -1');
    expectError(() => new SGD([p], { lr: 0 }), ValueError, 'SGD', 'learning rate');
    expectError(() => new SGD([p], {} as never), ValueError, 'SGD', 'lr', 'required');
    expectError(() => new SGD([p], { lr: 0.1, momentum: -0.5 }), ValueError, 'SGD', 'momentum');
    expectError(() => new SGD([p], { lr: 0.1, weightDecay: -1 }), ValueError, 'SGD', 'weightDecay');
    expectError(() => new SGD([p], { lr: 0.1, nesterov: true }), ValueError, 'SGD', 'nesterov', 'momentum > 0');
    expectError(() => new SGD([p], { lr: 0.1, learningRate: 1 } as never), ValueError, 'SGD', "unknown option 'learningRate'");
    expectError(() => new SGD([], { lr: 0.1 }), ValueError, 'SGD', 'empty');
    expectError(() => new SGD([p, p], { lr: 0.1 }), ValueError, 'SGD', 'more than once');
    expectError(() => new SGD([mul(p, 2)], { lr: 0.1 }), ValueError, 'SGD', 'not a leaf');
    expectError(() => new SGD([1] as never, { lr: 0.1 }), ValueError, 'SGD', 'params[0] must be a Tensor');
    expect(snapshot([p])).toEqual(before);
  });

  it('step() checks every grad before updating any parameter', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
    setGrad(a, [1]);
    // The .grad setter rejects a wrong dtype itself; plant it on the raw field to test SGD's check.
    b._grad = tensor([1], { dtype: 'float32' });
    expectError(() => opt.step(), DTypeError, 'SGD.step', 'params[1]', 'float32');
    expect(Array.from(a.data)).toEqual([1]);
    expect(opt.state.size).toBe(0);
  });
});

describe('gradientDescentStep', () => {
  it('W ← W − α ∂J/∂W for every parameter with a gradient (seed 002 eqs. 7–8)', () => {
    const w = param([1, 2, 3]);
    const b = param([0.5]);
    const idle = param([9]);
    setGrad(w, [0.1, -0.2, 0.3]);
    setGrad(b, [1]);
    gradientDescentStep([w, b, idle], 0.5);
    expectClose(w.data, [0.95, 2.1, 2.85], 1e-15);
    expectClose(b.data, [0], 0, 1e-16);
    expect(Array.from(idle.data)).toEqual([9]);
  });

  it('rejects a bad learning rate without touching anything', () => {
    const w = param([1]);
    setGrad(w, [1]);
    expectError(() => gradientDescentStep([w], 0), ValueError, 'gradientDescentStep', 'learning rate');
    expectError(() => gradientDescentStep([w], NaN), ValueError, 'gradientDescentStep', 'learning rate');
    expect(Array.from(w.data)).toEqual([1]);
  });
});
