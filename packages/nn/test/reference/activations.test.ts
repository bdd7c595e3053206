import { describe, expect, it } from 'vitest';
import { activate, activationDerivative, sigmoid } from '../../src/reference/activations.ts';
import { backpropReference } from '../../src/reference/index.ts';
import type { RefNetwork } from '../../src/reference/index.ts';

describe('sigmoid and its derivative far from 0', () => {
  it('σ(±1000) is finite and correct: 1 and 0 (e^{−1000} underflows)', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(activationDerivative('sigmoid', 1000)).toBe(0);
    expect(activationDerivative('sigmoid', -1000)).toBe(0);
  });

  it('keeps relative accuracy in the tails, where 1 − σ(z) would cancel', () => {
    // σ(−z) ≈ e^{−z} and σ'(z) = e^{−z}/(1 + e^{−z})² = 1/(2(1 + cosh z)) (seed 004 eq. 4).
    expect(sigmoid(-700) / Math.exp(-700)).toBeCloseTo(1, 14);
    for (const z of [30, -30, 300]) {
      expect(activationDerivative('sigmoid', z) * 2 * (1 + Math.cosh(z))).toBeCloseTo(1, 13);
    }
    expect(activationDerivative('tanh', 30) / (4 * Math.exp(-60))).toBeCloseTo(1, 13);
    expect(activationDerivative('tanh', 1000)).toBe(0);
  });

  it("relu'(0) = 0, and the other activations at a glance", () => {
    expect(activationDerivative('relu', 0)).toBe(0);
    expect(activationDerivative('relu', 1e-300)).toBe(1);
    expect(activate('relu', -2)).toBe(0);
    expect(activate('identity', -2)).toBe(-2);
    expect(activationDerivative('identity', 5)).toBe(1);
    expect(activationDerivative('sigmoid', 0)).toBe(0.25);
  });

  it('backpropReference stays finite at z = ±1000 for both costs', () => {
    const net = (w: number): RefNetwork => ({ sizes: [1, 1], weights: [Float64Array.of(w)], biases: [null], activations: ['sigmoid'] });
    const batch = { x: Float64Array.of(1), y: Float64Array.of(1), size: 1 };
    const wrong = backpropReference(net(-1000), batch, { cost: 'crossEntropy' });
    // C = −ln σ(−1000) = softplus(1000) = 1000, where ln(a) with a = 0 would be −∞.
    expect(wrong.cost).toBeCloseTo(1000, 10);
    expect(wrong.layers[0]!.delta[0]).toBe(-1);
    expect(wrong.layers[0]!.gradW[0]).toBe(-1);
    const right = backpropReference(net(1000), batch, { cost: 'crossEntropy' });
    expect(right.cost).toBe(0);
    expect(right.layers[0]!.gradW[0]).toBe(0);
    const quad = backpropReference(net(-1000), batch, { cost: 'quadratic' });
    expect(quad.cost).toBe(0.5);
    expect(Math.abs(quad.layers[0]!.gradW[0]!)).toBe(0); // σ'(−1000) underflows to 0
  });
});
