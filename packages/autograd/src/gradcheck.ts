import { PullbackError, ValueError, describeValue, formatShape, formatValue } from './errors.ts';
import { vjp } from './functional.ts';
import { concat, reshape } from './ops/index.ts';
import { stridesOf } from './shape.ts';
import { noGrad } from './tape.ts';
import { Tensor } from './tensor.ts';
import { mulberry32Uint32 } from './mulberry32.ts';

export interface GradcheckOptions {
  /** Central-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance, against |numeric| (default 1e-5). */
  rtol?: number;
  /** Random-direction adjoint tests per order (default 3). */
  directions?: number;
  /** Compare the full Jacobian; 'auto' (default): when Σ input sizes ≤ 64 and the output size ≤ 64. */
  elementwise?: boolean | 'auto';
  /** Also check the gradient map x ↦ pullback(v)(x), i.e. that the pullbacks are differentiable (default false). */
  secondOrder?: boolean;
  /** Seed of the random directions (default 0); printed in the report. */
  seed?: number;
  /** Throw a GradcheckError on failure (default false). */
  raise?: boolean;
}

/** One comparison of an analytic derivative with its central-difference estimate. */
export interface GradcheckComparison {
  /** 1: f itself; 2: the gradient map x ↦ pullback(v)(x). */
  order: 1 | 2;
  /** 'direction': ⟨u, pullback(v)⟩ against ⟨(f(x+εu) − f(x−εu))/2ε, v⟩; 'element': one Jacobian entry. */
  test: 'direction' | 'element';
  /** The input moved (null: a direction moving every input). */
  input: number | null;
  inputShape: readonly number[] | null;
  /** Multi-index of the input element (null: a whole direction). */
  index: readonly number[] | null;
  /** Multi-index of the output element (null: all outputs, weighted by a random cotangent). */
  output: readonly number[] | null;
  /** Order 2 only: the input whose gradient `output` indexes. */
  outputOf: number | null;
  analytic: number;
  numeric: number;
  difference: number;
  /** atol + rtol·|numeric|. */
  tolerance: number;
}

export interface GradcheckReport {
  ok: boolean;
  message: string;
  /** The failing comparison that best locates the error, or the closest to failing when ok. */
  worst: GradcheckComparison | null;
  /** Number of comparisons made. */
  checks: number;
  seed: number;
}

/** Thrown by gradcheck with { raise: true }; `report` holds the details. */
export class GradcheckError extends PullbackError {
  readonly report: GradcheckReport;
  constructor(report: GradcheckReport) {
    super('gradcheck', report.message);
    this.report = report;
  }
}

interface Settings {
  eps: number;
  atol: number;
  rtol: number;
  directions: number;
  elementwise: boolean | 'auto';
}

type Fn = (...inputs: Tensor[]) => Tensor;

const OPTION_NAMES: readonly (keyof GradcheckOptions)[] = ['eps', 'atol', 'rtol', 'directions', 'elementwise', 'secondOrder', 'seed', 'raise'];

/** Unknown names and out-of-range values are errors: a typo (`tol`) or eps = 0 would quietly mislead. */
function checkOptions(options: unknown): void {
  const fn = 'gradcheck';
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(fn, `options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new ValueError(fn, `unknown option '${key}'; expected ${OPTION_NAMES.map((k) => `'${k}'`).join(', ')}`);
    }
  }
  const o = options as Record<string, unknown>;
  const number = (key: string, ok: (v: number) => boolean, rule: string): void => {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'number' || !ok(v))) throw new ValueError(fn, `${key} must be ${rule}, got ${formatValue(v)}`);
  };
  number('eps', (v) => Number.isFinite(v) && v > 0, 'a finite number > 0');
  number('atol', (v) => Number.isFinite(v) && v >= 0, 'a finite number ≥ 0');
  number('rtol', (v) => Number.isFinite(v) && v >= 0, 'a finite number ≥ 0');
  number('directions', (v) => Number.isSafeInteger(v) && v >= 0, 'an integer ≥ 0');
  number('seed', Number.isSafeInteger, 'an integer');
  if (o.elementwise !== undefined && typeof o.elementwise !== 'boolean' && o.elementwise !== 'auto') {
    throw new ValueError(fn, `elementwise must be true, false or 'auto', got ${formatValue(o.elementwise)}`);
  }
  for (const key of ['secondOrder', 'raise']) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new ValueError(fn, `${key} must be a boolean, got ${formatValue(o[key])}`);
  }
}

/** Above this many elements, a failed direction is traced to an input but not to an element. */
const LOCATE_LIMIT = 256;

/**
 * Check the pullbacks of `f` at `inputs` against central differences, in float64:
 *
 * - adjoint test along random directions (as JAX's check_grads): for random u (one per input)
 *   and v (output-shaped), ⟨u, pullback(v)⟩ = ⟨J u, v⟩ with J u ≈ (f(x + εu) − f(x − εu)) / 2ε;
 *   two evaluations of f per direction, whatever the size;
 * - elementwise, for small inputs: every Jacobian entry ∂fₒ/∂xᵢⱼ, the row o from pullback(eₒ)
 *   and the column ij from central differences;
 * - with secondOrder, the same on g(x) = [pullback(v)(x) for each input, flattened], v fixed:
 *   the Hessian-like map Σₒ vₒ ∂²fₒ/∂x∂x, which a pullback built from detached values gets wrong.
 *
 * A comparison passes when |analytic − numeric| ≤ atol + rtol·|numeric|. The user's tensors are
 * copied to float64 and never changed; f must accept float64 tensors.
 */
export function gradcheck(f: Fn, inputs: Tensor[] | Tensor, options: GradcheckOptions = {}): GradcheckReport {
  if (typeof f !== 'function') throw new ValueError('gradcheck', `expected a function, got ${describeValue(f)}`);
  const list = inputs instanceof Tensor ? [inputs] : inputs;
  if (!Array.isArray(list) || !list.every((x) => x instanceof Tensor)) {
    throw new ValueError('gradcheck', `inputs must be a Tensor or an array of Tensors, got ${describeValue(inputs)}`);
  }
  checkOptions(options);
  const xs = list.map((x) => new Tensor(Float64Array.from(x.data), [...x.shape], 'float64'));
  const settings: Settings = {
    eps: options.eps ?? 1e-6,
    atol: options.atol ?? 1e-6,
    rtol: options.rtol ?? 1e-5,
    directions: options.directions ?? 3,
    elementwise: options.elementwise ?? 'auto',
  };
  const seed = options.seed ?? 0;
  const random = normalSampler(seed);
  const results = checkMap(f, xs, settings, random, 1);
  if (options.secondOrder) {
    const v = randomLike(outputOf(f, xs), random);
    results.push(...checkMap(gradientMap(f, v), xs, settings, random, 2));
  }
  const report = summarize(results, settings, seed, xs);
  if (!report.ok && options.raise) throw new GradcheckError(report);
  return report;
}

// ---- the checks ------------------------------------------------------------------------------

/** Directional, localising and elementwise comparisons for one map (f, or its gradient map). */
function checkMap(f: Fn, xs: readonly Tensor[], s: Settings, random: () => number, order: 1 | 2): GradcheckComparison[] {
  const [out, pullback] = vjp(f, ...xs) as [Tensor, (v: Tensor) => Tensor[]];
  if (!(out instanceof Tensor)) throw new ValueError('gradcheck', `the function must return a Tensor, got ${describeValue(out)}`);
  const results: GradcheckComparison[] = [];
  const base = { order, inputShape: null, index: null, output: null, outputOf: null };
  const totalIn = xs.reduce((n, x) => n + x.size, 0);
  if (totalIn === 0 || out.size === 0) return results;
  const elementwise = s.elementwise === 'auto' ? totalIn <= 64 && out.size <= 64 : s.elementwise;
  let failed: Tensor | null = null;
  for (let d = 0; d < s.directions; d++) {
    const us = xs.map((x) => randomLike(x, random));
    const v = randomLike(out, random);
    const grads = pullback(v);
    const analytic = us.reduce((acc, u, i) => acc + dot(u.data, grads[i]!.data), 0);
    const numeric = dot(centralDifference(f, xs, us, s.eps), v.data);
    const c = compare(s, { ...base, test: 'direction', input: null }, analytic, numeric);
    results.push(c);
    if (failed === null && !passes(c)) failed = v;
  }
  if (failed !== null && !elementwise) results.push(...locate(f, xs, pullback(failed), failed, s, random, order));
  if (elementwise) results.push(...compareJacobians(f, xs, out, pullback, s, order));
  return results;
}

/** After a failed direction: which input (one direction each), then which element (a numeric vjp). */
function locate(f: Fn, xs: readonly Tensor[], grads: readonly Tensor[], v: Tensor, s: Settings, random: () => number, order: 1 | 2): GradcheckComparison[] {
  const results: GradcheckComparison[] = [];
  xs.forEach((x, i) => {
    if (x.size === 0) return;
    const base = { order, input: i, inputShape: x.shape, output: null, outputOf: null };
    const u = randomLike(x, random);
    const us = xs.map((_y, k) => (k === i ? u : null));
    const c = compare(s, { ...base, test: 'direction', index: null }, dot(u.data, grads[i]!.data), dot(centralDifference(f, xs, us, s.eps), v.data));
    results.push(c);
    if (passes(c) || x.size > LOCATE_LIMIT) return;
    for (let j = 0; j < x.size; j++) {
      const numeric = dot(
        centralDifference(
          f,
          xs,
          xs.map((_, k) => (k === i ? oneHot(x, j) : null)),
          s.eps,
        ),
        v.data,
      );
      results.push(compare(s, { ...base, test: 'element', index: multiIndex(x.shape, j) }, grads[i]!.data[j]!, numeric));
    }
  });
  return results;
}

/** Every Jacobian entry: columns by central differences, rows by pulling back one-hot cotangents. */
function compareJacobians(f: Fn, xs: readonly Tensor[], out: Tensor, pullback: (v: Tensor) => Tensor[], s: Settings, order: 1 | 2): GradcheckComparison[] {
  const rows: Tensor[][] = [];
  for (let o = 0; o < out.size; o++) rows.push(pullback(oneHot(out, o)));
  const results: GradcheckComparison[] = [];
  xs.forEach((x, i) => {
    for (let j = 0; j < x.size; j++) {
      const column = centralDifference(
        f,
        xs,
        xs.map((_, k) => (k === i ? oneHot(x, j) : null)),
        s.eps,
      );
      for (let o = 0; o < out.size; o++) {
        const where = { order, test: 'element' as const, input: i, inputShape: x.shape, index: multiIndex(x.shape, j), ...outputLocation(order, out, xs, o) };
        results.push(compare(s, where, rows[o]![i]!.data[j]!, column[o]!));
      }
    }
  });
  return results;
}

/**
 * g(x) = the cotangents pullback(v)(x) of every input, flattened and concatenated: a map whose
 * Jacobian is Σₒ vₒ ∇²fₒ, computed by differentiating through the recorded backward pass.
 */
function gradientMap(f: Fn, v: Tensor): Fn {
  return (...xs: Tensor[]) => {
    const [, pullback] = vjp(f, ...xs) as [Tensor, (v: Tensor) => Tensor[]];
    return concat(
      pullback(v).map((g) => reshape(g, [-1])),
      0,
    );
  };
}

// ---- numerics --------------------------------------------------------------------------------

function outputOf(f: Fn, xs: readonly Tensor[]): Tensor {
  const out = noGrad(() => f(...xs));
  if (!(out instanceof Tensor)) throw new ValueError('gradcheck', `the function must return a Tensor, got ${describeValue(out)}`);
  return out;
}

/** (f(x + εu) − f(x − εu)) / 2ε, the directional derivative J u (u null: that input stays put). */
function centralDifference(f: Fn, xs: readonly Tensor[], us: readonly (Tensor | null)[], eps: number): Float64Array {
  const shifted = (sign: number): Float64Array => {
    const moved = xs.map((x, i) => {
      const u = us[i];
      if (!u) return x;
      const data = Float64Array.from(x.data, (val, k) => val + sign * eps * u.data[k]!);
      return new Tensor(data, x.shape, 'float64');
    });
    return Float64Array.from(outputOf(f, moved).data);
  };
  const plus = shifted(1);
  const minus = shifted(-1);
  return plus.map((p, k) => (p - minus[k]!) / (2 * eps));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function oneHot(like: Tensor, j: number): Tensor {
  const t = new Tensor(new Float64Array(like.size), like.shape, 'float64');
  t.data[j] = 1;
  return t;
}

/** Standard normal values from a seeded generator (mulberry32 and Box–Muller). */
function normalSampler(seed: number): () => number {
  const next = mulberry32Uint32(seed);
  // (k + ½) / 2³² lies in (0, 1), so the logarithm below is finite.
  const uniform = (): number => (next() + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function randomLike(x: Tensor, random: () => number): Tensor {
  return new Tensor(Float64Array.from({ length: x.size }, random), x.shape, 'float64');
}

function multiIndex(shape: readonly number[], flat: number): number[] {
  return stridesOf(shape).map((stride, a) => Math.floor(flat / stride) % shape[a]!);
}

/** Where output element o is: in f's output (order 1), or in the gradient of some input (order 2). */
function outputLocation(order: 1 | 2, out: Tensor, xs: readonly Tensor[], o: number): { output: number[]; outputOf: number | null } {
  if (order === 1) return { output: multiIndex(out.shape, o), outputOf: null };
  let k = 0;
  while (o >= xs[k]!.size) o -= xs[k++]!.size;
  return { output: multiIndex(xs[k]!.shape, o), outputOf: k };
}

// ---- verdict and report ----------------------------------------------------------------------

type Location = Omit<GradcheckComparison, 'analytic' | 'numeric' | 'difference' | 'tolerance'>;

function compare(s: Settings, where: Location, analytic: number, numeric: number): GradcheckComparison {
  const { order, test, input, inputShape, index, output, outputOf } = where;
  const difference = Math.abs(analytic - numeric);
  return { order, test, input, inputShape, index, output, outputOf, analytic, numeric, difference, tolerance: s.atol + s.rtol * Math.abs(numeric) };
}

function passes(c: GradcheckComparison): boolean {
  return c.difference <= c.tolerance;
}

/** The most specific failure (an element over an input over a whole direction), worst first. */
function pickWorst(results: readonly GradcheckComparison[]): GradcheckComparison | null {
  const failures = results.filter((c) => !passes(c));
  const pool = failures.length > 0 ? failures : results;
  const rank = (c: GradcheckComparison): number => (failures.length === 0 ? 0 : (c.index ? 2 : 0) + (c.input !== null ? 1 : 0));
  let worst: GradcheckComparison | null = null;
  for (const c of pool) {
    const better = worst === null || rank(c) > rank(worst) || (rank(c) === rank(worst) && ratio(c) > ratio(worst));
    if (better) worst = c;
  }
  return worst;
}

function ratio(c: GradcheckComparison): number {
  return Number.isNaN(c.difference) ? Infinity : c.difference / c.tolerance;
}

function summarize(results: GradcheckComparison[], s: Settings, seed: number, xs: readonly Tensor[]): GradcheckReport {
  const failures = results.filter((c) => !passes(c)).length;
  const worst = pickWorst(results);
  const orders = results.some((c) => c.order === 2) ? 'first and second order' : 'first order';
  const settings = `eps ${num(s.eps)}, atol ${num(s.atol)}, rtol ${num(s.rtol)}, seed ${seed}`;
  if (failures === 0) {
    const closest = worst ? `; worst |analytic − numeric| ${num(worst.difference)} against tolerance ${num(worst.tolerance)}` : '';
    const message = `passed ${results.length} checks (${orders})${closest}; ${settings}`;
    return { ok: true, message, worst, checks: results.length, seed };
  }
  const w = worst!;
  const lines = [
    `${w.order === 1 ? 'first' : 'second'}-order check failed at ${describeLocation(w, xs)}`,
    `  analytic   ${num(w.analytic)}`,
    `  numeric    ${num(w.numeric)}`,
    `  difference ${num(w.difference)} > tolerance ${num(w.tolerance)} (atol + rtol·|numeric|)`,
  ];
  const h = hint(w);
  if (h) lines.push(`  hint: ${h}`);
  lines.push(`  ${failures} of ${results.length} checks failed; ${settings}`);
  return { ok: false, message: lines.join('\n'), worst: w, checks: results.length, seed };
}

function describeLocation(c: GradcheckComparison, xs: readonly Tensor[]): string {
  const input =
    c.input === null
      ? `a random direction moving all inputs (shapes ${xs.map((x) => formatShape(x.shape)).join(', ')})`
      : c.index === null
        ? `a random direction moving input ${c.input} (shape ${formatShape(c.inputShape!)})`
        : `input ${c.input} ${formatShape(c.index)} (shape ${formatShape(c.inputShape!)})`;
  const output =
    c.output === null
      ? 'all outputs weighted by a random cotangent'
      : c.outputOf === null
        ? `output ${formatShape(c.output)}`
        : `output: the gradient of input ${c.outputOf} at ${formatShape(c.output)}`;
  const map = c.order === 2 ? ' (of the gradient map x ↦ pullback(v)(x), v random)' : '';
  return `${input}, ${output}${map}`;
}

/** A one-line guess at the cause when analytic / numeric is a simple factor. */
function hint(c: GradcheckComparison): string | null {
  const { analytic: a, numeric: n } = c;
  if (!Number.isFinite(a) || !Number.isFinite(n)) return 'a value is NaN or infinite: a division by zero or a log of 0 in the rule?';
  if (Math.abs(n) <= c.tolerance) return 'analytic is non-zero where numeric is 0: a spurious term or a wrong index?';
  if (Math.abs(a) <= c.tolerance) return 'analytic is 0× numeric: a missing term, or a pullback built from detached values?';
  const factors: [number, string, string][] = [
    [-1, '−1', 'a sign error?'],
    [2, '2', 'a factor of 2 too many?'],
    [0.5, '0.5', 'a missing factor of 2?'],
    [-2, '−2', 'a sign error and a factor of 2?'],
    [-0.5, '−0.5', 'a sign error and a missing factor of 2?'],
  ];
  for (const [factor, text, cause] of factors) {
    if (Math.abs(a / n - factor) <= 1e-3 * Math.abs(factor)) return `analytic is ${text}× numeric: ${cause}`;
  }
  return null;
}

function num(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return abs >= 1e-3 && abs < 1e6 ? String(Number(x.toPrecision(10))) : x.toExponential(6).replace(/\.?0+e/, 'e');
}
