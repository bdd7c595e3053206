import { describe, expect, it } from 'vitest';
import { add, gather, noGrad, tensor } from '@pullback/autograd';
import { Adam, MLP, SGD, batches, l2Penalty, loadSafetensors, quadraticCost, saveSafetensors, softmaxCrossEntropy } from '../src/index.ts';

// End to end: layers, losses, optimizers and batches together on problems small enough to run in
// milliseconds, seeded so the run is the same every time.
const X = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const XOR = tensor([[0], [1], [1], [0]]);

describe('training', () => {
  it("learns XOR with Nielsen's setup: sigmoid MLP, quadratic cost, mini-batch SGD", () => {
    const net = new MLP([2, 3, 1], { outputActivation: 'sigmoid', seed: 3 });
    const opt = new SGD(net, { lr: 3, momentum: 0.5 });
    const initial = quadraticCost(net.forward(X), XOR).item();
    for (let epoch = 0; epoch < 1500; epoch++) {
      for (const idx of batches(4, 2, { shuffle: true, seed: epoch })) {
        opt.zeroGrad();
        quadraticCost(net.forward(gather(X, idx)), gather(XOR, idx)).backward();
        opt.step();
      }
    }
    const final = noGrad(() => quadraticCost(net.forward(X), XOR).item());
    expect(final).toBeLessThan(initial / 10);
    expect(Array.from(net.forward(X).data, (v) => Math.round(v))).toEqual([0, 1, 1, 0]);
  });

  it('learns XOR as two classes with Adam, softmax cross-entropy and an L2 penalty; a saved copy predicts the same', () => {
    const net = new MLP([2, 8, 2], { seed: 1, activation: 'tanh', outputActivation: 'identity', init: 'glorot' });
    const opt = new Adam(net, { lr: 0.05 });
    const labels = [0, 1, 1, 0];
    for (let step = 0; step < 300; step++) {
      opt.zeroGrad();
      add(softmaxCrossEntropy(net.forward(X), labels), l2Penalty(net, 1e-4, { convention: 'unscaled' })).backward();
      opt.step();
    }
    expect(softmaxCrossEntropy(net.forward(X), labels).item()).toBeLessThan(0.05);
    const copy = new MLP([2, 8, 2], { seed: 99, activation: 'tanh', outputActivation: 'identity' });
    loadSafetensors(copy, saveSafetensors(net));
    expect(Array.from(copy.forward(X).data)).toEqual(Array.from(net.forward(X).data));
  });
});
