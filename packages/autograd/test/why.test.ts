import { describe, expect, it } from 'vitest';
import { add, defineOp, greater, mul, noGrad, relu, scalar, sum, tensor, where, whyNoGrad, GraphError } from '../src/index.ts';

describe('whyNoGrad', () => {
  it('a tensor that does not require grad', () => {
    const x = tensor([1, 2]);
    const w = tensor([3, 4], { requiresGrad: true });
    const y = sum(mul(x, w));
    const why = whyNoGrad(x, y);
    expect(why.reason).toBe('does-not-require-grad');
    expect(why.structural).toBe(true);
  });

  it('not on any path to the output', () => {
    const a = tensor([1, 2], { requiresGrad: true, name: 'a' });
    const b = tensor([1, 2], { requiresGrad: true, name: 'b' });
    expect(whyNoGrad(a, sum(b)).reason).toBe('not-on-path');
  });

  it('cut by detach, by noGrad, and by a non-differentiable op', () => {
    const w = tensor([1, -2], { requiresGrad: true, name: 'w' });
    const viaDetach = sum(mul(w.detach(), 3));
    expect(whyNoGrad(w, viaDetach).reason).toBe('cut-by-detach');
    const h = noGrad(() => mul(w, 2));
    const viaNoGrad = sum(mul(h, tensor([1, 1], { requiresGrad: true })));
    const noGradWhy = whyNoGrad(w, viaNoGrad);
    expect(noGradWhy.reason).toBe('cut-by-noGrad');
    expect(noGradWhy.message).toContain("'mul'");
    const v = tensor([1, 1], { requiresGrad: true });
    const viaCompare = sum(mul(greater(w, 0), v));
    const cmp = whyNoGrad(w, viaCompare);
    expect(cmp.reason).toBe('non-differentiable-op');
    expect(cmp.message).toContain("'greater'");
  });

  it('the condition of where is a non-differentiable use, as the same mask through mul', () => {
    const w = tensor([1, -2], { requiresGrad: true, name: 'w' });
    for (const v of [tensor([3, 4], { requiresGrad: true }), tensor([3, 4])]) {
      const viaWhere = sum(where(greater(w, 0), v, 0));
      const why = whyNoGrad(w, viaWhere);
      expect(why.reason).toBe('non-differentiable-op');
      expect(why.message).toContain("'greater'");
    }
    // The mask itself gets no gradient, the selected branch still does: d/dv Σ where(m, v, 0) = m.
    const v = tensor([3, 4], { requiresGrad: true });
    const mask = tensor([1, 0], { requiresGrad: true });
    sum(where(mask, v, 0)).backward();
    expect(Array.from(v.grad!.data)).toEqual([1, 0]);
    expect(mask.grad).toBeNull();
  });

  it('a numeric zero (a dead relu) is told apart from a structural one', () => {
    const w = tensor([-1, -2], { requiresGrad: true, name: 'w' });
    const y = sum(relu(w));
    const why = whyNoGrad(w, y);
    expect(why.reason).toBe('numeric-zero');
    expect(why.structural).toBe(false);
    // The check does not consume the graph or touch .grad.
    expect(w.grad).toBeNull();
    y.backward();
    expect(Array.from(w.grad!.data)).toEqual([0, 0]);
  });

  it('a parameter with a gradient', () => {
    const a = scalar(2, 'a');
    const y = a.mul(a);
    expect(whyNoGrad(a, y).reason).toBe('has-gradient');
  });
});

describe('ownership after backward', () => {
  it('.grad never aliases a cotangent sent to another leaf or the seed', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const seed = tensor([1, 1]);
    add(a, b).backward(seed);
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad).not.toBe(seed);
    (a.grad!.data as Float64Array)[0] = 100;
    expect(b.grad!.data[0]).toBe(1);
    expect(seed.data[0]).toBe(1);
  });

  it('a freed graph releases its inputs, and walking it again is an error', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = mul(x, 3);
    const y = sum(h);
    y.backward();
    expect(y.inputs).toBeNull();
    expect(h.inputs).toBeNull();
    expect(y.isLeaf).toBe(false);
    expect(() => y.backward()).toThrow(GraphError);
    expect(() => y.backward()).toThrow(/freed.*retainGraph/);
  });
});

describe('a failed backward pass changes nothing', () => {
  it('keeps every .grad and the graph when a pullback throws halfway', () => {
    // An op whose pullback returns a wrong shape: the pass fails after other leaves were reached.
    const bad = defineOp('bad', (x) => ({ output: mul(x, 1), pullback: () => [tensor([1, 2, 3])] }));
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    sum(add(a, b)).backward();
    const y = sum(add(bad(b), mul(a, 2)));
    expect(() => y.backward()).toThrow(/bad/);
    expect(Array.from(a.grad!.data)).toEqual([1, 1]);
    expect(Array.from(b.grad!.data)).toEqual([1, 1]);
    // The graph is intact: the same failure again, not "freed".
    expect(() => y.backward()).toThrow(/bad/);
  });
});
