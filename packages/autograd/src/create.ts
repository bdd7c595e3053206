import { ValueError, describeValue, formatShape } from './errors.ts';
import { checkShape, checkSize, sizeOf } from './shape.ts';
import { checkBoolean, checkNumber, checkOptions, checkResultSize } from './args.ts';
import { Tensor, arrayFor } from './tensor.ts';
import type { DType } from './tensor.ts';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  name?: string;
  /** With flat data (a typed array or flat number array): the shape to read it as. */
  shape?: readonly number[];
}

type Nested = number | readonly Nested[];

export function checkDType(fn: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ValueError(fn, `unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`);
  }
  return dtype;
}

function inferShape(data: Nested): number[] {
  const shape: number[] = [];
  let level: Nested = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0]!;
  }
  return shape;
}

function fill(fn: string, data: Nested, shape: number[], out: Float64Array | Float32Array): void {
  let k = 0;
  const walk = (v: Nested, axis: number, path: number[]): void => {
    if (axis === shape.length) {
      if (typeof v !== 'number') {
        throw new ValueError(
          fn,
          `element at [${path.join(', ')}] is ${describeValue(v)}; expected a number (data must be a regular nested array of numbers of shape ${formatShape(shape)})`,
        );
      }
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new ValueError(
        fn,
        `ragged data: the entry at [${path.join(', ')}] is ${Array.isArray(v) ? `an array of length ${v.length}` : describeValue(v)}, ` +
          `but its first sibling implies length ${shape[axis]} (shape ${formatShape(shape)})`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i]!, axis + 1, [...path, i]);
  };
  walk(data, 0, []);
}

/**
 * A tensor from a number, nested arrays or a typed array (copied: the user's data is never
 * aliased). dtype defaults to float64, or float32 for a Float32Array.
 */
export function tensor(data: Nested | ArrayLike<number>, options?: TensorOptions): Tensor {
  const fn = 'tensor';
  const o = checkOptions<TensorOptions>(fn, options, ['dtype', 'requiresGrad', 'name', 'shape']);
  if (data instanceof DataView) {
    throw new ValueError(
      fn,
      `cannot make a tensor from a DataView; expected a number, nested arrays of numbers or a typed array (e.g. new Float64Array(view.buffer))`,
    );
  }
  const isTyped = ArrayBuffer.isView(data);
  const dtype = checkDType(fn, o.dtype ?? (data instanceof Float32Array ? 'float32' : 'float64'));
  let t: Tensor;
  if (isTyped || o.shape !== undefined) {
    const flat = data as ArrayLike<number>;
    if (!isTyped && !Array.isArray(flat)) throw new ValueError(fn, `with { shape } the data must be flat; got ${describeValue(data)}`);
    const shape = o.shape === undefined ? [flat.length] : checkShape(fn, o.shape);
    if (sizeOf(shape) !== flat.length) {
      throw new ValueError(fn, `${flat.length} values cannot fill shape ${formatShape(shape)}; expected ${sizeOf(shape)} values`);
    }
    const out = arrayFor(dtype, flat.length);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number') throw new ValueError(fn, `element ${i} is ${describeValue(v)}; expected a number`);
      out[i] = v;
    }
    t = new Tensor(out, shape, dtype);
  } else if (typeof data === 'number' || Array.isArray(data)) {
    const shape = inferShape(data as Nested);
    const out = arrayFor(dtype, sizeOf(shape));
    fill(fn, data as Nested, shape, out);
    t = new Tensor(out, shape, dtype);
  } else {
    throw new ValueError(fn, `cannot make a tensor from ${describeValue(data)}; expected a number, nested arrays of numbers or a typed array`);
  }
  if (o.requiresGrad !== undefined && checkBoolean(fn, 'requiresGrad', o.requiresGrad)) t.requiresGrad = true;
  if (o.name !== undefined) t.name = o.name;
  return t;
}

function filled(fn: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  if (typeof value !== 'number') throw new ValueError(fn, `the fill value is ${describeValue(value)}; expected a number`);
  const s = checkShape(fn, shape);
  checkSize(fn, s);
  const d = arrayFor(checkDType(fn, dtype), sizeOf(s));
  if (value !== 0) d.fill(value);
  return new Tensor(d, s, dtype);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float64'): Tensor {
  return filled('full', shape, value, dtype);
}

export function zeros(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

export function ones(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return filled('ones', shape, 1, dtype);
}

export function zerosLike(x: Tensor): Tensor {
  return full(x.shape, 0, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, x.dtype);
}

/** [start, start+step, ...) below `stop`, like NumPy's arange. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float64'): Tensor {
  checkNumber('arange', stop === undefined ? 'stop' : 'start', start);
  if (stop !== undefined) checkNumber('arange', 'stop', stop);
  checkNumber('arange', 'step', step);
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new ValueError('arange', `step must be a non-zero finite number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new ValueError('arange', `start and stop must be finite numbers, got ${start} and ${stop}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkResultSize('arange', [n]);
  const d = arrayFor(checkDType('arange', dtype), n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n], dtype);
}

/** The n×n identity. */
export function eye(n: number, dtype: DType = 'float64'): Tensor {
  checkShape('eye', [n], 'size');
  checkSize('eye', [n, n]);
  const d = arrayFor(checkDType('eye', dtype), n * n);
  for (let i = 0; i < n; i++) d[i * n + i] = 1;
  return new Tensor(d, [n, n], dtype);
}
