// The same random programs in float32 and float64: values and gradients agree to float32 accuracy.
import { describe, it } from 'vitest';
import { RTOL32, caseArb, checkFloat32 } from './checks.ts';
import { TIMEOUT, announce, fuzz } from './params.ts';

const FILE = 'float32.test.ts';
announce(FILE);

describe('random programs: float32 against float64', () => {
  it(`values and gradients within ${RTOL32} of the float64 scale`, { timeout: TIMEOUT }, () => {
    fuzz(FILE, caseArb(), checkFloat32, 1000);
  });
});
