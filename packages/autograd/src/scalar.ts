import { GraphError, ValueError } from './errors.ts';
import { sigmoidValue } from './kernels.ts';
import { Node, markCut, record, runBackward } from './tape.ts';
import type { BackwardOptions } from './tape.ts';

export type ScalarLike = Scalar | number;

function lift(fn: string, x: ScalarLike): Scalar {
  if (x instanceof Scalar) return x;
  if (typeof x === 'number') return new Scalar(x);
  throw new ValueError(fn, `expected a Scalar or a number, got ${x === null ? 'null' : typeof x}`);
}

/**
 * A micrograd-style scalar value: `.data` is a number, `.grad` the accumulated gradient (a number).
 * It is recorded on the same tape and differentiated by the same backward pass as tensors; its
 * pullbacks are written with Scalar operations, so higher-order derivatives work too.
 */
export class Scalar extends Node {
  /** The value; writable, so an optimizer can update a leaf in place (micrograd style). */
  data: number;

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

  /** Pull a cotangent of 1 back through the tape into every leaf's `.grad`. */
  backward(options: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new GraphError('backward', `this scalar does not depend on any scalar created with scalar(x) (or it was computed under noGrad())`);
    }
    runBackward({ fn: 'backward', roots: [this], seeds: [undefined as unknown as Node], accumulate: true, ...options });
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

  // z = x + y  =>  dx = dz, dy = dz
  add(other: ScalarLike): Scalar {
    const b = lift('Scalar.add', other);
    return record('add', [this, b], new Scalar(this.data + b.data), (dz: Scalar) => [dz, dz]);
  }
  // z = x y  =>  dx = dz y, dy = dz x
  mul(other: ScalarLike): Scalar {
    const b = lift('Scalar.mul', other);
    return record('mul', [this, b], new Scalar(this.data * b.data), (dz: Scalar, needs) => [needs[0] ? dz.mul(b) : null, needs[1] ? dz.mul(this) : null]);
  }
  // z = x − y  =>  dx = dz, dy = −dz
  sub(other: ScalarLike): Scalar {
    const b = lift('Scalar.sub', other);
    return record('sub', [this, b], new Scalar(this.data - b.data), (dz: Scalar, needs) => [dz, needs[1] ? dz.neg() : null]);
  }
  // z = x / y  =>  dx = dz / y, dy = −dz z / y
  div(other: ScalarLike): Scalar {
    const b = lift('Scalar.div', other);
    const out: Scalar = new Scalar(this.data / b.data);
    return record('div', [this, b], out, (dz: Scalar, needs) => [needs[0] ? dz.div(b) : null, needs[1] ? dz.mul(out).div(b).neg() : null]);
  }
  // z = −x  =>  dx = −dz
  neg(): Scalar {
    return record('neg', [this], new Scalar(-this.data), (dz: Scalar) => [dz.neg()]);
  }
  // z = x^y  =>  dx = dz y x^(y−1), dy = dz z ln x (0 where x = 0)
  pow(other: ScalarLike): Scalar {
    const b = lift('Scalar.pow', other);
    const out: Scalar = new Scalar(Math.pow(this.data, b.data));
    return record('pow', [this, b], out, (dz: Scalar, needs) => [
      needs[0] ? dz.mul(b).mul(this.pow(b.sub(1))) : null,
      needs[1] ? (this.data === 0 ? new Scalar(0) : dz.mul(out).mul(this.log())) : null,
    ]);
  }
  // y = eˣ  =>  dx = dy y
  exp(): Scalar {
    const out: Scalar = new Scalar(Math.exp(this.data));
    return record('exp', [this], out, (dy: Scalar) => [dy.mul(out)]);
  }
  // y = ln x  =>  dx = dy / x
  log(): Scalar {
    return record('log', [this], new Scalar(Math.log(this.data)), (dy: Scalar) => [dy.div(this)]);
  }
  // y = tanh x  =>  dx = dy sech²x = dy / cosh²x
  tanh(): Scalar {
    return record('tanh', [this], new Scalar(Math.tanh(this.data)), (dy: Scalar) => [dy.div(this.cosh().pow(2))]);
  }
  // y = cosh x  =>  dx = dy sinh x
  cosh(): Scalar {
    return record('cosh', [this], new Scalar(Math.cosh(this.data)), (dy: Scalar) => [dy.mul(this.sinh())]);
  }
  // y = sinh x  =>  dx = dy cosh x
  sinh(): Scalar {
    return record('sinh', [this], new Scalar(Math.sinh(this.data)), (dy: Scalar) => [dy.mul(this.cosh())]);
  }
  // y = σ(x)  =>  dx = dy σ(x) σ(−x)   (accurate for large |x|, unlike σ(1 − σ))
  sigmoid(): Scalar {
    const out: Scalar = new Scalar(sigmoidValue(this.data));
    return record('sigmoid', [this], out, (dy: Scalar) => [dy.mul(out).mul(this.neg().sigmoid())]);
  }
  // y = max(x, 0)  =>  dx = dy [x > 0]
  relu(): Scalar {
    return record('relu', [this], new Scalar(this.data > 0 ? this.data : 0), (dy: Scalar) => [dy.mul(this.data > 0 ? 1 : 0)]);
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

/** A differentiable scalar leaf (micrograd's Value). */
export function scalar(x: number, name?: string): Scalar {
  if (typeof x !== 'number') throw new ValueError('scalar', `expected a number, got ${x === null ? 'null' : typeof x}`);
  const s = new Scalar(x, name);
  s.requiresGrad = true;
  return s;
}
