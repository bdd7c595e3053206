import { GraphError, ValueError, describeValue } from './errors.ts';
import { sigmoidValue } from './kernels.ts';
import {
  Node,
  bumpVersion,
  checkBackwardOptions,
  checkUnchanged,
  free,
  isAnomalyEnabled,
  isInBackward,
  isOptions,
  markCut,
  record,
  runBackward,
  topologicalOrder,
} from './tape.ts';
import type { BackwardOptions } from './tape.ts';

export type ScalarLike = Scalar | number;

function lift(fn: string, x: ScalarLike): Scalar {
  if (x instanceof Scalar) return x;
  if (typeof x === 'number') return new Scalar(x);
  throw new ValueError(fn, `expected a Scalar or a number, got ${x === null ? 'null' : typeof x}`);
}

/**
 * The derivative rule of a scalar op z = f(x[, y]). For scalars the pullback is a product,
 * dx = dz ∂z/∂x, so a rule is just its local derivatives, written twice: as numbers, which a
 * first-order pass multiplies (micrograd's `+=`, with no allocation), and as Scalar operations,
 * which a createGraph pass records so that it can be differentiated again. Tests hold the two
 * forms to each other and to finite differences.
 */
interface ScalarRule {
  op: string;
  /** ∂z/∂x, ∂z/∂y at the recorded values (x, y, z are the numbers). */
  partials: readonly ((x: number, y: number, z: number) => number)[];
  /** The same derivatives as Scalars (or constants); null means exactly 1: dz passes through. */
  derivatives: readonly (((x: Scalar, y: Scalar, z: Scalar) => ScalarLike) | null)[];
}

const ONE = () => 1;
const MINUS_ONE = () => -1;

// z = x + y  =>  dx = dz, dy = dz
const ADD: ScalarRule = { op: 'add', partials: [ONE, ONE], derivatives: [null, null] };
// z = x − y  =>  dx = dz, dy = −dz
const SUB: ScalarRule = { op: 'sub', partials: [ONE, MINUS_ONE], derivatives: [null, MINUS_ONE] };
// z = x y  =>  dx = dz y, dy = dz x
const MUL: ScalarRule = { op: 'mul', partials: [(_, y) => y, (x) => x], derivatives: [(_, y) => y, (x) => x] };
// z = x / y  =>  dx = dz / y, dy = −dz z / y
const DIV: ScalarRule = {
  op: 'div',
  partials: [(_, y) => 1 / y, (_, y, z) => -(z / y)],
  derivatives: [(_, y) => new Scalar(1).div(y), (_, y, z) => z.div(y).neg()],
};
// z = −x  =>  dx = −dz
const NEG: ScalarRule = { op: 'neg', partials: [MINUS_ONE], derivatives: [MINUS_ONE] };
// z = x^y  =>  dx = dz y x^(y−1), dy = dz z ln x (taken as 0 where x = 0, as PyTorch does)
const POW: ScalarRule = {
  op: 'pow',
  partials: [(x, y) => y * x ** (y - 1), (x, _, z) => (x === 0 ? 0 : z * Math.log(x))],
  derivatives: [(x, y) => y.mul(x.pow(y.sub(1))), (x, _, z) => (x.data === 0 ? 0 : z.mul(x.log()))],
};
// z = eˣ  =>  dx = dz z
const EXP: ScalarRule = { op: 'exp', partials: [(_, __, z) => z], derivatives: [(_, __, z) => z] };
// z = ln x  =>  dx = dz / x
const LOG: ScalarRule = { op: 'log', partials: [(x) => 1 / x], derivatives: [(x) => new Scalar(1).div(x)] };
// z = √x  =>  dx = dz / (2z)   (+Inf at x = 0)
const SQRT: ScalarRule = { op: 'sqrt', partials: [(_, __, z) => 1 / (z * 2)], derivatives: [(_, __, z) => new Scalar(1).div(z.mul(2))] };
// z = |x|  =>  dx = dz sign(x)   (0 at x = 0, as PyTorch's subgradient)
const ABS: ScalarRule = { op: 'abs', partials: [(x) => Math.sign(x)], derivatives: [(x) => Math.sign(x.data)] };
// z = tanh x  =>  dx = dz sech²x = dz / cosh²x
const TANH: ScalarRule = {
  op: 'tanh',
  partials: [(x) => 1 / Math.cosh(x) ** 2],
  derivatives: [(x) => new Scalar(1).div(x.cosh().pow(2))],
};
// z = cosh x  =>  dx = dz sinh x
const COSH: ScalarRule = { op: 'cosh', partials: [(x) => Math.sinh(x)], derivatives: [(x) => x.sinh()] };
// z = sinh x  =>  dx = dz cosh x
const SINH: ScalarRule = { op: 'sinh', partials: [(x) => Math.cosh(x)], derivatives: [(x) => x.cosh()] };
// z = σ(x)  =>  dx = dz σ(x) σ(−x)   (accurate for large |x|, unlike σ(1 − σ))
const SIGMOID: ScalarRule = {
  op: 'sigmoid',
  partials: [(x, _, z) => z * sigmoidValue(-x)],
  derivatives: [(x, _, z) => z.mul(x.neg().sigmoid())],
};
// z = max(x, 0)  =>  dx = dz [x > 0]
const RELU: ScalarRule = { op: 'relu', partials: [(x) => (x > 0 ? 1 : 0)], derivatives: [(x) => (x.data > 0 ? 1 : 0)] };

/** The pullback shared by every scalar op: dz times each needed local derivative, as Scalars. */
function scalarPullback(dz: Scalar, needs: readonly boolean[], node: Node): (Scalar | null)[] {
  const z = node as Scalar;
  const rule = z._rule!;
  const x = z.inputs![0] as Scalar;
  const y = (z.inputs![1] ?? x) as Scalar;
  const sent: (Scalar | null)[] = [];
  for (let i = 0; i < rule.derivatives.length; i++) {
    const d = rule.derivatives[i]!;
    sent.push(!needs[i] ? null : d === null ? dz : dz.mul(d(x, y, z)));
  }
  return sent;
}

/**
 * A micrograd-style scalar value: `.data` is a number, `.grad` the accumulated gradient (a number).
 * It is recorded on the same tape as tensors; `backward()` runs the generic pass, or its
 * first-order special case on numbers when every op on the way is a built-in scalar op. As in
 * micrograd, every value a backward pass reaches holds its gradient afterwards, intermediate
 * ones included (∂L/∂d for each step d of a hand computation, what students check by hand).
 */
export class Scalar extends Node {
  /** The value; read through `.data`. */
  _data: number;
  /** The rule of the op that produced this value (null for leaves and custom ops). */
  _rule: ScalarRule | null = null;
  /** This node's position in the topological order of a first-order pass on numbers. */
  _index = 0;
  /**
   * An intermediate value's gradient from first-order passes: `_g` plus `_cotangents[_index]`, the
   * last pass's entry for it (a reference, not a copy: see `commit`). `.grad` adds `_grad`.
   */
  _g = 0;
  _cotangents: Float64Array | null = null;

  constructor(data: number, name?: string) {
    super();
    if (typeof data !== 'number') throw new ValueError('Scalar', `expected a number, got ${describeValue(data)}`);
    this._data = data;
    if (name !== undefined) this.name = name;
  }

  /**
   * The value. Writable, so an optimizer can update a leaf in place (micrograd style); a write is
   * versioned, so a backward pass through ops recorded before it raises instead of using the new value.
   */
  get data(): number {
    return this._data;
  }
  set data(value: number) {
    if (typeof value !== 'number') throw new ValueError('Scalar.data', `expected a number, got ${describeValue(value)}`);
    this._data = value;
    bumpVersion(this);
  }

  /** The accumulated gradient as a number (0 before any backward pass reached this value). */
  get grad(): number {
    const pass = this._cotangents === null ? this._g : this._g + this._cotangents[this._index]!;
    return this._grad === null ? pass : (this._grad as Scalar)._data + pass;
  }
  set grad(g: number) {
    this._grad = new Scalar(g);
    this._g = 0;
    this._cotangents = null;
  }
  /** The accumulated gradient as a Scalar: differentiable after backward({ createGraph: true }). */
  get gradScalar(): Scalar | null {
    if (this._g === 0 && this._cotangents === null) return this._grad as Scalar | null;
    return new Scalar(this.grad);
  }

  zeroGrad(): this {
    this._grad = null;
    this._g = 0;
    this._cotangents = null;
    return this;
  }

  /** Every Scalar keeps its gradient (micrograd); kept so that code written for tensors runs. */
  retainGrad(): this {
    return this;
  }
  override get retainsGrad(): boolean {
    return true;
  }
  override set retainsGrad(_retains: boolean) {}

  /**
   * Pull a cotangent (default 1) back through the tape into every reached value's `.grad`:
   * `backward()`, `backward(options)`, `backward(seed)` or `backward(seed, options)`.
   */
  backward(seed?: ScalarLike | BackwardOptions, options?: BackwardOptions): void {
    if (isOptions(seed)) {
      if (options !== undefined) throw new ValueError('backward', 'got two options objects; call backward(options) or backward(seed, options)');
      options = seed;
      seed = undefined;
    }
    const opts = checkBackwardOptions(options);
    const s = seed === undefined ? undefined : lift('backward', seed);
    if (!this.requiresGrad) {
      throw new GraphError('backward', `this scalar does not depend on any scalar created with scalar(x) (or it was computed under noGrad())`);
    }
    const numeric = s === undefined || !s.requiresGrad;
    if (opts.createGraph || !numeric || isAnomalyEnabled() || isInBackward() || !firstOrderPass(this, s?._data ?? 1, opts.retainGraph ?? false)) {
      runBackward({ fn: 'backward', roots: [this], seeds: [s as Node], accumulate: true, ...opts });
    }
  }

  /** The same value, cut from the tape. */
  detach(): Scalar {
    const out = new Scalar(this._data);
    markCut('detach', 'detach', [this], out);
    return out;
  }

  named(name: string): this {
    this.name = name;
    return this;
  }

  override toString(): string {
    return `Scalar(data=${this._data}, grad=${this.grad})`;
  }

  add(other: ScalarLike): Scalar {
    const y = lift('Scalar.add', other);
    return apply(ADD, [this, y], this._data + y._data);
  }
  sub(other: ScalarLike): Scalar {
    const y = lift('Scalar.sub', other);
    return apply(SUB, [this, y], this._data - y._data);
  }
  mul(other: ScalarLike): Scalar {
    const y = lift('Scalar.mul', other);
    return apply(MUL, [this, y], this._data * y._data);
  }
  div(other: ScalarLike): Scalar {
    const y = lift('Scalar.div', other);
    return apply(DIV, [this, y], this._data / y._data);
  }
  pow(other: ScalarLike): Scalar {
    const y = lift('Scalar.pow', other);
    return apply(POW, [this, y], this._data ** y._data);
  }
  neg(): Scalar {
    return apply(NEG, [this], -this._data);
  }
  exp(): Scalar {
    return apply(EXP, [this], Math.exp(this._data));
  }
  log(): Scalar {
    return apply(LOG, [this], Math.log(this._data));
  }
  sqrt(): Scalar {
    return apply(SQRT, [this], Math.sqrt(this._data));
  }
  abs(): Scalar {
    return apply(ABS, [this], Math.abs(this._data));
  }
  tanh(): Scalar {
    return apply(TANH, [this], Math.tanh(this._data));
  }
  cosh(): Scalar {
    return apply(COSH, [this], Math.cosh(this._data));
  }
  sinh(): Scalar {
    return apply(SINH, [this], Math.sinh(this._data));
  }
  sigmoid(): Scalar {
    return apply(SIGMOID, [this], sigmoidValue(this._data));
  }
  relu(): Scalar {
    return apply(RELU, [this], Math.max(this._data, 0));
  }

  // ---- tape hooks --------------------------------------------------------------------------

  override _ones(): Node {
    return new Scalar(1);
  }
  override _sum(a: Node, b: Node): Node {
    return (a as Scalar).add(b as Scalar);
  }
  override _isFinite(): boolean {
    return Number.isFinite(this._data);
  }
  override _describe(): string {
    return 'scalar';
  }
  override _copy(): Scalar {
    return new Scalar(this._data);
  }
  override _fit(c: unknown, consumer: Node, index: number, pass = 'backward'): Node {
    if (c === undefined && index < 0) return new Scalar(1);
    if (c instanceof Scalar) return c;
    throw new GraphError(
      index < 0 ? pass : consumer.op,
      `the cotangent for input ${index} of '${consumer.op}' is not a Scalar (got ${c === null ? 'null' : typeof c}); expected a Scalar`,
    );
  }
}

function apply(rule: ScalarRule, inputs: Scalar[], value: number): Scalar {
  const out = new Scalar(value);
  out._rule = rule;
  return record(rule.op, inputs, out, scalarPullback);
}

/**
 * The generic pass, specialised to a graph of built-in scalar ops without createGraph: the same
 * reverse topological order, the same `+=` fan-out, the same commit into `.grad` at the end and
 * the same freeing, but cotangents are numbers multiplied by the rules' partials, so a pass
 * allocates nothing per node but the gradient it leaves there. Returns false (having changed nothing) when some node on the way is
 * not a built-in scalar op; the caller then runs the generic pass.
 */
function firstOrderPass(root: Scalar, seed: number, retain: boolean): boolean {
  const order = topologicalOrder('backward', [root]);
  const n = order.length;
  for (let k = 0; k < n; k++) {
    const node = order[k]!;
    if (!(node instanceof Scalar) || (node.inputs !== null && node._rule === null)) return false;
  }
  for (let k = 0; k < n; k++) {
    const node = order[k] as Scalar;
    // A value an earlier pass reached keeps that gradient before its index moves (retainGraph).
    if (node._cotangents !== null) {
      node._g += node._cotangents[node._index]!;
      node._cotangents = null;
    }
    node._index = k;
  }
  // cotangents[k] is the pending cotangent of order[k]
  const cotangents = new Float64Array(n);
  cotangents[n - 1] = seed;
  for (let k = n - 1; k >= 0; k--) {
    const z = order[k] as Scalar;
    const inputs = z.inputs;
    if (inputs === null) continue;
    const dz = cotangents[k]!;
    const partials = z._rule!.partials;
    const x = inputs[0] as Scalar;
    const y = (inputs.length > 1 ? inputs[1] : x) as Scalar;
    // A value written (Scalar.data = ...) after z was computed from it: the partials would be wrong.
    if (x._version > z.id || y._version > z.id || z._version > z.id) checkUnchanged('backward', z);
    if (x.requiresGrad) cotangents[x._index]! += dz * partials[0]!(x._data, y._data, z._data);
    if (inputs.length > 1 && y.requiresGrad) cotangents[y._index]! += dz * partials[1]!(x._data, y._data, z._data);
  }
  commit(order, cotangents, retain);
  return true;
}

/**
 * The pass's end: every value reached gets its gradient (micrograd), and without retainGraph the
 * graph is freed. An intermediate value points at its entry of the pass's cotangent array rather
 * than holding a copy: storing a new number (or Scalar) into each of 65,000 long-lived nodes made
 * W5 6× slower, while every node pointing at one array (in the large-object space for big graphs)
 * costs about nothing.
 */
function commit(order: readonly Node[], cotangents: Float64Array, retain: boolean): void {
  for (let k = 0; k < order.length; k++) {
    const node = order[k] as Scalar;
    const g = cotangents[k]!;
    if (node.inputs === null) node._grad = node._grad === null ? new Scalar(g) : new Scalar((node._grad as Scalar)._data + g);
    else node._cotangents = cotangents;
    if (node.inputs !== null && !retain) free(node, g, order.length);
  }
}

/** A differentiable scalar leaf (micrograd's Value). */
export function scalar(x: number, name?: string): Scalar {
  if (typeof x !== 'number') throw new ValueError('scalar', `expected a number, got ${x === null ? 'null' : typeof x}`);
  const s = new Scalar(x, name);
  s.requiresGrad = true;
  return s;
}
