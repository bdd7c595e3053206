import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValueError } from '@pullback/autograd';
import { Rng, defaultRng, manualSeed } from '../src/index.ts';
import { expectError } from './helpers.ts';

// An independent xoshiro128** + splitmix32 in BigInt arithmetic (no Math.imul, no `>>> 0`), from
// the reference C code (prng.di.unimi.it): a second implementation to compare the stream with.
const M = (1n << 32n) - 1n;
function bigStream(seed: number, count: number): number[] {
  let sm = BigInt(seed) & M;
  const splitmix = (): bigint => {
    sm = (sm + 0x9e3779b9n) & M;
    let t = sm ^ (sm >> 16n);
    t = (t * 0x21f0aaadn) & M;
    t ^= t >> 15n;
    t = (t * 0x735a2d97n) & M;
    return t ^ (t >> 15n);
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((s[1]! * 5n) & M, 7n) * 9n) & M));
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

describe('Rng', () => {
  it('produces the exact xoshiro128** stream of the reference C code for fixed seeds', () => {
    // Printed by the reference C implementation (gcc, uint32_t) seeded with splitmix32(seed).
    const expected: Record<number, number[]> = {
      0: [1789933344, 44971166, 2521387044, 3848737593, 1138324114, 749234105],
      42: [660444221, 3652823732, 77672526, 910233633, 2297337756, 3786072677],
      12345: [1093274547, 203003357, 3741353573, 3803725158, 4178738660, 810247443],
    };
    for (const [seed, values] of Object.entries(expected)) {
      const r = new Rng(Number(seed));
      expect(values.map(() => r.nextUint32())).toEqual(values);
    }
  });

  it('matches an independent BigInt implementation for any 32-bit seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const r = new Rng(seed);
        expect(Array.from({ length: 20 }, () => r.nextUint32())).toEqual(bigStream(seed, 20));
      }),
      { numRuns: 50 },
    );
  });

  it('gives pinned uniforms and normals for seed 7 (catches a platform change)', () => {
    const r = new Rng(7);
    expect([r.next(), r.next(), r.next(), r.next()]).toEqual([0.049009592574554284, 0.9298532154569821, 0.3972365680289133, 0.3065906174992611]);
    const n = new Rng(7);
    expect([n.normal(), n.normal(), n.normal()]).toEqual([0.28672498231125265, -0.13524566962464557, -0.35028640974724196]);
  });

  it('builds next() from 53 bits of two draws and normal() by Box–Muller', () => {
    const a = new Rng(99);
    const b = new Rng(99);
    const hi = b.nextUint32() >>> 5;
    const lo = b.nextUint32() >>> 6;
    expect(a.next()).toBe((hi * 2 ** 26 + lo) / 2 ** 53);
    const c = new Rng(5);
    const d = new Rng(5);
    const u1 = 1 - d.next();
    const u2 = d.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    expect(c.normal()).toBe(r * Math.cos(2 * Math.PI * u2));
    expect(c.normal()).toBe(r * Math.sin(2 * Math.PI * u2));
  });

  it('uses both halves of seeds beyond 32 bits and accepts negative seeds', () => {
    expect(new Rng(2 ** 40 + 3).nextUint32()).not.toBe(new Rng(3).nextUint32());
    expect(new Rng(-5).nextUint32()).toBe(276392650);
    expect(new Rng(-5).nextUint32()).not.toBe(new Rng(5).nextUint32());
  });

  it('has sensible statistics: uniform mean 1/2, normal mean 0 and variance 1', () => {
    const r = new Rng(1);
    const n = 200_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(outside).toBe(0);
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.02);
  });

  it('int(n) stays in [0, n) and hits every value; shuffle is a seeded permutation', () => {
    const r = new Rng(3);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 7000; i++) counts[r.int(7)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(new Rng(3).int(1)).toBe(0);
    const a = new Rng(11).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const b = new Rng(11).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const typed = new Rng(11).shuffle(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(Array.from(typed)).toEqual(a);
  });

  it('shuffle makes every permutation of 3 items about equally likely', () => {
    const r = new Rng(8);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = r.shuffle([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });

  it('rejects bad seeds and bad n with ValueError', () => {
    expectError(() => new Rng(1.5), ValueError, 'Rng', 'seed must be a safe integer');
    expectError(() => new Rng(NaN), ValueError, 'Rng', 'seed');
    expectError(() => new Rng('1' as unknown as number), ValueError, 'Rng', 'string "1"');
    expectError(() => new Rng(0).int(0), ValueError, 'Rng.int', 'got number 0');
    expectError(() => new Rng(0).int(2.5), ValueError, 'Rng.int');
  });

  it('manualSeed resets the default generator', () => {
    manualSeed(123);
    const first = defaultRng().nextUint32();
    manualSeed(123);
    expect(defaultRng().nextUint32()).toBe(first);
    expect(first).toBe(new Rng(123).nextUint32());
    manualSeed(0);
  });
});
