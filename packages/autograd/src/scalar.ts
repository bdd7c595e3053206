import './tensor.ts'; // load order: see ops/index.ts
import { GraphError, ValueError } from './errors.ts';
import { installElementwiseMethods } from './primitive.ts';
import type { ElementwiseMethods } from './ops/methods.ts';
import { Node, isAnomalyEnabled, isInBackward, markCut, runBackward, topologicalOrder } from './tape.ts';
import type { BackwardOptions } from './tape.ts';

export type ScalarLike = Scalar | number;

// Scalar gets a method per elementwise primitive (a.tanh(), a.mul(b)), installed below the class.
export interface Scalar extends ElementwiseMethods<Scalar> {}

/**
 * A micrograd-style scalar value: `.data` is a number, `.grad` the accumulated gradient (a number).
 * It is recorded on the same tape as tensors; `backward()` runs the generic pass, or its
 * first-order special case on numbers when every op on the way is an elementwise primitive.
 */
export class Scalar extends Node {
  /** The value; writable, so an optimizer can update a leaf in place (micrograd style). */
  data: number;
  /** This node's position in the topological order of a first-order pass on numbers. */
  _index = 0;

  constructor(data: number, name?: string) {
    super();
    this.data = data;
    if (name !== undefined) this.name = name;
  }

  /** The accumulated gradient as a number (0 before any backward pass). */
  get grad(): number {
    return this._grad === null ? 0 : (this._grad as Scalar).data;
  }
  set grad(g: number) {
    this._grad = new Scalar(g);
  }
  /** The accumulated gradient as a Scalar: differentiable after backward({ createGraph: true }). */
  get gradScalar(): Scalar | null {
    return this._grad as Scalar | null;
  }

  zeroGrad(): this {
    this._grad = null;
    return this;
  }

  /** Keep this intermediate value's `.grad` after backward (leaves always get one). */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** Pull a cotangent of 1 back through the tape into every leaf's `.grad`. */
  backward(options: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new GraphError('backward', `this scalar does not depend on any scalar created with scalar(x) (or it was computed under noGrad())`);
    }
    if (options.createGraph || isAnomalyEnabled() || isInBackward() || !firstOrderPass(this, options.retainGraph ?? false)) {
      runBackward({ fn: 'backward', roots: [this], seeds: [undefined as unknown as Node], accumulate: true, ...options });
    }
  }

  /** The same value, cut from the tape. */
  detach(): Scalar {
    const out = new Scalar(this.data);
    markCut('detach', 'detach', [this], out);
    return out;
  }

  named(name: string): this {
    this.name = name;
    return this;
  }

  override toString(): string {
    return `Scalar(data=${this.data}, grad=${this.grad})`;
  }

  // ---- tape hooks --------------------------------------------------------------------------

  override _ones(): Node {
    return new Scalar(1);
  }
  override _sum(a: Node, b: Node): Node {
    return (a as Scalar).add(b as Scalar);
  }
  override _isFinite(): boolean {
    return Number.isFinite(this.data);
  }
  override _describe(): string {
    return 'scalar';
  }
  override _copy(): Scalar {
    return new Scalar(this.data);
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
 * allocates nothing per node. Returns false (having changed nothing) when some node on the way is
 * not a built-in scalar op; the caller then runs the generic pass.
 */
function firstOrderPass(root: Scalar, retain: boolean): boolean {
  const order = topologicalOrder('backward', [root]);
  const n = order.length;
  for (let k = 0; k < n; k++) {
    const node = order[k]!;
    if (!(node instanceof Scalar) || (node.inputs !== null && node.primitive.elementwise === null)) return false;
    node._index = k;
  }
  // cotangents[k] is the pending cotangent of order[k]
  const cotangents = new Float64Array(n);
  cotangents[n - 1] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const z = order[k] as Scalar;
    const inputs = z.inputs;
    if (inputs === null) continue;
    const dz = cotangents[k]!;
    const partials = z.primitive.elementwise!.partials;
    const x = inputs[0] as Scalar;
    const y = (inputs.length > 1 ? inputs[1] : x) as Scalar;
    if (x.requiresGrad) cotangents[x._index]! += dz * partials[0]!(x.data, y.data, z.data);
    if (inputs.length > 1 && y.requiresGrad) cotangents[y._index]! += dz * partials[1]!(x.data, y.data, z.data);
  }
  for (let k = 0; k < n; k++) {
    const node = order[k] as Scalar;
    if (node.inputs === null || node.retainsGrad) {
      const g = cotangents[k]!;
      node._grad = node._grad === null ? new Scalar(g) : new Scalar((node._grad as Scalar).data + g);
    }
    if (node.inputs !== null && !retain) {
      node.pullback = null;
      node.inputs = null;
      node.freed = true;
    }
  }
  return true;
}

installElementwiseMethods(Scalar.prototype);

/** A differentiable scalar leaf (micrograd's Value). */
export function scalar(x: number, name?: string): Scalar {
  if (typeof x !== 'number') throw new ValueError('scalar', `expected a number, got ${x === null ? 'null' : typeof x}`);
  const s = new Scalar(x, name);
  s.requiresGrad = true;
  return s;
}
