// Nested differentiation: a function that calls grad (or jvp) is itself differentiated. The
// classic failure is perturbation confusion: the outer transform mistaking the inner one's
// variable for its own (Siskind and Pearlmutter), which gives d/dx [x · d/dy (x + y)] = 2, not 1.
import { describe, expect, it } from 'vitest';
import { add, grad, jvp, mul, sum, tensor } from '../../src/index.ts';
import type { Tensor } from '../../src/index.ts';
import { caseArb, checkNested } from './checks.ts';
import { TIMEOUT, announce, fuzz } from './params.ts';

const FILE = 'nested.test.ts';
announce(FILE);

const at = (v: number): Tensor => tensor(v);
/** d/dy f(y) at y0, for scalar tensors. */
const dy = (f: (y: Tensor) => Tensor, y0: number): Tensor => grad(f)(at(y0)) as Tensor;

describe('nested differentiation: known values', () => {
  it('d/dx [x · d/dy (x + y)] = 1, not 2', () => {
    const outer = (x: Tensor): Tensor =>
      mul(
        x,
        dy((y) => add(x, y), 5),
      );
    expect((grad(outer)(at(2)) as Tensor).item()).toBe(1);
  });

  it('d/dx [x · d/dy (x · y)] at x = 3 is 2x = 6', () => {
    const outer = (x: Tensor): Tensor =>
      mul(
        x,
        dy((y) => mul(x, y), 5),
      );
    expect((grad(outer)(at(3)) as Tensor).item()).toBe(6);
  });

  it('the same through jvp inside grad, and grad inside jvp', () => {
    // d/dx [x · (d/dy (x + y) along 1)] = 1
    const viaJvp = (x: Tensor): Tensor => mul(x, jvp((y: Tensor) => add(x, y), [at(5)], [at(1)])[1]);
    expect((grad(viaJvp)(at(2)) as Tensor).item()).toBe(1);
    // d/dx along 1 of [x · d/dy (x · y)] = 2x = 6 at x = 3
    const [, tangent] = jvp(
      (x: Tensor) =>
        mul(
          x,
          dy((y) => mul(x, y), 5),
        ),
      [at(3)],
      [at(1)],
    );
    expect((tangent as Tensor).item()).toBe(6);
  });

  it('three levels: d/dx [x · d/dy [y · d/dz (x · y · z)]] = d/dx [x · 2xy] = 4xy at the inner y', () => {
    // d/dz (x y z) = x y;  y · x y = x y²;  d/dy = 2 x y;  x · 2 x y = 2 x² y;  d/dx = 4 x y
    const middle =
      (x: Tensor) =>
      (y: Tensor): Tensor =>
        mul(
          y,
          dy((z) => mul(mul(x, y), z), 7),
        );
    const outer = (x: Tensor): Tensor => mul(x, dy(middle(x), 5));
    expect((grad(outer)(at(3)) as Tensor).item()).toBe(4 * 3 * 5);
  });

  it('vector case: ∇ₓ Σ x ⊙ ∇_y Σ (x ⊙ y) = 2x', () => {
    const x0 = tensor([1, -2, 0.5]);
    const outer = (x: Tensor): Tensor => sum(mul(x, grad((y: Tensor) => sum(mul(x, y)))(tensor([4, 5, 6])) as Tensor));
    expect(Array.from((grad(outer)(x0) as Tensor).data)).toEqual([2, -4, 1]);
  });
});

describe('nested differentiation: random programs', () => {
  it('grad of x ↦ ⟨grad(g)(x), w⟩ and of its mixed-variable version against finite differences', { timeout: TIMEOUT }, () => {
    fuzz(FILE, caseArb(), checkNested, 500);
  });
});
