import { GraphError, ValueError } from './errors.ts';
import { sigmoidValue } from './kernels.ts';
import { Node, isAnomalyEnabled, isInBackward, markCut, record, runBackward, topologicalOrder } from './tape.ts';
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
// z = x^y  =>  dx = dz y x^(y−1) (0 wherever y = 0; taken as 0 at x = y = 0, not 0·∞);
//              dy = dz z ln x, 0 where x = 0 and y ≥ 0 (the limit), NaN for x < 0
// (PyTorch's pow_backward, and the Tensor rule at every point, to second order)
const POW: ScalarRule = {
  op: 'pow',
  partials: [(x, y) => (x === 0 && y === 0 ? 0 : y * x ** (y - 1)), (x, y, z) => (x === 0 && y >= 0 ? 0 : z * Math.log(x))],
  derivatives: [(x, y) => (x.data === 0 && y.data === 0 ? 0 : y.mul(x.pow(y.sub(1)))), (x, y, z) => (x.data === 0 && y.data >= 0 ? 0 : z.mul(x.log()))],
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
// z = max(x, 0)  =>  dx = dz [x > 0]; at x = NaN the cotangent passes (as the Tensor rule), never a 0 that hides it
const RELU: ScalarRule = { op: 'relu', partials: [(x) => (x <= 0 ? 0 : 1)], derivatives: [(x) => (x.data <= 0 ? 0 : 1)] };

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
 * first-order special case on numbers when every op on the way is a built-in scalar op.
 */
export class Scalar extends Node {
  /** The value; writable, so an optimizer can update a leaf in place (micrograd style). */
  data: number;
  /** The rule of the op that produced this value (null for leaves and custom ops). */
  _rule: ScalarRule | null = null;
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

  add(other: ScalarLike): Scalar {
    const y = lift('Scalar.add', other);
    return apply(ADD, [this, y], this.data + y.data);
  }
  sub(other: ScalarLike): Scalar {
    const y = lift('Scalar.sub', other);
    return apply(SUB, [this, y], this.data - y.data);
  }
  mul(other: ScalarLike): Scalar {
    const y = lift('Scalar.mul', other);
    return apply(MUL, [this, y], this.data * y.data);
  }
  div(other: ScalarLike): Scalar {
    const y = lift('Scalar.div', other);
    return apply(DIV, [this, y], this.data / y.data);
  }
  pow(other: ScalarLike): Scalar {
    const y = lift('Scalar.pow', other);
    return apply(POW, [this, y], this.data ** y.data);
  }
  neg(): Scalar {
    return apply(NEG, [this], -this.data);
  }
  exp(): Scalar {
    return apply(EXP, [this], Math.exp(this.data));
  }
  log(): Scalar {
    return apply(LOG, [this], Math.log(this.data));
  }
  sqrt(): Scalar {
    return apply(SQRT, [this], Math.sqrt(this.data));
  }
  abs(): Scalar {
    return apply(ABS, [this], Math.abs(this.data));
  }
  tanh(): Scalar {
    return apply(TANH, [this], Math.tanh(this.data));
  }
  cosh(): Scalar {
    return apply(COSH, [this], Math.cosh(this.data));
  }
  sinh(): Scalar {
    return apply(SINH, [this], Math.sinh(this.data));
  }
  sigmoid(): Scalar {
    return apply(SIGMOID, [this], sigmoidValue(this.data));
  }
  relu(): Scalar {
    return apply(RELU, [this], Math.max(this.data, 0));
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

function apply(rule: ScalarRule, inputs: Scalar[], value: number): Scalar {
  const out = new Scalar(value);
  out._rule = rule;
  return record(rule.op, inputs, out, scalarPullback);
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
    if (!(node instanceof Scalar) || (node.inputs !== null && node._rule === null)) return false;
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
    const partials = z._rule!.partials;
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

/** A differentiable scalar leaf (micrograd's Value). */
export function scalar(x: number, name?: string): Scalar {
  if (typeof x !== 'number') throw new ValueError('scalar', `expected a number, got ${x === null ? 'null' : typeof x}`);
  const s = new Scalar(x, name);
  s.requiresGrad = true;
  return s;
}
