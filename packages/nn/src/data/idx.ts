import { ValueError, formatShape } from '@pullback/autograd';
import { describe } from '../internal/check.ts';

/** The element types of the IDX format, by type code. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  shape: number[];
  /** Row-major values, converted from big-endian. */
  data: IdxData;
  type: IdxType;
}

const TYPES: Record<number, { type: IdxType; bytes: number; make: (n: number) => IdxData; read: (v: DataView, at: number) => number }> = {
  8: { type: 'uint8', bytes: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) },
  9: { type: 'int8', bytes: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) },
  11: { type: 'int16', bytes: 2, make: (n) => new Int16Array(n), read: (v, at) => v.getInt16(at, false) },
  12: { type: 'int32', bytes: 4, make: (n) => new Int32Array(n), read: (v, at) => v.getInt32(at, false) },
  13: { type: 'float32', bytes: 4, make: (n) => new Float32Array(n), read: (v, at) => v.getFloat32(at, false) },
  14: { type: 'float64', bytes: 8, make: (n) => new Float64Array(n), read: (v, at) => v.getFloat64(at, false) },
};

function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}

/** What an IDX header declares: the element type, the shape, and the sizes in bytes it implies. */
export interface IdxHeader {
  type: IdxType;
  shape: number[];
  /** 4 + 4 × rank. */
  headerBytes: number;
  /** headerBytes + (product of the sizes) × the element width: the whole file's length. */
  totalBytes: number;
}

/**
 * The header of an IDX file from its first bytes (at most 4 + 4 × 255 are needed); `bytes` may
 * stop after the header. Throws a ValueError for a bad magic or a header cut short.
 */
export function readIdxHeader(fn: string, bytes: Uint8Array): IdxHeader {
  if (bytes.length < 4) throw new ValueError(fn, `truncated file: ${bytes.length} bytes, but the IDX magic number alone needs 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = bytes[2]!;
  const rank = bytes[3]!;
  const kind = Object.hasOwn(TYPES, code) ? TYPES[code] : undefined;
  if (bytes[0] !== 0 || bytes[1] !== 0 || kind === undefined) {
    throw new ValueError(
      fn,
      `bad magic number ${hex(view.getUint32(0, false), 8)}; an IDX file starts with 0x00 0x00, a type code (0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e) and the rank` +
        ` (MNIST: 0x00000803 images, 0x00000801 labels). Is the file still gzipped?`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new ValueError(fn, `truncated file: the header of a rank-${rank} IDX file needs ${headerBytes} bytes, got ${bytes.length}`);
  }
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  return { type: kind.type, shape, headerBytes, totalBytes: headerBytes + count * kind.bytes };
}

/**
 * Parse an IDX file (the MNIST format): a 4-byte magic 0x00 0x00 <type> <rank> (0x00000803 for
 * MNIST images, 0x00000801 for labels), `rank` big-endian uint32 sizes, then the values,
 * big-endian, row-major. Type codes: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
 * 0x0E float64. Throws a ValueError for a bad magic, a truncated file or trailing bytes.
 */
export function readIdx(bytes: Uint8Array): IdxArray {
  const fn = 'readIdx';
  if (!(bytes instanceof Uint8Array)) throw new ValueError(fn, `expected a Uint8Array (e.g. from fs.readFileSync), got ${describe(bytes)}`);
  const { type, shape, headerBytes, totalBytes: expected } = readIdxHeader(fn, bytes);
  const kind = TYPES[bytes[2]!]!;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length < expected) {
    throw new ValueError(
      fn,
      `truncated file: shape ${formatShape(shape)} of ${type} needs ${expected} bytes (header ${headerBytes} + data ${count * kind.bytes}), got ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new ValueError(fn, `size mismatch: shape ${formatShape(shape)} of ${type} needs ${expected} bytes, but the file has ${bytes.length - expected} more`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = kind.make(count);
  if (kind.bytes === 1) {
    data.set(type === 'uint8' ? bytes.subarray(headerBytes) : new Int8Array(bytes.buffer, bytes.byteOffset + headerBytes, count));
  } else {
    for (let i = 0; i < count; i++) data[i] = kind.read(view, headerBytes + i * kind.bytes);
  }
  return { shape, data, type };
}
