// fast-check parameters shared by the property tests: a replayable seed (PULLBACK_SEED=...), which
// fast-check prints with every counterexample, and a run count kept small for the suite's budget.
import type fc from 'fast-check';

export function propertyParams<T>(numRuns: number): fc.Parameters<T> {
  const env = process.env.PULLBACK_SEED;
  return env === undefined ? { numRuns } : { numRuns, seed: Number(env) };
}
