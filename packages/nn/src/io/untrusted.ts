// Reading names and values that come from a file or from the user (parsed JSON, an object passed
// in, a parameter name). Only own properties count, so a name like 'constructor', 'toString' or
// '__proto__' is never answered by Object.prototype; arrays must be dense, since a hole reads as
// undefined (and forEach / every skip it silently).

/** `obj[key]` if `obj` has it as an own property, else undefined (never an inherited value). */
export function own(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** The index of the first hole of `x` (an index below its length that it does not have), or −1. */
export function firstHole(x: readonly unknown[]): number {
  for (let i = 0; i < x.length; i++) if (!Object.hasOwn(x, i)) return i;
  return -1;
}

/** An array without holes. */
export function isDenseArray(x: unknown): x is unknown[] {
  return Array.isArray(x) && firstHole(x) === -1;
}

/**
 * A plain object, as JSON's `{…}`: an object literal or `Object.create(null)` (from any realm), not
 * an array, a Map or a class instance.
 */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** An empty name → value table without a prototype: every name, '__proto__' included, is an ordinary key. */
export function nameTable<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
