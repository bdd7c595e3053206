import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backpropReference } from '../../src/reference/index.ts';
import type { RefBatch, RefNetwork } from '../../src/reference/index.ts';
import { buildBatch, buildNetwork, mulberry32, netSpecArb } from './support.ts';

// A 2-2-1 sigmoid network chosen so every number is a short binary fraction (σ(ln 3) = 3/4):
//   x = [1, 2], w² = [[ln 3, 0], [0, −ln 3 / 2]], b² = [0, 0]
//   z² = [ln 3, −ln 3], a² = [3/4, 1/4], σ'(z²) = [3/4·1/4, 1/4·3/4] = [3/16, 3/16]
//   w³ = [[2, −2]], b³ = [−1]: z³ = 2·3/4 − 2·1/4 − 1 = 0, a³ = 1/2, σ'(0) = 1/4;  target y = 1.
// Quadratic, C = ½(1/2 − 1)² = 1/8:
//   BP1 δ³ = (a³ − y)·σ'(z³) = (−1/2)(1/4) = −1/8
//   BP4 ∂C/∂w³ = δ³ (a²)ᵀ = [−3/32, −1/32];  BP3 ∂C/∂b³ = −1/8
//   BP2 δ² = ((w³)ᵀ δ³) ⊙ σ'(z²) = [2·(−1/8), −2·(−1/8)] ⊙ [3/16, 3/16] = [−3/64, 3/64]
//   BP4 ∂C/∂w² = δ² xᵀ = [[−3/64, −6/64], [3/64, 6/64]];  BP3 ∂C/∂b² = [−3/64, 3/64]
// Cross-entropy, C = −ln(1/2) = ln 2:
//   δ³ = a³ − y = −1/2;  ∂C/∂w³ = [−3/8, −1/8];  ∂C/∂b³ = −1/2
//   δ² = [2·(−1/2), −2·(−1/2)] ⊙ [3/16, 3/16] = [−3/16, 3/16]
//   ∂C/∂w² = [[−3/16, −6/16], [3/16, 6/16]];  ∂C/∂b² = [−3/16, 3/16]
const LN3 = Math.log(3);
const net: RefNetwork = {
  sizes: [2, 2, 1],
  weights: [Float64Array.of(LN3, 0, 0, -LN3 / 2), Float64Array.of(2, -2)],
  biases: [Float64Array.of(0, 0), Float64Array.of(-1)],
  activations: ['sigmoid', 'sigmoid'],
};
const one: RefBatch = { x: Float64Array.of(1, 2), y: Float64Array.of(1), size: 1 };
const twice: RefBatch = { x: Float64Array.of(1, 2, 1, 2), y: Float64Array.of(1, 1), size: 2 };

function expectAll(actual: Float64Array | null, expected: number[]): void {
  expect(actual).not.toBeNull();
  expect(actual!.length).toBe(expected.length);
  expected.forEach((v, i) => {
    expect(actual![i]).toBeCloseTo(v, 14);
  });
}

describe('backpropReference on a hand-computed 2-2-1 sigmoid network', () => {
  it('quadratic cost', () => {
    const r = backpropReference(net, one, { cost: 'quadratic' });
    expect(r.cost).toBeCloseTo(1 / 8, 14);
    expect(r.regCost).toBe(0);
    expectAll(r.layers[0]!.z, [LN3, -LN3]);
    expectAll(r.layers[0]!.a, [3 / 4, 1 / 4]);
    expectAll(r.layers[1]!.a, [1 / 2]);
    expectAll(r.layers[1]!.delta, [-1 / 8]);
    expectAll(r.layers[1]!.gradW, [-3 / 32, -1 / 32]);
    expectAll(r.layers[1]!.gradB, [-1 / 8]);
    expectAll(r.layers[0]!.delta, [-3 / 64, 3 / 64]);
    expectAll(r.layers[0]!.gradW, [-3 / 64, -6 / 64, 3 / 64, 6 / 64]);
    expectAll(r.layers[0]!.gradB, [-3 / 64, 3 / 64]);
    expect(r.layers.map((layer) => layer.l)).toEqual([2, 3]);
  });

  it('cross-entropy cost', () => {
    const r = backpropReference(net, one, { cost: 'crossEntropy' });
    expect(r.cost).toBeCloseTo(Math.LN2, 14);
    expectAll(r.layers[1]!.delta, [-1 / 2]);
    expectAll(r.layers[1]!.gradW, [-3 / 8, -1 / 8]);
    expectAll(r.layers[1]!.gradB, [-1 / 2]);
    expectAll(r.layers[0]!.gradW, [-3 / 16, -6 / 16, 3 / 16, 6 / 16]);
    expectAll(r.layers[0]!.gradB, [-3 / 16, 3 / 16]);
  });

  it('the same example twice: mean keeps the gradient, sum doubles it, δ stays per-example', () => {
    const mean = backpropReference(net, twice, { cost: 'quadratic' });
    const sum = backpropReference(net, twice, { cost: 'quadratic', reduction: 'sum' });
    expect(mean.cost).toBeCloseTo(1 / 8, 14);
    expect(sum.cost).toBeCloseTo(2 / 8, 14);
    expectAll(mean.layers[1]!.delta, [-1 / 8, -1 / 8]);
    expectAll(sum.layers[1]!.delta, [-1 / 8, -1 / 8]);
    expectAll(mean.layers[0]!.gradW, [-3 / 64, -6 / 64, 3 / 64, 6 / 64]);
    expectAll(sum.layers[0]!.gradW, [-6 / 64, -12 / 64, 6 / 64, 12 / 64]);
    expectAll(sum.layers[1]!.gradB, [-2 / 8]);
  });

  it('L2 adds λ·w (batch) or (λ/n)·w (trainingSet) to ∂C/∂w only, and (λ/2)·Σw² or (λ/2n)·Σw² to C', () => {
    const sumSq = LN3 * LN3 + (LN3 * LN3) / 4 + 8;
    const batch = backpropReference(net, one, { cost: 'quadratic', l2: { lambda: 0.5, convention: 'unscaled' } });
    expect(batch.regCost).toBeCloseTo(0.25 * sumSq, 14);
    expectAll(batch.layers[1]!.gradW, [-3 / 32 + 0.5 * 2, -1 / 32 + 0.5 * -2]);
    expectAll(batch.layers[1]!.gradB, [-1 / 8]);
    const set = backpropReference(net, one, { cost: 'quadratic', l2: { lambda: 0.5, convention: 'trainingSet', trainingSetSize: 4 } });
    expect(set.regCost).toBeCloseTo((0.5 / 8) * sumSq, 14);
    expect(set.cost).toBeCloseTo(1 / 8 + (0.5 / 8) * sumSq, 14);
    expectAll(set.layers[1]!.gradW, [-3 / 32 + (0.5 / 4) * 2, -1 / 32 + (0.5 / 4) * -2]);
    expectAll(set.layers[0]!.gradB, [-3 / 64, 3 / 64]);
  });
});

describe('BP1 with cross-entropy and a sigmoid output', () => {
  it('δ^L is exactly a^L − y, bit for bit', () => {
    fc.assert(
      fc.property(netSpecArb(), (spec) => {
        spec.activations[spec.activations.length - 1] = 'sigmoid';
        const rand = mulberry32(spec.seed);
        const batch = buildBatch(spec, 'crossEntropy', rand);
        const out = backpropReference(buildNetwork(spec, rand), batch, { cost: 'crossEntropy' }).layers.at(-1)!;
        out.delta.forEach((d, r) => {
          expect(d).toBe(out.a[r]! - batch.y[r]!);
        });
      }),
      { numRuns: 60 },
    );
  });
});
