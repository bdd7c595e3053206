import { GraphError, ShapeError, ValueError, describeValue, formatShape, formatValue } from './errors.ts';
import { checkBoolean, checkOptions } from './args.ts';
import { mul, reshape, stack, sum } from './ops/index.ts';
import { type Node, record, runBackward, withGradMode } from './tape.ts';
import { Tensor, shareData } from './tensor.ts';
import { sameShape } from './shape.ts';
import { flatten } from './tree.ts';
import type { Flat, TreeOf } from './tree.ts';
import { zeros, zerosLike } from './create.ts';
import { primitive } from './primitive.ts';

const IDENTITY = primitive('identity', 'dx = dz');

/** Positions of the differentiated arguments: one (the result has its structure) or several (a tuple). */
export type Argnums = number | readonly number[];

export interface GradOptions<N extends Argnums | undefined = Argnums | undefined> {
  /** Which positional arguments to differentiate (default 0). An array returns a tuple. */
  argnums?: N;
}

export interface ValueAndGradOptions<N extends Argnums | undefined = Argnums | undefined> extends GradOptions<N> {
  /** f returns [value, aux]; aux is passed through undifferentiated. */
  hasAux?: boolean;
}

/**
 * What a transform returns for the arguments A of f at positions N: the structure of argument N
 * (default 0) with Tensor leaves, or a tuple of them when N is an array (`argnums: [0, 2]`).
 */
export type GradOf<A extends readonly unknown[], N extends Argnums | undefined> = N extends readonly number[]
  ? { -readonly [K in keyof N]: TreeOf<A[N[K] & number]> }
  : N extends number
    ? TreeOf<A[N]>
    : TreeOf<A[0]>;

/**
 * What a transformed function accepts where f declares T: a number wherever f sees a Tensor (it
 * gets a 0-d tensor, and the result holds a number there), records and arrays alike.
 */
export type Accepts<T> = T extends Tensor ? Tensor | number : T extends object ? { [K in keyof T]: Accepts<T[K]> } : T;

/**
 * The function grad, jacobian and hessian return: it takes f's arguments (numbers allowed where f
 * sees Tensors, read back as numbers) and returns the structure of the differentiated ones. The
 * second signature is the one TypeScript reads when the result is itself passed to a transform.
 */
export interface GradFn<A extends unknown[], N extends Argnums | undefined> {
  <const P extends Accepts<A>>(...args: P): GradOf<P, N>;
  (...args: A): GradOf<A, N>;
}

/** The function valueAndGrad returns: [f's value (or [value, aux]), the gradient]. */
export interface ValueAndGradFn<A extends unknown[], V, N extends Argnums | undefined> {
  <const P extends Accepts<A>>(...args: P): [V, GradOf<P, N>];
  (...args: A): [V, GradOf<A, N>];
}

/** A function of the transforms, as the implementations see it (the overloads carry the types). */
type AnyFn = (...args: never[]) => unknown;

/** Call f with arguments the transform built (they have the structure f declared). */
function call(f: AnyFn, args: readonly unknown[]): unknown {
  return (f as (...a: readonly unknown[]) => unknown)(...args);
}

/**
 * A fresh differentiable stand-in for an argument. When the argument is itself on a tape (an
 * enclosing transform, or a parameter), the stand-in is an identity op on it, so the enclosing
 * computation stays connected; otherwise it is a new leaf sharing the data.
 */
function standIn(x: Tensor): Tensor {
  const out = shareData(x, x.shape);
  if (x.requiresGrad) return withGradMode(true, () => record(IDENTITY, [x], out, (dy: Tensor) => [dy]));
  out.requiresGrad = true;
  return out;
}

function argnumList(fn: string, argnums: number | readonly number[] | undefined, count: number): number[] {
  if (argnums !== undefined && typeof argnums !== 'number' && !Array.isArray(argnums)) {
    throw new ValueError(fn, `argnums must be an integer or an array of integers (argument positions), got ${formatValue(argnums)}`);
  }
  const list = argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const a of list) {
    if (!Number.isInteger(a)) throw new ValueError(fn, `argnums must be integers (argument positions), got ${formatValue(a)}`);
    if (a < 0 || a >= count) {
      throw new ValueError(fn, `argnums ${JSON.stringify(argnums)} names argument ${a}, but the function was called with ${count} argument(s)`);
    }
  }
  return list;
}

function asScalarOutput(fn: string, out: unknown): Tensor {
  if (!(out instanceof Tensor)) {
    throw new ValueError(fn, `the function must return a Tensor, got ${describeValue(out)}`);
  }
  if (out.size !== 1) {
    throw new ShapeError(
      fn,
      `the function must return a single-element tensor, got shape ${formatShape(out.shape)}; use vjp or jacobian for non-scalar outputs`,
    );
  }
  return out;
}

/**
 * Cotangents at `wrt` (zeros where nothing reached), pulled back from `roots` with `seeds`. The
 * graph is always retained: what f recorded is garbage once the transform returns, but f may
 * close over tensors recorded outside it (h = W·2), whose graph a transform must not free.
 */
function pull(fn: string, roots: readonly Tensor[], seeds: readonly (Tensor | undefined)[], wrt: readonly Tensor[]): Tensor[] {
  const live = roots.map((r, i) => [r, seeds[i]] as const).filter(([r]) => r.requiresGrad);
  const got =
    live.length === 0
      ? wrt.map(() => null)
      : runBackward({
          fn,
          roots: live.map(([r]) => r),
          seeds: live.map(([, s]) => s as Node),
          wrt,
          accumulate: false,
          createGraph: 'auto',
          retainGraph: true,
        });
  return wrt.map((w, i) => (got[i] as Tensor | null) ?? zerosLike(w));
}

interface Prepared {
  flats: Flat[];
  args: unknown[];
  standIns: Tensor[];
}

function prepare(fn: string, args: readonly unknown[], nums: readonly number[]): Prepared {
  const flats = nums.map((a) => flatten(fn, args[a], `argument ${a}`));
  const callArgs = [...args];
  const standIns: Tensor[] = [];
  nums.forEach((a, j) => {
    const flat = flats[j]!;
    const ins = flat.leaves.map(standIn);
    standIns.push(...ins);
    callArgs[a] = flat.rebuild(ins, true);
  });
  return { flats, args: callArgs, standIns };
}

function split(flats: readonly Flat[], grads: readonly Tensor[]): unknown[] {
  let at = 0;
  return flats.map((flat) => {
    const part = grads.slice(at, at + flat.leaves.length);
    at += flat.leaves.length;
    return flat.rebuild(part);
  });
}

/** Run f recording, whatever the caller's grad mode: a transform must see f's tape. */
function traced<T>(f: () => T): T {
  return withGradMode(true, f);
}

/** Σᵢ ⟨aᵢ, bᵢ⟩ over pairs of tensors (b cast to a's dtype), or null for no pairs: jvp's and hvp's pairing. */
function innerProduct(fn: string, as: readonly Tensor[], bs: readonly Tensor[], what: string): Tensor | null {
  let acc: Tensor | null = null;
  as.forEach((a, i) => {
    const b = bs[i]!;
    if (!sameShape(a.shape, b.shape)) {
      throw new ShapeError(fn, `${what} ${i} has shape ${formatShape(b.shape)}; expected ${formatShape(a.shape)}`);
    }
    const term = sum(mul(a, b.dtype === a.dtype ? b : b.cast(a.dtype)));
    acc = acc === null ? term : acc.add(term);
  });
  return acc;
}

/**
 * [value, gradient] of a scalar-valued f. The gradient has the structure of the differentiated
 * argument(s): a Tensor, a number, or arrays / plain objects of them (nested parameter records).
 */
export function valueAndGrad<A extends unknown[], Aux, const N extends Argnums | undefined = undefined>(
  f: (...args: A) => readonly [Tensor, Aux],
  options: ValueAndGradOptions<N> & { hasAux: true },
): ValueAndGradFn<A, [Tensor, Aux], N>;
export function valueAndGrad<A extends unknown[], const N extends Argnums | undefined = undefined>(
  f: (...args: A) => Tensor,
  options?: ValueAndGradOptions<N> & { hasAux?: false },
): ValueAndGradFn<A, Tensor, N>;
export function valueAndGrad(f: AnyFn, options: ValueAndGradOptions = {}): (...args: unknown[]) => [unknown, unknown] {
  return valueAndGradAs('valueAndGrad', f, options);
}

/**
 * valueAndGrad whose errors name `fn`: the transform the user called (hessian and hvp are built
 * on grad, and their errors must say so).
 */
function valueAndGradAs(fn: string, f: AnyFn, opts: ValueAndGradOptions | undefined): (...args: unknown[]) => [unknown, unknown] {
  if (typeof f !== 'function') throw new ValueError(fn, `expected a function, got ${describeValue(f)}`);
  const options = checkOptions<ValueAndGradOptions>(fn, opts, fn === 'valueAndGrad' ? ['argnums', 'hasAux'] : ['argnums']);
  if (options.hasAux !== undefined) checkBoolean(fn, 'hasAux', options.hasAux);
  return (...args: unknown[]) => {
    const nums = argnumList(fn, options.argnums, args.length);
    const { flats, args: callArgs, standIns } = prepare(fn, args, nums);
    const result = traced(() => call(f, callArgs));
    let out: unknown = result;
    let aux: unknown;
    if (options.hasAux) {
      if (!Array.isArray(result) || result.length !== 2) {
        throw new ValueError(fn, `with { hasAux: true } the function must return [value, aux], got ${describeValue(result)}`);
      }
      [out, aux] = result;
    }
    const value = asScalarOutput(fn, out);
    const grads = split(flats, pull(fn, [value], [undefined], standIns));
    const g = typeof options.argnums === 'object' ? grads : grads[0];
    return [options.hasAux ? [value, aux] : value, g];
  };
}

/** ∇f: a function returning the gradient of scalar-valued f, shaped like its argument(s). */
export function grad<A extends unknown[], const N extends Argnums | undefined = undefined>(f: (...args: A) => Tensor, options?: GradOptions<N>): GradFn<A, N>;
export function grad(f: AnyFn, options: GradOptions = {}): (...args: unknown[]) => unknown {
  return gradAs('grad', f, options);
}

function gradAs(fn: string, f: AnyFn, options: GradOptions): (...args: unknown[]) => unknown {
  const vg = valueAndGradAs(fn, f, options);
  return (...args: unknown[]) => vg(...args)[1];
}

/**
 * [f(primals), pullback]: the pullback maps an output cotangent (same structure as the output)
 * to the tuple of cotangents of the primals. It may be called many times.
 */
export function vjp<A extends unknown[], R, const P extends Accepts<A>>(f: (...args: A) => R, ...primals: P): [R, (cotangent: TreeOf<R>) => TreeOf<P>];
export function vjp(f: AnyFn, ...primals: unknown[]): [unknown, (cotangent: never) => unknown] {
  const fn = 'vjp';
  if (typeof f !== 'function') throw new ValueError(fn, `expected a function, got ${describeValue(f)}`);
  const nums = primals.map((_, i) => i);
  const { flats, args, standIns } = prepare(fn, primals, nums);
  const out = traced(() => call(f, args));
  const outFlat = flatten(fn, out, 'output');
  const pullback = (cotangent: unknown): unknown[] => {
    const cotFlat = flatten('vjp pullback', cotangent, 'cotangent');
    if (cotFlat.leaves.length !== outFlat.leaves.length) {
      throw new ValueError(
        'vjp pullback',
        `the cotangent has ${cotFlat.leaves.length} tensors but the output has ${outFlat.leaves.length}; expected the output's structure`,
      );
    }
    cotFlat.leaves.forEach((c, i) => {
      const o = outFlat.leaves[i]!;
      if (!sameShape(c.shape, o.shape)) {
        throw new ShapeError('vjp pullback', `cotangent ${i} has shape ${formatShape(c.shape)}; expected the output's shape ${formatShape(o.shape)}`);
      }
    });
    const seeds = cotFlat.leaves.map((c, i) => (c.dtype === outFlat.leaves[i]!.dtype ? c : c.cast(outFlat.leaves[i]!.dtype)));
    return split(flats, pull('vjp pullback', outFlat.leaves, seeds, standIns));
  };
  return [out, pullback];
}

/**
 * [f(primals), J·tangents]: forward mode, computed exactly by transposing the (linear) pullback:
 * g(u) = Jᵀu is recorded, and the gradient of ⟨g(u), t⟩ with respect to u is J t.
 */
export function jvp<A extends unknown[], R, const P extends Accepts<A>>(f: (...args: A) => R, primals: P, tangents: TreeOf<P>): [R, TreeOf<R>];
export function jvp(f: AnyFn, primals: unknown, tangents: unknown): [unknown, unknown] {
  const fn = 'jvp';
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ValueError(fn, `primals and tangents must be arrays of equal length`);
  }
  const nums = primals.map((_, i) => i);
  const { args, standIns } = prepare(fn, primals, nums);
  const tanLeaves = tangents.flatMap((t, i) => flatten(fn, t, `tangent ${i}`).leaves);
  if (tanLeaves.length !== standIns.length) throw new ValueError(fn, `tangents must have the structure of the primals`);
  tanLeaves.forEach((t, i) => {
    if (!sameShape(t.shape, standIns[i]!.shape)) {
      throw new ShapeError(fn, `tangent leaf ${i} has shape ${formatShape(t.shape)}; expected the primal's shape ${formatShape(standIns[i]!.shape)}`);
    }
  });
  const out = traced(() => call(f, args));
  const outFlat = flatten(fn, out, 'output');
  const dummies = outFlat.leaves.map((o) => {
    const u = zerosLike(o);
    u.requiresGrad = true;
    return u;
  });
  const tangentsOut = traced(() => {
    const live = outFlat.leaves.map((o, i) => [o, dummies[i]!] as const).filter(([o]) => o.requiresGrad);
    if (live.length === 0) return outFlat.leaves.map(zerosLike);
    const g = runBackward({
      fn,
      roots: live.map(([o]) => o),
      seeds: live.map(([, u]) => u),
      wrt: standIns,
      accumulate: false,
      createGraph: true,
      retainGraph: true,
    });
    const reached = g.flatMap((gi, i) => (gi === null ? [] : [i]));
    const inner = innerProduct(
      fn,
      reached.map((i) => g[i] as Tensor),
      reached.map((i) => tanLeaves[i]!),
      'tangent leaf',
    );
    if (inner === null) return outFlat.leaves.map(zerosLike);
    return pull(fn, [inner], [undefined], dummies);
  });
  return [out, outFlat.rebuild(tangentsOut)];
}

/**
 * The Jacobian of f with respect to argument `argnums` (default 0), by reverse mode, one pullback
 * per output element: shape output.shape ++ argument.shape (a tuple for several arguments).
 */
export function jacobian<A extends unknown[], const N extends Argnums | undefined = undefined>(
  f: (...args: A) => Tensor,
  options?: GradOptions<N>,
): GradFn<A, N>;
export function jacobian(f: AnyFn, options: GradOptions = {}): (...args: unknown[]) => unknown {
  return jacobianAs('jacobian', f, options);
}

function jacobianAs(fn: string, f: AnyFn, opts: GradOptions | undefined): (...args: unknown[]) => unknown {
  if (typeof f !== 'function') throw new ValueError(fn, `expected a function, got ${describeValue(f)}`);
  const options = checkOptions<GradOptions>(fn, opts, ['argnums']);
  return (...args: unknown[]) => {
    const nums = argnumList(fn, options.argnums, args.length);
    const { flats, args: callArgs, standIns } = prepare(fn, args, nums);
    const out = traced(() => call(f, callArgs));
    if (!(out instanceof Tensor)) throw new ValueError(fn, `the function must return a Tensor, got ${describeValue(out)}`);
    const rows: Tensor[][] = standIns.map(() => []);
    traced(() => {
      for (let i = 0; i < out.size; i++) {
        const seed = zerosLike(out);
        seed.data[i] = 1;
        const g = pull(fn, [out], [seed], standIns);
        for (const [j, gi] of g.entries()) rows[j]!.push(gi);
      }
    });
    const jac = standIns.map((s, j) => (out.size === 0 ? zeros([...out.shape, ...s.shape], s.dtype) : reshape(stack(rows[j]!, 0), [...out.shape, ...s.shape])));
    const parts = split(flats, jac);
    return typeof options.argnums === 'object' ? parts : parts[0];
  };
}

/** The Hessian of scalar-valued f: jacobian(grad(f)), shape x.shape ++ x.shape. */
export function hessian<A extends unknown[], const N extends Argnums | undefined = undefined>(
  f: (...args: A) => Tensor,
  options?: GradOptions<N>,
): GradFn<A, N>;
export function hessian(f: AnyFn, options: GradOptions = {}): (...args: unknown[]) => unknown {
  if (typeof f !== 'function') throw new ValueError('hessian', `expected a function, got ${describeValue(f)}`);
  return jacobianAs('hessian', gradAs('hessian', f, options), options);
}

/**
 * Hessian-vector product H v of scalar-valued f at `primals` without forming H (reverse over
 * reverse: the gradient of ⟨∇f(x), v⟩). `primals` and `v` are arrays with one entry per argument.
 */
export function hvp<A extends unknown[], const P extends Accepts<A>>(f: (...args: A) => Tensor, primals: P, v: TreeOf<P>): TreeOf<P>;
export function hvp(f: AnyFn, primals: unknown, v: unknown): unknown {
  const fn = 'hvp';
  if (!Array.isArray(primals) || !Array.isArray(v) || primals.length !== v.length) {
    throw new ValueError(fn, `primals and v must be arrays of equal length (one entry per argument)`);
  }
  const all = primals.map((_, i) => i);
  const vLeaves = v.flatMap((t, i) => flatten(fn, t, `v[${i}]`).leaves);
  const inner = (...xs: unknown[]): Tensor => {
    const g = gradAs(fn, f, { argnums: all })(...xs) as unknown[];
    const gLeaves = g.flatMap((t, i) => flatten(fn, t, `gradient ${i}`).leaves);
    if (gLeaves.length !== vLeaves.length) throw new ValueError(fn, `v must have the structure of the primals`);
    const acc = innerProduct(fn, gLeaves, vLeaves, 'v leaf');
    if (acc === null) throw new GraphError(fn, `f has no tensor arguments`);
    return acc;
  };
  return gradAs(fn, inner, { argnums: all })(...primals);
}
