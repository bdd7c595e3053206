// Elementwise primitives from one descriptor each: `unary(...)` and `binary(...)` turn a rule
// (value on numbers, partials on numbers, derivatives as engine ops, formula, domains, an optional
// loop of its own and an optional first-order fast path) into the public function, which works on
// Tensors (broadcasting), on Scalars and on numbers, and into the Tensor and Scalar methods of the
// same name. One pullback serves every elementwise op on both kinds of value.
import { given } from './args.ts';
import { ValueError } from './errors.ts';
import { type BinaryRow, mapRows, rowOf } from './kernels.ts';
import { type Domain, type ElementwiseRule, type FirstOrder, type Primitive, REAL, builtinPrimitives, definePrimitive } from './primitive.ts';
import { Scalar } from './scalar.ts';
import { type Node, isGradEnabled, record } from './tape.ts';
import { Tensor, arrayFor, lift, lift2, type TypedArray } from './tensor.ts';

/** What elementwise functions take and give: a Tensor, a Scalar (the result is of the same kind). */
export type Value = Tensor | Scalar;
/** A derivative: an engine value (differentiable again) or a number (a constant, 1 passes dz through). */
export type Derivative = (x: Value, y: Value, z: Value) => Value | number;

/** out[i] = f(src[i]) for every i: an op's own loop (V8 inlines its body; a shared callback loop does not). */
export type UnaryKernel = (src: TypedArray, out: TypedArray) => void;

interface RuleSpec {
  /** The local derivatives as traces print them. */
  formula: string;
  /** A first-order path used when nothing is recorded (see FirstOrder); the test calls it on [3, 4] inputs. */
  firstOrder?: Omit<FirstOrder, 'example'> & { pullback: (dz: Tensor, x: Tensor, y: Tensor, z: Tensor) => (Tensor | null)[] };
}

export interface UnarySpec extends RuleSpec {
  domain?: Domain;
  value: (x: number) => number;
  /** ∂z/∂x on numbers (x the input, z the output). */
  partial: (x: number, z: number) => number;
  /** ∂z/∂x with engine ops, so that the pullback differentiates again. */
  derivative: (x: Value, z: Value) => Value | number;
  kernel?: UnaryKernel;
}

export interface BinarySpec extends RuleSpec {
  domains?: readonly [Domain, Domain];
  value: (x: number, y: number) => number;
  partials: readonly [(x: number, y: number, z: number) => number, (x: number, y: number, z: number) => number];
  derivatives: readonly [Derivative, Derivative];
  row?: BinaryRow;
}

/** The full descriptor of an elementwise primitive. */
export interface ElementwisePrimitive extends Primitive {
  readonly elementwise: ElementwiseRule & {
    readonly derivatives: readonly Derivative[];
    readonly kernel: UnaryKernel | null;
    readonly row: BinaryRow | null;
    readonly fused: ((dz: Tensor, x: Tensor, y: Tensor, z: Tensor) => (Tensor | null)[]) | null;
  };
}

export interface UnaryFn {
  (x: Tensor | number): Tensor;
  (x: Scalar): Scalar;
  (x: Value | number): Value;
  readonly primitive: ElementwisePrimitive;
  readonly arity: 1;
}
export interface BinaryFn {
  (a: Tensor | number, b: Tensor | number): Tensor;
  (a: Scalar, b: Scalar | number): Scalar;
  (a: Scalar | number, b: Scalar): Scalar;
  (a: Value | number, b: Value | number): Value;
  readonly primitive: ElementwisePrimitive;
  readonly arity: 2;
}

/** Every elementwise primitive, in definition order (the op test table and the fuzzer walk it). */
export function elementwisePrimitives(): ElementwisePrimitive[] {
  return builtinPrimitives().filter(isElementwise);
}

export function isElementwise(p: Primitive): p is ElementwisePrimitive {
  return p.elementwise !== null;
}

function describe(name: string, arity: 1 | 2, spec: RuleSpec, rule: Omit<ElementwisePrimitive['elementwise'], 'arity' | 'fused'>): ElementwisePrimitive {
  const { firstOrder } = spec;
  const shapes =
    arity === 1
      ? [[3, 4]]
      : [
          [3, 4],
          [3, 4],
        ];
  return definePrimitive<ElementwisePrimitive>({
    name,
    formula: spec.formula,
    elementwise: { ...rule, arity, fused: firstOrder?.pullback ?? null },
    firstOrder: firstOrder ? { ulps: firstOrder.ulps, why: firstOrder.why, example: { fn: rule.fn, shapes } } : null,
    composite: null,
    builtin: true,
  });
}

/** Define a unary elementwise primitive; returns its public function. */
export function unary(name: string, spec: UnarySpec): UnaryFn {
  const { value, partial, derivative } = spec;
  const fn = (x: Value | number): Value => {
    if (x instanceof Scalar) return applyScalar(p, [x], value(x._data));
    if (x instanceof Tensor) return applyTensor(p, [x], unaryKernel(p, x));
    if (typeof x === 'number') return fn(lift(name, x, 'float64'));
    throw new ValueError(name, `x must be a Tensor, a Scalar or a number, got ${given(x)}`);
  };
  const p = describe(name, 1, spec, {
    domains: [spec.domain ?? REAL],
    value: (x) => value(x),
    partials: [(x, _y, z) => partial(x, z)],
    derivatives: [(x, _y, z) => derivative(x, z)],
    kernel: spec.kernel ?? null,
    row: null,
    fn,
  });
  return Object.assign(fn, { primitive: p, arity: 1 }) as UnaryFn;
}

/** Define a binary elementwise primitive (NumPy broadcasting on tensors); returns its public function. */
export function binary(name: string, spec: BinarySpec): BinaryFn {
  const { value } = spec;
  const fn = (a: Value | number, b: Value | number): Value => {
    if (a instanceof Scalar || b instanceof Scalar) {
      const x = toScalar(name, a, 'a');
      const y = toScalar(name, b, 'b');
      return applyScalar(p, [x, y], value(x._data, y._data));
    }
    if (!(a instanceof Tensor || typeof a === 'number')) throw new ValueError(name, `a must be a Tensor, a Scalar or a number, got ${given(a)}`);
    if (!(b instanceof Tensor || typeof b === 'number')) throw new ValueError(name, `b must be a Tensor, a Scalar or a number, got ${given(b)}`);
    const [x, y] = lift2(name, a, b);
    return applyTensor(p, [x, y], binaryKernel(p, x, y));
  };
  const p = describe(name, 2, spec, {
    domains: spec.domains ?? [REAL, REAL],
    value,
    partials: spec.partials,
    derivatives: spec.derivatives,
    kernel: null,
    // A generic row made once, not at every call: it is a closure over the primitive's value.
    row: spec.row ?? rowOf(value),
    fn,
  });
  return Object.assign(fn, { primitive: p, arity: 2 }) as BinaryFn;
}

function toScalar(name: string, v: Value | number, which: 'a' | 'b'): Scalar {
  if (v instanceof Scalar) return v;
  if (typeof v === 'number') return new Scalar(v);
  throw new ValueError(name, `${which} must be a Scalar or a number to go with a Scalar, got ${given(v)} (use Scalars and numbers, or Tensors and numbers)`);
}

// ---- applying a primitive ---------------------------------------------------------------------

function applyScalar(p: ElementwisePrimitive, inputs: Scalar[], value: number): Scalar {
  return record(p, inputs, new Scalar(value), elementwisePullback);
}

function applyTensor(p: ElementwisePrimitive, inputs: Tensor[], out: Tensor): Tensor {
  return record(p, inputs, out, p.elementwise.fused === null ? elementwisePullback : fusedOrRecordedPullback);
}

/**
 * The pullback of every elementwise primitive, on Tensors and Scalars alike: dz times each needed
 * local derivative, written with engine ops (a createGraph pass records them). A shared function,
 * not a closure per node: the node carries its primitive and inputs.
 */
export function elementwisePullback(dz: Value, needs: readonly boolean[], node: Node): (Value | null)[] {
  const rule = (node.primitive as ElementwisePrimitive).elementwise;
  const inputs = node.inputs as readonly Value[];
  const x = inputs[0]!;
  const y = inputs[1] ?? x;
  const z = node as Value;
  const sent: (Value | null)[] = [];
  for (let i = 0; i < inputs.length; i++) sent.push(needs[i] ? times(dz, rule.derivatives[i]!(x, y, z)) : null);
  return sent;
}

/** A declared first-order path when nothing is recorded; the recorded pullback otherwise. */
function fusedOrRecordedPullback(dz: Tensor, needs: readonly boolean[], node: Node): (Value | null)[] {
  if (isGradEnabled()) return elementwisePullback(dz, needs, node);
  const fused = (node.primitive as ElementwisePrimitive).elementwise.fused!;
  const inputs = node.inputs as readonly Tensor[];
  const sent = fused(dz, inputs[0]!, inputs[1] ?? inputs[0]!, node as Tensor);
  return sent.map((c, i) => (needs[i] ? c : null));
}

/** dz · d, where a derivative of exactly 1 (or −1) passes dz through (negated) without a product. */
function times(dz: Value, d: Value | number): Value {
  if (d === 1) return dz;
  // Methods, not imports of mul and neg: this module is loaded before the op families (see ops/index.ts).
  if (d === -1) return dz.neg();
  return (dz as Tensor).mul(d as Tensor);
}

// ---- a helper for derivatives: constants of the recorded values ---------------------------------

/**
 * A constant elementwise function of the recorded inputs (a mask such as [x > 0]): a number for
 * Scalars, an unrecorded tensor of the broadcast shape for Tensors. Derivatives use it for
 * piecewise rules; it is a constant, so its own derivative is zero.
 */
export function indicator(x: Value, y: Value, f: (x: number, y: number) => number): Value | number {
  if (x instanceof Scalar) return f(x._data, (y as Scalar)._data);
  return mapBinaryConstant(x, y as Tensor, f);
}

// ---- kernels ---------------------------------------------------------------------------------

function unaryKernel(p: ElementwisePrimitive, x: Tensor): Tensor {
  const src = x.data;
  const out = arrayFor(x.dtype, src.length);
  const { kernel, value } = p.elementwise;
  if (kernel !== null) kernel(src, out);
  else for (let i = 0; i < src.length; i++) out[i] = value(src[i]!, 0);
  return new Tensor(out, x.shape, x.dtype);
}

function binaryKernel(p: ElementwisePrimitive, a: Tensor, b: Tensor): Tensor {
  return mapRows(p.name, a, b, p.elementwise.row!);
}

export function mapBinaryConstant(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  return mapRows('indicator', a, b, rowOf(f));
}
