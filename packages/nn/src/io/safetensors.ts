// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
// u64 N, N bytes of UTF-8 JSON header, then the tensors' raw little-endian bytes. The header maps
// each name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the start of
// the data section) plus an optional "__metadata__" map of strings to strings.
import { DTypeError, ValueError, formatShape } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import type { Module } from '../module.ts';
import { checkOptions, describe, isShape } from '../internal/check.ts';
import { assignParameters, checkModule } from './state.ts';
import type { SavedTensor } from './state.ts';
import { isDenseArray, isPlainObject, nameTable, own } from './untrusted.ts';

export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';
export type SafetensorsData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array;

export interface SafetensorsTensor {
  dtype: SafetensorsDType;
  shape: number[];
  /** The values; F16 and BF16 are widened to a Float32Array, BOOL is a Uint8Array of 0/1. */
  data: SafetensorsData;
}

export interface SaveSafetensorsOptions {
  /** Free-form string → string metadata, stored under "__metadata__". */
  metadata?: Record<string, string>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverse each `width`-byte group in place: little-endian ↔ big-endian. */
function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/**
 * The format's "__metadata__": a plain object of string values (not an array, not a Map), copied so
 * that every key, '__proto__' included, is an own property (Object.assign would call the
 * __proto__ setter and drop it). `what` names it in the message.
 */
function checkMetadata(fn: string, what: string, x: unknown): Record<string, string> {
  if (!isPlainObject(x)) throw new ValueError(fn, `${what} must be an object of string values, got ${describe(x)}`);
  const entries = Object.entries(x);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw new ValueError(fn, `${what} must be an object of string values, but '${key}' is ${describe(value)}`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The reference implementation's cap on the JSON header (bytes), so a hostile length cannot make the reader parse gigabytes. */
export const MAX_HEADER_BYTES = 100_000_000;

interface Codec {
  bytes: number;
  decode: (raw: Uint8Array, n: number) => SafetensorsData;
}

/** Copy `raw` to a fresh aligned buffer and view it as `Ctor`, swapping bytes on a big-endian host. */
function view<T>(Ctor: { new (b: ArrayBuffer): T }, bytes: number): Codec['decode'] {
  return (raw) => {
    const copy = raw.slice();
    if (!LITTLE_ENDIAN && bytes > 1) swapBytes(copy, bytes);
    return new Ctor(copy.buffer) as unknown as SafetensorsData;
  };
}

/** IEEE half → float32 value. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const CODECS: Record<SafetensorsDType, Codec> = {
  F64: { bytes: 8, decode: view(Float64Array, 8) },
  F32: { bytes: 4, decode: view(Float32Array, 4) },
  F16: { bytes: 2, decode: (raw, n) => Float32Array.from({ length: n }, (_, i) => halfToFloat(raw[2 * i]! | (raw[2 * i + 1]! << 8))) },
  BF16: {
    bytes: 2,
    decode: (raw, n) => new Float32Array(Uint32Array.from({ length: n }, (_, i) => ((raw[2 * i]! | (raw[2 * i + 1]! << 8)) << 16) >>> 0).buffer),
  },
  I64: { bytes: 8, decode: view(BigInt64Array, 8) },
  U64: { bytes: 8, decode: view(BigUint64Array, 8) },
  I32: { bytes: 4, decode: view(Int32Array, 4) },
  U32: { bytes: 4, decode: view(Uint32Array, 4) },
  I16: { bytes: 2, decode: view(Int16Array, 2) },
  U16: { bytes: 2, decode: view(Uint16Array, 2) },
  I8: { bytes: 1, decode: view(Int8Array, 1) },
  U8: { bytes: 1, decode: view(Uint8Array, 1) },
  BOOL: { bytes: 1, decode: view(Uint8Array, 1) },
};

const TO_DTYPE: Partial<Record<SafetensorsDType, DType>> = { F64: 'float64', F32: 'float32' };

/** Little-endian bytes of a float tensor's data. */
function rawBytes(data: Float64Array | Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (!LITTLE_ENDIAN) swapBytes(bytes, data.BYTES_PER_ELEMENT);
  return bytes;
}

/**
 * The module's parameters in the safetensors format, in `namedParameters()` order: F64 for
 * float64, F32 for float32. The JSON header is padded with spaces to a multiple of 8 bytes, so the
 * data section starts 8-byte aligned.
 */
export function saveSafetensors(module: Module, options: SaveSafetensorsOptions = {}): Uint8Array {
  const fn = 'saveSafetensors';
  const m = checkModule(fn, module);
  const o = checkOptions<SaveSafetensorsOptions>(fn, options, ['metadata']);
  // Without a prototype, a parameter called '__proto__' is an ordinary key that JSON.stringify writes.
  const header = nameTable<unknown>();
  if (o.metadata !== undefined) header.__metadata__ = checkMetadata(fn, 'metadata', o.metadata);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of m.namedParameters()) {
    if (name === '__metadata__') throw new ValueError(fn, `a parameter cannot be called '__metadata__'`);
    const bytes = rawBytes(t.data);
    header[name] = { dtype: t.dtype === 'float64' ? 'F64' : 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, json.length, true);
  dv.setUint32(4, Math.floor(json.length / 2 ** 32), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** One tensor as the header describes it, checked, its bytes not yet read. */
interface Slot {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

interface Header {
  slots: Slot[];
  metadata: Record<string, string>;
  /** The data section: the bytes after the header. */
  data: Uint8Array;
}

/** The JSON header, parsed, after its length has been checked against the file and the cap. */
function readJson(fn: string, bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new ValueError(fn, `expected a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 8) throw new ValueError(fn, `truncated file: ${bytes.length} bytes, but the header length alone takes 8`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER_BYTES)
    throw new ValueError(
      fn,
      `bad header: its length is ${n} bytes, but a safetensors header may have at most ${MAX_HEADER_BYTES} (the reference implementation's limit)`,
    );
  if (n > bytes.length - 8) throw new ValueError(fn, `truncated file: the header claims ${n} bytes but only ${bytes.length - 8} follow the length`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new ValueError(fn, `bad header: not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) throw new ValueError(fn, `bad header: expected a JSON object of name → tensor`);
  return { header, data: bytes.subarray(8 + n) };
}

/** One header entry, checked on its own: known dtype, a shape whose bytes are exactly [begin, end) inside the data section. */
function readSlot(fn: string, name: string, entry: unknown, dataLength: number): Slot {
  const bad = (what: string): never => {
    throw new ValueError(fn, `bad header: tensor '${name}' ${what}`);
  };
  if (!isPlainObject(entry)) bad(`must be an object {dtype, shape, data_offsets}`);
  const [dtype, shape, offsets] = ['dtype', 'shape', 'data_offsets'].map((k) => own(entry as object, k));
  if (typeof dtype !== 'string' || !Object.hasOwn(CODECS, dtype)) {
    bad(`has unsupported dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(CODECS).join(', ')}`);
  }
  if (!isDenseArray(shape) || !isShape(shape)) bad(`has a bad shape ${JSON.stringify(shape)}`);
  if (!isDenseArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) || offsets[0]! > offsets[1]!) {
    bad(`has bad data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end`);
  }
  const dims = shape as number[];
  const [begin, end] = offsets as [number, number];
  const itemBytes = CODECS[dtype as SafetensorsDType].bytes;
  const count = dims.reduce((a, b) => a * b, 1);
  if (end - begin !== count * itemBytes) bad(`has ${end - begin} bytes but shape ${formatShape(dims)} of ${dtype} needs ${count * itemBytes}`);
  if (end > dataLength) throw new ValueError(fn, `truncated file: tensor '${name}' ends at byte ${end} of the data section, which has ${dataLength}`);
  return { name, dtype: dtype as SafetensorsDType, shape: dims, count, begin, end };
}

/**
 * The whole header, checked before any tensor byte is read: every entry on its own, then (as the
 * reference implementation) that the tensors, sorted by offset, tile the data section exactly,
 * with no gap and no overlap. After this, decoding every slot reads each data byte once, so the
 * work and memory of a load are proportional to the file's size, whatever the header claims.
 */
function readHeader(fn: string, bytes: Uint8Array): Header {
  const { header, data } = readJson(fn, bytes);
  let metadata: Record<string, string> = {};
  const slots: Slot[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') metadata = checkMetadata(fn, 'bad header: __metadata__', entry);
    else slots.push(readSlot(fn, name, entry, data.length));
  }
  const sorted = [...slots].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const { begin, end, name } of sorted) {
    if (begin !== at) {
      throw new ValueError(
        fn,
        `bad header: tensor '${name}' starts at byte ${begin} but the previous tensor ends at ${at} (gaps and overlaps are not allowed)`,
      );
    }
    at = end;
  }
  if (at !== data.length) throw new ValueError(fn, `size mismatch: the tensors fill ${at} bytes but the data section has ${data.length}`);
  return { slots, metadata, data };
}

/** Every tensor of the file, in header order (decoded only after the whole header is checked). */
function parse(fn: string, bytes: Uint8Array): Map<string, SafetensorsTensor> {
  const { slots, data } = readHeader(fn, bytes);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const { name, dtype, shape, count, begin, end } of slots) {
    tensors.set(name, { dtype, shape, data: CODECS[dtype].decode(data.subarray(begin, end), count) });
  }
  return tensors;
}

/** Every tensor of a safetensors file: name → { dtype, shape, data } (all checked first). */
export function decodeSafetensors(bytes: Uint8Array): Map<string, SafetensorsTensor> {
  return parse('decodeSafetensors', bytes);
}

/** The "__metadata__" map of a safetensors file ({} when absent). */
export function safetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  return readHeader('safetensorsMetadata', bytes).metadata;
}

/**
 * Load a safetensors file into `module`'s parameters, in place. The names must match exactly
 * (no missing, no extra tensors), and each tensor's dtype (F64 ↔ float64, F32 ↔ float32) and
 * shape must agree; the whole file is checked before anything is written.
 */
export function loadSafetensors(module: Module, bytes: Uint8Array): void {
  const fn = 'loadSafetensors';
  const m = checkModule(fn, module);
  const tensors = parse(fn, bytes);
  const names = new Set(m.namedParameters().map(([name]) => name));
  const saved = new Map<string, SavedTensor>();
  for (const [name, t] of tensors) {
    const dtype = TO_DTYPE[t.dtype];
    if (dtype === undefined) {
      if (names.has(name)) throw new DTypeError(fn, `'${name}' has dtype ${t.dtype}; parameters load from F64 (float64) or F32 (float32) only`);
      // Not a parameter: assignParameters reports it as unexpected, whatever its dtype.
      saved.set(name, { dtype: 'float64', shape: t.shape, data: [] });
      continue;
    }
    saved.set(name, { dtype, shape: t.shape, data: t.data as Float64Array | Float32Array });
  }
  assignParameters(fn, m, saved);
}
