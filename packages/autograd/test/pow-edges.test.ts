// pow's gradients at the edge points, against PyTorch's pow_backward (FunctionsManual.cpp):
//   ∂/∂x = y x^(y−1), 0 wherever y = 0;   ∂/∂y = z ln x, 0 where x = 0 and y ≥ 0, NaN for x < 0.
// Tensor and Scalar must give the same numbers, to second order where the derivative is defined.
// ∂/∂x is 0 at y = 0 as the product y·x^(y−1) (so its derivative in y, x^(y−1), stays exact; the
// random programs' second-order gradcheck holds it to central differences), and masked only at
// x = y = 0, where the product would be 0·∞.
import { describe, expect, it } from 'vitest';
import { type Scalar, type Tensor, grad, pow, scalar, tensor } from '../src/index.ts';

const LN2 = Math.log(2);

/** [x, y, ∂z/∂x, ∂z/∂y, ∂²z/∂x², ∂²z/∂y²] (null: not checked, undefined by the math). */
const POINTS: [number, number, number, number, number | null, number | null][] = [
  [2, 3, 12, 8 * LN2, 12, 8 * LN2 * LN2],
  [0, 0, 0, 0, 0, 0],
  [0, 2, 0, 0, 2, 0],
  [0, 0.5, Infinity, 0, null, 0],
  [0, -1, -Infinity, -Infinity, null, null],
  [-2, 2, -4, NaN, 2, NaN],
  [-2, 3, 12, NaN, -12, NaN],
  [-2, 0, 0, NaN, 0, NaN],
  [-2, 0.5, NaN, NaN, NaN, NaN],
  [3, 0, 0, Math.log(3), 0, Math.log(3) ** 2],
  [0.5, 0, 0, Math.log(0.5), 0, Math.log(0.5) ** 2],
];

function tensorDerivatives(x: number, y: number): number[] {
  const dz = (a: Tensor, b: Tensor) => grad((p: Tensor, q: Tensor) => pow(p, q), { argnums: [0, 1] })(a, b) as Tensor[];
  const [dx, dy] = dz(tensor(x), tensor(y));
  const dxx = (grad((p: Tensor, q: Tensor) => dz(p, q)[0]!, { argnums: 0 })(tensor(x), tensor(y)) as Tensor).item();
  const dyy = (grad((p: Tensor, q: Tensor) => dz(p, q)[1]!, { argnums: 1 })(tensor(x), tensor(y)) as Tensor).item();
  return [dx!.item(), dy!.item(), dxx, dyy];
}

function scalarDerivatives(x: number, y: number, createGraph: boolean): number[] {
  const a = scalar(x);
  const b = scalar(y);
  a.pow(b).backward({ createGraph });
  const first = [a.grad, b.grad];
  if (!createGraph) return first;
  const ga = a.gradScalar!;
  const gb = b.gradScalar!;
  // A derivative taken as a constant (the masked 0s) is not on the tape: its own derivative is 0
  const second = (g: Scalar, wrt: Scalar): number => {
    if (!g.requiresGrad) return 0;
    a.zeroGrad();
    b.zeroGrad();
    g.backward({ retainGraph: true });
    return wrt.grad;
  };
  const dxx = second(ga, a);
  const dyy = second(gb, b);
  return [...first, dxx, dyy];
}

/** Equal as numbers (NaN equals NaN, 0 equals −0), or within 1e-12 relative for finite values. */
function same(actual: number, expected: number, what: string): void {
  const ok =
    (Number.isNaN(actual) && Number.isNaN(expected)) ||
    actual === expected ||
    (Number.isFinite(expected) && Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)));
  expect(ok, `${what}: got ${actual}, expected ${expected}`).toBe(true);
}

describe('pow gradients at the edge points (PyTorch pow_backward)', () => {
  it.each(POINTS)('x = %d, y = %d', (x, y, dx, dy, dxx, dyy) => {
    const t = tensorDerivatives(x, y);
    const first = scalarDerivatives(x, y, false);
    const s = scalarDerivatives(x, y, true);
    for (const [what, got] of [
      ['Tensor', t],
      ['Scalar (first-order pass)', first],
      ['Scalar (recorded pass)', s],
    ] as const) {
      same(got[0]!, dx, `${what} ∂/∂x`);
      same(got[1]!, dy, `${what} ∂/∂y`);
    }
    for (const [what, got] of [
      ['Tensor', t],
      ['Scalar', s],
    ] as const) {
      if (dxx !== null) same(got[2]!, dxx, `${what} ∂²/∂x²`);
      if (dyy !== null) same(got[3]!, dyy, `${what} ∂²/∂y²`);
    }
  });
});

describe('pow: ∂/∂x stays differentiable in y at y = 0 (x ≠ 0)', () => {
  // ∂²z/∂y∂x = x^(y−1) (1 + y ln x) = 1/x at y = 0 (x > 0; for x < 0, ln x is NaN): a mask on y = 0 would make it 0
  it.each([0.5, 3])('x = %d, y = 0', (x) => {
    const dzdx = (p: Tensor, q: Tensor) => (grad((a: Tensor, b: Tensor) => pow(a, b), { argnums: 0 })(p, q) as Tensor).sum();
    const tensorMixed = (grad(dzdx, { argnums: 1 })(tensor(x), tensor(0)) as Tensor).item();
    same(tensorMixed, 1 / x, 'Tensor ∂²z/∂y∂x');
    const a = scalar(x);
    const b = scalar(0);
    a.pow(b).backward({ createGraph: true });
    const ga = a.gradScalar!;
    b.zeroGrad();
    ga.backward();
    same(b.grad, 1 / x, 'Scalar ∂²z/∂y∂x');
  });
});
