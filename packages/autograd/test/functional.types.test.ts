// Type-level tests of the functional transforms (checked by `tsc`, which covers the tests): the
// argument and result structures are inferred from f, with no `any` on the way.
import { describe, expectTypeOf, it } from 'vitest';
import { type Tensor, grad, hessian, hvp, jacobian, jvp, sum, tensor, valueAndGrad, vjp } from '../src/index.ts';

type Params = { w: Tensor; b: Tensor };
const loss = (p: Params, x: Tensor): Tensor => sum(p.w.mul(x).add(p.b));
const p: Params = { w: tensor([1, 2]), b: tensor(0.5) };
const x = tensor([3, 4]);

describe('functional transforms are typed by f', () => {
  it('grad over a record returns the record', () => {
    const g = grad(loss)(p, x);
    expectTypeOf(g).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    expectTypeOf(grad(loss, { argnums: 1 })(p, x)).toEqualTypeOf<Tensor>();
    expectTypeOf(grad(loss, { argnums: [0, 1] })(p, x)).toEqualTypeOf<[{ w: Tensor; b: Tensor }, Tensor]>();
    // A number where f sees a Tensor differentiates to a number.
    expectTypeOf(grad((t: Tensor) => t.mul(t))(2)).toEqualTypeOf<number>();
    // Misuses are compile errors (built, never run).
    const misuses = (): void => {
      // @ts-expect-error the record lacks b
      grad(loss)({ w: tensor([1, 2]) }, x);
      // @ts-expect-error f must return a Tensor
      grad((t: Tensor) => [t]);
    };
    expectTypeOf(misuses).toBeFunction();
  });

  it('valueAndGrad, with and without aux', () => {
    expectTypeOf(valueAndGrad(loss)(p, x)).toEqualTypeOf<[Tensor, { w: Tensor; b: Tensor }]>();
    const [[value, aux], g] = valueAndGrad((q: Params) => [sum(q.w), { note: 'n' }] as const, { hasAux: true })(p);
    expectTypeOf(value).toEqualTypeOf<Tensor>();
    expectTypeOf(aux).toEqualTypeOf<{ readonly note: 'n' }>();
    expectTypeOf(g).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
  });

  it('vjp, jvp, jacobian, hessian and hvp', () => {
    const [out, pullback] = vjp((q: Params) => ({ y: q.w.mul(q.b) }), p);
    expectTypeOf(out).toEqualTypeOf<{ y: Tensor }>();
    expectTypeOf(pullback).parameter(0).toEqualTypeOf<{ y: Tensor }>();
    expectTypeOf(pullback({ y: x })).toEqualTypeOf<[{ w: Tensor; b: Tensor }]>();
    const [y, dy] = jvp((q: Params) => q.w.mul(q.b), [p], [p]);
    expectTypeOf(y).toEqualTypeOf<Tensor>();
    expectTypeOf(dy).toEqualTypeOf<Tensor>();
    expectTypeOf(jacobian((q: Params) => q.w.mul(q.b))(p)).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    expectTypeOf(hessian((t: Tensor) => sum(t.mul(t)))(x)).toEqualTypeOf<Tensor>();
    expectTypeOf(hvp(loss, [p, x], [p, x])).toEqualTypeOf<[{ w: Tensor; b: Tensor }, Tensor]>();
    // grad of grad type-checks: the inner result is read as f's own parameter type.
    expectTypeOf(grad(grad((t: Tensor) => sum(t.mul(t).mul(t))))(tensor(2))).toEqualTypeOf<Tensor>();
  });
});
