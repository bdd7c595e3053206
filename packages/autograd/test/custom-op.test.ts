import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  GraphError,
  ShapeError,
  type Tensor,
  ValueError,
  defineOp,
  detectAnomaly,
  grad,
  hessian,
  mul,
  noGrad,
  sum,
  tanh,
  tensor,
  transpose,
  vjp,
} from '../src/index.ts';
import { expectClose, fdGrad } from './support/fd.ts';
import { thrown } from './support/thrown.ts';

// y = x³, written as a user would: primal and pullback side by side.
const cube = defineOp('cube', (x) => {
  const y = mul(mul(x, x), x);
  // y = x³  =>  dx = 3 x² dy
  return { output: y, pullback: (dy) => [mul(dy, mul(mul(x, x), 3))] };
});

// z = x y with broadcasting; the pullback returns output-shaped cotangents and relies on the
// backward pass to sum them back to each input's shape.
const times = defineOp('times', (x, y) => ({
  output: mul(x, y),
  pullback: (dz, needs) => [needs[0] ? mul(dz, y) : null, needs[1] ? mul(dz, x) : null],
}));

/** An op on [2, 3] inputs whose pullback returns `bad` for its one input. */
const broken = (name: string, bad: (dy: Tensor) => unknown) => defineOp(name, (x) => ({ output: mul(x, 2), pullback: (dy) => bad(dy) as (Tensor | null)[] }));

const x23 = () =>
  tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { requiresGrad: true },
  );

describe('defineOp', () => {
  it('works under backward(), against finite differences', () => {
    const x = tensor([0.5, -1.5, 2], { requiresGrad: true });
    sum(mul(cube(x), tensor([1, 2, 3]))).backward();
    expectClose(
      x.grad!,
      fdGrad((v) => sum(mul(cube(v), tensor([1, 2, 3]))).item(), x),
      1e-7,
    );
    expect(cube(x).op).toBe('cube');
  });

  it('has its broadcast cotangents summed back by the backward pass', () => {
    const a = tensor([[1], [2]], { requiresGrad: true });
    const b = tensor([3, 4, 5], { requiresGrad: true });
    sum(times(a, b)).backward();
    expect(a.grad!.toArray()).toEqual([[12], [12]]);
    expect(b.grad!.toArray()).toEqual([3, 3, 3]);
    // numbers are lifted to constants
    expect(times(a, 2).shape).toEqual([2, 1]);
  });

  it('works under grad and, with a differentiable pullback, under hessian', () => {
    const x = tensor([0.5, -1.5]);
    expectClose(grad((v: Tensor) => sum(cube(v)))(x), [0.75, 6.75], 1e-12);
    // H = diag(6x)
    expectClose(hessian((v: Tensor) => sum(cube(v)))(x), [3, 0, 0, -9], 1e-12);
  });

  it('is not recorded under noGrad', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = noGrad(() => cube(x));
    expect(y.toArray()).toEqual([8]);
    expect(y.requiresGrad).toBe(false);
    expect(y.isLeaf).toBe(true);
  });

  it('records only itself: the forward ops are not on the tape', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = cube(x);
    expect(y.inputs).toEqual([x]);
  });

  it('is checked by detectAnomaly in both passes under its own name', () => {
    const naiveLog = defineOp('naiveLog', (x) => ({
      output: tensor(Array.from(x.data, Math.log), { shape: x.shape }),
      pullback: (dy) => [
        tensor(
          Array.from(dy.data, (d, i) => d / x.data[i]!),
          { shape: x.shape },
        ),
      ],
    }));
    const forward = () => naiveLog(tensor([1, -1], { requiresGrad: true }));
    expect(() => forward()).not.toThrow();
    const inForward = thrown(() => detectAnomaly(forward)) as AnomalyError | undefined;
    expect(inForward).toBeInstanceOf(AnomalyError);
    expect([inForward!.op, inForward!.pass]).toEqual(['naiveLog', 'forward']);

    const y = tensor([0.5, 2], { requiresGrad: true });
    const reciprocal = defineOp('reciprocal', (v) => ({
      output: tensor(
        Array.from(v.data, (a) => 1 / a),
        { shape: v.shape },
      ),
      pullback: () => [tensor([Infinity, 0])],
    }));
    const inBackward = thrown(() => detectAnomaly(() => sum(reciprocal(y)).backward())) as AnomalyError | undefined;
    expect(inBackward).toBeInstanceOf(AnomalyError);
    expect([inBackward!.op, inBackward!.pass]).toEqual(['reciprocal', 'backward']);
  });

  it('may run a pass of its own in the pullback (gradient checkpointing)', () => {
    const block = (v: Tensor) => tanh(mul(tanh(v), 3));
    // forward without saving anything; the pullback recomputes the block and pulls back through it
    const checkpoint = defineOp('checkpoint', (v) => ({
      output: block(v),
      pullback: (dy) => vjp(block, v)[1](dy) as Tensor[],
    }));
    const f = (w: Tensor, op: (v: Tensor) => Tensor) => {
      const x = mul(w, 2);
      return sum(mul(op(x), x)); // x is used twice: it holds a pending cotangent when the pullback runs
    };
    const w = tensor([0.3, -0.7], { requiresGrad: true });
    f(w, checkpoint).backward();
    expectClose(
      w.grad!,
      fdGrad((v) => f(v, block).item(), w),
      1e-7,
    );
    // and to second order, through the recomputation
    const H = hessian((v: Tensor) => f(v, checkpoint))(tensor([0.3, -0.7]));
    expectClose(H, hessian((v: Tensor) => f(v, block))(tensor([0.3, -0.7])), 1e-12);
  });

  it('names the op when the pullback returns the wrong number of cotangents', () => {
    const op = broken('twoForOne', (dy) => [dy, dy]);
    const x = x23();
    expect(() => sum(op(x)).backward()).toThrow(GraphError);
    expect(() => sum(op(x)).backward()).toThrow(/op 'twoForOne' returned 2 cotangents; expected an array of 1/);
    const none = broken('noArray', (dy) => dy);
    expect(() => sum(none(x)).backward()).toThrow(/op 'noArray' returned object/);
    expect(x.grad).toBeNull();
  });

  it('names the op and both shapes when a cotangent has the wrong shape', () => {
    const op = broken('transposed', (dy) => [transpose(dy)]);
    const x = x23();
    const err = thrown(() => sum(op(x)).backward());
    expect(err).toBeInstanceOf(ShapeError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^transposed: /);
    expect(msg).toContain('[3, 2]');
    expect(msg).toContain('[2, 3]');
  });

  it('names the op when a cotangent is not a tensor', () => {
    const op = broken('numeric', () => [1]);
    expect(() => sum(op(x23())).backward()).toThrow(GraphError);
    expect(() => sum(op(x23())).backward()).toThrow(/^numeric: .*not a Tensor \(got number\).*\[2, 3\]/);
  });

  it('names the op when the forward returns something else', () => {
    const op = defineOp('lazy', (x) => x as never);
    expect(() => op(tensor([1]))).toThrow(ValueError);
    expect(() => op(tensor([1]))).toThrow(/^lazy: /);
    expect(() => defineOp('', () => null as never)).toThrow(/^defineOp: /);
  });
});
