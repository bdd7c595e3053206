import { describe, expect, it } from 'vitest';
import { ValueError } from '@pullback/autograd';
import { Rng, fans, glorotNormal, glorotUniform, heNormal, heUniform, normal, scaledNormal, zerosInit } from '../src/index.ts';
import { expectError } from './helpers.ts';

function stats(d: ArrayLike<number>): { mean: number; variance: number; min: number; max: number } {
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    s += d[i]!;
    s2 += d[i]! * d[i]!;
    min = Math.min(min, d[i]!);
    max = Math.max(max, d[i]!);
  }
  const mean = s / d.length;
  return { mean, variance: s2 / d.length - mean * mean, min, max };
}

describe('initialisers', () => {
  it('give pinned values for seed 7 (a platform or algorithm change shows up here)', () => {
    expect(Array.from(normal([2, 2], new Rng(7)).data)).toEqual([0.28672498231125265, -0.13524566962464557, -0.35028640974724196, 0.943271109767572]);
    // N(0, 1/n_in) with n_in = 4: the same draws halved.
    expect(Array.from(scaledNormal([2, 4], new Rng(7)).data).slice(0, 4)).toEqual([
      0.14336249115562633, -0.06762283481232279, -0.17514320487362098, 0.471635554883786,
    ]);
    expect(Array.from(glorotUniform([2, 3], new Rng(7)).data)).toEqual([
      -0.9880704774614478, 0.9417612100876696, -0.22514339910884706, -0.4237387265151985, 0.34439160231211474, -0.4302475549151632,
    ]);
    expect(Array.from(heNormal([2, 3], new Rng(7)).data).slice(0, 2)).toEqual([0.23410996772370052, -0.11042762683380392]);
  });

  it('same seed → identical tensors; different seeds → different ones', () => {
    for (const f of [scaledNormal, glorotUniform, glorotNormal, heNormal, heUniform]) {
      expect(Array.from(f([5, 4], new Rng(3)).data)).toEqual(Array.from(f([5, 4], new Rng(3)).data));
      expect(Array.from(f([5, 4], new Rng(3)).data)).not.toEqual(Array.from(f([5, 4], new Rng(4)).data));
    }
  });

  it('draw the documented distributions (fan-in = columns of an [out, in] weight)', () => {
    const rng = new Rng(1);
    const [out, inn] = [400, 250];
    const n = stats(normal([out, inn], rng, 2).data);
    expect(Math.abs(n.mean)).toBeLessThan(0.02);
    expect(n.variance / 4).toBeCloseTo(1, 1);
    expect(scaledNormal([out, inn], rng).data.length).toBe(out * inn);
    expect(stats(scaledNormal([out, inn], rng).data).variance * inn).toBeCloseTo(1, 1);
    expect((stats(heNormal([out, inn], rng).data).variance * inn) / 2).toBeCloseTo(1, 1);
    expect((stats(glorotNormal([out, inn], rng).data).variance * (inn + out)) / 2).toBeCloseTo(1, 1);
    const a = Math.sqrt(6 / (inn + out));
    const g = stats(glorotUniform([out, inn], rng).data);
    expect(g.min).toBeGreaterThanOrEqual(-a);
    expect(g.max).toBeLessThan(a);
    expect(g.variance / ((a * a) / 3)).toBeCloseTo(1, 1);
    const h = stats(heUniform([out, inn], rng).data);
    expect(h.max).toBeLessThan(Math.sqrt(6 / inn));
    expect(h.variance / (2 / inn)).toBeCloseTo(1, 1);
  });

  it('computes fans like PyTorch', () => {
    expect(fans([30, 784])).toEqual({ fanIn: 784, fanOut: 30 });
    expect(fans([8, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 200 });
    expect(fans([7])).toEqual({ fanIn: 7, fanOut: 7 });
  });

  it('honour dtype and shape; zerosInit is zeros', () => {
    const t = normal([3], new Rng(7), 1, 'float32');
    expect(t.dtype).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.data[0]).toBe(Math.fround(0.28672498231125265));
    const z = zerosInit([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reject bad arguments with ValueError naming the initialiser', () => {
    expectError(() => normal([2, -1], new Rng(0)), ValueError, 'normal', 'shape');
    expectError(() => normal([2], new Rng(0), -1), ValueError, 'normal', 'std');
    expectError(() => scaledNormal([], new Rng(0)), ValueError, 'scaledNormal', 'shape []');
    expectError(() => heNormal([3, 0], new Rng(0)), ValueError, 'heNormal', 'fan-in 0');
    expectError(() => glorotUniform([2, 2], 7 as unknown as Rng), ValueError, 'glorotUniform', 'rng must be an Rng');
    expectError(() => zerosInit([2], 'int8' as never), ValueError, 'zerosInit', 'dtype');
  });
});
