// The natural logarithm from +, −, ×, ÷ alone. ECMAScript leaves Math.log's last bit to the engine
// (it is not required to be correctly rounded), while those four operations are IEEE 754 exact
// roundings in every engine; so this log, and every random normal drawn with it, has the same bits
// everywhere. About 1 ulp from the true value (checked against Math.log in the tests).

// ln 2 split so that k · LN2_HIGH is exact for every exponent k of a double (LN2_HIGH has 32
// significant bits, k at most 11): LN2_HIGH + LN2_LOW = ln 2 to about 2⁻⁸⁵.
const LN2_HIGH = 0.6931471803691238;
const LN2_LOW = 1.9082149292705877e-10;

// 2 atanh(s) = 2s + 2s³/3 + 2s⁵/5 + …: the coefficients 2/(2j + 1) of s·z^j, j ≥ 1, z = s².
// With |s| ≤ (√2 − 1)/(√2 + 1) < 0.1716, z < 0.0295 and eleven terms leave a remainder below 2⁻⁶⁰.
const SERIES = Array.from({ length: 11 }, (_, j) => 2 / (2 * j + 3));

const view = new DataView(new ArrayBuffer(8));

/**
 * ln x for a positive finite normal x (the only inputs the samplers give it). Write x = 2ᵏ·m with
 * m ∈ [√2/2, √2) (the exponent read from the bits, big-endian whatever the platform); then with
 * f = m − 1 (exact) and s = f/(2 + f), ln m = 2 atanh(s) = f − (f²/2 − s(f²/2 + R)), where
 * R = Σ 2z^j/(2j + 1), and ln x = k ln 2 + ln m.
 */
export function portableLog(x: number): number {
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  let k = ((high >>> 20) & 0x7ff) - 1023;
  view.setUint32(0, (high & 0x000fffff) | 0x3ff00000);
  let m = view.getFloat64(0);
  if (m > Math.SQRT2) {
    m /= 2;
    k += 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  let r = 0;
  for (let j = SERIES.length - 1; j >= 0; j--) r = z * (SERIES[j]! + r);
  const halfSquare = 0.5 * f * f;
  return k * LN2_HIGH + (f - (halfSquare - (s * (halfSquare + r) + k * LN2_LOW)));
}
