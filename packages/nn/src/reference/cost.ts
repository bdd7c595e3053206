import { activationDerivative } from './activations.ts';
import type { RefActivation } from './activations.ts';

export type RefCost = 'quadratic' | 'crossEntropy';

export const REF_COSTS: readonly RefCost[] = ['quadratic', 'crossEntropy'];

/** softplus(t) = ln(1 + e^t), without overflow for large t. */
function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/** y·ln(a) with the limit convention 0·ln 0 = 0, so a hard target does not turn a saturated output into NaN. */
function yLogA(y: number, a: number): number {
  return y === 0 ? 0 : y * Math.log(a);
}

/**
 * One output unit's share of C_x: quadratic ½(a − y)²; crossEntropy −[y ln a + (1 − y) ln(1 − a)].
 * For a sigmoid output the cross-entropy is evaluated from z, using ln σ(z) = −softplus(−z) and
 * ln(1 − σ(z)) = −softplus(z): the same number, but finite when σ(z) rounds to 0 or 1 (e.g. z = ±1000).
 */
export function unitCost(cost: RefCost, f: RefActivation, z: number, a: number, y: number): number {
  if (cost === 'quadratic') return 0.5 * (a - y) * (a - y);
  if (f === 'sigmoid') return y * softplus(-z) + (1 - y) * softplus(z);
  return -(yLogA(y, a) + yLogA(1 - y, 1 - a));
}

/**
 * BP1 for one output unit: δ^L_j = ∂C_x/∂a^L_j · f'(z^L_j).
 * Cross-entropy with a sigmoid output uses the exact cancellation δ^L_j = a^L_j − y_j (Nielsen ch. 3;
 * seed 004 eq. 5–6 up to its sign), never the quotient form, which is 0/0 once σ saturates.
 */
export function outputDelta(cost: RefCost, f: RefActivation, z: number, a: number, y: number): number {
  if (cost === 'quadratic') return (a - y) * activationDerivative(f, z);
  if (f === 'sigmoid') return a - y;
  // ∂/∂a of −[y ln a + (1 − y) ln(1 − a)], with 0/a = 0 for the same limit convention as the cost.
  const dCda = (y === 1 ? 0 : (1 - y) / (1 - a)) - (y === 0 ? 0 : y / a);
  return dCda * activationDerivative(f, z);
}
