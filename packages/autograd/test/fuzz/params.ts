// Run counts and the replayable seed of the fuzz tests.
//
//   PULLBACK_LONG=1          20× more programs (and no per-test time limit to speak of)
//   PULLBACK_SEED=<n>        fix the seed (printed at the start of every fuzz file, and in failures)
//   PULLBACK_PATH=<path>     with the seed: replay one counterexample directly (fast-check's path)
import fc from 'fast-check';

export const LONG = !['', '0', 'false', undefined].includes(process.env.PULLBACK_LONG);

/** A fresh seed per run unless PULLBACK_SEED fixes one: the fuzz tests search, and say how to replay. */
export const SEED = process.env.PULLBACK_SEED !== undefined ? Number(process.env.PULLBACK_SEED) : (Math.random() * 2 ** 31) | 0;

/** Per-test timeout for vitest. */
export const TIMEOUT = LONG ? 4 * 60 * 60_000 : 60_000;

export function runs(normal: number): number {
  return LONG ? 20 * normal : normal;
}

/** Print the seed once per file so that a run that fails later can be replayed. */
export function announce(file: string): void {
  console.info(`[fuzz] ${file}: seed ${SEED}${LONG ? ' (long mode)' : ''}; replay with PULLBACK_SEED=${SEED}`);
}

/**
 * fc.assert with the file's seed and `runs(numRuns)` runs; a failure's message ends with the
 * command line that replays it.
 */
export function fuzz<T>(file: string, arb: fc.Arbitrary<T>, check: (value: T) => void, numRuns: number): void {
  const path = process.env.PULLBACK_PATH;
  try {
    fc.assert(fc.property(arb, check), { numRuns: runs(numRuns), seed: SEED, ...(path === undefined ? {} : { path }) });
  } catch (error) {
    const replay = /path: "([^"]*)"/.exec(String((error as Error).message))?.[1];
    const how = `replay: PULLBACK_SEED=${SEED}${replay ? ` PULLBACK_PATH=${replay}` : ''} pnpm vitest run packages/autograd/test/fuzz/${file}`;
    (error as Error).message += `\n${how}`;
    throw error;
  }
}
