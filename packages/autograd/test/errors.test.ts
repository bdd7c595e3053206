import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  PullbackError,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  concat,
  gather,
  matmul,
  mul,
  reshape,
  slice,
  sum,
  tensor,
  transpose,
} from '../src/index.ts';
import { thrown } from './support/thrown.ts';

type ErrorClass = new (...args: never[]) => PullbackError;

/**
 * Run `act` on `inputs`; it must throw `cls` whose message starts with `fn: ` and contains every
 * fragment, and the inputs' data must be unchanged afterwards. Returns the message.
 */
function expectFailure(act: () => unknown, cls: ErrorClass, fn: string, inputs: readonly Tensor[], fragments: readonly string[]): string {
  const before = inputs.map((x) => ({ data: Array.from(x.data), shape: [...x.shape] }));
  const err = thrown(act);
  expect(err, 'expected an error').toBeInstanceOf(cls);
  const e = err as PullbackError;
  expect(e.fn).toBe(fn);
  expect(e.message.startsWith(`${fn}: `), e.message).toBe(true);
  for (const f of fragments) expect(e.message).toContain(f);
  inputs.forEach((x, i) => {
    expect(Array.from(x.data)).toEqual(before[i]!.data);
    expect([...x.shape]).toEqual(before[i]!.shape);
  });
  return e.message;
}

const m23 = () =>
  tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { requiresGrad: true },
  );

describe('error messages', () => {
  it('broadcasting: names the function, both shapes and the axis', () => {
    const a = m23();
    const b = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [0, 1, 2],
    ]);
    expectFailure(() => add(a, b), ShapeError, 'add', [a, b], ['[2, 3]', '[4, 3]', 'axis 0', 'sizes 2 and 4']);
    const c = tensor([1, 2]);
    // [2, 3] vs [2] aligns from the right: axis 1 of the result holds 3 vs 2
    expectFailure(() => mul(a, c), ShapeError, 'mul', [a, c], ['[2, 3]', '[2]', 'axis 1']);
  });

  it('matmul: inner dimensions', () => {
    const a = m23();
    const b = tensor([
      [1, 2],
      [3, 4],
    ]);
    expectFailure(() => matmul(a, b), ShapeError, 'matmul', [a, b], ['[2, 3]', '[2, 2]', 'inner dimensions']);
  });

  // A 1-D operand is reshaped to a row or column before the check; the message must still show
  // the [2] the user passed, not [2, 1].
  it('matmul: a 1-D operand is reported with the shape the user passed', () => {
    const a = m23();
    const v = tensor([1, 2]);
    const msg = expectFailure(() => matmul(a, v), ShapeError, 'matmul', [a, v], ['[2, 3]']);
    expect(msg).toMatch(/shape \[2\][^,]/);
  });

  it('mixed dtypes', () => {
    const a = m23();
    const b = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32' },
    );
    expectFailure(() => add(a, b), DTypeError, 'add', [a, b], ['float64', 'float32', 'cast']);
    expectFailure(() => matmul(a, transpose(b)), DTypeError, 'matmul', [a, b], ['float64', 'float32']);
  });

  it('non-integer axis', () => {
    const a = m23();
    expectFailure(() => sum(a, 0.5), ValueError, 'sum', [a], ['axis must be an integer', '0.5']);
  });

  it('out-of-range axis', () => {
    const a = m23();
    expectFailure(() => sum(a, 2), ValueError, 'sum', [a], ['axis 2', 'rank 2', '[-2, 1]']);
    expectFailure(() => concat([a, a], -3), ValueError, 'concat', [a], ['axis -3']);
  });

  it('gather index out of range', () => {
    const a = m23();
    expectFailure(() => gather(a, [0, 2], 0), ValueError, 'gather', [a], ['index 2', 'position 1', 'size 2']);
    expectFailure(() => gather(a, [0.5], 1), ValueError, 'gather', [a], ['index 0.5']);
  });

  it('reshape size mismatch', () => {
    const a = m23();
    expectFailure(() => reshape(a, [4, 2]), ShapeError, 'reshape', [a], ['[2, 3]', '[4, 2]', '6 elements', '8 elements']);
    expectFailure(() => reshape(a, [-1, 4]), ShapeError, 'reshape', [a], ['[-1, 4]']);
  });

  it('slice out of range', () => {
    const a = m23();
    expectFailure(() => slice(a, [0, 1], [2, 4]), ValueError, 'slice', [a], ['axis 1', 'size 3']);
    expectFailure(() => slice(a, [3]), ValueError, 'slice', [a], ['axis 0', 'size 2']);
  });

  it('concat mismatch', () => {
    const a = m23();
    const b = tensor([
      [1, 2],
      [3, 4],
    ]);
    expectFailure(() => concat([a, b], 0), ShapeError, 'concat', [a, b], ['[2, 2]', '[2, 3]', 'axis 0']);
  });

  it('leaves no gradient behind when an op fails while recording', () => {
    const a = m23();
    expect(() => add(a, tensor([1, 2]))).toThrow(ShapeError);
    sum(a).backward();
    expect(a.grad!.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  it('every engine error is a PullbackError with a name', () => {
    const a = m23();
    try {
      reshape(a, [5]);
    } catch (e) {
      expect(e).toBeInstanceOf(PullbackError);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('ShapeError');
    }
    expect.assertions(3);
  });
});
