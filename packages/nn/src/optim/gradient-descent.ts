import { checkPositive } from '../internal/check.ts';
import { gradPairs, paramList } from './optimizer.ts';
import type { Params } from './optimizer.ts';

/**
 * One step of plain (batch) gradient descent, seed 002 eqs. (7)–(8): W ← W − α ∂J/∂W and
 * b ← b − α ∂J/∂b for every parameter with a gradient (null grads are skipped), in place.
 * Whether J averages over the batch or includes a penalty is up to the cost you backpropagated.
 */
export function gradientDescentStep(params: Params, lr: number): void {
  const fn = 'gradientDescentStep';
  const alpha = checkPositive(fn, 'learning rate', lr);
  // Writes .data directly, so nothing is recorded on the tape (no noGrad needed).
  for (const [p, g] of gradPairs(fn, paramList(fn, params))) {
    const d = p.data;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! - alpha * g[i]!;
    p.markModified();
  }
}
