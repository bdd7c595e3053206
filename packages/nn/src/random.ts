import { Rng, ValueError, defaultRng } from '@pullback/autograd';
import { describe } from './internal/check.ts';

// The generator itself lives in @pullback/autograd (its random tensors draw from it too).
export { Rng, manualSeed, defaultRng } from '@pullback/autograd';

/** `{ rng }` or `{ seed }` (not both) or neither (the default generator). */
export function resolveRng(fn: string, options: { rng?: Rng | undefined; seed?: number | undefined }): Rng {
  const { rng, seed } = options;
  if (rng !== undefined && seed !== undefined) {
    throw new ValueError(fn, `pass either rng or seed, not both`);
  }
  if (rng !== undefined) {
    if (!(rng instanceof Rng)) throw new ValueError(fn, `rng must be an Rng, got ${describe(rng)}`);
    return rng;
  }
  if (seed !== undefined) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new ValueError(fn, `seed must be a safe integer, got ${describe(seed)}`);
    return new Rng(seed);
  }
  return defaultRng();
}
