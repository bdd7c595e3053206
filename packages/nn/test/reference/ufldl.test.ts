import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackpropReferenceError, backpropReference, nielsenToUfldl, ufldlEpsilonRecursion, ufldlToNielsen } from '../../src/reference/index.ts';
import { buildBatch, buildNetwork, mulberry32, netSpecArb } from './support.ts';

function expectClose(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((v, i) => {
    const tol = 1e-12 * Math.max(1, Math.abs(expected[i]!));
    if (!(Math.abs(v - expected[i]!) <= tol)) throw new Error(`${what}[${i}]: UFLDL ${v} vs Nielsen ${expected[i]}`);
  });
}

describe('notation helpers', () => {
  it("Nielsen's w^l is UFLDL's W^(l−1) and back", () => {
    expect(nielsenToUfldl(2)).toBe(1);
    expect(ufldlToNielsen(1)).toBe(2);
    for (let l = 2; l < 10; l++) expect(ufldlToNielsen(nielsenToUfldl(l))).toBe(l);
  });

  it('rejects indices that name no weight matrix', () => {
    expect(() => nielsenToUfldl(1)).toThrow(new BackpropReferenceError('nielsenToUfldl: l is 1 but expected an integer ≥ 2'));
    expect(() => ufldlToNielsen(0)).toThrow('ufldlToNielsen: l is 0 but expected an integer ≥ 1');
    expect(() => ufldlToNielsen(1.5)).toThrow(BackpropReferenceError);
  });
});

describe('ufldlEpsilonRecursion (seed 000, element by element)', () => {
  it('agrees with backpropReference on single examples: W^(l) = weights[l−1], ε^(l) = δ^l', () => {
    fc.assert(
      fc.property(netSpecArb(), (spec) => {
        const single = { ...spec, batchSize: 1 };
        const rand = mulberry32(single.seed);
        const net = buildNetwork(single, rand);
        const batch = buildBatch(single, 'quadratic', rand);
        const nielsen = backpropReference(net, batch, { cost: 'quadratic' });
        const ufldl = ufldlEpsilonRecursion(net, batch.x, batch.y);
        const L = net.sizes.length;
        expect(ufldl.cost).toBeCloseTo(nielsen.cost, 12);
        expect(ufldl.gradW).toHaveLength(L);
        for (let l = 1; l <= L - 1; l++) {
          const layer = nielsen.layers[ufldlToNielsen(l) - 2]!;
          expectClose(ufldl.gradW[l]!, layer.gradW, `gradW[${l}]`);
          if (layer.gradB === null) expect(ufldl.gradB[l]).toBeNull();
          else expectClose(ufldl.gradB[l]!, layer.gradB, `gradB[${l}]`);
        }
        for (let l = 2; l <= L; l++) {
          expectClose(ufldl.epsilon[l]!, nielsen.layers[l - 2]!.delta, `epsilon[${l}]`);
          expectClose(ufldl.a[l]!, nielsen.layers[l - 2]!.a, `a[${l}]`);
        }
        expect(ufldl.gradW[0]).toHaveLength(0);
        expect(ufldl.gradB[0]).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('validates the example against the network', () => {
    const net = { sizes: [2, 1], weights: [new Float64Array(2)], biases: [null], activations: ['tanh' as const] };
    expect(() => ufldlEpsilonRecursion(net, new Float64Array(3), new Float64Array(1))).toThrow(
      'ufldlEpsilonRecursion: x is Float64Array of length 3 but sizes[0] = 2 needs a Float64Array of length 2',
    );
  });
});
