// Bad inputs to @pullback/nn's layers and losses. Integer class labels must be integers in range
// (NaN and ±Inf rejected); BCE predictions must be probabilities (NaN rejected). Targets of the
// regression losses are data and may hold NaN (the loss is then NaN, as in PyTorch), so no entry
// rejects them.
import { DTypeError, ShapeError, ValueError } from '@pullback/autograd';
import {
  Linear,
  MLP,
  Softmax,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropyCost,
  mseLoss,
  quadraticCost,
  softmaxCrossEntropy,
} from '@pullback/nn';
import { area, entry } from './harness.ts';
import { constant, leaf, matrix, trained } from './fixtures.ts';

export const layers = area('layers', [
  entry({
    name: 'NaN input features',
    fn: 'Linear',
    error: ValueError,
    message: /^Linear: inFeatures must be an integer ≥ 1, got number NaN/,
    setup: () => ({ watch: {} }),
    call: () => new Linear(NaN, 2),
  }),
  entry({
    name: 'negative output features',
    fn: 'Linear',
    error: ValueError,
    message: /^Linear: outFeatures must be an integer ≥ 1, got number -1/,
    setup: () => ({ watch: {} }),
    call: () => new Linear(3, -1),
  }),
  entry({
    name: 'a misspelled option (biass: false)',
    fn: 'Linear',
    error: ValueError,
    message: /^Linear: unknown option 'biass'/,
    setup: () => ({ watch: {} }),
    call: () => new Linear(3, 2, { biass: false } as never),
  }),
  entry({
    name: 'sizes too large to allocate',
    fn: 'Linear',
    error: ValueError,
    message: /^Linear: .*1e\+?10|^Linear: .*10000000000/,
    setup: () => ({ watch: {} }),
    call: () => new Linear(1e10, 1e10),
  }),
  entry({
    name: 'a batch with 2 features into a 3-feature layer',
    fn: 'Linear.forward',
    error: ShapeError,
    message: /^Linear\.forward: input has shape \[4, 2\]; expected \[batch, 3\] or \[3\]/,
    setup: () => {
      const t = trained([3, 2]);
      const layer = t.model.layers[0]!;
      return { watch: { modules: [t.model], optimizers: [t.opt] }, layer };
    },
    call: ({ layer }) => layer.call(matrix(4, 2)),
  }),
  entry({
    name: 'a float32 batch into a float64 layer',
    fn: 'Linear.forward',
    error: DTypeError,
    message: /^Linear\.forward: input has dtype float32 but the layer's weight has dtype float64; cast the input with \.cast\('float64'\)/,
    setup: () => {
      const t = trained([3, 2]);
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model }) => model.call(matrix(2, 3, 'float32')),
  }),
  entry({
    name: 'a float64 batch into a float32 MLP',
    fn: 'Linear.forward',
    error: DTypeError,
    message: /^Linear\.forward: input has dtype float64 but the layer's weight has dtype float32; cast the input with \.cast\('float32'\)/,
    setup: () => {
      const t = trained([3, 2], 'adam', { dtype: 'float32' });
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model }) => model.call(matrix(2, 3)),
  }),
  entry({
    name: 'a fractional hidden size',
    fn: 'MLP',
    error: ValueError,
    message: /^MLP: sizes must list at least two positive integers .*got \[3, 2\.5, 1\]/,
    setup: () => ({ watch: {} }),
    call: () => new MLP([3, 2.5, 1]),
  }),
  entry({
    name: 'a misspelled option (activaton)',
    fn: 'MLP',
    error: ValueError,
    message: /^MLP: unknown option 'activaton'/,
    setup: () => ({ watch: {} }),
    call: () => new MLP([3, 2], { activaton: 'relu' } as never),
  }),
  entry({
    name: 'a fractional softmax axis',
    fn: 'Softmax',
    error: ValueError,
    message: /^Softmax: axis must be an integer, got number 0\.5/,
    setup: () => ({ watch: {} }),
    call: () => new Softmax(0.5),
  }),
]);

export const losses = area('losses', [
  entry({
    name: 'prediction [4, 3] against target [4, 2]',
    fn: 'quadraticCost',
    error: ShapeError,
    message: /^quadraticCost: prediction has shape \[4, 3\] but target has shape \[4, 2\]; they must be equal/,
    setup: () => {
      const a = leaf(matrix(4, 3).toArray());
      const y = constant(matrix(4, 2).toArray());
      return { watch: { tensors: [a, y] }, a, y };
    },
    call: ({ a, y }) => quadraticCost(a, y),
  }),
  entry({
    name: 'a target that would broadcast ([3] against [4, 3])',
    fn: 'quadraticCost',
    error: ShapeError,
    message: /^quadraticCost: prediction has shape \[4, 3\] but target has shape \[3\]; they must be equal/,
    setup: () => {
      const a = leaf(matrix(4, 3).toArray());
      const y = constant([0, 1, 0]);
      return { watch: { tensors: [a, y] }, a, y };
    },
    call: ({ a, y }) => quadraticCost(a, y),
  }),
  entry({
    name: "PyTorch's classic [4, 1] against [4]",
    fn: 'mseLoss',
    error: ShapeError,
    message: /^mseLoss: prediction has shape \[4, 1\] but target has shape \[4\]; they must be equal/,
    setup: () => {
      const a = leaf([[1], [2], [3], [4]]);
      const y = constant([1, 2, 3, 4]);
      return { watch: { tensors: [a, y] }, a, y };
    },
    call: ({ a, y }) => mseLoss(a, y),
  }),
  entry({
    name: 'logits [3] against target [3, 1]',
    fn: 'binaryCrossEntropyWithLogits',
    error: ShapeError,
    message: /^binaryCrossEntropyWithLogits: logits has shape \[3\] but target has shape \[3, 1\]; they must be equal/,
    setup: () => {
      const z = leaf([0.1, -2, 3]);
      const y = constant([[1], [0], [1]]);
      return { watch: { tensors: [z, y] }, z, y };
    },
    call: ({ z, y }) => binaryCrossEntropyWithLogits(z, y),
  }),
  entry({
    name: 'a prediction of −0.25',
    fn: 'binaryCrossEntropy',
    error: ValueError,
    message: /^binaryCrossEntropy: prediction -0\.25 at flat position 2 is not a probability in \[0, 1\]/,
    setup: () => {
      const p = leaf([0.5, 0.9, -0.25]);
      const y = constant([1, 1, 0]);
      return { watch: { tensors: [p, y] }, p, y };
    },
    call: ({ p, y }) => binaryCrossEntropy(p, y),
  }),
  entry({
    name: 'a float32 target for float64 predictions',
    fn: 'crossEntropyCost',
    error: DTypeError,
    message: /^crossEntropyCost: prediction has dtype float64 but target has dtype float32; cast one with \.cast\('float64'\)/,
    setup: () => {
      const a = leaf([[0.2, 0.8]]);
      const y = constant([[0, 1]], 'float32');
      return { watch: { tensors: [a, y] }, a, y };
    },
    call: ({ a, y }) => crossEntropyCost(a, y),
  }),
  entry({
    name: 'a label tensor holding NaN',
    fn: 'softmaxCrossEntropy',
    error: ValueError,
    message: /^softmaxCrossEntropy: label NaN at position 1 is not a class index in \[0, 2\] \(the logits have 3 classes\)/,
    setup: () => {
      const z = leaf(matrix(2, 3).toArray());
      const labels = constant([0, NaN]);
      return { watch: { tensors: [z, labels] }, z, labels };
    },
    call: ({ z, labels }) => softmaxCrossEntropy(z, labels),
  }),
  entry({
    name: 'a label of Infinity for one example',
    fn: 'softmaxCrossEntropy',
    error: ValueError,
    message: /^softmaxCrossEntropy: label Infinity at position 0 is not a class index in \[0, 3\] \(the logits have 4 classes\)/,
    setup: () => {
      const z = leaf([0.1, 0.2, 0.3, 0.4]);
      return { watch: { tensors: [z] }, z };
    },
    call: ({ z }) => softmaxCrossEntropy(z, Infinity),
  }),
  entry({
    name: 'three labels for a batch of two',
    fn: 'softmaxCrossEntropy',
    error: ShapeError,
    message:
      /^softmaxCrossEntropy: logits have shape \[2, 3\], so labels must be class indices of shape \[2\] or probabilities of shape \[2, 3\]; got labels of shape \[3\]/,
    setup: () => {
      const z = leaf(matrix(2, 3).toArray());
      const labels = [0, 1, 2];
      return { watch: { tensors: [z], values: [labels] }, z, labels };
    },
    call: ({ z, labels }) => softmaxCrossEntropy(z, labels),
  }),
  entry({
    name: 'one label for a batch of two',
    fn: 'softmaxCrossEntropy',
    error: ShapeError,
    message: /^softmaxCrossEntropy: logits have shape \[2, 3\], .*got labels of shape \[\]/,
    setup: () => {
      const z = leaf(matrix(2, 3).toArray());
      return { watch: { tensors: [z] }, z };
    },
    call: ({ z }) => softmaxCrossEntropy(z, 1),
  }),
  entry({
    name: 'labels given as strings',
    fn: 'softmaxCrossEntropy',
    error: ValueError,
    message: /^softmaxCrossEntropy: label .*"0".* at position 0/,
    setup: () => {
      const z = leaf(matrix(2, 3).toArray());
      const labels = ['0', 1];
      return { watch: { tensors: [z], values: [labels] }, z, labels };
    },
    call: ({ z, labels }) => softmaxCrossEntropy(z, labels as never),
  }),
  entry({
    name: 'an unknown reduction',
    fn: 'mseLoss',
    error: ValueError,
    message: /^mseLoss: reduction must be one of 'mean', 'sum', got string "avg"/,
    setup: () => {
      const a = leaf([1, 2]);
      const y = constant([1, 2]);
      return { watch: { tensors: [a, y] }, a, y };
    },
    call: ({ a, y }) => mseLoss(a, y, { reduction: 'avg' as never }),
  }),
]);
