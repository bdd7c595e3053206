import { describe, expect, it } from 'vitest';
import { grad, sigmoid, tensor } from '@pullback/autograd';
import type { Tensor } from '@pullback/autograd';
import { crossEntropyCost } from '../src/index.ts';

// Nielsen's point of the cross-entropy cost: with sigmoid outputs, ∂C/∂z = a − y exactly, so a
// saturated output still learns. Exact reference: σ(z) − y, and y·softplus(−z) + (1−y)·softplus(z).
const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const sigma = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

describe('crossEntropyCost on sigmoid outputs', () => {
  it.each([0.5, 10, 28, 40, 1000, -1000])('δ = a − y exactly at z = %d', (z) => {
    const y = tensor([[0.25]]);
    const g = grad((zz: Tensor) => crossEntropyCost(sigmoid(zz), y))(tensor([[z]])) as Tensor;
    expect(Math.abs(g.item() - (sigma(z) - 0.25))).toBeLessThanOrEqual(1e-15);
  });
  it('its value is computed from the logits when the sigmoid is on the tape', () => {
    const z = tensor([[40, -40]], { requiresGrad: true });
    const y = tensor([[0.5, 1]]);
    const c = crossEntropyCost(sigmoid(z), y).item();
    const exact = 0.5 * softplus(-40) + 0.5 * softplus(40) + softplus(40);
    expect(Math.abs(c - exact) / exact).toBeLessThan(1e-15);
  });
});
