import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, type Tensor, ValueError, sum, tensor } from '@pullback/autograd';
import { Identity, Linear, ReLU, Rng, Sequential, Sigmoid, Softmax, Tanh, activationLayer, quadraticCost } from '../src/index.ts';
import { centralDifference, expectClose, expectError } from './helpers.ts';

/** z_j = Σ_k w_jk x_k + b_j for every row x, on plain arrays. */
function plainLinear(w: ArrayLike<number>, b: ArrayLike<number> | null, x: ArrayLike<number>, batch: number, inn: number, out: number): number[] {
  const z: number[] = [];
  for (let r = 0; r < batch; r++) {
    for (let j = 0; j < out; j++) {
      let s = b === null ? 0 : b[j]!;
      for (let k = 0; k < inn; k++) s += w[j * inn + k]! * x[r * inn + k]!;
      z.push(s);
    }
  }
  return z;
}

describe('Linear', () => {
  it('holds W as [out, in] (Nielsen w_jk) and b as [out]; y = x Wᵀ + b for a batch', () => {
    const layer = new Linear(3, 2, { seed: 5 });
    expect(layer.weight.shape).toEqual([2, 3]);
    expect(layer.bias!.shape).toEqual([2]);
    const xs = [0.5, -1, 2, 1.5, 0.25, -0.75];
    const y = layer.forward(tensor(xs, { shape: [2, 3] }));
    expect(y.shape).toEqual([2, 2]);
    expectClose(y.data, plainLinear(layer.weight.data, layer.bias!.data, xs, 2, 3, 2), 1e-14);
  });

  it('maps a single example [in] to [out]', () => {
    const layer = new Linear(3, 2, { seed: 5 });
    const y = layer.forward(tensor([0.5, -1, 2]));
    expect(y.shape).toEqual([2]);
    expectClose(y.data, plainLinear(layer.weight.data, layer.bias!.data, [0.5, -1, 2], 1, 3, 2), 1e-14);
  });

  it('has no bias with { bias: false }', () => {
    const layer = new Linear(2, 2, { bias: false, seed: 1 });
    expect(layer.bias).toBeNull();
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expectClose(layer.forward(tensor([[1, 2]])).data, plainLinear(layer.weight.data, null, [1, 2], 1, 2, 2), 1e-14);
  });

  it('draws W then b from the generator: same seed → identical, and per scheme', () => {
    const a = new Linear(4, 3, { seed: 9 });
    const b = new Linear(4, 3, { rng: new Rng(9) });
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias!.data)).toEqual(Array.from(b.bias!.data));
    const rng = new Rng(9);
    const w = Array.from({ length: 12 }, () => rng.normal());
    expect(Array.from(a.weight.data)).toEqual(w);
    const glorot = new Linear(4, 3, { seed: 9, init: 'glorot' });
    expect(Array.from(glorot.bias!.data)).toEqual([0, 0, 0]);
    expect(Math.max(...Array.from(glorot.weight.data, Math.abs))).toBeLessThan(Math.sqrt(6 / 7));
    expect(Array.from(new Linear(4, 3, { seed: 9, init: 'he' }).bias!.data)).toEqual([0, 0, 0]);
    expect(Array.from(new Linear(4, 3, { seed: 9, init: 'scaledNormal' }).weight.data)).toEqual(w.map((v) => v / 2));
  });

  it('supports float32', () => {
    const layer = new Linear(2, 2, { seed: 1, dtype: 'float32' });
    expect(layer.weight.dtype).toBe('float32');
    expect(layer.forward(tensor([[1, 2]], { dtype: 'float32' })).dtype).toBe('float32');
  });

  it('backpropagates: ∂C/∂W matches central differences', () => {
    const layer = new Linear(3, 2, { seed: 2 });
    const x = tensor([
      [0.2, -0.4, 1],
      [0.7, 0.1, -0.3],
    ]);
    const y = tensor([
      [1, 0],
      [0, 1],
    ]);
    quadraticCost(layer.forward(x), y).backward();
    const w0 = Array.from(layer.weight.data);
    const numeric = centralDifference((w) => {
      const l = new Linear(3, 2, { seed: 2 });
      l.weight.data.set(w);
      return quadraticCost(l.forward(x), y).item();
    }, w0);
    expectClose(layer.weight.grad!.data, numeric, 1e-6, 1e-8);
  });

  it('rejects bad input with the right error class and leaves the weights alone', () => {
    const layer = new Linear(3, 2, { seed: 0 });
    const before = Array.from(layer.weight.data);
    expectError(() => layer.forward(tensor([[1, 2]])), ShapeError, 'Linear.forward', '[1, 2]', '3 input features');
    expectError(() => layer.forward(tensor(1)), ShapeError, 'Linear.forward', 'shape []');
    expectError(() => layer.forward(tensor([[1, 2, 3]], { dtype: 'float32' })), DTypeError, 'Linear.forward', 'float32');
    expectError(() => layer.forward([1, 2, 3] as unknown as Tensor), ValueError, 'Linear.forward', 'must be a Tensor');
    expect(Array.from(layer.weight.data)).toEqual(before);
    expectError(() => new Linear(0, 2), ValueError, 'Linear', 'inFeatures');
    expectError(() => new Linear(2, 1.5), ValueError, 'Linear', 'outFeatures');
    expectError(() => new Linear(2, 2, { init: 'xavier' as never }), ValueError, 'Linear', 'init', "'glorot'");
    expectError(() => new Linear(2, 2, { seed: 1, rng: new Rng(1) }), ValueError, 'Linear', 'either rng or seed');
    expectError(() => new Linear(2, 2, { dtype: 'int32' as never }), ValueError, 'Linear', 'dtype');
  });
});

describe('activation layers', () => {
  const zs = [-30, -2, -0.5, 0, 0.5, 2, 30];
  const z = (): Tensor => tensor(zs);

  it('compute their functions', () => {
    expectClose(
      new Sigmoid().forward(z()).data,
      zs.map((v) => 1 / (1 + Math.exp(-v))),
      1e-15,
    );
    expectClose(new Tanh().forward(z()).data, zs.map(Math.tanh), 1e-15);
    expect(Array.from(new ReLU().forward(z()).data)).toEqual(zs.map((v) => Math.max(v, 0)));
    const t = z();
    expect(new Identity().forward(t)).toBe(t);
    const s = new Softmax().forward(
      tensor([
        [1, 2, 3],
        [1000, 0, -1000],
      ]),
    );
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const tot = e[0]! + e[1]! + e[2]!;
    expectClose(s.data, [...e.map((v) => v / tot), 1, Math.exp(-1000), 0], 1e-14, 1e-300);
    expectClose(
      new Softmax(0).forward(
        tensor([
          [0, 1],
          [0, 1],
        ]),
      ).data,
      [0.5, 0.5, 0.5, 0.5],
      1e-15,
    );
  });

  it('derivative(z) matches central differences of forward', () => {
    const pts = [-3, -0.7, 0.3, 1.9];
    for (const act of [new Sigmoid(), new Tanh(), new ReLU(), new Identity()]) {
      const d = act.derivative(tensor(pts)).data;
      const fd = pts.map((p) => centralDifference((v) => act.forward(tensor(Array.from(v))).item(), [p])[0]!);
      expectClose(d, fd, 1e-7, 1e-9);
    }
  });

  it('activationLayer builds each kind; Sequential chains modules', () => {
    expect(activationLayer('sigmoid')).toBeInstanceOf(Sigmoid);
    expect(activationLayer('softmax')).toBeInstanceOf(Softmax);
    expectError(() => activationLayer('gelu' as never), ValueError, 'activationLayer', "'relu'");
    const lin = new Linear(2, 2, { seed: 3 });
    const seq = new Sequential(lin, new Tanh());
    const x = tensor([[0.1, 0.2]]);
    expectClose(seq.forward(x).data, Array.from(lin.forward(x).data, Math.tanh), 1e-15);
    expectError(() => new Sequential(lin, 3 as never), ValueError, 'Sequential', 'argument 1');
    expect(sum(seq.forward(x)).requiresGrad).toBe(true);
  });
});
