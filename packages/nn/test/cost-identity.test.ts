// crossEntropyCost computes from the logits only when its input is the engine's own sigmoid,
// recognised by identity: a user op that happens to be named 'sigmoid' gets its own cost.
import { type Tensor, defineOp, mul, sigmoid, tensor } from '@pullback/autograd';
import { describe, expect, it } from 'vitest';
import { crossEntropyCost } from '../src/index.ts';

const logistic = (v: number) => 1 / (1 + Math.exp(-v));
/** −[y ln a + (1 − y) ln(1 − a)] summed over the units, on plain numbers. */
const reference = (a: number[], y: number[]) => a.reduce((c, ai, i) => c - (y[i]! * Math.log(ai) + (1 - y[i]!) * Math.log(1 - ai)), 0);

describe('crossEntropyCost and a user op named sigmoid', () => {
  // σ(2x), named like the built-in: its derivative is 2σ'(2x)
  const doubled = defineOp('sigmoid', (x: Tensor) => {
    const out = sigmoid(mul(x, 2));
    return { output: out, pullback: (dy: Tensor) => [mul(mul(dy, mul(out, mul(out, -1).add(1))), 2)] };
  });

  it('gets the cost of its own output (σ(2z)), not of σ(z)', () => {
    const z = tensor([[0.3, -1.2, 2]], { requiresGrad: true });
    const y = tensor([[1, 0, 1]]);
    const cost = crossEntropyCost(doubled(z), y).item();
    const expected = reference([0.6, -2.4, 4].map(logistic), [1, 0, 1]);
    expect(cost).toBeCloseTo(expected, 12);
    expect(Math.abs(cost - reference([0.3, -1.2, 2].map(logistic), [1, 0, 1]))).toBeGreaterThan(0.1);
  });

  it("the engine's sigmoid still takes the exact path from the logits (finite at z = 40)", () => {
    const z = tensor([[40]], { requiresGrad: true });
    const cost = crossEntropyCost(sigmoid(z), tensor([[0]]));
    // −ln(1 − σ(40)) = softplus(40) = 40 + ln(1 + e^−40); from the rounded σ it would be clamped at −ln ε ≈ 27.6
    expect(cost.item()).toBeCloseTo(40, 10);
  });
});
