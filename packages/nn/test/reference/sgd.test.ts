import { describe, expect, it } from 'vitest';
import { backpropReference, sgdStepReference } from '../../src/reference/index.ts';
import { buildBatch, buildNetwork, cloneNetwork, mulberry32 } from './support.ts';
import type { NetSpec } from './support.ts';

const spec: NetSpec = { sizes: [3, 4, 2], activations: ['tanh', 'sigmoid'], hasBias: [true, false], batchSize: 5, seed: 7 };

describe('sgdStepReference (seed 002 eqs. 7–8)', () => {
  it('returns W − η∂C/∂W and b − η∂C/∂b in new arrays, mutating nothing', () => {
    const rand = mulberry32(spec.seed);
    const net = buildNetwork(spec, rand);
    const batch = buildBatch(spec, 'quadratic', rand);
    const grads = backpropReference(net, batch, { cost: 'quadratic', l2: { lambda: 0.1, convention: 'unscaled' } });
    const netBefore = cloneNetwork(net);
    const gradsBefore = structuredClone(grads);

    const next = sgdStepReference(net, grads, 0.5);

    expect(net).toEqual(netBefore);
    expect(grads).toEqual(gradsBefore);
    next.weights.forEach((w, i) => {
      expect(w).not.toBe(net.weights[i]);
      w.forEach((v, e) => {
        expect(v).toBe(net.weights[i]![e]! - 0.5 * grads.layers[i]!.gradW[e]!);
      });
    });
    expect(next.biases[0]).not.toBe(net.biases[0]);
    next.biases[0]!.forEach((v, j) => {
      expect(v).toBe(net.biases[0]![j]! - 0.5 * grads.layers[0]!.gradB![j]!);
    });
    expect(next.biases[1]).toBeNull();
    expect(next.sizes).toEqual(net.sizes);
    expect(next.sizes).not.toBe(net.sizes);
    expect(next.activations).toEqual(net.activations);
  });

  it('a small step lowers the cost', () => {
    const rand = mulberry32(spec.seed);
    const net = buildNetwork(spec, rand);
    const batch = buildBatch(spec, 'quadratic', rand);
    const before = backpropReference(net, batch, { cost: 'quadratic' });
    const after = backpropReference(sgdStepReference(net, before, 0.01), batch, { cost: 'quadratic' });
    expect(after.cost).toBeLessThan(before.cost);
  });

  it('rejects gradients that do not fit the network, and bad learning rates', () => {
    const rand = mulberry32(spec.seed);
    const net = buildNetwork(spec, rand);
    const grads = backpropReference(net, buildBatch(spec, 'quadratic', rand), { cost: 'quadratic' });
    const other = buildNetwork({ ...spec, sizes: [3, 5, 2] }, rand);
    expect(() => sgdStepReference(other, grads, 0.1)).toThrow(
      'sgdStepReference: grads.layers[0].gradW is Float64Array of length 12 but weights[0] has shape [5, 3] = 15 entries',
    );
    expect(() => sgdStepReference(net, { ...grads, layers: grads.layers.slice(1) }, 0.1)).toThrow(
      'sgdStepReference: grads.layers has length 1 but sizes [3, 4, 2] need 2 (one per layer after the input)',
    );
    expect(() => sgdStepReference(net, grads, Number.NaN)).toThrow('sgdStepReference: eta is NaN but expected a finite learning rate ≥ 0');
  });
});
