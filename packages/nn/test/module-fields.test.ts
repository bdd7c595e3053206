import { describe, expect, it } from 'vitest';
import { type Tensor, ValueError, add, mul, sum, tensor } from '@pullback/autograd';
import { Linear, MLP, Module, SGD, loadJson, saveJson } from '../src/index.ts';
import { Scale, expectError } from './helpers.ts';

/** A layer written as PyTorch users write one: children and parameters in class fields, no helper. */
class Block extends Module {
  fc = new Linear(2, 2, { seed: 1 });
  gain = tensor([2, 3], { requiresGrad: true });
  // A constant (no requiresGrad) is not trained, as a plain tensor attribute in PyTorch.
  offset = tensor([0.5, -0.5]);
  forward(x: Tensor): Tensor {
    return add(mul(this.fc.call(x), this.gain), this.offset);
  }
}

class Outer extends Module {
  block = new Block();
  head = new Linear(2, 1, { seed: 2 });
  forward(x: Tensor): Tensor {
    return this.head.call(this.block.call(x));
  }
}

class Empty extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

describe('Module fields', () => {
  it('registers sub-Modules and trainable leaf Tensors held in class fields, named after the field', () => {
    const b = new Block();
    expect(b.namedParameters().map(([n]) => n)).toEqual(['gain', 'fc.weight', 'fc.bias']);
    expect(b.parameters()).toEqual([b.gain, b.fc.weight, b.fc.bias]);
    expect(b.namedChildren().map(([n]) => n)).toEqual(['fc']);
    const o = new Outer();
    expect(o.namedParameters().map(([n]) => n)).toEqual(['block.gain', 'block.fc.weight', 'block.fc.bias', 'head.weight', 'head.bias']);
    // Scopes carry the path from the root, as for explicitly registered children.
    expect(o.block.fc.weight.scope).toBe('Outer/block/fc');
    expect(o.block.gain.scope).toBe('Outer/block');
  });

  it('trains a field-held layer with an optimizer (the gradient reaches fc.weight)', () => {
    const b = new Block();
    const before = Array.from(b.fc.weight.data);
    const opt = new SGD(b, { lr: 0.1 });
    const x = tensor([[1, -2]]);
    sum(b.call(x)).backward();
    // ∂/∂W_jk of Σ_j g_j (W x + c)_j = g_j x_k
    expect(Array.from(b.fc.weight.grad!.data)).toEqual([2, -4, 3, -6]);
    opt.step();
    expect(Array.from(b.fc.weight.data)).toEqual(before.map((w, i) => w - 0.1 * [2, -4, 3, -6][i]!));
  });

  it('keeps explicit registration working, each parameter listed once, and state-dict keys stable', () => {
    expect(new Scale(3).namedParameters().map(([n]) => n)).toEqual(['gain', 'inner.weight', 'inner.bias']);
    expect(new MLP([2, 3, 1], { seed: 1 }).namedParameters().map(([n]) => n)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    const src = new Outer();
    const dst = new Outer();
    dst.block.fc.weight.data.fill(0);
    loadJson(dst, saveJson(src));
    expect(Array.from(dst.block.fc.weight.data)).toEqual(Array.from(src.block.fc.weight.data));
  });

  it('says why when an optimizer finds no parameters', () => {
    expectError(() => new SGD(new Empty(), { lr: 0.1 }), ValueError, 'SGD', 'requiresGrad');
    expectError(() => new SGD(new Empty(), { lr: 0.1 }), ValueError, 'SGD', 'fields');
  });
});
