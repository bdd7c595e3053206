import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValueError, tensor } from '@pullback/autograd';
import { MLP, Rng, Sigmoid, Softmax, quadraticCost } from '../src/index.ts';
import type { ActivationName } from '../src/index.ts';
import { expectClose, expectError } from './helpers.ts';

const F: Record<ActivationName, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(z, 0),
  identity: (z) => z,
};
const DF: Record<ActivationName, (z: number) => number> = {
  sigmoid: (z) => F.sigmoid(z) * (1 - F.sigmoid(z)),
  tanh: (z) => 1 - Math.tanh(z) ** 2,
  relu: (z) => (z > 0 ? 1 : 0),
  identity: () => 1,
};

/** Nielsen's feedforward, a^l = f(w^l a^{l−1} + b^l), one example at a time in plain loops. */
function plainForward(net: MLP, x: number[], f: (l: number) => ActivationName): { z: number[][]; a: number[][] } {
  const zs: number[][] = [];
  const as: number[][] = [x];
  net.layers.forEach((layer, l) => {
    const prev = as[as.length - 1]!;
    const z: number[] = [];
    for (let j = 0; j < layer.outFeatures; j++) {
      let s = layer.bias ? layer.bias.data[j]! : 0;
      for (let k = 0; k < layer.inFeatures; k++) s += layer.weight.data[j * layer.inFeatures + k]! * prev[k]!;
      z.push(s);
    }
    zs.push(z);
    as.push(z.map(F[f(l)]));
  });
  return { z: zs, a: as.slice(1) };
}

describe('MLP', () => {
  it('names its parameters layers.i.weight / layers.i.bias with Nielsen shapes', () => {
    const net = new MLP([784, 30, 10], { outputActivation: 'sigmoid', seed: 0 });
    expect(net.namedParameters().map(([n, t]) => [n, t.shape])).toEqual([
      ['layers.0.weight', [30, 784]],
      ['layers.0.bias', [30]],
      ['layers.1.weight', [10, 30]],
      ['layers.1.bias', [10]],
    ]);
    expect(net.layers.length).toBe(2);
    expect(net.activations.every((a) => a instanceof Sigmoid)).toBe(true);
    expect(new MLP([3, 2], { outputActivation: 'sigmoid', bias: false, seed: 0 }).namedParameters().map(([n]) => n)).toEqual(['layers.0.weight']);
  });

  it('same seed → identical weights; a different seed → different ones; one rng is drawn layer by layer', () => {
    const a = new MLP([4, 5, 3], { outputActivation: 'sigmoid', seed: 17 });
    const b = new MLP([4, 5, 3], { outputActivation: 'sigmoid', seed: 17 });
    const c = new MLP([4, 5, 3], { outputActivation: 'sigmoid', seed: 18 });
    const flat = (m: MLP): number[] => m.parameters().flatMap((p) => Array.from(p.data));
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    const rng = new Rng(17);
    const expected = [20, 5, 15, 3].flatMap((n) => Array.from({ length: n }, () => rng.normal()));
    expect(flat(a)).toEqual(expected);
  });

  it('forward and forwardTrace equal a plain-loop forward (any depth, width, activation)', () => {
    fc.assert(
      fc.property(
        fc.record({
          sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 5 }),
          activation: fc.constantFrom<ActivationName>('sigmoid', 'tanh', 'relu', 'identity'),
          output: fc.constantFrom<ActivationName>('sigmoid', 'tanh', 'relu', 'identity'),
          batch: fc.integer({ min: 1, max: 4 }),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ sizes, activation, output, batch, seed }) => {
          const net = new MLP(sizes, { activation, outputActivation: output, init: 'scaledNormal', seed });
          const rng = new Rng(seed + 1);
          const xs = Array.from({ length: batch }, () => Array.from({ length: sizes[0]! }, () => rng.uniform(-2, 2)));
          const fOf = (l: number): ActivationName => (l === net.layers.length - 1 ? output : activation);
          const out = net.forward(tensor(xs));
          const trace = net.forwardTrace(tensor(xs));
          expect(out.shape).toEqual([batch, sizes[sizes.length - 1]]);
          xs.forEach((x, r) => {
            const ref = plainForward(net, x, fOf);
            const width = sizes[sizes.length - 1]!;
            expectClose(out.data.slice(r * width, (r + 1) * width), ref.a[ref.a.length - 1]!, 1e-12, 1e-14);
            ref.z.forEach((z, l) => {
              expectClose(trace.z[l]!.data.slice(r * z.length, (r + 1) * z.length), z, 1e-12, 1e-14);
              expectClose(trace.a[l]!.data.slice(r * z.length, (r + 1) * z.length), ref.a[l]!, 1e-12, 1e-14);
            });
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("engine gradients agree with BP1–BP4 evaluated on forwardTrace's z and a", () => {
    const net = new MLP([3, 4, 2], { seed: 4, activation: 'tanh', outputActivation: 'sigmoid' });
    const x = [
      [0.3, -1.2, 0.8],
      [1.1, 0.4, -0.6],
    ];
    const y = [
      [1, 0],
      [0, 1],
    ];
    const m = x.length;
    const { z, a } = net.forwardTrace(tensor(x));
    quadraticCost(a[1]!, tensor(y)).backward();
    const row = (t: { data: ArrayLike<number> }, r: number, n: number): number[] => Array.from(t.data).slice(r * n, (r + 1) * n);
    const W2 = net.layers[1]!.weight.data;
    const gW = [new Float64Array(12), new Float64Array(8)];
    const gb = [new Float64Array(4), new Float64Array(2)];
    for (let r = 0; r < m; r++) {
      const z1 = row(z[0]!, r, 4);
      const z2 = row(z[1]!, r, 2);
      const a1 = row(a[0]!, r, 4);
      const a2 = row(a[1]!, r, 2);
      // BP1: δ^L = (a^L − y) ⊙ σ'(z^L), with the 1/m of the mean cost.
      const d2 = a2.map((v, j) => ((v - y[r]![j]!) * DF.sigmoid(z2[j]!)) / m);
      // BP2: δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ f'(z^l).
      const d1 = z1.map((zv, k) => d2.reduce((s, d, j) => s + W2[j * 4 + k]! * d, 0) * DF.tanh(zv));
      // BP3, BP4: ∂C/∂b = δ, ∂C/∂w_jk = a_k^{l−1} δ_j.
      d2.forEach((d, j) => {
        gb[1]![j]! += d;
        a1.forEach((ak, k) => {
          gW[1]![j * 4 + k]! += ak * d;
        });
      });
      d1.forEach((d, j) => {
        gb[0]![j]! += d;
        x[r]!.forEach((xk, k) => {
          gW[0]![j * 3 + k]! += xk * d;
        });
      });
    }
    for (let l = 0; l < 2; l++) {
      expectClose(net.layers[l]!.weight.grad!.data, gW[l]!, 1e-12, 1e-15);
      expectClose(net.layers[l]!.bias!.grad!.data, gb[l]!, 1e-12, 1e-15);
    }
  });

  it('leaves the output layer linear unless outputActivation is given (activation is for hidden layers)', () => {
    // ReLU on the output would clip every negative logit to 0 before softmaxCrossEntropy.
    const x = [
      [0.3, -1.2],
      [1.1, 0.4],
      [-2, 0.7],
    ];
    const net = new MLP([2, 5, 3], { seed: 3, activation: 'relu' });
    const out = net.forward(tensor(x)).data;
    const plain = x.flatMap((xi) => plainForward(net, xi, (l) => (l === 0 ? 'relu' : 'identity')).a[1]!);
    expectClose(out, plain, 1e-14, 1e-15);
    expect(Array.from(out).some((v) => v < 0)).toBe(true);
    const nielsen = new MLP([2, 5, 3], { seed: 3, outputActivation: 'sigmoid' });
    const sig = x.flatMap((xi) => plainForward(nielsen, xi, () => 'sigmoid').a[1]!);
    expectClose(nielsen.forward(tensor(x)).data, sig, 1e-14, 1e-15);
  });

  it('supports a softmax output layer', () => {
    const net = new MLP([3, 4], { seed: 1, activation: 'relu', outputActivation: 'softmax' });
    expect(net.activations[0]).toBeInstanceOf(Softmax);
    const p = net.forward(tensor([[1, 2, 3]])).data;
    expect(Array.from(p).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
  });

  it('rejects bad configurations with ValueError', () => {
    expectError(() => new MLP([3]), ValueError, 'MLP', 'at least two positive integers');
    expectError(() => new MLP([3, 0]), ValueError, 'MLP', '[3, 0]');
    expectError(() => new MLP([3, 2], { activation: 'softmax' as never }), ValueError, 'MLP', 'activation');
    expectError(() => new MLP([3, 2], { init: 'bad' as never }), ValueError, 'MLP', 'init');
    expectError(() => new MLP([3, 2], { dtype: 'x' as never }), ValueError, 'MLP', 'dtype');
    expectError(() => new MLP([3, 2], { seed: 0.5 }), ValueError, 'MLP', 'seed');
  });
});
