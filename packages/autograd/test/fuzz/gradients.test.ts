// First-order gradients of random programs: against central differences, and jvp against vjp.
import { describe, it } from 'vitest';
import { caseArb, checkGradcheck, checkJvpAgainstVjp } from './checks.ts';
import { TIMEOUT, announce, fuzz } from './params.ts';

const FILE = 'gradients.test.ts';
announce(FILE);

describe('random programs: first-order gradients', () => {
  it('match central differences (gradcheck: random directions, every entry when small)', { timeout: TIMEOUT }, () => {
    fuzz(FILE, caseArb(), (c) => checkGradcheck(c, false), 2000);
  });

  it('jvp agrees with vjp: ⟨u, J v⟩ computed forward and backward', { timeout: TIMEOUT }, () => {
    fuzz(FILE, caseArb(), checkJvpAgainstVjp, 2000);
  });
});
