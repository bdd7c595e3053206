// What the engine knows about an operation, in one descriptor: its name, the local-derivative
// formula traces print, and (for elementwise ops) its domains, its value on numbers and its
// derivatives. Built-in ops and `defineOp` ops are both described this way; everything that reads
// op metadata (explain, Scalar, the op test table, the fuzzer) reads it from here, never from a
// name string, so a user op named like a built-in is never mistaken for it.

/** An open interval of inputs where an op is differentiable, and the points inside it to stay away from (kinks, poles). */
export interface Domain {
  readonly low: number;
  readonly high: number;
  readonly avoid?: readonly number[];
}

export const REAL: Domain = { low: -4, high: 4 };
export const POSITIVE: Domain = { low: 0.05, high: 4 };

/**
 * A first-order pullback used only when nothing is recorded (a plain `backward()`), declared so
 * that one table-driven test holds it to the recorded pullback: `bound` is the largest difference
 * allowed, in units in the last place of the dtype (0: the same bits).
 */
export interface FirstOrder {
  readonly ulps: { readonly float32: number; readonly float64: number };
  /** Why the fused path exists (speed or stability), for the reader. */
  readonly why: string;
  /** How the test calls the op: its function and the shapes of example inputs (values are drawn from the domains). */
  readonly example: { readonly fn: (...inputs: never[]) => unknown; readonly shapes: readonly (readonly number[])[] };
}

export interface Primitive {
  readonly name: string;
  /** The local derivative as traces print it: x, y are the inputs, z the output. */
  readonly formula: string;
  /** Elementwise primitives carry their rule on numbers and as engine ops (see elementwise.ts). */
  readonly elementwise: ElementwiseRule | null;
  /** A declared first-order fast path, or null. */
  readonly firstOrder: FirstOrder | null;
  /**
   * Fused ops: the same computation as a composite of primitives (from the node's inputs and
   * attributes), for traces that show the steps; see `expandComposite`.
   */
  readonly composite: ((inputs: readonly never[], attrs: Readonly<Record<string, unknown>> | null) => unknown) | null;
  /** False for ops made with `defineOp`. */
  readonly builtin: boolean;
}

/**
 * An elementwise op's rule, shared by Tensors and Scalars: the value on numbers, the partial
 * derivatives on numbers (Scalar's allocation-free first-order pass) and the same derivatives as
 * engine operations (every recorded pullback, so that it differentiates again).
 */
export interface ElementwiseRule {
  readonly arity: 1 | 2;
  /** The public function, which `x.name(...)` methods call. */
  readonly fn: (...args: never[]) => unknown;
  readonly domains: readonly Domain[];
  readonly value: (x: number, y: number) => number;
  readonly partials: readonly ((x: number, y: number, z: number) => number)[];
}

// This module imports nothing, so it is evaluated before any op module that defines a primitive,
// whatever the order in which the engine's (cyclic) modules are loaded.
const registry = new Map<string, Primitive>();
const hooks: ((p: Primitive) => void)[] = [];

/** Every built-in primitive, in definition order. */
export function builtinPrimitives(): Primitive[] {
  return [...registry.values()];
}

/** Describe a built-in primitive. Its name must be new: two descriptors never share a name. */
export function definePrimitive<P extends Primitive>(p: P): P {
  if (p.builtin) {
    if (registry.has(p.name)) throw new Error(`definePrimitive: '${p.name}' is already defined`);
    registry.set(p.name, p);
    for (const hook of hooks) hook(p);
  }
  return p;
}

/** Call `hook` for every built-in primitive defined so far and every one defined later. */
export function onPrimitive(hook: (p: Primitive) => void): void {
  hooks.push(hook);
  for (const p of registry.values()) hook(p);
}

/** A non-elementwise built-in: its name and formula (and optionally a fused path or composite). */
export function primitive(name: string, formula: string, extra: Partial<Pick<Primitive, 'firstOrder' | 'composite'>> = {}): Primitive {
  return definePrimitive({ name, formula, elementwise: null, firstOrder: extra.firstOrder ?? null, composite: extra.composite ?? null, builtin: true });
}

/** The descriptor of leaves (inputs and constants): no op produced them. */
export const LEAF: Primitive = {
  name: 'leaf',
  formula: 'leaf: the cotangent is its gradient',
  elementwise: null,
  firstOrder: null,
  composite: null,
  builtin: true,
};

/**
 * Give a class (Tensor, Scalar) a method per elementwise primitive, `x.exp()`, `x.mul(y)`, for the
 * primitives defined so far and every one defined later; a method the class writes itself wins.
 * It lives here, in the module that imports nothing, so it runs whatever order modules load in.
 */
export function installElementwiseMethods(proto: object): void {
  onPrimitive((p) => {
    const rule = p.elementwise;
    if (rule === null || p.name in proto) return;
    const fn = rule.fn as (a: unknown, b?: unknown) => unknown;
    const method =
      rule.arity === 1
        ? function (this: unknown) {
            return fn(this);
          }
        : function (this: unknown, other: unknown) {
            return fn(this, other);
          };
    Object.defineProperty(proto, p.name, { value: method, writable: true, configurable: true });
  });
}
