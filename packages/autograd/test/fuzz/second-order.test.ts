// Second-order gradients of random programs: the recorded backward pass, differentiated again,
// against central differences of the gradient.
import { describe, it } from 'vitest';
import { caseArb, checkGradcheck } from './checks.ts';
import { TIMEOUT, announce, fuzz } from './params.ts';

const FILE = 'second-order.test.ts';
announce(FILE);

describe('random programs: second order', () => {
  it('gradcheck with secondOrder: the gradient map against central differences', { timeout: TIMEOUT }, () => {
    fuzz(FILE, caseArb(), (c) => checkGradcheck(c, true), 1000);
  });
});
