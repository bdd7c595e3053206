// Arguments: reductions' options object, NaN through relu on both value types, and the public
// name each functional transform signs its errors with. (Bad types and sizes are in the
// bad-input catalogue, test/catalogue/args.entries.ts.)
import { describe, expect, it } from 'vitest';
import {
  type Tensor,
  ValueError,
  defineOp,
  explain,
  grad,
  hessian,
  jacobian,
  logSoftmax,
  logSumExp,
  max,
  mean,
  min,
  mul,
  onesLike,
  relu,
  scalar,
  softmax,
  sum,
  tensor,
} from '../src/index.ts';

const m = () =>
  tensor([
    [1, 5, 3],
    [4, 2, 6],
  ]);

describe('reductions take { axis, keepDims } as well as positional arguments', () => {
  const reductions = { sum, mean, max, min, logSumExp } as const;
  it.each(Object.keys(reductions))('%s', (name) => {
    const f = reductions[name as keyof typeof reductions];
    const positional = f(m(), 1, true);
    for (const r of [f(m(), { axis: 1, keepDims: true }), f(m(), 1, { keepDims: true })]) {
      expect(r.shape).toEqual([2, 1]);
      expect(Array.from(r.data)).toEqual(Array.from(positional.data));
    }
    expect(f(m(), { axis: [0, 1] }).shape).toEqual([]);
    expect(f(m(), {}).shape).toEqual([]);
  });

  it('keepDims must be a boolean, not any truthy value', () => {
    expect(() => max(m(), 1, 'yes' as never)).toThrow(/^max: keepDims must be a boolean \(true or false\), got string "yes"/);
    expect(() => sum(m(), 1, 1 as never)).toThrow(/^sum: keepDims must be a boolean/);
  });

  it('unknown option keys and a mixed form are errors listing what is accepted', () => {
    expect(() => sum(m(), { axis: 1, keepdims: true } as never)).toThrow(/^sum: unknown option 'keepdims'; expected 'axis', 'keepDims'/);
    expect(() => mean(m(), { axis: 1 }, true)).toThrow(/^mean: with an options object/);
    expect(() => min(m(), null as never)).toThrow(ValueError);
  });

  it('softmax and logSoftmax take { axis }', () => {
    expect(Array.from(softmax(m(), { axis: 0 }).data)).toEqual(Array.from(softmax(m(), 0).data));
    expect(Array.from(logSoftmax(m(), { axis: 0 }).data)).toEqual(Array.from(logSoftmax(m(), 0).data));
    expect(() => softmax(m(), { dim: 0 } as never)).toThrow(/^softmax: unknown option 'dim'; expected 'axis'/);
  });
});

describe('relu keeps a NaN visible, on Tensors and Scalars', () => {
  it('forward NaN, and the cotangent passes at NaN (never a 0 that hides it)', () => {
    const x = tensor([Number.NaN, -1, 2], { requiresGrad: true });
    const y = relu(x);
    expect(Number.isNaN(y.data[0]!)).toBe(true);
    sum(y).backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 0, 1]);
    const s = scalar(Number.NaN);
    const r = s.relu();
    expect(Number.isNaN(r.data)).toBe(true);
    r.backward();
    expect(s.grad).toBe(1);
  });
});

describe('every functional transform signs its own errors', () => {
  const notScalar = (x: Tensor) => x;
  it.each([
    ['grad', () => grad(notScalar)(tensor([1, 2]))],
    ['grad', () => grad(5 as never)],
    ['grad', () => grad(notScalar, { argnum: 0 } as never)],
    ['jacobian', () => jacobian(5 as never)],
    ['jacobian', () => jacobian(notScalar, null as never)],
    ['hessian', () => hessian(5 as never)],
    ['hessian', () => hessian((x: Tensor) => x)(tensor([1, 2]))],
  ] as const)('%s', (name, call) => {
    expect(call).toThrow(new RegExp(`^${name}: `));
  });
});

describe('Tensor methods take the same reduction options', () => {
  it('x.max({ axis, keepDims }) and x.softmax({ axis })', () => {
    expect(m().max({ axis: 1, keepDims: true }).shape).toEqual([2, 1]);
    expect(Array.from(m().sum(0, { keepDims: true }).data)).toEqual([5, 7, 9]);
    expect(Array.from(m().softmax({ axis: 0 }).data)).toEqual(Array.from(softmax(m(), 0).data));
  });
});

describe('explain never takes a user op for the built-in of the same name', () => {
  it("defineOp('sigmoid', …) gets no built-in formula or elementwise local derivative", () => {
    const mirrored = defineOp('sigmoid', (x: Tensor) => ({ output: sum(x), pullback: (dy: Tensor) => [mul(onesLike(x), dy)] }));
    const x = tensor([1, 2], { requiresGrad: true });
    const step = explain(mirrored(x)).steps.find((s) => s.op === 'sigmoid')!;
    expect(step.formula).toBe('custom pullback');
    expect(step.inputs[0]!.local).toBeNull();
  });
});
