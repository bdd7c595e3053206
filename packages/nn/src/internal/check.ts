// Argument checks shared by the public functions of @pullback/nn. Each takes the public name of
// the caller (`fn`) so that the error reads `SGD: learning rate must be > 0, got -1`.
import { DTypeError, MAX_TENSOR_SIZE, ShapeError, Tensor, ValueError, formatShape } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';

/** `number 3`, `null`, `an array`, `Tensor`: what the user passed, for messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  if (typeof x === 'string') return `string ${JSON.stringify(x)}`;
  return `${typeof x} ${String(x)}`;
}

export function checkTensor(fn: string, what: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(fn, `${what} must be a Tensor, got ${describe(x)}`);
  return x;
}

/** A finite number > 0 (or ≥ 0 with `allowZero`). */
export function checkPositive(fn: string, what: string, x: unknown, allowZero = false): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || (allowZero ? x < 0 : x <= 0)) {
    throw new ValueError(fn, `${what} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${describe(x)}`);
  }
  return x;
}

/** An integer ≥ `min`. */
export function checkInteger(fn: string, what: string, x: unknown, min: number): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) {
    throw new ValueError(fn, `${what} must be an integer ≥ ${min}, got ${describe(x)}`);
  }
  return x;
}

export function checkDType(fn: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ValueError(fn, `unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`);
  }
  return dtype;
}

/** Whether `x` is an array of non-negative safe integers (a shape from the user or from a file). */
export function isShape(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/** Same rank and the same size on every axis. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A shape given by the user: an array of non-negative integers, small enough to allocate. */
export function checkShape(fn: string, shape: unknown): number[] {
  if (!isShape(shape)) {
    throw new ValueError(fn, `shape must be an array of non-negative integers, got ${Array.isArray(shape) ? formatShape(shape) : describe(shape)}`);
  }
  checkSize(fn, 'shape', shape);
  return [...shape];
}

/** A tensor of `shape` can be allocated: at most MAX_TENSOR_SIZE elements (what typed arrays allow). */
export function checkSize(fn: string, what: string, shape: readonly number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n > MAX_TENSOR_SIZE) {
    throw new ValueError(fn, `${what} ${formatShape(shape)} has ${n} elements; a tensor holds at most ${MAX_TENSOR_SIZE}`);
  }
}

export function checkBoolean(fn: string, what: string, x: unknown): boolean {
  if (typeof x !== 'boolean') throw new ValueError(fn, `${what} must be a boolean, got ${describe(x)}`);
  return x;
}

/** One of `allowed`, or a ValueError listing them. */
export function checkChoice<T extends string>(fn: string, what: string, x: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(x as T)) {
    throw new ValueError(fn, `${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(x)}`);
  }
  return x as T;
}

/** Two tensors of the same shape and dtype (prediction and target of a loss). */
export function checkPair(fn: string, a: unknown, y: unknown, names: [string, string] = ['prediction', 'target']): [Tensor, Tensor] {
  const p = checkTensor(fn, names[0], a);
  const t = checkTensor(fn, names[1], y);
  if (!sameShape(p.shape, t.shape)) {
    throw new ShapeError(fn, `${names[0]} has shape ${formatShape(p.shape)} but ${names[1]} has shape ${formatShape(t.shape)}; they must be equal`);
  }
  if (p.dtype !== t.dtype) {
    throw new DTypeError(fn, `${names[0]} has dtype ${p.dtype} but ${names[1]} has dtype ${t.dtype}; cast one with .cast('${p.dtype}')`);
  }
  return [p, t];
}

/**
 * An options argument: undefined or a plain object whose keys are all in `allowed`. Every options
 * object of the package goes through here, so a typo (`learningRate`, `reductoin`) is an error
 * listing the accepted keys, never silently ignored, and null or a non-object is rejected alike.
 */
export function checkOptions<T extends object>(fn: string, options: unknown, allowed: readonly (keyof T & string)[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options instanceof Tensor) {
    throw new ValueError(fn, `options must be an object, got ${describe(options)}`);
  }
  checkKeys(fn, options, allowed);
  return options as Partial<T>;
}

/** Reject option names the function does not know (a typo like `learningRate` would be silently ignored). */
export function checkKeys(fn: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ValueError(fn, `unknown option '${key}'; expected ${allowed.map((a) => `'${a}'`).join(', ')}`);
    }
  }
}
