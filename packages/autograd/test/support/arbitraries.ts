// Small plain records for property tests: shapes, axes and values in an op's domain. Tensors are
// built inside the properties, so a counterexample prints as readable numbers.
import fc from 'fast-check';

export type Shape = number[];

/** A tensor as fast-check prints it. */
export interface Plain {
  shape: Shape;
  values: number[];
}

/**
 * Where an argument's values live:
 * - real: [−2, 2]; unit: (−0.9, 0.9); positive: [0.4, 2] (log, sqrt, the base of pow);
 * - awayFromZero: |x| ≥ 0.2, clear of the kinks of abs and relu;
 * - distinct: values at least 0.2 apart, so max and min have no ties;
 * - lattice / offLattice: multiples of ¼, and multiples of ¼ plus ⅛, so a maximum or minimum of
 *   one against the other never ties.
 */
export type Domain = 'real' | 'unit' | 'positive' | 'awayFromZero' | 'distinct' | 'lattice' | 'offLattice';

function fromUnit(domain: Domain, raw: number[]): number[] {
  switch (domain) {
    case 'real':
      return raw.map((r) => 2 * r);
    case 'unit':
      return raw.map((r) => 0.9 * r);
    case 'positive':
      return raw.map((r) => 1.2 + 0.8 * r);
    case 'awayFromZero':
      return raw.map((r) => (r < 0 ? -1 : 1) * (0.2 + 1.8 * Math.abs(r)));
    case 'distinct': {
      const order = raw.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const out = new Array<number>(raw.length);
      order.forEach(([r, i], rank) => {
        out[i] = 0.3 * (rank - raw.length / 2) + 0.05 * r;
      });
      return out;
    }
    case 'lattice':
      return raw.map((r) => Math.round(8 * r) / 4);
    case 'offLattice':
      return raw.map((r) => Math.round(8 * r) / 4 + 0.125);
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A primitive's declared domain (see src/primitive.ts): an interval and the points to avoid. */
export interface Interval {
  low: number;
  high: number;
  avoid?: readonly number[];
}

/** r ∈ [−1, 1] into the interval, 2% in from its ends and at least 5% of its width from each avoided point. */
function fromInterval(d: Interval, r: number): number {
  const width = d.high - d.low;
  let v = d.low + 0.02 * width + ((r + 1) / 2) * 0.96 * width;
  for (const a of d.avoid ?? []) if (Math.abs(v - a) < 0.05 * width) v = a + (v >= a ? 1 : -1) * 0.05 * width;
  return v;
}

/** `shape.length` values of `domain` (raw draws in [−1, 1], mapped). */
export function plainIn(shape: Shape, domain: Domain | Interval): fc.Arbitrary<Plain> {
  const n = sizeOf(shape);
  const raw = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n });
  return raw.map((r) => ({ shape, values: typeof domain === 'string' ? fromUnit(domain, r) : r.map((x) => fromInterval(domain, x)) }));
}

/** A shape of rank minRank..maxRank with sizes 1..maxDim. */
export function shapeArb(minRank = 0, maxRank = 3, maxDim = 3): fc.Arbitrary<Shape> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** `base` with `drop` leading axes removed and the axes flagged in `ones` set to 1: broadcasts to base. */
function shrinkTo(base: Shape, drop: number, ones: readonly boolean[]): Shape {
  return base.slice(Math.min(drop, base.length)).map((d, i) => (ones[i] ? 1 : d));
}

const fixedPairs: [Shape, Shape][] = [
  [[3], [2, 3]],
  [
    [2, 1],
    [1, 3],
  ],
  [[], [2, 2]],
  [[2, 3], [3]],
  [
    [1, 3],
    [2, 1],
  ],
  [[2, 2], []],
  [
    [2, 3],
    [2, 3],
  ],
];

/** `count` shapes that broadcast together: the fixed classic pairs (for two) and random ones. */
export function broadcastShapes(count: number): fc.Arbitrary<Shape[]> {
  const random = fc
    .tuple(shapeArb(0, 3), fc.array(fc.tuple(fc.nat(3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 })), { minLength: count, maxLength: count }))
    .map(([base, parts]) => parts.map(([drop, ones]) => shrinkTo(base, drop, ones)));
  if (count !== 2) return random;
  return fc.oneof(fc.constantFrom(...fixedPairs), random);
}

/** A shape and a shape it broadcasts to (sumTo's pair, reversed). */
export function broadcastTarget(): fc.Arbitrary<{ small: Shape; big: Shape }> {
  return fc
    .tuple(shapeArb(0, 3), fc.nat(3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }))
    .map(([big, drop, ones]) => ({ small: shrinkTo(big, drop, ones), big }));
}

export type AxisArg = number | number[] | undefined;

/** A reduction: a shape of rank ≥ 1, an axis argument (none, one, possibly negative, or several) and keepDims. */
export function reduction(): fc.Arbitrary<{ shape: Shape; axis: AxisArg; keepDims: boolean }> {
  return shapeArb(1, 3).chain((shape) => {
    const r = shape.length;
    const axis = fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: -r, max: r - 1 }),
      fc.subarray(
        shape.map((_, i) => i),
        { minLength: 1 },
      ),
    );
    return fc.record({ shape: fc.constant(shape), axis, keepDims: fc.boolean() });
  });
}

/** A shape of rank ≥ 1 and one axis of it (possibly negative), or undefined for the default. */
export function oneAxis(): fc.Arbitrary<{ shape: Shape; axis: number | undefined }> {
  return shapeArb(1, 3).chain((shape) =>
    fc.record({ shape: fc.constant(shape), axis: fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: undefined }) }),
  );
}
