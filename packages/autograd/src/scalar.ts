import './tensor.ts'; // load order: see ops/index.ts
import { GraphError, ValueError, describeValue } from './errors.ts';
import type { ElementwiseMethods } from './ops/methods.ts';
import { installElementwiseMethods } from './primitive.ts';
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
  runBackward,
  topologicalOrder,
} from './tape.ts';
import type { BackwardOptions } from './tape.ts';

export type ScalarLike = Scalar | number;

function lift(fn: string, x: ScalarLike): Scalar {
  if (x instanceof Scalar) return x;
  if (typeof x === 'number') return new Scalar(x);
  throw new ValueError(fn, `expected a Scalar or a number, got ${describeValue(x)}`);
}

// Scalar gets a method per elementwise primitive (a.tanh(), a.mul(b)), installed below the class.
export interface Scalar extends ElementwiseMethods<Scalar> {}

/**
 * A micrograd-style scalar value: `.data` is a number, `.grad` the accumulated gradient (a number).
 * It is recorded on the same tape as tensors; `backward()` runs the generic pass, or its
 * first-order special case on numbers when every op on the way is an elementwise primitive. As in
 * micrograd, every value a backward pass reaches holds its gradient afterwards, intermediate
 * ones included (∂L/∂d for each step d of a hand computation, what students check by hand).
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above types the methods installElementwiseMethods puts on the prototype
export class Scalar extends Node {
  /** The value; read through `.data`. */
  _data: number;
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
    if (!(node instanceof Scalar) || (node.inputs !== null && node.primitive.elementwise === null)) return false;
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
    const partials = z.primitive.elementwise!.partials;
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
 * than holding a copy: storing a new number (or Scalar) into each of tens of thousands of
 * long-lived nodes costs the pass far more than every node pointing at one array.
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

installElementwiseMethods(Scalar.prototype);

/** A differentiable scalar leaf (micrograd's Value). */
export function scalar(x: number, name?: string): Scalar {
  if (typeof x !== 'number') throw new ValueError('scalar', `expected a number, got ${x === null ? 'null' : typeof x}`);
  const s = new Scalar(x, name);
  s.requiresGrad = true;
  return s;
}
