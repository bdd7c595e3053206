import { describe, expect, it } from 'vitest';
import { GraphError, Scalar, Tensor, detectAnomaly, exp, matmul, mul, scalar, sigmoid, sum, tensor } from '../src/index.ts';

// Issue 13, item 2: a backward pass through an op whose values were written in place after it
// was recorded must raise (PyTorch: "modified by an inplace operation"), never pull back through
// the new values. The error names the op, the tensor and what to do.

describe('writes into recorded values', () => {
  it("raises for the issue's raw write y.data[0] = 100, naming the op and the tensor", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 7], { name: 'y' });
    const z = sum(mul(x, y));
    y.data[0] = 100;
    expect(() => z.backward()).toThrow(GraphError);
    expect(() => z.backward()).toThrow(/op 'mul'.*'y'.*modified in place/);
    expect(x.grad).toBeNull();
  });

  it('raises for a raw write into the middle of a large tensor under detectAnomaly (every entry checked)', () => {
    const x = tensor(
      Array.from({ length: 1000 }, (_, i) => i / 1000),
      { requiresGrad: true },
    );
    const y = detectAnomaly(() => exp(x));
    const loss = sum(y);
    y.data[501] = 0; // exp's pullback reads its output
    expect(() => detectAnomaly(() => loss.backward())).toThrow(/op 'sum'.*modified in place/); // sum, the first op the pass reaches, reads y too;
  });

  it('raises for markModified() and assign(), the public in-place API', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 7]);
    const z = sum(mul(x, y));
    y.assign([3, 8]);
    expect(() => z.backward()).toThrow(/op 'mul'.*\[2\] float64.*modified in place/);
    const w = sum(mul(x, y)); // recorded after the write: fine
    w.backward();
    expect(Array.from(x.grad!.data)).toEqual([3, 8]);
    const v = sum(sigmoid(x));
    x.markModified();
    expect(() => v.backward()).toThrow(/op 'sigmoid'/);
  });

  it('raises when an optimizer-style step ran between two backward passes of one graph', () => {
    const W = tensor([[1, 2]], { requiresGrad: true, name: 'W' });
    const x = tensor([[3], [4]]);
    const loss = sum(sigmoid(matmul(W, x)));
    loss.backward({ retainGraph: true });
    for (let i = 0; i < W.size; i++) W.data[i] = W.data[i]! - 0.1 * W.grad!.data[i]!;
    W.markModified(); // what every optimizer's step() does
    expect(() => loss.backward()).toThrow(/op 'matmul'.*'W'/);
  });

  it('raises on Scalars after Scalar.data is assigned, in the first-order and the generic pass', () => {
    for (const anomaly of [false, true]) {
      const x = scalar(1, 'x');
      const y = scalar(7, 'y');
      const z = x.mul(y);
      y.data = 100;
      const run = () => (anomaly ? detectAnomaly(() => z.backward()) : z.backward());
      expect(run).toThrow(/op 'mul'.*'y'.*modified in place/);
      expect(x.grad).toBe(0);
    }
  });

  it('does not raise for values written before the op was recorded', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 7]);
    y.data[0] = 5;
    y.markModified();
    sum(mul(x, y)).backward();
    expect(Array.from(x.grad!.data)).toEqual([5, 7]);
    const s = scalar(2);
    s.data = 3;
    const t = s.mul(s);
    t.backward();
    expect(s.grad).toBe(6);
  });

  it('Scalar.data rejects a non-number', () => {
    const s = new Scalar(1);
    expect(() => {
      (s as unknown as { data: unknown }).data = '2';
    }).toThrow(/Scalar.data: expected a number/);
  });

  it('assign checks the shape', () => {
    expect(() => tensor([1, 2]).assign(new Tensor(new Float64Array(3), [3]))).toThrow(/Tensor.assign: expected a tensor of shape \[2\], got \[3\]/);
  });
});
