import { mapBinary, mapUnary } from '../kernels.ts';
import { record } from '../tape.ts';
import { lift2 } from '../tensor.ts';
import type { Tensor, TensorLike } from '../tensor.ts';
import { log } from './unary.ts';
import { equal, greater, where } from './compare.ts';

/** a + b, broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2('add', a, b);
  const out = mapBinary('add', x, y, (p, q) => p + q);
  // z = x + y  =>  dx = dz, dy = dz  (summed back over broadcast axes by the backward pass)
  return record('add', [x, y], out, (dz: Tensor) => [dz, dz]);
}

/** a − b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2('sub', a, b);
  const out = mapBinary('sub', x, y, (p, q) => p - q);
  // z = x − y  =>  dx = dz, dy = −dz
  return record('sub', [x, y], out, (dz: Tensor, needs) => [dz, needs[1] ? neg(dz) : null]);
}

/** a ⊙ b (elementwise), broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2('mul', a, b);
  const out = mapBinary('mul', x, y, (p, q) => p * q);
  // z = x y  =>  dx = dz y, dy = dz x
  return record('mul', [x, y], out, (dz: Tensor, needs) => [needs[0] ? mul(dz, y) : null, needs[1] ? mul(dz, x) : null]);
}

/** a / b (elementwise), broadcasting. A primitive, not a·(1/b), which would round twice. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2('div', a, b);
  const out = mapBinary('div', x, y, (p, q) => p / q);
  // z = x / y  =>  dx = dz / y, dy = −dz x / y² = −(dz z) / y
  return record('div', [x, y], out, (dz: Tensor, needs) => [needs[0] ? div(dz, y) : null, needs[1] ? neg(div(mul(dz, out), y)) : null]);
}

/** −x. */
export function neg(a: Tensor): Tensor {
  const out = mapUnary(a, (v) => -v, 'neg');
  // z = −x  =>  dx = −dz
  return record('neg', [a], out, (dz: Tensor) => [neg(dz)]);
}

/** a^b (elementwise), broadcasting; NaN where a < 0 and b is not an integer, as Math.pow. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift2('pow', a, b);
  const out = mapBinary('pow', x, y, Math.pow);
  // z = x^y  =>  dx = dz y x^(y−1) (0 at x = y = 0, where x⁰ is constant, not 0·∞ = NaN, as JAX and PyTorch);
  //              dy = dz z ln x (taken as 0 where x = 0, the limit for y > 0)
  return record('pow', [x, y], out, (dz: Tensor, needs) => [
    needs[0] ? mul(dz, where(mul(equal(x, 0), equal(y, 0)), 0, mul(y, pow(x, sub(y, 1))))) : null,
    needs[1] ? mul(dz, where(greater(x, 0), mul(out, log(x)), 0)) : null,
  ]);
}

/** x², as x·x (a composite: no rule of its own). */
export function square(a: Tensor): Tensor {
  return mul(a, a);
}
