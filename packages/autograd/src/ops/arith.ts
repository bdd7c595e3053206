// The binary arithmetic primitives (NumPy broadcasting on tensors; the backward pass sums each
// cotangent back over the axes its input was broadcast along), each one descriptor.
import '../tensor.ts'; // load order: see ops/index.ts
import { type Value, binary } from '../elementwise.ts';
import { REAL } from '../primitive.ts';
import { choose } from './compare.ts';
import type { Scalar } from '../scalar.ts';
import type { Tensor } from '../tensor.ts';
import { log, neg } from './unary.ts';

/** a + b, broadcasting. */
export const add = binary('add', {
  formula: '∂z/∂x = 1, ∂z/∂y = 1',
  value: (x, y) => x + y,
  row: (out, k, A, pa, ia, B, pb, ib, n) => {
    for (const end = k + n; k < end; k++, pa += ia, pb += ib) out[k] = A[pa]! + B[pb]!;
  },
  // z = x + y  =>  dx = dz, dy = dz
  partials: [() => 1, () => 1],
  derivatives: [() => 1, () => 1],
});

/** a − b, broadcasting. */
export const sub = binary('sub', {
  formula: '∂z/∂x = 1, ∂z/∂y = −1',
  value: (x, y) => x - y,
  row: (out, k, A, pa, ia, B, pb, ib, n) => {
    for (const end = k + n; k < end; k++, pa += ia, pb += ib) out[k] = A[pa]! - B[pb]!;
  },
  // z = x − y  =>  dx = dz, dy = −dz
  partials: [() => 1, () => -1],
  derivatives: [() => 1, () => -1],
});

/** a ⊙ b (elementwise), broadcasting. */
export const mul = binary('mul', {
  formula: '∂z/∂x = y, ∂z/∂y = x',
  value: (x, y) => x * y,
  row: (out, k, A, pa, ia, B, pb, ib, n) => {
    for (const end = k + n; k < end; k++, pa += ia, pb += ib) out[k] = A[pa]! * B[pb]!;
  },
  // z = x y  =>  dx = dz y, dy = dz x
  partials: [(_x, y) => y, (x) => x],
  derivatives: [(_x, y) => y, (x) => x],
});

/** a / b (elementwise), broadcasting. A primitive, not a·(1/b), which would round twice. */
export const div = binary('div', {
  formula: '∂z/∂x = 1/y, ∂z/∂y = −x/y²',
  domains: [REAL, { low: -4, high: 4, avoid: [0] }],
  value: (x, y) => x / y,
  row: (out, k, A, pa, ia, B, pb, ib, n) => {
    for (const end = k + n; k < end; k++, pa += ia, pb += ib) out[k] = A[pa]! / B[pb]!;
  },
  // z = x / y  =>  dx = dz / y, dy = −dz x / y² = −dz z / y
  partials: [(_x, y) => 1 / y, (_x, y, z) => -(z / y)],
  derivatives: [(_x, y) => div(1, y), (_x, y, z) => neg(div(z, y))],
});

/**
 * a^b (elementwise), broadcasting; NaN where a < 0 and b is not an integer, as Math.pow.
 * Derivatives at the edges as PyTorch's values: ∂/∂a = b·a^(b−1) is 0 at a = b = 0 (a⁰ is
 * constant; the product would be 0·∞), and ∂/∂b = z ln a is 0 where a = 0 and b ≥ 0 (its limit),
 * NaN where a < 0 (ln of a negative number). Only a = b = 0 is masked for ∂/∂a, not every b = 0
 * as PyTorch does: elsewhere b·a^(b−1) is already 0 there, and its derivative in b stays exact (1/a).
 */
export const pow = binary('pow', {
  formula: '∂z/∂x = y·x^(y−1) (0 at x = y = 0), ∂z/∂y = z·ln x (0 where x = 0, y ≥ 0)',
  domains: [
    { low: 0.25, high: 3 },
    { low: -2, high: 2 },
  ],
  value: Math.pow,
  // z = x^y  =>  dx = dz y x^(y−1), dy = dz z ln x
  partials: [(x, y) => (x === 0 && y === 0 ? 0 : y * x ** (y - 1)), (x, y, z) => (x === 0 && y >= 0 ? 0 : z * Math.log(x))],
  derivatives: [
    (x, y) =>
      choose(
        x,
        y,
        (a, b) => a === 0 && b === 0,
        () => 0,
        (a, b) => mul(b, pow(a, sub(b, 1))),
        [1, 1],
      ),
    (x, y) =>
      choose(
        x,
        y,
        (a, b) => a === 0 && b >= 0,
        () => 0,
        (a, b) => mul(pow(a, b), log(a)),
        [1, 1],
      ),
  ],
});

/** x², as x·x (a composite: no rule of its own). */
export function square(a: Tensor): Tensor;
export function square(a: Scalar): Scalar;
export function square(a: Value): Value {
  return mul(a, a);
}
