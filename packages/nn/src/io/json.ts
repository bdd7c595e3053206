import { ValueError, formatShape } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import { isShape } from '../internal/check.ts';
import type { Module } from '../module.ts';
import { assignParameters, checkModule } from './state.ts';
import type { SavedTensor } from './state.ts';
import { firstHole, isDenseArray, nameTable, own } from './untrusted.ts';

export const JSON_FORMAT = 'pullback-parameters';
const VERSION = 1;

/** A number as JSON: itself, or a string for the values JSON cannot hold (−0, NaN, ±Infinity). */
function encode(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

/** The strings `encode` writes, and their values (a Map: a lookup of 'constructor' must not find Object's). */
const SPECIAL = new Map<string, number>([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

/**
 * The module's parameters as a JSON string:
 * `{"format":"pullback-parameters","version":1,"tensors":{"<name>":{"dtype","shape","data"}}}`.
 * Numbers are written in JavaScript's shortest round-trip form, so loading gives back the same
 * bits (−0, NaN and ±Infinity are written as strings; NaN payloads are not kept).
 */
export function saveJson(module: Module): string {
  const m = checkModule('saveJson', module);
  // Without a prototype, a parameter called '__proto__' is an ordinary key that JSON.stringify writes.
  const tensors = nameTable<{ dtype: DType; shape: number[]; data: (number | string)[] }>();
  for (const [name, t] of m.namedParameters()) {
    tensors[name] = { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data, encode) };
  }
  return JSON.stringify({ format: JSON_FORMAT, version: VERSION, tensors });
}

function parseTensor(fn: string, name: string, entry: unknown): SavedTensor {
  const bad = (what: string): never => {
    throw new ValueError(fn, `tensor '${name}': ${what}`);
  };
  if (entry === null || typeof entry !== 'object') bad('expected an object { dtype, shape, data }');
  const [dtype, shape, data] = ['dtype', 'shape', 'data'].map((k) => own(entry as object, k));
  if (dtype !== 'float32' && dtype !== 'float64') bad(`dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  if (!isDenseArray(shape) || !isShape(shape)) bad(`shape must be an array of non-negative integers`);
  if (!Array.isArray(data)) bad(`data must be an array`);
  const dims = shape as number[];
  const values = data as unknown[];
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size) bad(`${values.length} values for shape ${formatShape(dims)}, expected ${size}`);
  const hole = firstHole(values);
  if (hole !== -1) bad(`data has a hole at position ${hole} (a sparse array); every value must be a number`);
  const out = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const v = values[i];
    const special = typeof v === 'string' ? SPECIAL.get(v) : undefined;
    if (typeof v === 'number') out[i] = v;
    else if (special !== undefined) out[i] = special;
    else bad(`value ${JSON.stringify(v)} at position ${i} is not a number (nor one of 'NaN', 'Infinity', '-Infinity', '-0')`);
  }
  return { dtype: dtype as DType, shape: dims, data: out };
}

/**
 * Load parameters written by `saveJson` (a string or the parsed object) into `module`, in place.
 * The names must match the module's parameters exactly and each dtype and shape must agree;
 * everything is checked before anything is written, so on error the module is unchanged.
 */
export function loadJson(module: Module, json: string | object): void {
  const fn = 'loadJson';
  const m = checkModule(fn, module);
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new ValueError(fn, `not valid JSON: ${(e as Error).message}`);
    }
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ValueError(fn, `expected an object as written by saveJson`);
  const [format, version, tensors] = ['format', 'version', 'tensors'].map((k) => own(doc as object, k));
  if (format !== JSON_FORMAT) throw new ValueError(fn, `format is ${JSON.stringify(format)}, expected '${JSON_FORMAT}' (as written by saveJson)`);
  if (version !== VERSION) throw new ValueError(fn, `version ${JSON.stringify(version)} is not supported; expected ${VERSION}`);
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) throw new ValueError(fn, `'tensors' must be an object of name → tensor`);
  const saved = new Map<string, SavedTensor>();
  for (const [name, entry] of Object.entries(tensors as object)) saved.set(name, parseTensor(fn, name, entry));
  assignParameters(fn, m, saved);
}
