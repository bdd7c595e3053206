// Bad inputs to @pullback/nn's training tools: the L2 penalty, the optimizers (each built on a
// model whose optimizer has already taken a step, so that its state can be checked), batching and
// the backprop comparison. Hyper-parameters must be finite numbers in range.
import { DTypeError, ShapeError, ValueError, tensor } from '@pullback/autograd';
import { Adam, AdamW, SGD, batches, compareGradients, compareWithBackprop, gradientDescentStep, l2Penalty } from '@pullback/nn';
import { area, entry } from './harness.ts';
import { constant, leaf, matrix, trained } from './fixtures.ts';

export const penalty = area('l2Penalty', [
  entry({
    name: 'λ = Infinity',
    fn: 'l2Penalty',
    error: ValueError,
    message: /^l2Penalty: lambda must be a finite number ≥ 0, got number Infinity/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model }) => l2Penalty(model, Infinity, { convention: 'unscaled' }),
  }),
  entry({
    name: 'λ = −0.01 on explicit weights',
    fn: 'l2Penalty',
    error: ValueError,
    message: /^l2Penalty: lambda must be a finite number ≥ 0, got number -0\.01/,
    setup: () => {
      const w = leaf(matrix(2, 2).toArray());
      return { watch: { tensors: [w] }, w };
    },
    call: ({ w }) => l2Penalty([w], -0.01, { convention: 'trainingSet', trainingSetSize: 100 }),
  }),
  entry({
    name: 'an unknown convention',
    fn: 'l2Penalty',
    error: ValueError,
    message: /^l2Penalty: convention must be one of 'unscaled', 'trainingSet', got string "dataset"/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model] }, ...t };
    },
    call: ({ model }) => l2Penalty(model, 0.1, { convention: 'dataset' as never }),
  }),
  entry({
    name: 'a training set size of 0',
    fn: 'l2Penalty',
    error: ValueError,
    message: /^l2Penalty: trainingSetSize \(n, for the trainingSet convention\) must be an integer ≥ 1, got number 0/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model] }, ...t };
    },
    call: ({ model }) => l2Penalty(model, 0.1, { convention: 'trainingSet', trainingSetSize: 0 }),
  }),
]);

export const optimizers = area('optimizers', [
  entry({
    name: 'a negative learning rate',
    fn: 'SGD',
    error: ValueError,
    message: /^SGD: learning rate must be a finite number > 0, got number -0\.01/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model }) => new SGD(model, { lr: -0.01 }),
  }),
  entry({
    name: 'negative momentum',
    fn: 'SGD',
    error: ValueError,
    message: /^SGD: momentum must be a finite number ≥ 0, got number -0\.5/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model }) => new SGD(model, { lr: 0.1, momentum: -0.5 }),
  }),
  entry({
    name: 'NaN momentum',
    fn: 'SGD',
    error: ValueError,
    message: /^SGD: momentum must be a finite number ≥ 0, got number NaN/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model] }, ...t };
    },
    call: ({ model }) => new SGD(model, { lr: 0.1, momentum: NaN }),
  }),
  entry({
    name: 'nesterov without momentum',
    fn: 'SGD',
    error: ValueError,
    message: /^SGD: nesterov momentum requires momentum > 0, got momentum 0/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model }) => new SGD(model, { lr: 0.1, nesterov: true }),
  }),
  entry({
    name: 'a misspelled option (momentun)',
    fn: 'SGD',
    error: ValueError,
    message: /^SGD: unknown option 'momentun'; expected 'lr', 'momentum', 'nesterov', 'weightDecay'/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model] }, ...t };
    },
    call: ({ model }) => new SGD(model, { lr: 0.1, momentun: 0.9 } as never),
  }),
  entry({
    name: 'a schedule setting lr to 0 after a step',
    fn: 'SGD.lr',
    error: ValueError,
    message: /^SGD\.lr: learning rate must be a finite number > 0, got number 0/,
    setup: () => {
      const t = trained([3, 4, 2], 'sgd');
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ opt }) => {
      opt.lr = 0;
    },
  }),
  entry({
    name: 'the same parameter twice',
    fn: 'SGD',
    error: ValueError,
    message: /^SGD: params\[1\] appears more than once; each parameter would be updated twice/,
    setup: () => {
      const w = leaf([1, 2]);
      return { watch: { tensors: [w] }, w };
    },
    call: ({ w }) => new SGD([w, w], { lr: 0.1 }),
  }),
  entry({
    name: 'beta1 = 1',
    fn: 'Adam',
    error: ValueError,
    message: /^Adam: betas must be two numbers in \[0, 1\), got \[1, 0\.999\]/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model }) => new Adam(model, { betas: [1, 0.999] }),
  }),
  entry({
    name: 'a NaN beta',
    fn: 'Adam',
    error: ValueError,
    message: /^Adam: betas must be two numbers in \[0, 1\), got \[0\.9, NaN\]/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model] }, ...t };
    },
    call: ({ model }) => new Adam(model, { betas: [0.9, NaN] }),
  }),
  entry({
    name: 'eps = −1e-8',
    fn: 'AdamW',
    error: ValueError,
    message: /^AdamW: eps must be a finite number > 0, got number -1e-8/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model }) => new AdamW(model, { eps: -1e-8 }),
  }),
  entry({
    name: 'eps = Infinity',
    fn: 'Adam',
    error: ValueError,
    message: /^Adam: eps must be a finite number > 0, got number Infinity/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model] }, ...t };
    },
    call: ({ model }) => new Adam(model, { eps: Infinity }),
  }),
  entry({
    name: 'a step with one float32 grad among float64 parameters',
    fn: 'Adam.step',
    error: DTypeError,
    message: /^Adam\.step: params\[2\] has dtype float64 but its grad has dtype float32/,
    setup: () => {
      const t = trained();
      // A mismatched grad cannot come from backward(); set it the way a buggy user hook would.
      const p = t.model.parameters()[2]!;
      p._grad = tensor(Array.from(p.data), { shape: [...p.shape], dtype: 'float32' });
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ opt }) => opt.step(),
  }),
  entry({
    name: 'a NaN learning rate with gradients present',
    fn: 'gradientDescentStep',
    error: ValueError,
    message: /^gradientDescentStep: learning rate must be a finite number > 0, got number NaN/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model] }, ...t };
    },
    call: ({ model }) => gradientDescentStep(model, NaN),
  }),
]);

export const batching = area('batches', [
  entry({
    name: 'a fractional batch size',
    fn: 'batches',
    error: ValueError,
    message: /^batches: batchSize must be an integer ≥ 1, got number 32\.5/,
    setup: () => ({ watch: {} }),
    call: () => batches(1000, 32.5),
  }),
  entry({
    name: 'a NaN batch size',
    fn: 'batches',
    error: ValueError,
    message: /^batches: batchSize must be an integer ≥ 1, got number NaN/,
    setup: () => ({ watch: {} }),
    call: () => batches(1000, NaN),
  }),
  entry({
    name: 'a fractional number of examples',
    fn: 'batches',
    error: ValueError,
    message: /^batches: n \(the number of examples\) must be an integer ≥ 0, got number 10\.5/,
    setup: () => ({ watch: {} }),
    call: () => batches(10.5, 2),
  }),
]);

export const comparison = area('compare', [
  entry({
    name: "an unknown cost name ('mse')",
    fn: 'compareWithBackprop',
    error: ValueError,
    message: /^compareWithBackprop: options\.cost must be one of 'quadratic', 'crossEntropy', got string "mse"/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], tensors: [t.x, t.y] }, ...t };
    },
    call: ({ model, x, y }) => compareWithBackprop(model, { x, y }, { cost: 'mse' as never }),
  }),
  entry({
    name: 'a batch with the wrong number of input features',
    fn: 'compareWithBackprop',
    error: ShapeError,
    message: /^compareWithBackprop: batch\.x has shape \[2, 4\]; expected \[m, 3\]/,
    setup: () => {
      const t = trained();
      const x = matrix(2, 4);
      return { watch: { modules: [t.model], tensors: [x, t.y] }, ...t, x };
    },
    call: ({ model, x, y }) => compareWithBackprop(model, { x, y }, { cost: 'quadratic' }),
  }),
  entry({
    name: 'a NaN in the targets',
    fn: 'compareWithBackprop',
    error: ValueError,
    message: /^compareWithBackprop: batch\.y holds NaN at flat position 1; every entry must be finite/,
    setup: () => {
      const t = trained();
      const y = constant([
        [0, NaN],
        [1, 0],
      ]);
      return { watch: { modules: [t.model], tensors: [t.x, y] }, ...t, y };
    },
    call: ({ model, x, y }) => compareWithBackprop(model, { x, y }, { cost: 'quadratic' }),
  }),
  entry({
    name: 'λ < 0 in options.l2',
    fn: 'compareWithBackprop',
    error: ValueError,
    message: /^compareWithBackprop: options\.l2\.lambda \(λ\) must be a finite number ≥ 0, got number -1/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], tensors: [t.x, t.y] }, ...t };
    },
    call: ({ model, x, y }) => compareWithBackprop(model, { x, y }, { cost: 'quadratic', l2: { lambda: -1, convention: 'unscaled' } }),
  }),
  entry({
    name: 'a hand-computed ∂C/∂w of the wrong length',
    fn: 'compareGradients',
    error: ShapeError,
    message: /^compareGradients: manual\.gradW\[0\] \(∂C\/∂w\^2\) has 6 entries; expected \[4, 3\] = 12 \(row-major\)/,
    setup: () => {
      const t = trained();
      const manual = { gradW: [new Array(6).fill(0), new Array(8).fill(0)] };
      return { watch: { modules: [t.model], values: [manual] }, ...t, manual };
    },
    call: ({ model, x, y, manual }) => compareGradients(model, { x, y }, manual, { cost: 'quadratic' }),
  }),
]);
