// One mini-batch through autodiff and through the closed-form backprop equations BP1–BP4, the
// per-layer comparison table, the backward pass traced step by step — and then a "manual"
// derivation with seed 002's index typo (eq. 13: a_i where a_j is meant), and where it goes wrong.
// Run: pnpm tsx examples/compare-manual.ts [--notation nielsen|ufldl]
import { tensor } from '@pullback/autograd';
import { MLP, compareGradients, compareWithBackprop, explainBackprop } from '@pullback/nn';
import { backpropReference } from '@pullback/nn/reference';
import type { RefNetwork } from '@pullback/nn/reference';

const i = process.argv.indexOf('--notation');
const notation = (i >= 0 ? process.argv[i + 1] : 'nielsen') as 'nielsen' | 'ufldl';

// A 3-4-2 sigmoid network and a mini-batch of three examples, quadratic cost ½‖a − y‖² averaged.
const model = new MLP([3, 4, 2], { activation: 'sigmoid', outputActivation: 'sigmoid', seed: 42 });
const batch = {
  x: tensor([
    [0.2, -0.4, 0.9],
    [1.1, 0.3, -0.7],
    [-0.5, 0.8, 0.1],
  ]),
  y: tensor([
    [1, 0],
    [0, 1],
    [1, 1],
  ]),
};

console.log('== autodiff vs the closed-form BP1–BP4, layer by layer ==');
console.log(compareWithBackprop(model, batch, { cost: 'quadratic', notation }).toText());

console.log('== the backward pass, step by step ==');
console.log(explainBackprop(model, batch.x, batch.y, { cost: 'quadratic', notation }).toText());

// A hand derivation of ∂J/∂W that follows seed 002's eq. (13) literally: ∂z_i/∂W_ij = a_i (typo).
const net: RefNetwork = {
  sizes: [3, 4, 2],
  weights: model.layers.map((l) => Float64Array.from(l.weight.data)),
  biases: model.layers.map((l) => (l.bias ? Float64Array.from(l.bias.data) : null)),
  activations: ['sigmoid', 'sigmoid'],
};
const ref = backpropReference(net, { x: Float64Array.from(batch.x.data), y: Float64Array.from(batch.y.data), size: 3 }, { cost: 'quadratic' });
const typo = ref.layers.map((layer, li) => {
  const rows = net.sizes[li + 1]!;
  const cols = net.sizes[li]!;
  const prev = li === 0 ? ref.input : ref.layers[li - 1]!.a;
  const g = new Float64Array(rows * cols);
  for (let m = 0; m < 3; m++) {
    for (let j = 0; j < rows; j++) {
      // a_j of the previous layer should multiply δ_j here; the typo uses a_i (i = the row index j).
      for (let k = 0; k < cols; k++) g[j * cols + k]! += (layer.delta[m * rows + j]! * prev[m * cols + Math.min(j, cols - 1)]!) / 3;
    }
  }
  return g;
});
console.log("== a manual derivation with seed 002's eq. (13) typo ==");
console.log(compareGradients(model, batch, { gradW: typo }, { cost: 'quadratic', notation: 'ufldl' }).toText());
