import { mapBinary, mapUnary } from '../kernels.ts';
import { record } from '../tape.ts';
import { lift2 } from '../tensor.ts';
import { checkTensor, checkTensorLike } from '../args.ts';
import type { Tensor, TensorLike } from '../tensor.ts';
import { log } from './unary.ts';
import { equal, greaterEqual, where } from './compare.ts';

/** a + b, broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('add', a, b);
  const out = mapBinary('add', x, y, (p, q) => p + q);
  // z = x + y  =>  dx = dz, dy = dz  (summed back over broadcast axes by the backward pass)
  return record('add', [x, y], out, (dz: Tensor) => [dz, dz]);
}

/** a − b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('sub', a, b);
  const out = mapBinary('sub', x, y, (p, q) => p - q);
  // z = x − y  =>  dx = dz, dy = −dz
  return record('sub', [x, y], out, (dz: Tensor, needs) => [dz, needs[1] ? neg(dz) : null]);
}

/** a ⊙ b (elementwise), broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('mul', a, b);
  const out = mapBinary('mul', x, y, (p, q) => p * q);
  // z = x y  =>  dx = dz y, dy = dz x
  return record('mul', [x, y], out, (dz: Tensor, needs) => [needs[0] ? mul(dz, y) : null, needs[1] ? mul(dz, x) : null]);
}

/** a / b (elementwise), broadcasting. A primitive, not a·(1/b), which would round twice. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('div', a, b);
  const out = mapBinary('div', x, y, (p, q) => p / q);
  // z = x / y  =>  dx = dz / y, dy = −dz x / y² = −(dz z) / y
  return record('div', [x, y], out, (dz: Tensor, needs) => [needs[0] ? div(dz, y) : null, needs[1] ? neg(div(mul(dz, out), y)) : null]);
}

/** −x. */
export function neg(a: Tensor): Tensor {
  checkTensor('neg', 'x', a);
  const out = mapUnary(a, (v) => -v, 'neg');
  // z = −x  =>  dx = −dz
  return record('neg', [a], out, (dz: Tensor) => [neg(dz)]);
}

/** a^b (elementwise), broadcasting; NaN where a < 0 and b is not an integer, as Math.pow. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('pow', a, b);
  const out = mapBinary('pow', x, y, Math.pow);
  // z = x^y  =>  dx = dz y x^(y−1): 0 wherever y = 0, as PyTorch's pow_backward (y·x^(y−1) is
  //              0·finite there, kept as a product so that its derivative in y, x^(y−1), stays
  //              exact), and taken as 0 at x = y = 0, where x⁰ is constant but the product is 0·∞;
  //              dy = dz z ln x, taken as 0 where x = 0 and y ≥ 0 (the limit), NaN for x < 0.
  // Masked entries compute on a safe operand (y = 1, x = 1) so that no Inf or NaN sits under the
  // mask, where a second derivative would turn it into 0·∞ = NaN.
  return record('pow', [x, y], out, (dz: Tensor, needs) => {
    let dx: Tensor | null = null;
    let dy: Tensor | null = null;
    if (needs[0]) {
      const constantInX = mul(equal(x, 0), equal(y, 0));
      const ySafe = where(constantInX, 1, y);
      dx = mul(dz, where(constantInX, 0, mul(ySafe, pow(x, sub(ySafe, 1)))));
    }
    if (needs[1]) {
      const limitZero = mul(equal(x, 0), greaterEqual(y, 0));
      dy = mul(dz, where(limitZero, 0, mul(out, log(where(limitZero, 1, x)))));
    }
    return [dx, dy];
  });
}

/** x², as x·x (a composite: no rule of its own). */
export function square(a: Tensor): Tensor {
  checkTensor('square', 'x', a);
  return mul(a, a);
}

/** Both operands of a binary op checked (Tensor or number, each named), then lifted to one dtype. */
export function operands(fn: string, a: unknown, b: unknown): [Tensor, Tensor] {
  return lift2(fn, checkTensorLike(fn, 'a', a), checkTensorLike(fn, 'b', b));
}
