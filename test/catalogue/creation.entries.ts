// Bad inputs to @pullback/autograd's tensor creation, elementwise ops (broadcasting, dtypes) and
// matmul. Plain tensors may legitimately hold NaN and ±Inf (as in NumPy and PyTorch), so no entry
// rejects non-finite DATA; non-finite or non-integer SIZES, LABELS and non-numeric values are
// rejected.
import {
  DTypeError,
  ShapeError,
  ValueError,
  add,
  cast,
  div,
  equal,
  full,
  greater,
  matmul,
  maximum,
  mul,
  oneHot,
  pow,
  sub,
  tensor,
  transpose,
  where,
  zeros,
} from '@pullback/autograd';
import { useThreads } from '@pullback/autograd/node';
import { area, entry } from './harness.ts';
import { constant, leaf, m23, matrix } from './fixtures.ts';

export const creation = area('creation', [
  entry({
    name: 'ragged 3-D data (the last row is short)',
    fn: 'tensor',
    error: ValueError,
    message: /^tensor: ragged data: the entry at \[1, 1\] is an array of length 1, but its first sibling implies length 2 \(shape \[2, 2, 2\]\)/,
    setup: () => {
      const data = [
        [
          [1, 2],
          [3, 4],
        ],
        [[5, 6], [7]],
      ];
      return { watch: { values: [data] }, data };
    },
    call: ({ data }) => tensor(data),
  }),
  entry({
    name: 'a boolean among the numbers',
    fn: 'tensor',
    error: ValueError,
    message: /^tensor: element at \[0, 1\] is boolean true; expected a number .*shape \[1, 2\]/,
    setup: () => {
      const data = [[1, true]];
      return { watch: { values: [data] }, data };
    },
    call: ({ data }) => tensor(data as never),
  }),
  entry({
    name: 'negative sizes in { shape }',
    fn: 'tensor',
    error: ValueError,
    message: /^tensor: shape \[-1, -2\] has size -1; expected non-negative integers/,
    setup: () => ({ watch: {} }),
    call: () => tensor([1, 2], { shape: [-1, -2] }),
  }),
  entry({
    name: 'a fractional size in { shape }',
    fn: 'tensor',
    error: ValueError,
    message: /^tensor: shape \[0\.5, 4\] has size 0\.5; expected non-negative integers/,
    setup: () => ({ watch: {} }),
    call: () => tensor([1, 2], { shape: [0.5, 4] }),
  }),
  entry({
    name: 'a non-numeric fill value',
    fn: 'full',
    error: ValueError,
    message: /^full: .*value.*string.*a.*expected a number/,
    setup: () => ({ watch: {} }),
    call: () => full([2], 'a' as never),
  }),
  entry({
    name: 'a shape too large to allocate',
    fn: 'zeros',
    error: ValueError,
    message: /^zeros: shape \[2147483648, 2147483648\].*elements/,
    setup: () => ({ watch: {} }),
    call: () => zeros([2 ** 31, 2 ** 31]),
  }),
  entry({
    name: 'an unknown dtype',
    fn: 'cast',
    error: ValueError,
    message: /^cast: unknown dtype "int32"; expected 'float32' or 'float64'/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => cast(x, 'int32' as never),
  }),
  entry({
    name: 'a label equal to depth',
    fn: 'oneHot',
    error: ValueError,
    message: /^oneHot: index 3 at position 1 is not an integer in \[0, 2\] \(indices of shape \[2\], depth 3\)/,
    setup: () => {
      const labels = [0, 3];
      return { watch: { values: [labels] }, labels };
    },
    call: ({ labels }) => oneHot(labels, 3),
  }),
  entry({
    name: 'a NaN label in a tensor of labels',
    fn: 'oneHot',
    error: ValueError,
    message: /^oneHot: index NaN at position 1 is not an integer in \[0, 9\] \(indices of shape \[2\], depth 10\)/,
    setup: () => {
      const labels = constant([4, NaN]);
      return { watch: { tensors: [labels] }, labels };
    },
    call: ({ labels }) => oneHot(labels, 10),
  }),
  entry({
    name: 'depth 0',
    fn: 'oneHot',
    error: ValueError,
    message: /^oneHot: depth must be a positive integer, got 0/,
    setup: () => ({ watch: {} }),
    call: () => oneHot([0], 0),
  }),
  entry({
    name: 'an unknown dtype',
    fn: 'oneHot',
    error: ValueError,
    message: /^oneHot: unknown dtype "int8"; expected 'float32' or 'float64'/,
    setup: () => ({ watch: {} }),
    call: () => oneHot([0], 2, 'int8' as never),
  }),
  entry({
    name: 'a single number instead of an array of labels',
    fn: 'oneHot',
    error: ValueError,
    message: /^oneHot: indices must be .*got number 3/,
    setup: () => ({ watch: {} }),
    call: () => oneHot(3 as never, 4),
  }),
]);

export const elementwise = area('elementwise', [
  entry({
    name: 'broadcasting fails on the middle axis of 3-D operands',
    fn: 'add',
    error: ShapeError,
    message: /^add: cannot broadcast shapes \[2, 3, 4\] and \[2, 5, 4\]: axis 1 of the result \(axis 1 of the first, 1 of the second\) has sizes 3 and 5/,
    setup: () => {
      const a = leaf(zeros([2, 3, 4]).toArray());
      const b = constant(zeros([2, 5, 4]).toArray());
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => add(a, b),
  }),
  entry({
    name: 'operands of different rank that do not align from the right',
    fn: 'sub',
    error: ShapeError,
    message: /^sub: cannot broadcast shapes \[4, 3\] and \[2, 1, 4\]: axis 2 of the result \(axis 1 of the first, 2 of the second\) has sizes 3 and 4/,
    setup: () => {
      const a = leaf(zeros([4, 3]).toArray());
      const b = leaf(zeros([2, 1, 4]).toArray());
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => sub(a, b),
  }),
  entry({
    name: 'comparing a [2, 3] with its transpose',
    fn: 'greater',
    error: ShapeError,
    message: /^greater: cannot broadcast shapes \[2, 3\] and \[3, 2\]: axis 0 .*sizes 2 and 3/,
    setup: () => {
      const a = m23();
      const b = transpose(
        constant([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      );
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => greater(a, b),
  }),
  entry({
    name: 'vectors of lengths 4 and 3',
    fn: 'maximum',
    error: ShapeError,
    message: /^maximum: cannot broadcast shapes \[4\] and \[3\]: axis 0 .*sizes 4 and 3/,
    setup: () => {
      const a = leaf([1, 2, 3, 4]);
      const b = leaf([1, 2, 3]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => maximum(a, b),
  }),
  entry({
    name: 'branches that do not broadcast together',
    fn: 'where',
    error: ShapeError,
    message: /^where: cannot broadcast shapes \[2, 3\] and \[2\]: axis 1 .*sizes 3 and 2/,
    setup: () => {
      const c = constant([1, 0, 1]);
      const a = m23();
      const b = leaf([7, 8]);
      return { watch: { tensors: [c, a, b] }, c, a, b };
    },
    call: ({ c, a, b }) => where(c, a, b),
  }),
  entry({
    name: 'a plain array as the mask',
    fn: 'where',
    error: ValueError,
    message: /^where: cond must be a Tensor, got an array/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: ({ a }) => where([1, 0, 1] as never, a, 0),
  }),
  entry({
    name: 'float32 divided by float64',
    fn: 'div',
    error: DTypeError,
    message: /^div: operands have dtypes float32 and float64; cast one with \.cast\('float32'\)/,
    setup: () => {
      const a = leaf([1, 2], 'float32');
      const b = leaf([3, 4]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => div(a, b),
  }),
  entry({
    name: 'comparing float64 with float32',
    fn: 'equal',
    error: DTypeError,
    message: /^equal: operands have dtypes float64 and float32/,
    setup: () => {
      const a = leaf([1, 2]);
      const b = constant([1, 2], 'float32');
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => equal(a, b),
  }),
  entry({
    name: 'branches of different dtypes',
    fn: 'where',
    error: DTypeError,
    message: /^where: operands have dtypes float64 and float32/,
    setup: () => {
      const c = constant([1, 0]);
      const a = leaf([1, 2]);
      const b = leaf([3, 4], 'float32');
      return { watch: { tensors: [c, a, b] }, c, a, b };
    },
    call: ({ c, a, b }) => where(c, a, b),
  }),
  entry({
    name: 'a numeric string as an operand',
    fn: 'mul',
    error: ValueError,
    message: /^mul: b must be a Tensor, a Scalar or a number, got string "2"/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: ({ a }) => mul(a, '2' as never),
  }),
  entry({
    name: 'a boolean exponent',
    fn: 'pow',
    error: ValueError,
    message: /^pow: b must be a Tensor, a Scalar or a number, got boolean true/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: ({ a }) => pow(a, true as never),
  }),
]);

export const matmuls = area('matmul', [
  entry({
    name: 'batched operands with different inner sizes',
    fn: 'matmul',
    error: ShapeError,
    message: /^matmul: inner dimensions differ: A is 3×4 \(A has shape \[2, 3, 4\]\) and B is 5×6 \(B has shape \[2, 5, 6\]\)/,
    setup: () => {
      const a = leaf(zeros([2, 3, 4]).toArray());
      const b = leaf(zeros([2, 5, 6]).toArray());
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => matmul(a, b),
  }),
  entry({
    name: 'transposeB with B already transposed',
    fn: 'matmul',
    error: ShapeError,
    message: /^matmul: inner dimensions differ: A is 2×3 \(A has shape \[2, 3\]\) and Bᵀ is 4×2 \(B has shape \[2, 4\]\)/,
    setup: () => {
      const a = m23();
      const b = leaf(matrix(2, 4).toArray());
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => matmul(a, b, { transposeB: true }),
  }),
  entry({
    name: 'batch axes that do not broadcast',
    fn: 'matmul',
    error: ShapeError,
    message: /^matmul: .*\[2, 3, 4\].*\[3, 4, 5\]/,
    setup: () => {
      const a = leaf(zeros([2, 3, 4]).toArray());
      const b = leaf(zeros([3, 4, 5]).toArray());
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => matmul(a, b),
  }),
  entry({
    name: 'a 0-d operand',
    fn: 'matmul',
    error: ShapeError,
    message: /^matmul: operands must have at least one axis, got shapes \[\] and \[2\]; use mul for scalars/,
    setup: () => {
      const a = leaf(3);
      const b = leaf([1, 2]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => matmul(a, b),
  }),
  entry({
    name: 'a dot product of vectors of lengths 3 and 4',
    fn: 'matmul',
    error: ShapeError,
    message: /^matmul: .*shape \[3\].*shape \[4\]/,
    setup: () => {
      const a = leaf([1, 2, 3]);
      const b = leaf([1, 2, 3, 4]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => matmul(a, b),
  }),
  entry({
    name: 'useThreads(2³¹): more threads than any machine has cores',
    fn: 'useThreads',
    error: ValueError,
    message: /^useThreads: expected a whole number of threads from 1 to \d+ \(os\.availableParallelism\(\) on this machine\), got 2147483648$/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: () => useThreads(2 ** 31),
  }),
  entry({
    name: 'useThreads("2"): a thread count given as a string',
    fn: 'useThreads',
    error: ValueError,
    message: /^useThreads: expected a whole number of threads from 1 to \d+ \(os\.availableParallelism\(\) on this machine\), got "2" \(a string\)$/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: () => useThreads('2' as unknown as number),
  }),
]);
