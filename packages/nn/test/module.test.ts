import { describe, expect, it } from 'vitest';
import { type Tensor, ValueError, mul, sum, tensor } from '@pullback/autograd';
import { Linear, Module, Sequential, Sigmoid } from '../src/index.ts';
import { Scale, expectError } from './helpers.ts';

class Bad extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
  tryParameter(name: string, t: unknown): void {
    this.registerParameter(name, t as Tensor);
  }
  tryModule(name: string, m: unknown): void {
    this.registerModule(name, m as Module);
  }
}

describe('Module', () => {
  it('names parameters by dotted path in registration order, recursively', () => {
    const m = new Scale(3);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['gain', 'inner.weight', 'inner.bias']);
    expect(m.parameters()).toEqual([m.gain, m.inner.weight, m.inner.bias]);
    expect(m.gain.requiresGrad).toBe(true);
    const seq = new Sequential(new Scale(2), new Sigmoid(), new Sequential(new Linear(2, 1, { seed: 0 })));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.gain', '0.inner.weight', '0.inner.bias', '2.0.weight', '2.0.bias']);
    expect(seq.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2']);
  });

  it('lists a shared parameter once (under its first name)', () => {
    const shared = new Linear(2, 2, { seed: 0 });
    const seq = new Sequential(shared, new Sigmoid(), shared);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias']);
  });

  it('zeroGrad clears the gradients of every parameter; call = forward', () => {
    const m = new Scale(2);
    const x = tensor([[1, 2]]);
    sum(m.call(x)).backward();
    expect(m.gain.grad).not.toBeNull();
    expect(m.inner.weight.grad).not.toBeNull();
    expect(Array.from(m.call(x).data)).toEqual(Array.from(m.forward(x).data));
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('rejects bad registrations with ValueError', () => {
    const b = new Bad();
    b.tryParameter('w', tensor([1]));
    expectError(() => b.tryParameter('w', tensor([2])), ValueError, 'Bad.registerParameter', "'w' is already registered");
    expectError(() => b.tryParameter('a.b', tensor([2])), ValueError, 'Bad.registerParameter', 'no dots');
    expectError(() => b.tryParameter('v', [1, 2]), ValueError, 'Bad.registerParameter', 'must be a Tensor');
    const leaf = tensor([1], { requiresGrad: true });
    expectError(() => b.tryParameter('v', mul(leaf, 2)), ValueError, 'Bad.registerParameter', 'leaf', "'mul'");
    expectError(() => b.tryModule('child', {}), ValueError, 'Bad.registerModule', 'must be a Module');
    expectError(() => b.tryModule('w', new Sigmoid()), ValueError, 'Bad.registerModule', 'already registered');
    expect(b.namedParameters().map(([n]) => n)).toEqual(['w']);
  });
});
