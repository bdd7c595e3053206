import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backpropReference } from '../../src/reference/index.ts';
import type { RefActivation, RefBatch, RefCost, RefL2, RefNetwork, RefOptions } from '../../src/reference/index.ts';
import { buildBatch, buildNetwork, l2Arb, mulberry32, netSpecArb } from './support.ts';

// An independent forward pass: written from the definitions only, sharing no code with the reference.
// σ(z) = (1 + tanh(z/2))/2 is a different formula from the reference's 1/(1 + e^{−z}).
function f(name: RefActivation, z: number): number {
  if (name === 'sigmoid') return 0.5 * (1 + Math.tanh(z / 2));
  if (name === 'tanh') return Math.tanh(z);
  if (name === 'relu') return Math.max(0, z);
  return z;
}

/** Activations of every layer for one example, a[0] = x. */
function forwardExample(net: RefNetwork, x: number[]): number[][] {
  const as = [x];
  for (let i = 0; i < net.weights.length; i++) {
    const prev = as[i]!;
    const n = net.sizes[i + 1]!;
    const next: number[] = [];
    for (let j = 0; j < n; j++) {
      let z = net.biases[i]?.[j] ?? 0;
      prev.forEach((ak, k) => {
        z += net.weights[i]![j * prev.length + k]! * ak;
      });
      next.push(f(net.activations[i]!, z));
    }
    as.push(next);
  }
  return as;
}

function row(v: Float64Array, r: number, n: number): number[] {
  return Array.from(v.subarray(r * n, (r + 1) * n));
}

function exampleCost(cost: RefCost, a: number[], y: number[]): number {
  if (cost === 'quadratic') return a.reduce((s, aj, j) => s + 0.5 * (aj - y[j]!) ** 2, 0);
  return -a.reduce((s, aj, j) => s + y[j]! * Math.log(aj) + (1 - y[j]!) * Math.log(1 - aj), 0);
}

/** C = (1/m or 1)·Σ_x C_x + L2 term, from the definitions. */
function forwardCost(net: RefNetwork, batch: RefBatch, options: RefOptions): { data: number; reg: number } {
  const nIn = net.sizes[0]!;
  const nOut = net.sizes[net.sizes.length - 1]!;
  let sum = 0;
  for (let r = 0; r < batch.size; r++) {
    const as = forwardExample(net, row(batch.x, r, nIn));
    sum += exampleCost(options.cost, as[as.length - 1]!, row(batch.y, r, nOut));
  }
  const data = options.reduction === 'sum' ? sum : sum / batch.size;
  const { l2 } = options;
  if (l2 === undefined) return { data, reg: 0 };
  const sq = net.weights.reduce((s, w) => s + w.reduce((t, v) => t + v * v, 0), 0);
  const n = l2.convention === 'unscaled' ? 1 : l2.trainingSetSize!;
  return { data, reg: (l2.lambda / (2 * n)) * sq };
}

const total = (net: RefNetwork, batch: RefBatch, options: RefOptions): number => {
  const { data, reg } = forwardCost(net, batch, options);
  return data + reg;
};

/**
 * Cross-entropy needs a^L in (0, 1). A sigmoid output is always there; for any other output
 * activation, give the last layer a bias of 0.5 and shrink its weights so every z^L lies in
 * [0.2, 0.8], where tanh, relu and identity all stay inside (0, 1) and relu is far from its kink.
 */
function fitOutputsIntoUnitInterval(net: RefNetwork, batch: RefBatch): void {
  const last = net.weights.length - 1;
  const nIn = net.sizes[last]!;
  let maxAbs = 0;
  for (let r = 0; r < batch.size; r++) {
    const as = forwardExample(net, row(batch.x, r, net.sizes[0]!));
    for (const v of as[last]!) maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const w = net.weights[last]!;
  for (let j = 0; j < net.sizes[last + 1]!; j++) {
    let rowAbs = 0;
    for (let k = 0; k < nIn; k++) rowAbs += Math.abs(w[j * nIn + k]!);
    const factor = rowAbs * maxAbs > 0.3 ? 0.3 / (rowAbs * maxAbs) : 1;
    for (let k = 0; k < nIn; k++) w[j * nIn + k] = w[j * nIn + k]! * factor;
  }
  net.biases[last] = new Float64Array(net.sizes[last + 1]!).fill(0.5);
}

const H = 1e-6;
const TOL = 1e-6;

/** Central difference of C in one entry of a parameter array, restored afterwards. */
function centralDifference(net: RefNetwork, batch: RefBatch, options: RefOptions, p: Float64Array, e: number): number {
  const saved = p[e]!;
  p[e] = saved + H;
  const plus = total(net, batch, options);
  p[e] = saved - H;
  const minus = total(net, batch, options);
  p[e] = saved;
  return (plus - minus) / (2 * H);
}

function expectClose(actual: number, expected: number, what: string): void {
  const err = Math.abs(actual - expected);
  if (!(err <= TOL * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${what}: backprop ${actual} vs central difference ${expected} (|diff| ${err.toExponential(2)})`);
  }
}

const l2Kinds: { name: string; l2: fc.Arbitrary<RefL2 | undefined> }[] = [
  { name: 'any L2 setting', l2: l2Arb },
  { name: "L2 'unscaled'", l2: fc.record({ lambda: fc.constantFrom(0.1, 1.5), convention: fc.constant('unscaled' as const) }) },
  {
    name: "L2 'trainingSet'",
    l2: fc.record({
      lambda: fc.constantFrom(0.1, 1.5),
      convention: fc.constant('trainingSet' as const),
      trainingSetSize: fc.integer({ min: 1, max: 100 }),
    }),
  },
];

describe.each(['quadratic', 'crossEntropy'] as const)('backpropReference vs central differences (%s)', (cost) => {
  it.each(l2Kinds)('∂C/∂w and ∂C/∂b match central differences, $name', ({ l2 }) => {
    const caseArb = fc.record({
      net: netSpecArb(),
      reduction: fc.constantFrom('mean' as const, 'sum' as const, undefined),
      l2,
    });
    fc.assert(
      fc.property(caseArb, ({ net: spec, reduction, l2: l2Setting }) => {
        const rand = mulberry32(spec.seed);
        const net = buildNetwork(spec, rand);
        const batch = buildBatch(spec, cost, rand);
        if (cost === 'crossEntropy' && net.activations[net.activations.length - 1] !== 'sigmoid') {
          fitOutputsIntoUnitInterval(net, batch);
        }
        const options: RefOptions = { cost, reduction, l2: l2Setting };
        const result = backpropReference(net, batch, options);
        // Central differences are meaningless across relu's kink; skip samples that sit near one.
        fc.pre(result.layers.every((layer, i) => net.activations[i] !== 'relu' || layer.z.every((z) => Math.abs(z) >= 1e-3)));

        const { data, reg } = forwardCost(net, batch, options);
        expectClose(result.dataCost, data, 'dataCost');
        expectClose(result.regCost, reg, 'regCost');
        expectClose(result.cost, data + reg, 'cost');
        result.layers.forEach((layer, i) => {
          const w = net.weights[i]!;
          for (let e = 0; e < w.length; e++) {
            expectClose(layer.gradW[e]!, centralDifference(net, batch, options, w, e), `gradW of layer ${layer.l}, entry ${e}`);
          }
          const b = net.biases[i] ?? null;
          expect(layer.gradB === null).toBe(b === null);
          for (let e = 0; b !== null && e < b.length; e++) {
            expectClose(layer.gradB![e]!, centralDifference(net, batch, options, b, e), `gradB of layer ${layer.l}, entry ${e}`);
          }
        });
      }),
      { numRuns: 60 },
    );
  });
});
