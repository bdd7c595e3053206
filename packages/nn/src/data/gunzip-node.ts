// Node-only (node:zlib). A gzipped IDX file is inflated at most to the size its own header
// declares, so a small hostile .gz (a 261 KB file can inflate to 268 MB) costs no more memory or
// time than an honest file of the shape it claims.
import { constants as bufferConstants } from 'node:buffer';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { ZlibOptions } from 'node:zlib';
import { ValueError, formatShape } from '@pullback/autograd';
import { readIdxHeader } from './idx.ts';

/** The longest IDX header: the 4-byte magic and 255 sizes. */
const MAX_IDX_HEADER = 4 + 4 * 255;

/**
 * How far a probe may inflate past the bytes it wants. Deflate emits at most 258 bytes per 2 bits
 * of input (≈ 1032 per byte), so one more input byte can never jump over this margin.
 */
const MARGIN = 64 * 1024;

/** gzip's magic bytes 0x1f 0x8b, whatever the file is called. */
export function isGzip(raw: Uint8Array): boolean {
  return raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
}

/** The error for a file that is not a valid IDX file: what the IDX reader said, with the path. */
export function invalidIdx(fn: string, path: string, e: unknown): ValueError {
  return new ValueError(fn, `${path} is not a valid IDX file: ${(e as Error).message}`);
}

/** `gunzipSync`, or null when the output would pass `options.maxOutputLength`; zlib's other errors become ValueErrors. */
function gunzip(fn: string, path: string, input: Uint8Array, options: ZlibOptions): Uint8Array | null {
  try {
    const out = gunzipSync(input, options);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return null;
    throw new ValueError(fn, `${path} is not a valid gzip file: ${(e as Error).message}`);
  }
}

/**
 * At least the first `want` inflated bytes (all of them if the file inflates to fewer), never
 * inflating more than want + MARGIN: inflate growing prefixes of the input (a cut stream inflates
 * as far as it goes with Z_SYNC_FLUSH), doubling while short, then bisecting once a prefix
 * overshoots. Each probe stops at want + MARGIN output, so the work is O(log(file) · (want + MARGIN)).
 */
function inflatePrefix(fn: string, path: string, raw: Uint8Array, want: number): Uint8Array {
  const probe = (k: number): Uint8Array | null =>
    gunzip(fn, path, raw.subarray(0, k), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: want + MARGIN });
  let short = 0; // a prefix length that inflates to fewer than `want` bytes
  let k = Math.min(raw.length, 256);
  for (;;) {
    const out = probe(k);
    if (out === null) break;
    if (out.length >= want || k === raw.length) return out;
    short = k;
    k = Math.min(raw.length, 2 * k);
  }
  let over = k; // a prefix length that inflates past want + MARGIN
  while (over - short > 1) {
    const mid = Math.floor((short + over) / 2);
    const out = probe(mid);
    if (out === null) over = mid;
    else if (out.length >= want) return out;
    else short = mid;
  }
  throw new ValueError(fn, `${path} is not a valid gzip file: one byte of it inflates to more than ${MARGIN} bytes`);
}

/**
 * Inflate a gzipped IDX file, reading its header from a small inflated prefix first and then
 * inflating at most the header-declared size: a file that inflates past it or short of it is
 * rejected with a ValueError naming `fn` and `path`.
 */
export function gunzipIdx(fn: string, path: string, raw: Uint8Array): Uint8Array {
  let header: ReturnType<typeof readIdxHeader>;
  try {
    header = readIdxHeader('readIdx', inflatePrefix(fn, path, raw, MAX_IDX_HEADER));
  } catch (e) {
    throw e instanceof ValueError && e.fn === fn ? e : invalidIdx(fn, path, e);
  }
  const { type, shape, totalBytes } = header;
  const declared = `${totalBytes} bytes its IDX header declares (shape ${formatShape(shape)} of ${type})`;
  if (totalBytes > bufferConstants.MAX_LENGTH) throw new ValueError(fn, `${path} is too large: the ${declared} are more than a buffer can hold`);
  const out = gunzip(fn, path, raw, { maxOutputLength: totalBytes });
  if (out === null) throw new ValueError(fn, `${path} inflates to more than the ${declared}; the file is corrupt or hostile`);
  if (out.length < totalBytes) throw new ValueError(fn, `${path} inflates to ${out.length} bytes, fewer than the ${declared}; the file is truncated`);
  return out;
}
