import { describe, expect, it } from 'vitest';
import { DTypeError, ValueError, add, tensor } from '@pullback/autograd';
import { MLP, compareWithBackprop, l2Penalty, quadraticCost, weightParameters } from '../src/index.ts';
import { backpropReference } from '../src/reference/index.ts';
import { expectClose, expectError, refNetworkOf } from './helpers.ts';

function sumSquares(arrays: ArrayLike<number>[]): number {
  return arrays.reduce((s, a) => s + Array.from(a).reduce((t, v) => t + v * v, 0), 0);
}

describe('l2Penalty', () => {
  it("'unscaled' is (λ/2)·ΣW² over weight matrices only (seed 002 eq. 6); ∂/∂W = λW, biases untouched", () => {
    const net = new MLP([3, 4, 2], { outputActivation: 'sigmoid', seed: 1 });
    const ws = net.layers.map((l) => l.weight);
    expect(weightParameters(net)).toEqual(ws);
    const pen = l2Penalty(net, 0.3, { convention: 'unscaled' });
    expect(pen.item()).toBeCloseTo((0.3 / 2) * sumSquares(ws.map((w) => w.data)), 12);
    pen.backward();
    for (const w of ws)
      expectClose(
        w.grad!.data,
        Array.from(w.data, (v) => 0.3 * v),
        1e-14,
      );
    for (const l of net.layers) expect(l.bias!.grad).toBeNull();
  });

  it("'trainingSet' is (λ/(2n))·ΣW² (Nielsen); ∂/∂W = (λ/n)W", () => {
    const net = new MLP([2, 3, 1], { outputActivation: 'sigmoid', seed: 2 });
    const ws = net.layers.map((l) => l.weight);
    const pen = l2Penalty(net, 5, { convention: 'trainingSet', trainingSetSize: 50000 });
    expect(pen.item()).toBeCloseTo((5 / (2 * 50000)) * sumSquares(ws.map((w) => w.data)), 15);
    pen.backward();
    expectClose(
      ws[0]!.grad!.data,
      Array.from(ws[0]!.data, (v) => (5 / 50000) * v),
      1e-14,
    );
  });

  it('takes an explicit array of weights and adds to a data cost', () => {
    const w = tensor(
      [
        [1, -2],
        [3, 0],
      ],
      { requiresGrad: true },
    );
    expect(l2Penalty([w], 2, { convention: 'unscaled' }).item()).toBe(14);
    const total = add(quadraticCost(tensor([0.5]), tensor([0])), l2Penalty([w], 2, { convention: 'unscaled' }));
    expect(total.item()).toBeCloseTo(14.125, 15);
    expect(l2Penalty([], 1, { convention: 'unscaled' }).item()).toBe(0);
    expect(l2Penalty([w], 0, { convention: 'unscaled' }).item()).toBe(0);
  });

  it('rejects bad arguments with ValueError / DTypeError', () => {
    const net = new MLP([2, 2], { outputActivation: 'sigmoid', seed: 0 });
    expectError(() => l2Penalty(net, -1, { convention: 'unscaled' }), ValueError, 'l2Penalty', 'lambda', '≥ 0', '-1');
    expectError(() => l2Penalty(net, 0.1, {} as never), ValueError, 'l2Penalty', 'convention', "'trainingSet'");
    expectError(() => l2Penalty(net, 0.1, undefined as never), ValueError, 'l2Penalty', 'convention');
    expectError(() => l2Penalty(net, 0.1, { convention: 'trainingSet' }), ValueError, 'l2Penalty', 'trainingSetSize');
    expectError(() => l2Penalty(net, 0.1, { convention: 'unscaled', trainingSetSize: 10 }), ValueError, 'l2Penalty', "only used by convention 'trainingSet'");
    expectError(() => l2Penalty({} as never, 0.1, { convention: 'unscaled' }), ValueError, 'l2Penalty', 'Module or an array');
    expectError(() => l2Penalty([tensor([1]), tensor([1], { dtype: 'float32' })], 0.1, { convention: 'unscaled' }), DTypeError, 'l2Penalty', 'mixed dtypes');
  });
});

describe("the L2 convention formerly named 'batch'", () => {
  it("is 'unscaled' now, and the old name says so in l2Penalty, compareWithBackprop and backpropReference", () => {
    const net = new MLP([2, 2], { outputActivation: 'sigmoid', seed: 0 });
    const w = net.layers[0]!.weight.data;
    const lambda = 0.6;
    // (λ/2)·ΣW², with no 1/m or 1/n.
    expect(l2Penalty(net, lambda, { convention: 'unscaled' }).item()).toBeCloseTo((lambda / 2) * sumSquares([w]), 14);
    const renamed = /'batch' is now called 'unscaled'/;
    expectError(() => l2Penalty(net, lambda, { convention: 'batch' } as never), ValueError, 'l2Penalty', renamed, "'trainingSet'");
    const batch = { x: tensor([[0.5, -1]]), y: tensor([[1, 0]]) };
    expectError(
      () => compareWithBackprop(net, batch, { cost: 'quadratic', l2: { lambda, convention: 'batch' } as never }),
      ValueError,
      'compareWithBackprop',
      renamed,
    );
    expect(() =>
      backpropReference(
        refNetworkOf(net),
        { x: Float64Array.from(batch.x.data), y: Float64Array.from(batch.y.data), size: 1 },
        { cost: 'quadratic', l2: { lambda, convention: 'batch' } as never },
      ),
    ).toThrow(renamed);
  });
});
