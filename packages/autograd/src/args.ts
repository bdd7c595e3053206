// Argument checks shared by every public op: each takes the public name of the caller (`fn`) and
// of the argument, so that a wrong type reads `exp: x must be a Tensor, got number 1` and never
// surfaces as a raw TypeError from deep inside a kernel.
import { ValueError, describeValue } from './errors.ts';
import { MAX_TENSOR_SIZE, type Shape, sizeOf } from './shape.ts';
import { Tensor, lift2 } from './tensor.ts';
import type { Axis, TensorLike } from './tensor.ts';

/** What a wrong argument was, for "got …": `number 1`, `string "10"`, `null`, `a Scalar`. */
export function given(x: unknown): string {
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return `string ${JSON.stringify(x)}`;
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) return `a ${(x as object).constructor?.name ?? 'object'}`;
  return describeValue(x);
}

/** A hint for the common mix-up of a Scalar (micrograd-style value) with a tensor op. */
function scalarHint(x: unknown): string {
  const name = (x as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name === 'Scalar' ? ' (Scalars have their own methods: s.sigmoid(), s.add(t), ...; or make a tensor with tensor(s.data))' : '';
}

/** `x` itself when it is a Tensor; otherwise a ValueError naming `fn` and the argument. */
export function checkTensor(fn: string, what: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  const hint = typeof x === 'number' ? ` (wrap a number with tensor(${x}))` : scalarHint(x);
  throw new ValueError(fn, `${what} must be a Tensor, got ${given(x)}${hint}`);
}

/** A Tensor or a number (numbers are broadcast as constants), or a ValueError. */
export function checkTensorLike(fn: string, what: string, x: unknown): TensorLike {
  if (x instanceof Tensor || typeof x === 'number') return x;
  throw new ValueError(fn, `${what} must be a Tensor or a number, got ${given(x)}${scalarHint(x)}`);
}

/** An integer (a single axis, a size, an index); range checks are the caller's. */
export function checkInteger(fn: string, what: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) throw new ValueError(fn, `${what} must be an integer, got ${given(x)}`);
  return x;
}

/** A number (possibly non-finite; the caller says when it must be finite). */
export function checkNumber(fn: string, what: string, x: unknown): number {
  if (typeof x !== 'number') throw new ValueError(fn, `${what} must be a number, got ${given(x)}`);
  return x;
}

export function checkBoolean(fn: string, what: string, x: unknown): boolean {
  if (typeof x !== 'boolean') throw new ValueError(fn, `${what} must be a boolean (true or false), got ${given(x)}`);
  return x;
}

/** An array of integers (a permutation, per-axis bounds, indices); ranges are the caller's. */
export function checkIntegers(fn: string, what: string, x: unknown): readonly number[] {
  if (!Array.isArray(x)) throw new ValueError(fn, `${what} must be an array of integers, got ${given(x)}`);
  x.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(fn, `${what}[${i}] must be an integer, got ${given(v)}`);
  });
  return x;
}

/** An axis argument: undefined, an integer, or an array of integers (ranges are normalizeAxes'). */
export function checkAxisArg(fn: string, axis: unknown): Axis | undefined {
  if (axis === undefined || (typeof axis === 'number' && Number.isInteger(axis))) return axis as number | undefined;
  if (Array.isArray(axis)) return checkIntegers(fn, 'axis', axis);
  throw new ValueError(fn, `axis must be an integer or an array of integers, got ${given(axis)}`);
}

/**
 * An options argument: undefined (no options) or a plain object whose keys are all in `allowed`
 * (a typo like `keepdims` is an error listing the accepted keys, never silently ignored).
 */
export function checkOptions<T extends object>(fn: string, options: unknown, allowed: readonly (keyof T & string)[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options instanceof Tensor) {
    throw new ValueError(fn, `options must be an object (${allowed.map((k) => `'${k}'`).join(', ')}), got ${given(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(allowed as readonly string[]).includes(key)) {
      throw new ValueError(fn, `unknown option '${key}'; expected ${allowed.map((k) => `'${k}'`).join(', ')}`);
    }
  }
  return options as Partial<T>;
}

/** The result of `fn` would have `shape`: at most MAX_TENSOR_SIZE elements, checked before allocating. */
export function checkResultSize(fn: string, shape: Shape): void {
  const n = sizeOf(shape);
  if (n > MAX_TENSOR_SIZE) {
    throw new ValueError(fn, `the result would have shape [${shape.join(', ')}] (${n} elements); a tensor holds at most ${MAX_TENSOR_SIZE} (2³¹ − 1)`);
  }
}

/** Both operands of a binary op checked (Tensor or number, each named), then lifted to one dtype. */
export function operands(fn: string, a: unknown, b: unknown): [Tensor, Tensor] {
  return lift2(fn, checkTensorLike(fn, 'a', a), checkTensorLike(fn, 'b', b));
}
