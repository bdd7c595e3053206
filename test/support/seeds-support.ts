// Plain-array helpers for the seed tests: the seeds' derivations are written out by hand on
// number[] / number[][] in each test, and compared with the engine. Nothing here calls backward().
import { expect } from 'vitest';
import { tensor } from '@pullback/autograd';
import type { Tensor } from '@pullback/autograd';
import { Rng } from '@pullback/nn';
import type { MLP } from '@pullback/nn';
import type { RefActivation, RefNetwork } from '@pullback/nn/reference';

export type Vec = number[];
export type Mat = number[][];

/** σ(z), written with two branches so that e^{−z} never overflows. */
export function sigma(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** σ'(z) in the cancellation-free form σ(z)σ(−z). */
export function sigmaPrime(z: number): number {
  return sigma(z) * sigma(-z);
}

export const matVec = (W: Mat, v: Vec): Vec => W.map((row) => row.reduce((s, w, k) => s + w * v[k]!, 0));
/** Wᵀv without forming Wᵀ: (Wᵀv)_k = Σ_j W_jk v_j. */
export const transposeMatVec = (W: Mat, v: Vec): Vec => W[0]!.map((_, k) => W.reduce((s, row, j) => s + row[k]! * v[j]!, 0));
export const hadamard = (a: Vec, b: Vec): Vec => a.map((x, i) => x * b[i]!);
export const add = (a: Vec, b: Vec): Vec => a.map((x, i) => x + b[i]!);
export const subtract = (a: Vec, b: Vec): Vec => a.map((x, i) => x - b[i]!);
/** u vᵀ. */
export const outer = (u: Vec, v: Vec): Mat => u.map((ui) => v.map((vj) => ui * vj));
export const zerosMat = (rows: number, cols: number): Mat => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
export const addMat = (A: Mat, B: Mat): Mat => A.map((row, i) => row.map((x, j) => x + B[i]![j]!));
export const scaleMat = (A: Mat, s: number): Mat => A.map((row) => row.map((x) => x * s));
export const diag = (v: Vec): Mat => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
export const matMul = (A: Mat, B: Mat): Mat => A.map((row) => B[0]!.map((_, j) => row.reduce((s, a, k) => s + a * B[k]![j]!, 0)));

/** A tensor's rows as number[][] (a [m, n] batch) or its entries (a vector). */
export function rowsOf(t: Tensor): Mat {
  const [m, n] = t.shape as [number, number];
  return Array.from({ length: m }, (_, i) => Array.from(t.data.subarray(i * n, (i + 1) * n)));
}

/** The model's parameters as Nielsen's w^l_{jk} (W[i] = w^{i+2}, rows j, columns k) and b^l (null: no bias). */
export function plainParameters(model: MLP): { W: Mat[]; b: (Vec | null)[] } {
  return {
    W: model.layers.map((layer) => rowsOf(layer.weight)),
    b: model.layers.map((layer) => (layer.bias === null ? null : Array.from(layer.bias.data))),
  };
}

/** m examples: x ~ U(−1, 1); y ~ U(0, 1) ('unit', valid for cross-entropy) or U(−1, 1) ('signed'). */
export function randomBatch(sizes: readonly number[], m: number, seed: number, targets: 'unit' | 'signed' = 'unit'): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const nIn = sizes[0]!;
  const nOut = sizes[sizes.length - 1]!;
  const x = Array.from({ length: m * nIn }, () => rng.uniform(-1, 1));
  const y = Array.from({ length: m * nOut }, () => (targets === 'unit' ? rng.uniform(0, 1) : rng.uniform(-1, 1)));
  return { x: tensor(x, { shape: [m, nIn] }), y: tensor(y, { shape: [m, nOut] }) };
}

/**
 * max over entries of |a − b| / max(|a|, |b|), with entries where |a − b| ≤ floor counted as 0.
 * The floor (default 1e-14) absorbs the rounding left when a sum of O(1) terms cancels to ~0:
 * there the relative error of two correct computations can be anything.
 */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-14): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const diff = Math.abs(a - e);
    if (Number.isNaN(diff)) return NaN;
    if (diff <= floor) continue;
    worst = Math.max(worst, diff / Math.max(Math.abs(a), Math.abs(e)));
  }
  return worst;
}

/** Flattens nested rows, for comparing matrices. */
export const flat = (A: Mat | Vec): number[] => (A as unknown[]).flat() as number[];

/** Largest absolute and relative differences (relative to max(|a|, |b|); equal entries count 0). */
export interface Errors {
  abs: number;
  rel: number;
}

export function errorsOf(actual: ArrayLike<number>, expected: ArrayLike<number>): Errors {
  expect(actual.length).toBe(expected.length);
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const diff = Math.abs(a - e);
    if (Number.isNaN(diff)) return { abs: NaN, rel: NaN };
    if (diff === 0) continue;
    abs = Math.max(abs, diff);
    rel = Math.max(rel, diff / Math.max(Math.abs(a), Math.abs(e)));
  }
  return { abs, rel };
}

/**
 * Records the largest errors of each named check in a seed file and prints one summary line per
 * check (afterAll): the numbers quoted in reports come from here.
 */
export class ErrorLog {
  private readonly worst = new Map<string, Errors>();
  constructor(readonly seed: string) {}

  /** Records the errors of a plain comparison or of a compareWithBackprop / compareGradients report. */
  note(check: string, e: Errors | { maxAbs: number; maxRel: number }): void {
    const next = 'abs' in e ? e : { abs: e.maxAbs, rel: e.maxRel };
    const prev = this.worst.get(check) ?? { abs: 0, rel: 0 };
    const max = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
    this.worst.set(check, { abs: max(prev.abs, next.abs), rel: max(prev.rel, next.rel) });
  }

  summary(): string {
    const f = (x: number): string => x.toExponential(1);
    return [...this.worst].map(([check, e]) => `seed ${this.seed} | ${check}: max abs ${f(e.abs)}, max rel ${f(e.rel)}`).join('\n');
  }
}

/** The model's numbers copied into the closed-form reference's network (plain Float64Arrays). */
export function refNetworkOf(model: MLP): RefNetwork {
  return {
    sizes: [...model.sizes],
    weights: model.layers.map((layer) => Float64Array.from(layer.weight.data)),
    biases: model.layers.map((layer) => (layer.bias === null ? null : Float64Array.from(layer.bias.data))),
    activations: model.activations.map((f) => f.kind as RefActivation),
  };
}
