import fc from 'fast-check';
import type { RefActivation, RefBatch, RefCost, RefL2, RefNetwork } from '../../src/reference/index.ts';

export const ACTIVATIONS: RefActivation[] = ['sigmoid', 'tanh', 'relu', 'identity'];

// mulberry32: the repository's seeded PRNG, so a failing property can be rebuilt from the printed
// seed. Its module imports nothing, so these tests of the reference still load no engine code.
export { mulberry32 } from '../../../autograd/src/mulberry32.ts';

export function uniform(rand: () => number, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

/** The plain record a property generates; arrays are built from it inside the property. */
export interface NetSpec {
  sizes: number[];
  activations: RefActivation[];
  hasBias: boolean[];
  batchSize: number;
  seed: number;
}

/** Depth 1–4 weight layers, widths 1–6, batch 1–8, any activation, with or without biases. */
export function netSpecArb(activations: RefActivation[] = ACTIVATIONS): fc.Arbitrary<NetSpec> {
  return fc.integer({ min: 1, max: 4 }).chain((depth) =>
    fc.record({
      sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: depth + 1, maxLength: depth + 1 }),
      activations: fc.array(fc.constantFrom(...activations), { minLength: depth, maxLength: depth }),
      hasBias: fc.array(fc.boolean(), { minLength: depth, maxLength: depth }),
      batchSize: fc.integer({ min: 1, max: 8 }),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
    }),
  );
}

export const l2Arb: fc.Arbitrary<RefL2 | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({ lambda: fc.constantFrom(0, 0.1, 1.5), convention: fc.constant('unscaled' as const) }),
  fc.record({
    lambda: fc.constantFrom(0, 0.1, 1.5),
    convention: fc.constant('trainingSet' as const),
    trainingSetSize: fc.integer({ min: 1, max: 100 }),
  }),
);

/** Weights U(−1, 1)·1.5/√fan-in keep activations O(1) at any depth, so the cost stays moderate for FD. */
export function buildNetwork(spec: NetSpec, rand: () => number): RefNetwork {
  const { sizes } = spec;
  const depth = sizes.length - 1;
  const weights: Float64Array[] = [];
  const biases: (Float64Array | null)[] = [];
  for (let i = 0; i < depth; i++) {
    const scale = 1.5 / Math.sqrt(sizes[i]!);
    weights.push(uniform(rand, sizes[i + 1]! * sizes[i]!, -scale, scale));
    biases.push(spec.hasBias[i] ? uniform(rand, sizes[i + 1]!, -0.5, 0.5) : null);
  }
  return { sizes: [...sizes], weights, biases, activations: [...spec.activations] };
}

/** Inputs U(−1, 1); targets in [0, 1] for cross-entropy (soft labels), U(−1, 1) for the quadratic cost. */
export function buildBatch(spec: NetSpec, cost: RefCost, rand: () => number): RefBatch {
  const m = spec.batchSize;
  const nOut = spec.sizes[spec.sizes.length - 1]!;
  const x = uniform(rand, m * spec.sizes[0]!, -1, 1);
  const y = cost === 'crossEntropy' ? uniform(rand, m * nOut, 0, 1) : uniform(rand, m * nOut, -1, 1);
  return { x, y, size: m };
}

export function cloneNetwork(net: RefNetwork): RefNetwork {
  return {
    sizes: [...net.sizes],
    weights: net.weights.map((w) => w.slice()),
    biases: net.biases.map((b) => (b === null ? null : b.slice())),
    activations: [...net.activations],
  };
}
