// Second-order derivatives: a Hessian, a Hessian-vector product without forming the Hessian,
// and Newton's method on the Rosenbrock function.  Run: pnpm tsx examples/higher-order.ts
import { grad, hessian, hvp, slice, sum, tensor } from '@pullback/autograd';
import type { Tensor } from '@pullback/autograd';

// f(x, y) = (1 − x)² + 100 (y − x²)², minimum at (1, 1).
function rosenbrock(p: Tensor): Tensor {
  const x = slice(p, [0], [1]);
  const y = slice(p, [1], [2]);
  return sum(x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)));
}

let p = tensor([-1.2, 1]);
console.log('Hessian at (−1.2, 1):', hessian(rosenbrock)(p).toArray());
console.log('H·[1, 0] by hvp      :', hvp(rosenbrock, [p], [tensor([1, 0])])[0].toArray());

// Newton: p ← p − H⁻¹ ∇f, solving the 2×2 system by hand.
for (let step = 1; step <= 8; step++) {
  const g = grad(rosenbrock)(p).toArray() as number[];
  const [[a, b], [c, d]] = hessian(rosenbrock)(p).toArray() as [[number, number], [number, number]];
  const det = a! * d! - b! * c!;
  const dx = (d! * g[0]! - b! * g[1]!) / det;
  const dy = (-c! * g[0]! + a! * g[1]!) / det;
  p = tensor([p.data[0]! - dx, p.data[1]! - dy]);
  console.log(`Newton step ${step}: p = (${p.data[0]!.toFixed(6)}, ${p.data[1]!.toFixed(6)}), f = ${rosenbrock(p).item().toExponential(3)}`);
}
