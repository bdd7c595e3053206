// The checks run on every random program. Each throws an Error saying what disagreed; the
// program itself is printed by fast-check as the counterexample.
import fc from 'fast-check';
import { grad, gradcheck, hvp, jvp, mul, noGrad, sum, tensor, vjp } from '../../src/index.ts';
import type { Tensor } from '../../src/index.ts';
import { programArb } from './generate.ts';
import { inputsOf, lossOf, sinksOf } from './interpret.ts';
import type { Program } from './program.ts';
import { Rng } from './rng.ts';

/** A program and a seed for the random directions, cotangents and tangents of a check. */
export interface Case {
  program: Program;
  seed: number;
}

export function caseArb(maxSteps?: number): fc.Arbitrary<Case> {
  return fc.record({ program: programArb(maxSteps), seed: fc.nat() });
}

/** Up to this many input elements, gradcheck also compares every Jacobian entry. */
const ELEMENTWISE = 8;

function randomLike(rng: Rng, x: Tensor): Tensor {
  return tensor(rng.uniform(x.size), { shape: x.shape, dtype: x.dtype });
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): [value: number, magnitude: number] {
  let s = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!;
    m += Math.abs(a[i]! * b[i]!);
  }
  return [s, m];
}

const total = (xs: readonly Tensor[]): number => xs.reduce((n, x) => n + x.size, 0);

/**
 * The engine's gradcheck on the scalar loss, at its default tolerances (eps 1e-6, atol 1e-6,
 * rtol 1e-5): random-direction adjoint tests, every Jacobian entry when small, and with
 * `secondOrder` the same on the gradient map (Hessian-vector products against differences).
 * The defaults hold with room: over 20,000 programs the worst comparison used 2% of its
 * tolerance (0.2% over 5,000 second-order ones), thanks to the generator's bounded magnitudes.
 */
export function checkGradcheck({ program, seed }: Case, secondOrder: boolean): void {
  const xs = inputsOf(program);
  const report = gradcheck(lossOf(program), xs, { seed, secondOrder, elementwise: total(xs) <= ELEMENTWISE });
  if (!report.ok) throw new Error(`gradcheck (${secondOrder ? 'first and second order' : 'first order'}) failed:\n${report.message}`);
}

/**
 * ⟨u, J v⟩ two ways on the non-scalar map x ↦ (all sinks, flattened): ⟨vjp(u), v⟩ and ⟨u, jvp(v)⟩.
 * Both are exact up to rounding (they agree to 1e-14 of Σ|terms| over 5,000 programs), so the
 * tolerance is 1e-9 of Σ|terms| + 1; the 1 (the scale of inputs, u and v) covers maps whose J v
 * cancels to 0 exactly (softmax of equal entries), where both sides are roundoff.
 */
export function checkJvpAgainstVjp({ program, seed }: Case): void {
  const f = sinksOf(program);
  const xs = inputsOf(program);
  const rng = new Rng(seed, 1);
  const [out, pullback] = vjp(f, ...xs) as [Tensor, (u: Tensor) => Tensor[]];
  const u = randomLike(rng, out);
  const vs = xs.map((x) => randomLike(rng, x));
  const cotangents = pullback(u);
  const [outJ, jv] = jvp(f, xs, vs) as [Tensor, Tensor];
  let viaVjp = 0;
  let magnitude = 0;
  cotangents.forEach((c, i) => {
    const [d, m] = dot(c.data, vs[i]!.data);
    viaVjp += d;
    magnitude += m;
  });
  const [viaJvp, m2] = dot(u.data, jv.data);
  const tol = 1e-9 * (magnitude + m2 + 1);
  const primalGap = Math.max(0, ...Array.from(out.data, (o, i) => Math.abs(o - outJ.data[i]!)));
  if (!(Math.abs(viaVjp - viaJvp) <= tol) || primalGap !== 0) {
    throw new Error(
      `jvp and vjp disagree: ⟨vjp(u), v⟩ = ${viaVjp}, ⟨u, jvp(v)⟩ = ${viaJvp}, difference ${Math.abs(viaVjp - viaJvp)} > ${tol}` +
        `; the two primal outputs differ by ${primalGap}`,
    );
  }
}

/**
 * |float32 − float64| ≤ RTOL32 · (|float64| + max(1, S)) for every sink value and every gradient
 * entry, S the largest |entry| of that kind. Inputs and constants are exact in both dtypes (the
 * generator draws them on a k/32 lattice), so only the engine's float32 arithmetic differs.
 *
 * Why 1e-4: float32 rounds at 6e-8; over 20,000 programs the worst error seen was 8e-7 of the
 * scale (gradients) and 2e-7 (values), so 1e-4 leaves ×100 for the deeper programs of long runs,
 * while a formula that is wrong only in float32 (a dtype-specific kernel, a constant of the wrong
 * precision, a mixed-dtype cotangent) errs by far more. The floor of 1 is the scale of inputs and
 * weights: a gradient that cancels to 0 exactly is roundoff noise in both dtypes, relative to ~1.
 */
export const RTOL32 = 1e-4;

function compare32(what: string, x64: ArrayLike<number>, x32: ArrayLike<number>): void {
  const scale = Math.max(1, ...Array.from(x64, Math.abs));
  for (let i = 0; i < x64.length; i++) {
    const tol = RTOL32 * (Math.abs(x64[i]!) + scale);
    if (!(Math.abs(x32[i]! - x64[i]!) <= tol)) {
      throw new Error(`float32 ${what} [${i}] is ${x32[i]}, float64 gives ${x64[i]}: difference ${Math.abs(x32[i]! - x64[i]!)} > ${tol}`);
    }
  }
}

/** A float32 run must really be one: the dtype and the storage of every result. */
function expectDType(what: string, t: Tensor, dtype: 'float32' | 'float64'): void {
  const storage = dtype === 'float32' ? Float32Array : Float64Array;
  if (t.dtype !== dtype || !(t.data instanceof storage)) {
    throw new Error(`${what} has dtype ${t.dtype} stored in a ${t.data.constructor.name}; the inputs are ${dtype}`);
  }
}

export function checkFloat32({ program }: Case): void {
  const x64 = inputsOf(program, 'float64');
  const x32 = inputsOf(program, 'float32');
  const values = (xs: Tensor[]): Tensor => {
    const out = noGrad(() => sinksOf(program)(...xs));
    expectDType('the output', out, xs[0]!.dtype);
    return out;
  };
  compare32('value (sinks, flattened)', values(x64).data, values(x32).data);
  const all = x64.map((_, i) => i);
  const gradients = (xs: Tensor[]): number[] => {
    const gs = grad(lossOf(program), { argnums: all })(...xs) as Tensor[];
    gs.forEach((g, i) => {
      expectDType(`the gradient of input ${i}`, g, xs[i]!.dtype);
    });
    return gs.flatMap((g) => Array.from(g.data));
  };
  compare32('gradient (all inputs, flattened)', gradients(x64), gradients(x32));
}

/** Σᵢ sum(∇ᵢg ⊙ wᵢ): a function that itself calls grad. */
function gradientDotted(g: (...xs: Tensor[]) => Tensor, argnums: number[], ws: readonly Tensor[]): (...xs: Tensor[]) => Tensor {
  return (...xs) => {
    const gs = grad(g, { argnums })(...xs) as Tensor[];
    return gs.map((gi, i) => sum(mul(gi, ws[i]!))).reduce((a, b) => a.add(b));
  };
}

/**
 * Nested grad on a random program g: h(x) = ⟨∇g(x), w⟩ is differentiated by grad again and
 * checked against finite differences of h (so of ∇g), and against the engine's hvp; then the
 * mixed version, where the inner grad is over the last inputs only and closes over the first
 * ones, which the outer gradcheck moves: levels must not be confused.
 */
export function checkNested({ program, seed }: Case): void {
  const g = lossOf(program);
  const xs = inputsOf(program);
  const rng = new Rng(seed, 2);
  const all = xs.map((_, i) => i);
  const ws = xs.map((x) => randomLike(rng, x));
  const h = gradientDotted(g, all, ws);
  const same = gradcheck(h, xs, { seed, elementwise: total(xs) <= ELEMENTWISE });
  if (!same.ok) throw new Error(`grad of x ↦ ⟨grad(g)(x), w⟩ against finite differences:\n${same.message}`);
  const viaGrad = grad(h, { argnums: all })(...xs) as Tensor[];
  const viaHvp = hvp(g, xs, ws) as Tensor[];
  viaGrad.forEach((a, i) => {
    const [, m] = dot(a.data, a.data);
    a.data.forEach((v, k) => {
      const w = viaHvp[i]!.data[k]!;
      if (!(Math.abs(v - w) <= 1e-9 * (Math.sqrt(m) + 1))) throw new Error(`grad of ⟨grad(g), w⟩ gives ${v} at input ${i} [${k}], hvp gives ${w}`);
    });
  });
  if (xs.length < 2) return;
  const split = Math.ceil(xs.length / 2);
  const outer = xs.slice(0, split);
  const inner = xs.slice(split);
  const innerNums = inner.map((_, i) => split + i);
  const mixed = (...os: Tensor[]): Tensor => gradientDotted(g, innerNums, ws.slice(split))(...os, ...inner);
  const report = gradcheck(mixed, outer, { seed, elementwise: total(outer) <= ELEMENTWISE });
  if (!report.ok) {
    throw new Error(`grad over inputs 0..${split - 1} of ⟨grad over inputs ${split}.. of g, w⟩ against finite differences:\n${report.message}`);
  }
}
