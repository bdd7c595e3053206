import { describe, expect, it } from 'vitest';
import {
  Rng,
  ShapeError,
  type Tensor,
  ValueError,
  bernoulli,
  defaultRng,
  detectAnomaly,
  dropout,
  explain,
  grad,
  gradcheck,
  hessian,
  jvp,
  manualSeed,
  mul,
  noGrad,
  rand,
  randint,
  randn,
  sum,
  tensor,
  toDot,
} from '../src/index.ts';
import { portableLog } from '../src/portable-log.ts';

const N = 100_000;
const seeded = (seed = 42) => ({ generator: new Rng(seed) });
const values = (t: Tensor): number[] => Array.from(t.data);

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  const mean = s / xs.length;
  let q = 0;
  for (let i = 0; i < xs.length; i++) q += (xs[i]! - mean) ** 2;
  return { mean, variance: q / xs.length };
}

/** |actual − expected| within 5 standard errors. */
function within5Sigma(actual: number, expected: number, standardError: number): void {
  expect(Math.abs(actual - expected)).toBeLessThan(5 * standardError);
}

describe('reproducibility', () => {
  it("rand's first value is built from the reference xoshiro128** words of seed 42 (53 bits of two words)", () => {
    // Words 1–4 of xoshiro128** seeded by splitmix32(42), printed by the reference C code (nn's Rng tests).
    const words = [660444221, 3652823732, 77672526, 910233633];
    const u = (a: number, b: number) => ((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53;
    expect(values(rand([2], seeded()))).toEqual([u(words[0]!, words[1]!), u(words[2]!, words[3]!)]);
  });

  it('pins the first values of rand and randn in float64 and float32 (a platform change would show)', () => {
    expect(values(rand([4], seeded()))).toEqual([0.15377165265745885, 0.018084542542176507, 0.5348906284683476, 0.7272476959257951]);
    expect(values(rand([4], { ...seeded(), dtype: 'float32' }))).toEqual([0.15377165377140045, 0.018084542825818062, 0.5348906517028809, 0.7272477149963379]);
    expect(values(randn([4], seeded()))).toEqual([0.26752683279886763, 1.7424408507579792, 0.5813902645846303, -1.6928022796929545]);
    expect(values(randn([4], { ...seeded(), dtype: 'float32' }))).toEqual([0.2675268352031708, 1.7424408197402954, 0.5813902616500854, -1.6928023099899292]);
    expect(values(randint(0, 10, [8], seeded()))).toEqual([1, 2, 6, 3, 6, 7, 4, 6]);
    expect(values(bernoulli(0.5, { ...seeded(), shape: [8] }))).toEqual([1, 1, 0, 0, 0, 1, 0, 1]);
  });

  it('the same seed gives the same bits; float32 holds the float64 draw rounded, and the generator advances alike', () => {
    for (const draw of [(o: object) => rand([101], o), (o: object) => randn([101], { ...o, mean: 1, std: 3 })]) {
      const g64 = new Rng(7);
      const g32 = new Rng(7);
      const a = draw({ generator: g64 });
      expect(values(draw({ generator: new Rng(7) }))).toEqual(values(a));
      const b = draw({ generator: g32, dtype: 'float32' });
      expect(b.dtype).toBe('float32');
      expect(values(b)).toEqual(values(a).map(Math.fround));
      expect(g32.nextUint32()).toBe(g64.nextUint32());
    }
  });

  it('randn is Marsaglia’s polar method (checked against the same recipe with Math.log)', () => {
    const g = new Rng(3);
    const expected: number[] = [];
    while (expected.length < 10) {
      const u = 2 * g.next() - 1;
      const v = 2 * g.next() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      expected.push(u * f, v * f);
    }
    const got = values(randn([10], seeded(3)));
    for (const [i, z] of got.entries()) expect(Math.abs(z - expected[i]!)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(z)));
  });

  it('portableLog is within 1 ulp of Math.log, exact at 1, 2 and ½', () => {
    expect([portableLog(1), portableLog(2), portableLog(0.5)]).toEqual([0, Math.LN2, -Math.LN2]);
    const g = new Rng(11);
    for (let i = 0; i < 20_000; i++) {
      const x = g.next() ** (1 + 30 * g.next()) || 2 ** -100;
      const exact = Math.log(x);
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(exact))) - 52);
      expect(Math.abs(portableLog(x) - exact)).toBeLessThanOrEqual(ulp);
    }
  });

  it('without a generator the default one is used: manualSeed(s) reproduces new Rng(s)', () => {
    manualSeed(5);
    const a = values(rand([3]));
    expect(a).toEqual(values(rand([3], seeded(5))));
    expect(defaultRng().nextUint32()).toBe(
      (() => {
        const g = new Rng(5);
        rand([3], { generator: g });
        return g.nextUint32();
      })(),
    );
    manualSeed(0);
  });
});

describe(`statistics of ${N} draws (means and variances within 5 standard errors)`, () => {
  it('rand on [−2, 3): mean ½, variance 25/12; every value in [low, high)', () => {
    const x = rand([N], { ...seeded(1), low: -2, high: 3 }).data;
    const { mean, variance } = moments(x);
    const w = 5;
    within5Sigma(mean, 0.5, Math.sqrt(w ** 2 / 12 / N));
    // Var(s²) ≈ (μ₄ − σ⁴)/n with μ₄ = w⁴/80 for a uniform of width w.
    within5Sigma(variance, w ** 2 / 12, Math.sqrt((w ** 4 / 80 - (w ** 2 / 12) ** 2) / N));
    expect(x.every((v) => v >= -2 && v < 3)).toBe(true);
  });

  it('randn with mean 1.5 and std 2: mean 1.5 and variance 4 (Var(s²) ≈ 2σ⁴/n), in both dtypes', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const { mean, variance } = moments(randn([N], { ...seeded(2), dtype, mean: 1.5, std: 2 }).data);
      within5Sigma(mean, 1.5, 2 / Math.sqrt(N));
      within5Sigma(variance, 4, Math.sqrt((2 * 16) / N));
    }
  });

  it('bernoulli: the frequency of ones is p (number p, and a tensor of probabilities broadcast per column)', () => {
    within5Sigma(moments(bernoulli(0.3, { ...seeded(3), shape: [N] }).data).mean, 0.3, Math.sqrt((0.3 * 0.7) / N));
    const p = [0, 0.25, 0.9, 1];
    const draws = bernoulli(tensor(p), { ...seeded(4), shape: [N / 4, 4] }).data;
    p.forEach((q, j) => {
      const column = draws.filter((_, i) => i % 4 === j);
      within5Sigma(moments(column).mean, q, Math.max(Math.sqrt((q * (1 - q)) / (N / 4)), 1e-12));
    });
  });

  it('randint covers [−3, 7) uniformly: chi-square below 27.88 (p = 0.001, 9 degrees of freedom) at seed 5', () => {
    const x = randint(-3, 7, [N], seeded(5)).data;
    const counts = new Array(10).fill(0);
    for (const v of x) {
      expect(Number.isInteger(v) && v >= -3 && v < 7).toBe(true);
      counts[v + 3]++;
    }
    const expected = N / 10;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88);
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('dropout keeps a fraction 1 − p and preserves the mean (inverted scaling)', () => {
    const p = 0.2;
    const y = dropout(tensor(new Float64Array(N).fill(3)), p, seeded(6)).data;
    const kept = y.filter((v) => v !== 0);
    within5Sigma(kept.length / N, 1 - p, Math.sqrt((p * (1 - p)) / N));
    expect(kept.every((v) => v === 3 / (1 - p))).toBe(true);
    within5Sigma(moments(y).mean, 3, Math.sqrt((9 * p) / (1 - p) / N));
  });
});

/** An Rng whose every word is 2³² − 1, so next() is 1 − 2⁻⁵³: the draw closest to high. */
class TopRng extends Rng {
  override nextUint32(): number {
    return 0xffffffff;
  }
}

describe('edges', () => {
  it('rand never returns high, even where rounding would carry the value up to it', () => {
    expect(rand([1], { generator: new TopRng(0) }).item()).toBe(1 - 2 ** -53);
    expect(rand([1], { generator: new TopRng(0), dtype: 'float32' }).item()).toBe(1 - 2 ** -24);
    // 1 + (1 − 2⁻⁵³) rounds to 2 in float64: the largest double below 2 instead.
    expect(rand([1], { generator: new TopRng(0), low: 1, high: 2 }).item()).toBe(2 - 2 ** -52);
    expect(rand([1], { generator: new TopRng(0), low: 2, high: 3, dtype: 'float32' }).item()).toBe(3 - 2 ** -22);
  });

  it('empty shapes draw nothing; bernoulli with p 0 and 1 is exact', () => {
    const g = new Rng(9);
    expect(rand([0, 3], { generator: g }).shape).toEqual([0, 3]);
    expect(g.nextUint32()).toBe(new Rng(9).nextUint32());
    expect(values(bernoulli(tensor([0, 1, 0, 1]), seeded()))).toEqual([0, 1, 0, 1]);
    expect(bernoulli(tensor([0.5], { dtype: 'float32' }), seeded()).dtype).toBe('float32');
  });
});

describe('argument errors (and a failed call leaves the generator where it was)', () => {
  const cases: [string, (g: Rng) => unknown, typeof ValueError, RegExp][] = [
    ['rand: shape not an array', (g) => rand(3 as never, { generator: g }), ValueError, /^rand: shape must be an array of sizes/],
    ['rand: negative size', (g) => rand([2, -1], { generator: g }), ValueError, /^rand: shape \[2, -1\] has size -1; expected non-negative integers/],
    ['randn: fractional size', (g) => randn([1.5], { generator: g }), ValueError, /^randn: shape \[1\.5\] has size 1\.5/],
    ['rand: low ≥ high', (g) => rand([2], { generator: g, low: 1, high: 1 }), ValueError, /^rand: low must be below high .*got low 1 and high 1/],
    ['rand: infinite bound', (g) => rand([2], { generator: g, high: Infinity }), ValueError, /^rand: high must be a finite number, got Infinity/],
    ['randn: negative std', (g) => randn([2], { generator: g, std: -1 }), ValueError, /^randn: std must be ≥ 0, got -1/],
    ['randint: low ≥ high', (g) => randint(5, 2, [2], { generator: g }), ValueError, /^randint: low must be below high .*got low 5 and high 2/],
    ['randint: fractional bound', (g) => randint(0, 2.5, [2], { generator: g }), ValueError, /^randint: high must be an integer, got number 2\.5/],
    [
      'randint: float32 bounds beyond 2²⁴',
      (g) => randint(0, 2 ** 25, [2], { generator: g, dtype: 'float32' }),
      ValueError,
      /^randint: low and high must lie within ±16777216/,
    ],
    ['bernoulli: p a string', (g) => bernoulli('0.5' as never, { generator: g }), ValueError, /^bernoulli: p must be a Tensor or a number, got string "0\.5"/],
    ['bernoulli: p above 1', (g) => bernoulli(1.5, { generator: g }), ValueError, /^bernoulli: p must be a probability in \[0, 1\], got 1\.5/],
    [
      'bernoulli: NaN in a tensor p',
      (g) => bernoulli(tensor([0.5, Number.NaN]), { generator: g }),
      ValueError,
      /^bernoulli: p must hold probabilities in \[0, 1\], got NaN at flat index 1/,
    ],
    [
      'bernoulli: p not broadcastable',
      (g) => bernoulli(tensor([0.5, 0.5]), { generator: g, shape: [3] }),
      ShapeError,
      /^bernoulli: p of shape \[2\] does not broadcast to shape \[3\]/,
    ],
    ['dropout: p below 0', (g) => dropout(tensor([1]), -0.1, { generator: g }), ValueError, /^dropout: p must be a probability in \[0, 1\], got -0\.1/],
    ['dropout: x not a tensor', (g) => dropout([1, 2] as never, 0.5, { generator: g }), ValueError, /^dropout: x must be a Tensor/],
    [
      'dropout: training not a boolean',
      (g) => dropout(tensor([1]), 0.5, { generator: g, training: 'no' as never }),
      ValueError,
      /^dropout: training must be a boolean/,
    ],
    [
      'rand: generator not an Rng',
      () => rand([2], { generator: 42 as never }),
      ValueError,
      /^rand: generator must be an Rng \(new Rng\(seed\)\), got number 42/,
    ],
    [
      'randn: misspelt option',
      (g) => randn([2], { generator: g, stdev: 2 } as never),
      ValueError,
      /^randn: unknown option 'stdev'; expected 'generator', 'dtype', 'mean', 'std'/,
    ],
    ['rand: unknown dtype', (g) => rand([2], { generator: g, dtype: 'int32' as never }), ValueError, /^rand: unknown dtype "int32"/],
  ];
  it.each(cases)('%s', (_, call, kind, message) => {
    const g = new Rng(1);
    expect(() => call(g)).toThrow(kind);
    expect(() => call(g)).toThrow(message);
    expect(g.nextUint32()).toBe(new Rng(1).nextUint32());
  });
});

describe('dropout', () => {
  const x = () => tensor([0.5, -1, 2, 3, -0.25, 4, 1.5, -2], { requiresGrad: true });
  const weights = tensor([1, 2, 3, 4, 5, 6, 7, 8]);

  it('zeros exactly where bernoulli(p) with the same seed gives 1, scales the rest by 1/(1 − p); the pullback multiplies by that mask', () => {
    const p = 0.375;
    const dropped = values(bernoulli(p, { ...seeded(12), shape: [8] }));
    const mask = dropped.map((d) => (d === 1 ? 0 : 1 / (1 - p)));
    const y = dropout(x(), p, seeded(12));
    expect(values(y)).toEqual(values(x()).map((v, i) => v * mask[i]!));
    const g = grad((t: Tensor) => sum(mul(dropout(t, p, seeded(12)), weights)))(x()) as Tensor;
    expect(values(g)).toEqual(values(weights).map((w, i) => w * mask[i]!));
  });

  it('passes gradcheck to second order with a fixed generator (float64)', () => {
    const report = gradcheck(
      (t: Tensor) => dropout(t, 0.4, seeded(3)),
      [
        tensor([
          [0.3, -1.2, 2],
          [0.7, 0.1, -0.5],
        ]),
      ],
      { secondOrder: true },
    );
    expect(report.ok).toBe(true);
  });

  it('jvp pushes the tangent through the same mask', () => {
    const [y, dy] = jvp((t: Tensor) => dropout(t, 0.5, seeded(8)), [x()], [weights]) as [Tensor, Tensor];
    const mask = values(y).map((v, i) => v / values(x())[i]!);
    expect(values(dy)).toEqual(values(weights).map((w, i) => w * mask[i]!));
  });

  it('hessian of Σ dropout(x)² is diag(2 m²), m the mask / (1 − p)', () => {
    const p = 0.5;
    const t = tensor([1, -2, 3, 0.5]);
    const m = values(dropout(tensor([1, 1, 1, 1]), p, seeded(21)));
    const h = hessian((u: Tensor) => sum(mul(dropout(u, p, seeded(21)), dropout(u, p, seeded(21)))))(t) as Tensor;
    expect(values(h)).toEqual(m.flatMap((mi, i) => m.map((_, j) => (i === j ? 2 * mi * mi : 0))));
  });

  it('explain prints its formula; graph export shows the node; anomaly mode names dropout', () => {
    const y = dropout(x(), 0.5, seeded(4));
    const step = explain(sum(y)).steps.find((s) => s.op === 'dropout');
    expect(step?.formula).toMatch(/dx = dz · mask \/ \(1 − p\)/);
    expect(toDot(y)).toContain('dropout');
    // 1e308 / (1 − ½) overflows: anomaly mode names dropout as the op that made Inf from finite inputs.
    expect(() => detectAnomaly(() => dropout(tensor([1e308, 1e308, 1e308, 1e308]), 0.5, seeded(4)))).toThrow(
      /^dropout: produced NaN or Inf in the forward pass/,
    );
  });

  it('under noGrad: the same values, nothing recorded', () => {
    const y = noGrad(() => dropout(x(), 0.5, seeded(4)));
    expect(y.requiresGrad).toBe(false);
    expect(values(y)).toEqual(values(dropout(x(), 0.5, seeded(4))));
  });

  it('training: false and p = 0 return x itself and draw nothing; p = 1 gives zeros with a zero gradient', () => {
    const t = x();
    const g = new Rng(2);
    expect(dropout(t, 0.5, { generator: g, training: false })).toBe(t);
    expect(dropout(t, 0, { generator: g })).toBe(t);
    expect(g.nextUint32()).toBe(new Rng(2).nextUint32());
    // x · 0, as PyTorch: −0 where x is negative.
    expect(values(dropout(t, 1, seeded()))).toEqual(values(t).map((v) => v * 0));
    expect(values(grad((u: Tensor) => sum(dropout(u, 1, seeded())))(t) as Tensor)).toEqual(new Array(8).fill(0));
  });

  it('keeps the dtype: float32 values are x times the float32 scale', () => {
    const t = tensor([1, 2, 3, 4], { dtype: 'float32' });
    const y = dropout(t, 0.3, seeded(1));
    expect(y.dtype).toBe('float32');
    for (const [i, v] of values(y).entries()) expect([0, Math.fround(values(t)[i]! * Math.fround(1 / 0.7))]).toContain(v);
  });
});
