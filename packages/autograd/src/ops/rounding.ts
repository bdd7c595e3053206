// Rounding and remainders, each one elementwise descriptor (see elementwise.ts). floor, ceil and
// round are piecewise constant: their derivative is 0 wherever it exists (as PyTorch's); their
// domains keep away from the jumps (the integers, or the half-integers for round), where finite
// differences would see a step. remainder and fmod jump where a/b is an integer: their domains
// keep a/b inside (1, 2) (remainder) or (−2, −1) (fmod).
import '../tensor.ts'; // load order: see ops/index.ts
import { binary, indicator, unary } from '../elementwise.ts';

const INTEGERS = [-3, -2, -1, 0, 1, 2, 3];
const HALF_INTEGERS = [-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5];

/** Round half to even (banker's rounding), as torch.round and np.round: 0.5 → 0, 1.5 → 2, 2.5 → 2. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // ties toward +Inf
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** a − b⌊a/b⌋ with the sign of the divisor (zero included, as Python's % and np.remainder), from the exact C fmod. */
function remainderValue(a: number, b: number): number {
  const m = a % b;
  if (m === 0) return b < 0 ? -0 : 0;
  return b < 0 !== m < 0 ? m + b : m;
}

/** ⌊x⌋. */
export const floor = unary('floor', {
  formula: '∂z/∂x = 0',
  domain: { low: -4, high: 4, avoid: INTEGERS },
  value: Math.floor,
  // z = ⌊x⌋ is piecewise constant  =>  dx = 0
  partial: () => 0,
  derivative: () => 0,
});

/** ⌈x⌉. */
export const ceil = unary('ceil', {
  formula: '∂z/∂x = 0',
  domain: { low: -4, high: 4, avoid: INTEGERS },
  value: Math.ceil,
  // z = ⌈x⌉ is piecewise constant  =>  dx = 0
  partial: () => 0,
  derivative: () => 0,
});

/** x rounded to the nearest integer, ties to even (as torch.round and np.round, not Math.round). */
export const round = unary('round', {
  formula: '∂z/∂x = 0',
  domain: { low: -4, high: 4, avoid: HALF_INTEGERS },
  value: roundHalfEven,
  // z = round(x) is piecewise constant  =>  dx = 0
  partial: () => 0,
  derivative: () => 0,
});

/** a − b⌊a/b⌋ (torch.remainder, Python's %): the result has the sign of b. NaN where b = 0. */
export const remainder = binary('remainder', {
  formula: '∂z/∂x = 1, ∂z/∂y = −⌊x/y⌋',
  domains: [
    { low: 2.5, high: 3.5 },
    { low: 1.8, high: 2.4 },
  ],
  value: remainderValue,
  // z = x − y⌊x/y⌋  =>  dx = dz, dy = −dz ⌊x/y⌋ (as PyTorch: ⌊x/y⌋ is constant between jumps)
  partials: [() => 1, (x, y) => -Math.floor(x / y)],
  derivatives: [() => 1, (x, y) => indicator(x, y, (p, q) => -Math.floor(p / q))],
});

/** a − b·trunc(a/b) (C's fmod, torch.fmod, JavaScript's %): the result has the sign of a. NaN where b = 0. */
export const fmod = binary('fmod', {
  formula: '∂z/∂x = 1, ∂z/∂y = −trunc(x/y)',
  domains: [
    { low: -3.5, high: -2.5 },
    { low: 1.8, high: 2.4 },
  ],
  value: (x, y) => x % y,
  // z = x − y trunc(x/y)  =>  dx = dz, dy = −dz trunc(x/y)
  partials: [() => 1, (x, y) => -Math.trunc(x / y)],
  derivatives: [() => 1, (x, y) => indicator(x, y, (p, q) => -Math.trunc(p / q))],
});
