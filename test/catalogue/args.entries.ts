// Arguments of the wrong kind, results too large to hold, and options objects: every public
// function checks what it is given before touching anything, names itself and the argument, and
// says what it got (type and value) and what it expected; a result over MAX_TENSOR_SIZE is
// refused before allocating (never a raw RangeError); an unknown option key lists the accepted ones.
import {
  Rng,
  ValueError,
  add,
  arange,
  bernoulli,
  broadcastTo,
  dropout,
  clamp,
  exp,
  gather,
  gelu,
  grad,
  hardTanh,
  leakyRelu,
  matmul,
  max,
  mul,
  oneHot,
  pad,
  rand,
  randint,
  relu,
  scalar,
  scatterAdd,
  sum,
  tensor,
  transpose,
  where,
  zeros,
} from '@pullback/autograd';
import { batches, explainBackprop, l2Penalty, quadraticCost } from '@pullback/nn';
import { area, entry } from './harness.ts';
import { constant, leaf, m23, trained } from './fixtures.ts';

const withX = () => {
  const x = m23();
  return { watch: { tensors: [x] }, x };
};

export const argumentTypes = area('argument types', [
  entry({
    name: 'a Scalar mixed with a tensor',
    fn: 'mul',
    error: ValueError,
    message: /^mul: b must be a Scalar or a number to go with a Scalar, got a Tensor/,
    setup: () => {
      const s = scalar(1);
      const t = tensor([1, 2]);
      return { watch: { scalars: [s], tensors: [t] }, s, t };
    },
    call: ({ s, t }) => mul(s as never, t as never),
  }),
  entry({
    name: 'a string where a tensor is expected',
    fn: 'exp',
    error: ValueError,
    message: /^exp: x must be a Tensor, a Scalar or a number, got string "1"/,
    setup: () => ({ watch: {} }),
    call: () => exp('1' as never),
  }),
  entry({
    name: 'undefined as the input',
    fn: 'relu',
    error: ValueError,
    message: /^relu: x must be a Tensor, a Scalar or a number, got undefined/,
    setup: () => ({ watch: {} }),
    call: () => relu(undefined as never),
  }),
  entry({
    name: 'a plain array as the input',
    fn: 'sum',
    error: ValueError,
    message: /^sum: x must be a Tensor, got an array/,
    setup: () => {
      const values = [1, 2];
      return { watch: { values: [values] }, values };
    },
    call: ({ values }) => sum(values as never),
  }),
  entry({
    name: 'a string as the permutation',
    fn: 'transpose',
    error: ValueError,
    message: /^transpose: perm must be an array of integers, got string "10"/,
    setup: withX,
    call: ({ x }) => transpose(x, '10' as never),
  }),
  entry({
    name: 'a numeric string as an index',
    fn: 'gather',
    error: ValueError,
    message: /^gather: index "1" \(a string\) at position 0 is not an integer; expected integers in \[-2, 1\]/,
    setup: withX,
    call: ({ x }) => gather(x, ['1'] as never),
  }),
  entry({
    name: 'a numeric string as start',
    fn: 'arange',
    error: ValueError,
    message: /^arange: start must be a number, got string "0"/,
    setup: () => ({ watch: {} }),
    call: () => arange('0' as never, 3),
  }),
  entry({
    name: 'a DataView as data',
    fn: 'tensor',
    error: ValueError,
    message: /^tensor: cannot make a tensor from a DataView; expected a number, nested arrays of numbers or a typed array/,
    setup: () => {
      const bytes = new Uint8Array(8);
      return { watch: { bytes: [bytes] }, bytes };
    },
    call: ({ bytes }) => tensor(new DataView(bytes.buffer) as never),
  }),
  entry({
    name: 'null as the options',
    fn: 'tensor',
    error: ValueError,
    message: /^tensor: options must be an object \('dtype', 'requiresGrad', 'name', 'shape'\), got null/,
    setup: () => ({ watch: {} }),
    call: () => tensor([1, 2], null as never),
  }),
  entry({
    name: 'null as the options',
    fn: 'matmul',
    error: ValueError,
    message: /^matmul: options must be an object \('transposeA', 'transposeB'\), got null/,
    setup: () => {
      const a = leaf([[1, 2]]);
      const b = leaf([[1], [2]]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => matmul(a, b, null as never),
  }),
  entry({
    name: 'a tensor as the axis',
    fn: 'scatterAdd',
    error: ValueError,
    message: /^scatterAdd: axis must be an integer, got a Tensor/,
    setup: () => {
      const u = leaf([1, 2]);
      const axis = constant([0]);
      return { watch: { tensors: [u, axis] }, u, axis };
    },
    call: ({ u, axis }) => scatterAdd(u, [0, 1], axis as never, 3),
  }),
  entry({
    name: 'a truthy string as keepDims',
    fn: 'max',
    error: ValueError,
    message: /^max: keepDims must be a boolean \(true or false\), got string "yes"/,
    setup: withX,
    call: ({ x }) => max(x, 1, 'yes' as never),
  }),
  entry({
    name: 'a misspelt option key',
    fn: 'sum',
    error: ValueError,
    message: /^sum: unknown option 'keepdims'; expected 'axis', 'keepDims'/,
    setup: withX,
    call: ({ x }) => sum(x, { axis: 1, keepdims: true } as never),
  }),
  entry({
    name: 'a number as the function',
    fn: 'grad',
    error: ValueError,
    message: /^grad: expected a function, got number 5/,
    setup: () => ({ watch: {} }),
    call: () => grad(5 as never),
  }),
  entry({
    name: 'a probability above 1 (the generator does not advance)',
    fn: 'dropout',
    error: ValueError,
    message: /^dropout: p must be a probability in \[0, 1\], got 1\.5/,
    setup: () => {
      const x = m23();
      const generator = new Rng(1);
      return { watch: { tensors: [x], values: [generator] }, x, generator };
    },
    call: ({ x, generator }) => dropout(x, 1.5, { generator }),
  }),
  entry({
    name: 'a tensor of probabilities holding a negative value',
    fn: 'bernoulli',
    error: ValueError,
    message: /^bernoulli: p must hold probabilities in \[0, 1\], got -0\.5 at flat index 1 \(shape \[2\]\)/,
    setup: () => {
      const p = constant([0.5, -0.5]);
      const generator = new Rng(1);
      return { watch: { tensors: [p], values: [generator] }, p, generator };
    },
    call: ({ p, generator }) => bernoulli(p, { generator }),
  }),
  entry({
    name: 'low equal to high',
    fn: 'randint',
    error: ValueError,
    message: /^randint: low must be below high \(values are drawn from \[low, high\)\), got low 3 and high 3/,
    setup: () => {
      const generator = new Rng(1);
      return { watch: { values: [generator] }, generator };
    },
    call: ({ generator }) => randint(3, 3, [2], { generator }),
  }),
  entry({
    name: 'a seed where the generator belongs',
    fn: 'rand',
    error: ValueError,
    message: /^rand: generator must be an Rng \(new Rng\(seed\)\), got number 42/,
    setup: () => ({ watch: {} }),
    call: () => rand([2], { generator: 42 as never }),
  }),
  entry({
    name: 'a string as the slope of leakyRelu',
    fn: 'leakyRelu',
    error: ValueError,
    message: /^leakyRelu: negativeSlope must be a number, got string "0.1"/,
    setup: withX,
    call: ({ x }) => leakyRelu(x, '0.1' as never),
  }),
  entry({
    name: 'clamp with neither bound',
    fn: 'clamp',
    error: ValueError,
    message: /^clamp: at least one of min and max must be given/,
    setup: withX,
    call: ({ x }) => clamp(x),
  }),
  entry({
    name: 'hardTanh with minVal above maxVal',
    fn: 'hardTanh',
    error: ValueError,
    message: /^hardTanh: minVal must be at most maxVal, got minVal 2 and maxVal 1/,
    setup: withX,
    call: ({ x }) => hardTanh(x, 2, 1),
  }),
]);

const TOO_MANY = /the result would have shape \[.*\] \(\d+ elements\); a tensor holds at most 2147483647/;
const tooMany = (fn: string) => new RegExp(`^${fn}: ${TOO_MANY.source}`);

export const resultSizes = area('result sizes', [
  entry({
    name: 'a broadcast result over the element limit',
    fn: 'add',
    error: ValueError,
    message: tooMany('add'),
    setup: () => {
      const a = zeros([65536, 1]);
      const b = zeros([1, 65536]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => add(a, b),
  }),
  entry({
    name: 'a broadcast result over the element limit',
    fn: 'where',
    error: ValueError,
    message: tooMany('where'),
    setup: () => {
      const c = zeros([65536, 1]);
      const a = zeros([1, 65536]);
      return { watch: { tensors: [c, a] }, c, a };
    },
    call: ({ c, a }) => where(c, a, 0),
  }),
  entry({
    name: 'a product over the element limit',
    fn: 'matmul',
    error: ValueError,
    message: tooMany('matmul'),
    setup: () => {
      const a = zeros([65536, 1]);
      const b = zeros([1, 65536]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => matmul(a, b),
  }),
  entry({
    name: 'a target shape over the element limit',
    fn: 'broadcastTo',
    error: ValueError,
    message: tooMany('broadcastTo'),
    setup: () => {
      const x = leaf([1]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => broadcastTo(x, [65536, 65536]),
  }),
  entry({
    name: 'a range over the element limit',
    fn: 'arange',
    error: ValueError,
    message: tooMany('arange'),
    setup: () => ({ watch: {} }),
    call: () => arange(0, 3e9),
  }),
  entry({
    name: 'a depth over the element limit',
    fn: 'oneHot',
    error: ValueError,
    message: tooMany('oneHot'),
    setup: () => {
      const labels = [0, 1];
      return { watch: { values: [labels] }, labels };
    },
    call: ({ labels }) => oneHot(labels, 2 ** 31),
  }),
  entry({
    name: 'padding over the element limit',
    fn: 'pad',
    error: ValueError,
    message: tooMany('pad'),
    setup: () => {
      const x = leaf([1]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => pad(x, [2 ** 31], [0]),
  }),
  entry({
    name: 'a target size over the element limit',
    fn: 'scatterAdd',
    error: ValueError,
    message: tooMany('scatterAdd'),
    setup: () => {
      const u = leaf([1]);
      return { watch: { tensors: [u] }, u };
    },
    call: ({ u }) => scatterAdd(u, [0], 0, 2 ** 31),
  }),
  entry({
    name: 'more examples than can be indexed',
    fn: 'batches',
    error: ValueError,
    message: /^batches: n \(the number of examples\) is 4294967296; at most 2147483647/,
    setup: () => ({ watch: {} }),
    call: () => batches(2 ** 32, 1),
  }),
  entry({
    name: 'random values of a shape too large to hold',
    fn: 'rand',
    error: ValueError,
    message: tooMany('rand'),
    setup: () => {
      const generator = new Rng(1);
      return { watch: { values: [generator] }, generator };
    },
    call: ({ generator }) => rand([2 ** 16, 2 ** 16], { generator }),
  }),
]);

export const optionObjects = area('options objects', [
  entry({
    name: 'an unknown option key',
    fn: 'l2Penalty',
    error: ValueError,
    message: /^l2Penalty: unknown option 'lamda'; expected 'convention', 'trainingSetSize'/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model] }, model: t.model };
    },
    call: ({ model }) => l2Penalty(model, 0.1, { convention: 'batch', lamda: 0.1 } as never),
  }),
  entry({
    name: 'an unknown option key',
    fn: 'quadraticCost',
    error: ValueError,
    message: /^quadraticCost: unknown option 'reduce'; expected 'reduction'/,
    setup: () => {
      const a = leaf([[0.5, 0.5]]);
      const y = constant([[1, 0]]);
      return { watch: { tensors: [a, y] }, a, y };
    },
    call: ({ a, y }) => quadraticCost(a, y, { reduce: 'sum' } as never),
  }),
  entry({
    name: 'an unknown option key',
    fn: 'explainBackprop',
    error: ValueError,
    message: /^explainBackprop: unknown option 'costs'; expected 'cost', 'notation', 'reduction'/,
    setup: () => {
      const t = trained();
      return { watch: { modules: [t.model], tensors: [t.x, t.y] }, ...t };
    },
    call: ({ model, x, y }) => explainBackprop(model, x, y, { costs: 'quadratic' } as never),
  }),
  entry({
    name: 'null as the options',
    fn: 'quadraticCost',
    error: ValueError,
    message: /^quadraticCost: options must be an object, got null/,
    setup: () => {
      const a = leaf([[0.5, 0.5]]);
      const y = constant([[1, 0]]);
      return { watch: { tensors: [a, y] }, a, y };
    },
    call: ({ a, y }) => quadraticCost(a, y, null as never),
  }),
  entry({
    name: 'an unknown gelu approximation',
    fn: 'gelu',
    error: ValueError,
    message: /^gelu: approximate must be 'none' or 'tanh', got string "fast"/,
    setup: withX,
    call: ({ x }) => gelu(x, { approximate: 'fast' as never }),
  }),
  entry({
    name: 'an unknown gelu option',
    fn: 'gelu',
    error: ValueError,
    message: /^gelu: unknown option 'approx'; expected 'approximate'/,
    setup: withX,
    call: ({ x }) => gelu(x, { approx: 'tanh' } as never),
  }),
]);
