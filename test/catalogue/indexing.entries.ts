// Bad inputs to the shape and indexing ops of issue #16: einsum specs, pad modes, splits,
// scatter/gather index shapes and ranges, segment ids; each leaves the user's tensors unchanged.
import {
  ShapeError,
  ValueError,
  chunk,
  einsum,
  flatten,
  gather,
  pad,
  repeat,
  scatter,
  scatterAddAlongAxis,
  segmentSum,
  split,
  takeAlongAxis,
  tensor,
  tile,
  tril,
} from '@pullback/autograd';
import { area, entry } from './harness.ts';
import { leaf, m23 } from './fixtures.ts';

export const indexing = area('shape and indexing ops', [
  entry({
    name: 'an ellipsis in the einsum spec',
    fn: 'einsum',
    error: ValueError,
    message: /^einsum: '\.\.\.' \(ellipsis broadcasting\) is not supported in '\.\.\.ij->\.\.\.ji'; name every axis with a letter/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => einsum('...ij->...ji', x),
  }),
  entry({
    name: 'einsum subscripts that do not match the rank',
    fn: 'einsum',
    error: ShapeError,
    message: /^einsum: operand 1 has shape \[2, 3\] \(rank 2\) but its subscripts 'j' name 1 axes/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => einsum('ij,j->i', x, x),
  }),
  entry({
    name: 'an einsum index with two sizes',
    fn: 'einsum',
    error: ShapeError,
    message: /^einsum: index 'j' has size 3 in one place and 2 in another/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => einsum('ij,jk->ik', x, x),
  }),
  entry({
    name: 'an unknown padding mode',
    fn: 'pad',
    error: ValueError,
    message: /^pad: unknown mode string "circular"; expected 'constant', 'reflect', 'edge' or 'replicate'/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => pad(x, [1, 1], [1, 1], { mode: 'circular' as 'edge' }),
  }),
  entry({
    name: 'a fill value with reflect padding',
    fn: 'pad',
    error: ValueError,
    message: /^pad: a fill value \(1\) only applies to mode 'constant', got mode 'reflect'/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => pad(x, [1, 1], [1, 1], { mode: 'reflect', value: 1 }),
  }),
  entry({
    name: 'an uneven number of sections',
    fn: 'split',
    error: ValueError,
    message: /^split: cannot split axis 1 of size 3 \(shape \[2, 3\]\) into 2 equal pieces; expected a positive divisor of 3/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => split(x, 2, 1),
  }),
  entry({
    name: 'zero chunks',
    fn: 'chunk',
    error: ValueError,
    message: /^chunk: chunks must be a positive integer, got 0/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => chunk(x, 0),
  }),
  entry({
    name: 'a count per element that does not match the axis',
    fn: 'repeat',
    error: ShapeError,
    message: /^repeat: repeats has 2 counts but axis 1 of shape \[2, 3\] has 3 elements; expected 3 counts or one/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => repeat(x, [1, 2], 1),
  }),
  entry({
    name: 'a tiling over the element limit',
    fn: 'tile',
    error: ValueError,
    message: /^tile: the result would have shape \[2048, 3145728\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => tile(x, [1024, 1048576]),
  }),
  entry({
    name: 'flatten with the start after the end',
    fn: 'flatten',
    error: ValueError,
    message: /^flatten: startAxis 1 comes after endAxis 0 for shape \[2, 3\]; expected start ≤ end/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => flatten(x, 1, 0),
  }),
  entry({
    name: 'tril of a vector',
    fn: 'tril',
    error: ShapeError,
    message: /^tril: x must have at least 2 axes \(a matrix or a batch of them\), got shape \[2\]/,
    setup: () => {
      const x = leaf([1, 2]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => tril(x),
  }),
  entry({
    name: 'takeAlongAxis indices of a lower rank',
    fn: 'takeAlongAxis',
    error: ShapeError,
    message: /^takeAlongAxis: indices must have the rank of x \(2, shape \[2, 3\]\), got shape \[2\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => takeAlongAxis(x, [0, 1], 1),
  }),
  entry({
    name: 'a scatter index past the axis',
    fn: 'scatter',
    error: ValueError,
    message: /^scatter: index 3 at position 0 is out of range for axis 1 of size 3; expected integers in \[-3, 2\]/,
    setup: () => {
      const x = m23();
      const src = leaf([[5]]);
      return { watch: { tensors: [x, src] }, x, src };
    },
    call: ({ x, src }) => scatter(x, tensor([[3]]), src, 1),
  }),
  entry({
    name: 'scatter_add indices larger than x',
    fn: 'scatterAddAlongAxis',
    error: ShapeError,
    message: /^scatterAddAlongAxis: indices of shape \[3, 1\] are larger than x of shape \[2, 3\] on axis 0; expected at most 2/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => scatterAddAlongAxis(x, tensor([[0], [0], [0]]), 1, 1),
  }),
  entry({
    name: 'a segment id past numSegments',
    fn: 'segmentSum',
    error: ValueError,
    message: /^segmentSum: segment id 2 at position 1 is out of range; expected ids below numSegments = 2/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => segmentSum(x, [0, 2], 2),
  }),
  entry({
    name: 'batch axes of different sizes',
    fn: 'gather',
    error: ShapeError,
    message: /^gather: the 1 batch axes differ: x has shape \[2, 3\] and indices \[3, 1\]; their first 1 sizes must match/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => gather(x, tensor([[0], [0], [0]]), 1, { batchDims: 1 }),
  }),
]);
