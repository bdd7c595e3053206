// Bad inputs to @pullback/autograd's shape ops and reductions: sizes, axes and indices that are
// negative, fractional, repeated or out of range. Empty tensors: sum → 0, mean → NaN (with NumPy
// and PyTorch), logSumExp → −Inf and softmax → empty are accepted; max/min over an empty axis
// have no identity and must throw (NumPy: "zero-size array to reduction operation maximum which
// has no identity"; PyTorch: "max(): Expected reduction dim 1 to have non-zero size").
import {
  DTypeError,
  ShapeError,
  ValueError,
  broadcastTo,
  concat,
  expandDims,
  gather,
  logSoftmax,
  max,
  mean,
  min,
  pad,
  reshape,
  slice,
  softmax,
  squeeze,
  stack,
  sum,
  sumTo,
  transpose,
  zeros,
} from '@pullback/autograd';
import { area, entry } from './harness.ts';
import { constant, leaf, m23 } from './fixtures.ts';

export const shapes = area('shape ops', [
  entry({
    name: 'negative sizes other than a single −1',
    fn: 'reshape',
    error: ValueError,
    message: /^reshape: shape \[-2, -3\] has size -2; expected non-negative integers/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => reshape(x, [-2, -3]),
  }),
  entry({
    name: 'a fractional size',
    fn: 'reshape',
    error: ValueError,
    message: /^reshape: shape \[1\.5, 4\] has size 1\.5; expected non-negative integers/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => reshape(x, [1.5, 4]),
  }),
  entry({
    name: 'two sizes to infer',
    fn: 'reshape',
    error: ValueError,
    message: /^reshape: shape \[-1, -1\] has more than one −1; at most one size can be inferred/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => reshape(x, [-1, -1]),
  }),
  entry({
    name: 'a size given as a string',
    fn: 'reshape',
    error: ValueError,
    message: /^reshape: .*string.*non-negative integers/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => reshape(x, ['6'] as never),
  }),
  entry({
    name: 'a repeated axis in perm',
    fn: 'transpose',
    error: ValueError,
    message: /^transpose: perm \[0, 0\] is not a permutation of the 2 axes of a tensor of shape \[2, 3\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => transpose(x, [0, 0]),
  }),
  entry({
    name: 'a fractional axis in perm',
    fn: 'transpose',
    error: ValueError,
    message: /^transpose: perm\[\d\] must be an integer, got number 0\.5/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => transpose(x, [0.5, 1]),
  }),
  entry({
    name: 'a size that is neither 1 nor the target',
    fn: 'broadcastTo',
    error: ShapeError,
    message: /^broadcastTo: cannot broadcast shape \[2, 3\] to \[3, 3\]: axis 0 has size 2, expected 1 or 3/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => broadcastTo(x, [3, 3]),
  }),
  entry({
    name: 'tensors of different shapes',
    fn: 'stack',
    error: ShapeError,
    message: /^stack: tensor 1 has shape \[3\] but tensor 0 has \[2, 3\]; stack needs equal shapes/,
    setup: () => {
      const a = m23();
      const b = leaf([1, 2, 3]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => stack([a, b]),
  }),
  entry({
    name: 'a new axis beyond the result rank',
    fn: 'stack',
    error: ValueError,
    message: /^stack: axis 3 is out of range for a tensor of rank 3; expected an axis in \[-3, 2\]/,
    setup: () => {
      const a = m23();
      const b = m23();
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => stack([a, b], 3),
  }),
  entry({
    name: 'tensors of different dtypes',
    fn: 'stack',
    error: DTypeError,
    message: /^stack: .*float64.*float32/,
    setup: () => {
      const a = leaf([1, 2]);
      const b = leaf([3, 4], 'float32');
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => stack([a, b]),
  }),
  entry({
    name: 'tensors of different dtypes',
    fn: 'concat',
    error: DTypeError,
    message: /^concat: operands have dtypes float64 and float32/,
    setup: () => {
      const a = m23();
      const b = leaf([[1, 2, 3]], 'float32');
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => concat([a, b]),
  }),
  entry({
    name: 'an empty list',
    fn: 'concat',
    error: ValueError,
    message: /^concat: expected a non-empty array of tensors/,
    setup: () => ({ watch: {} }),
    call: () => concat([]),
  }),
  entry({
    name: 'a negative index below −size',
    fn: 'gather',
    error: ValueError,
    message: /^gather: index -3 at position 0 is out of range for axis 0 of size 2; expected integers in \[-2, 1\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => gather(x, [-3]),
  }),
  entry({
    name: 'a 2-D index tensor with an entry past axis 1',
    fn: 'gather',
    error: ValueError,
    message: /^gather: index 5 at position 1 is out of range for axis 1 of size 3; expected integers in \[-3, 2\]/,
    setup: () => {
      const x = m23();
      const idx = constant([[0, 5]]);
      return { watch: { tensors: [x, idx] }, x, idx };
    },
    call: ({ x, idx }) => gather(x, idx, 1),
  }),
  entry({
    name: 'an end before the begin',
    fn: 'slice',
    error: ValueError,
    message: /^slice: bounds \[2, 1\) on axis 1 are out of range for size 3; expected 0 ≤ begin ≤ end ≤ 3/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => slice(x, [0, 2], [2, 1]),
  }),
  entry({
    name: 'more ends than axes',
    fn: 'slice',
    error: ValueError,
    message: /^slice: end .*at most one .*per axis/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => slice(x, [0], [1, 2, 3]),
  }),
  entry({
    name: 'negative padding',
    fn: 'pad',
    error: ValueError,
    message: /^pad: before \[0, -1\] has size -1; expected non-negative integers/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => pad(x, [0, -1], [0, 0]),
  }),
  entry({
    name: 'one padding entry for a rank-2 tensor',
    fn: 'pad',
    error: ValueError,
    message: /^pad: before and after need 2 entries for shape \[2, 3\], got 1 and 1/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => pad(x, [1], [1]),
  }),
  entry({
    name: 'an axis of size 2',
    fn: 'squeeze',
    error: ShapeError,
    message: /^squeeze: axis 0 of shape \[2, 3\] has size 2; only size-1 axes can be squeezed/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => squeeze(x, 0),
  }),
  entry({
    name: 'an axis past rank + 1',
    fn: 'expandDims',
    error: ValueError,
    message: /^expandDims: axis 4 is out of range for a tensor of rank 3; expected an axis in \[-3, 2\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => expandDims(x, 4),
  }),
  entry({
    name: 'a target the tensor was not broadcast from',
    fn: 'sumTo',
    error: ShapeError,
    message: /^sumTo: .*\[2, 3\].*\[4\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => sumTo(x, [4]),
  }),
]);

export const reductions = area('reductions', [
  entry({
    name: 'the same axis twice (0 and −2)',
    fn: 'sum',
    error: ValueError,
    message: /^sum: axes \[0, -2\] repeat an axis; expected distinct axes/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => sum(x, [0, -2]),
  }),
  entry({
    name: 'an axis given as a string',
    fn: 'sum',
    error: ValueError,
    message: /^sum: axis must be an integer/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => sum(x, '0' as never),
  }),
  entry({
    name: 'axis −3 of a rank-2 tensor',
    fn: 'mean',
    error: ValueError,
    message: /^mean: axis -3 is out of range for a tensor of rank 2; expected an axis in \[-2, 1\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => mean(x, -3),
  }),
  entry({
    name: 'axis 2 of a rank-2 tensor',
    fn: 'softmax',
    error: ValueError,
    message: /^softmax: axis 2 is out of range for a tensor of rank 2; expected an axis in \[-2, 1\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => softmax(x, 2),
  }),
  entry({
    name: 'a fractional axis',
    fn: 'logSoftmax',
    error: ValueError,
    message: /^logSoftmax: axis must be an integer, got number 1\.5/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => logSoftmax(x, 1.5),
  }),
  entry({
    name: 'the max over an empty axis',
    fn: 'max',
    error: ValueError,
    message: /^max: .*(empty|size 0|zero-size)/,
    setup: () => {
      const x = leaf(zeros([2, 0]).toArray());
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => max(x, 1),
  }),
  entry({
    name: 'the min of an empty tensor',
    fn: 'min',
    error: ValueError,
    message: /^min: .*(empty|size 0|zero-size)/,
    setup: () => {
      const x = constant([]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => min(x),
  }),
]);
