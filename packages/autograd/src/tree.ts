import { ValueError, describeValue } from './errors.ts';
import { Tensor } from './tensor.ts';

/**
 * A pytree: a Tensor, a number, or arrays / plain objects of pytrees (nested parameter records).
 * Functional transforms take and return values of this shape.
 */
export type Tree = Tensor | number | readonly Tree[] | { readonly [key: string]: Tree };

/**
 * The same structure with every leaf a Tensor (numbers stay numbers): what a transform returns
 * for an argument or output of type T (its gradient, tangent, cotangent, or Jacobian blocks).
 */
export type TreeOf<T> = T extends Tensor ? Tensor : T extends number ? number : { -readonly [K in keyof T]: TreeOf<T[K]> };

export interface Flat {
  leaves: Tensor[];
  /**
   * Rebuild the structure from new leaves; where the original leaf was a number, a number
   * (or, with `keepTensors`, the 0-d tensor, as a function being differentiated must see).
   */
  rebuild(leaves: readonly Tensor[], keepTensors?: boolean): unknown;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Flatten a pytree into its tensor leaves (numbers become 0-d float64 tensors). */
export function flatten(fn: string, tree: unknown, what = 'argument'): Flat {
  const leaves: Tensor[] = [];
  const build = (t: unknown, path: string): ((ls: readonly Tensor[], keep: boolean) => unknown) => {
    if (t instanceof Tensor) {
      const i = leaves.push(t) - 1;
      return (ls) => ls[i];
    }
    if (typeof t === 'number') {
      const i = leaves.push(new Tensor(Float64Array.of(t), [], 'float64')) - 1;
      return (ls, keep) => (keep ? ls[i] : ls[i]!.item());
    }
    if (Array.isArray(t)) {
      const parts = t.map((x, k) => build(x, `${path}[${k}]`));
      return (ls, keep) => parts.map((p) => p(ls, keep));
    }
    if (isPlainObject(t)) {
      const keys = Object.keys(t);
      const parts = keys.map((k) => build(t[k], `${path}.${k}`));
      return (ls, keep) => Object.fromEntries(keys.map((k, j) => [k, parts[j]!(ls, keep)]));
    }
    throw new ValueError(fn, `${what} ${path || '(root)'} is ${describeValue(t)}; expected a Tensor, a number, or arrays / plain objects of them`);
  };
  const make = build(tree, '');
  return { leaves, rebuild: (ls, keepTensors = false) => make(ls, keepTensors) };
}
