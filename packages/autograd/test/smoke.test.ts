import { describe, expect, it } from 'vitest';
import { tensor, scalar, sum, matmul } from '../src/index.ts';

describe('engine smoke', () => {
  it('differentiates a tensor expression against hand-derived values', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const w = tensor([[1], [-1]], { requiresGrad: true });
    sum(matmul(x, w).mul(2)).backward();
    // y = 2·1ᵀ(Xw)  =>  dX = 2·1 wᵀ, dw = 2·Xᵀ1
    expect(x.grad!.toArray()).toEqual([
      [2, -2],
      [2, -2],
    ]);
    expect(w.grad!.toArray()).toEqual([[8], [12]]);
  });
  it('differentiates micrograd scalars', () => {
    const a = scalar(2);
    const b = scalar(-3);
    const c = a.mul(b).add(a.pow(2)).tanh();
    c.backward();
    const s = 1 - Math.tanh(-2) ** 2;
    expect(a.grad).toBeCloseTo(s * (-3 + 4), 14);
    expect(b.grad).toBeCloseTo(s * 2, 14);
  });
});
