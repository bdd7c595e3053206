// mulberry32 (Tommy Ettinger): a tiny seeded generator of 32-bit words, the one used by the tests,
// the benchmarks and the examples, so that every run draws the same numbers. Integer operations
// only (Math.imul, shifts), so the stream is the same on every JavaScript engine. This module
// imports nothing: the closed-form reference's tests may use it without loading the engine.
// (Model initialisation and random tensors use Rng, rng.ts, a generator with a longer period.)

/** The next uint32 in [0, 2³²) on each call, from the seed's low 32 bits. */
export function mulberry32Uint32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform numbers in [0, 1) (multiples of 2⁻³²), seeded: mulberry32Uint32(seed) / 2³². */
export function mulberry32(seed: number): () => number {
  const next = mulberry32Uint32(seed);
  return () => next() / 4294967296;
}
