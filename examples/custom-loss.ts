// A user-defined loss with its own pullback, checked with gradcheck — then the same op with a
// deliberately wrong pullback, and the report that pinpoints it.  Run: pnpm tsx examples/custom-loss.ts
import { abs, defineOp, gradcheck, lessEqual, mul, sign, sub, sum, tensor, where } from '@pullback/autograd';
import type { Tensor } from '@pullback/autograd';

const delta = 1;

// Huber loss per element: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond; r = prediction − target.
function huberValue(r: Tensor): Tensor {
  const inside = lessEqual(abs(r), delta);
  return where(inside, mul(mul(r, r), 0.5), mul(sub(abs(r), 0.5 * delta), delta));
}

const huber = defineOp('huber', (prediction, target) => {
  const r = sub(prediction, target);
  return {
    output: sum(huberValue(r)),
    // L = Σ huber(r)  =>  dL/dr = clip(r, −δ, δ); d/dprediction = +dL/dr, d/dtarget = −dL/dr
    pullback: (dy) => {
      const clipped = where(lessEqual(abs(r), delta), r, mul(sign(r), delta));
      return [mul(dy, clipped), mul(dy, clipped).neg()];
    },
  };
});

const wrongHuber = defineOp('huber (wrong)', (prediction, target) => {
  const r = sub(prediction, target);
  return {
    output: sum(huberValue(r)),
    // The mistake: the quadratic branch's derivative r used everywhere (the clip forgotten).
    pullback: (dy) => [mul(dy, r), mul(dy, r).neg()],
  };
});

const prediction = tensor([0.3, -2.5, 1.7, 0.05]);
const target = tensor([0, 0, 0.5, 0]);

const good = gradcheck(huber, [prediction, target], { secondOrder: false });
console.log(`huber: gradcheck ${good.ok ? 'passed' : 'FAILED'} (${good.checks} comparisons)`);
const bad = gradcheck(wrongHuber, [prediction, target]);
console.log(`\nhuber (wrong): gradcheck ${bad.ok ? 'passed' : 'FAILED'}`);
console.log(bad.message);
