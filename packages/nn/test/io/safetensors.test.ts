import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DTypeError, ShapeError, ValueError, tensor } from '@pullback/autograd';
import { MLP, Rng, decodeSafetensors, loadSafetensors, safetensorsMetadata, saveSafetensors } from '../../src/index.ts';
import { MAX_HEADER_BYTES } from '../../src/io/safetensors.ts';
import { expectError, snapshot } from '../helpers.ts';
import { AWKWARD, Bag, Nested, bits } from './fixtures.ts';

/** A safetensors file from a header object and a data section, laid out by hand. */
function file(header: object | string, data: Uint8Array = new Uint8Array(0), pad = true): Uint8Array {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  if (pad) while (json.length % 8 !== 0) json += ' ';
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function le(kind: 'f64' | 'f32' | 'i32' | 'u16', values: number[]): Uint8Array {
  const width = { f64: 8, f32: 4, i32: 4, u16: 2 }[kind];
  const out = new Uint8Array(values.length * width);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (kind === 'f64') dv.setFloat64(i * width, v, true);
    else if (kind === 'f32') dv.setFloat32(i * width, v, true);
    else if (kind === 'i32') dv.setInt32(i * width, v, true);
    else dv.setUint16(i * width, v, true);
  });
  return out;
}

describe('saveSafetensors', () => {
  it('writes the documented layout: u64 LE length, space-padded JSON header, LE data', () => {
    const m = new Nested({ w: [1, 2, 3, 4], b: [-1, 0.5], s: [0.1] });
    const bytes = saveSafetensors(m, { metadata: { producer: 'pullback' } });
    const dv = new DataView(bytes.buffer);
    const n = dv.getUint32(0, true);
    expect(dv.getUint32(4, true)).toBe(0);
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeLessThanOrEqual(n);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    const header = JSON.parse(text);
    expect(header.__metadata__).toEqual({ producer: 'pullback' });
    expect(header.scale).toEqual({ dtype: 'F64', shape: [1], data_offsets: [0, 8] });
    expect(header['inner.weight']).toEqual({ dtype: 'F64', shape: [2, 2], data_offsets: [8, 40] });
    expect(header['inner.bias']).toEqual({ dtype: 'F64', shape: [2], data_offsets: [40, 56] });
    const data = new DataView(bytes.buffer, 8 + n);
    expect(bytes.length).toBe(8 + n + 56);
    expect([0, 8, 16, 24, 32, 40, 48].map((o) => data.getFloat64(o, true))).toEqual([0.1, 1, 2, 3, 4, -1, 0.5]);
  });

  it('round-trips bitwise, awkward values and float32 included', () => {
    const src = new Bag([
      ['a', tensor(AWKWARD)],
      ['b', tensor(AWKWARD.map(Math.fround), { dtype: 'float32' })],
      ['empty', tensor([])],
    ]);
    const dst = new Bag([
      ['a', tensor(AWKWARD.map(() => 1))],
      [
        'b',
        tensor(
          AWKWARD.map(() => 1),
          { dtype: 'float32' },
        ),
      ],
      ['empty', tensor([])],
    ]);
    loadSafetensors(dst, saveSafetensors(src));
    expect(dst.parameters().map(bits)).toEqual(src.parameters().map(bits));
  });

  it('round-trips any set of shapes and dtypes (property)', () => {
    const spec = fc.record({
      tensors: fc.array(
        fc.record({ shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), dtype: fc.constantFrom('float64' as const, 'float32' as const) }),
        { maxLength: 5 },
      ),
      seed: fc.integer({ min: 0, max: 1e6 }),
    });
    fc.assert(
      fc.property(spec, ({ tensors, seed }) => {
        const rng = new Rng(seed);
        const make = (fill: () => number): Bag =>
          new Bag(
            tensors.map((t, i) => [`t${i}`, tensor(Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, fill), { shape: t.shape, dtype: t.dtype })]),
          );
        const src = make(() => rng.normal() * 10 ** rng.int(20));
        const dst = make(() => 0);
        const bytes = saveSafetensors(src);
        loadSafetensors(dst, bytes);
        expect(dst.parameters().map(bits)).toEqual(src.parameters().map(bits));
        const decoded = decodeSafetensors(bytes);
        expect([...decoded.keys()]).toEqual(tensors.map((_, i) => `t${i}`));
        tensors.forEach((t, i) => {
          expect(decoded.get(`t${i}`)!.shape).toEqual(t.shape);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('an MLP saved and loaded into a differently seeded MLP gives the same outputs', () => {
    const a = new MLP([4, 3, 2], { outputActivation: 'sigmoid', seed: 1 });
    const b = new MLP([4, 3, 2], { outputActivation: 'sigmoid', seed: 2 });
    loadSafetensors(b, saveSafetensors(a));
    const x = tensor([[0.1, 0.2, 0.3, 0.4]]);
    expect(Array.from(b.forward(x).data)).toEqual(Array.from(a.forward(x).data));
  });
});

describe('decodeSafetensors', () => {
  it('decodes the bytes the reference serializer writes for {"test": torch.zeros((2, 2), dtype=torch.int32)}', () => {
    // b'@\x00\x00\x00\x00\x00\x00\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    ' + 16 zero bytes:
    // a 60-byte header padded with 4 spaces to 64 (0x40, '@').
    const header = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    ';
    expect(header.length).toBe(64);
    const bytes = file(header, new Uint8Array(16), false);
    expect(bytes[0]).toBe(0x40);
    const t = decodeSafetensors(bytes).get('test')!;
    expect(t.dtype).toBe('I32');
    expect(t.shape).toEqual([2, 2]);
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data as Int32Array)).toEqual([0, 0, 0, 0]);
  });

  it('decodes a hand-built header with several dtypes, any key order, and metadata', () => {
    const data = new Uint8Array([
      ...le('i32', [-7, 8]),
      ...le('f64', [Math.PI]),
      ...le('f32', [1.5, -2]),
      ...le('u16', [0x3c00, 0xc000, 0x7bff, 0x0001]),
      ...le('u16', [0x3f80, 0xc0a0]),
    ]);
    const fixed = file(
      {
        i: { dtype: 'I32', shape: [2, 1], data_offsets: [0, 8] },
        x: { dtype: 'F64', shape: [], data_offsets: [8, 16] },
        f: { dtype: 'F32', shape: [1, 2], data_offsets: [16, 24] },
        h: { dtype: 'F16', shape: [4], data_offsets: [24, 32] },
        bf: { dtype: 'BF16', shape: [2], data_offsets: [32, 36] },
        __metadata__: { format: 'pt', note: 'hand-built' },
      },
      data,
    );
    const d = decodeSafetensors(fixed);
    expect(Array.from(d.get('i')!.data as Int32Array)).toEqual([-7, 8]);
    expect(d.get('x')!.shape).toEqual([]);
    expect(Array.from(d.get('x')!.data as Float64Array)).toEqual([Math.PI]);
    expect(Array.from(d.get('f')!.data as Float32Array)).toEqual([1.5, -2]);
    expect(Array.from(d.get('h')!.data as Float32Array)).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Array.from(d.get('bf')!.data as Float32Array)).toEqual([1, -5]);
    expect(safetensorsMetadata(fixed)).toEqual({ format: 'pt', note: 'hand-built' });
  });

  it('reports truncated files and bad headers', () => {
    const ok = { a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } };
    const data = le('f64', [1, 2]);
    expectError(() => decodeSafetensors(new Uint8Array(5)), ValueError, 'decodeSafetensors', 'truncated file', '5 bytes');
    expectError(() => decodeSafetensors(file(ok, data).subarray(0, 20)), ValueError, 'decodeSafetensors', 'truncated file', 'header claims');
    const whole = file(ok, data);
    expectError(() => decodeSafetensors(whole.subarray(0, whole.length - 6)), ValueError, 'decodeSafetensors', 'truncated file', "'a'", 'ends at byte 16');
    expectError(() => decodeSafetensors(file('{"a": [1, 2', data)), ValueError, 'decodeSafetensors', 'bad header', 'JSON');
    expectError(() => decodeSafetensors(file('[1, 2]', data)), ValueError, 'decodeSafetensors', 'bad header', 'object');
    const badUtf8 = file('{"a":1}', new Uint8Array(0));
    badUtf8[9] = 0xff;
    expectError(() => decodeSafetensors(badUtf8), ValueError, 'decodeSafetensors', 'UTF-8');
    expectError(
      () => decodeSafetensors(file({ a: { dtype: 'F8', shape: [2], data_offsets: [0, 16] } }, data)),
      ValueError,
      'decodeSafetensors',
      'unsupported dtype "F8"',
    );
    expectError(
      () => decodeSafetensors(file({ a: { dtype: 'F64', shape: [3], data_offsets: [0, 16] } }, data)),
      ValueError,
      'decodeSafetensors',
      "'a'",
      '16 bytes',
      'needs 24',
    );
    expectError(
      () => decodeSafetensors(file({ a: { dtype: 'F64', shape: [2], data_offsets: [16, 0] } }, data)),
      ValueError,
      'decodeSafetensors',
      'data_offsets',
    );
    expectError(() => decodeSafetensors(file({ a: { dtype: 'F64', shape: [-2], data_offsets: [0, 16] } }, data)), ValueError, 'decodeSafetensors', 'bad shape');
    expectError(
      () => decodeSafetensors(file({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] }, b: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, data)),
      ValueError,
      'decodeSafetensors',
      'previous tensor ends',
    );
    expectError(
      () => decodeSafetensors(file({ a: { dtype: 'F64', shape: [1], data_offsets: [8, 16] } }, data)),
      ValueError,
      'decodeSafetensors',
      'starts at byte 8',
    );
    expectError(
      () => decodeSafetensors(file({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, data)),
      ValueError,
      'decodeSafetensors',
      'size mismatch',
    );
    expectError(() => decodeSafetensors(file({ __metadata__: { n: 1 } })), ValueError, 'decodeSafetensors', '__metadata__');
  });
});

describe('loadSafetensors', () => {
  it('rejects missing/extra names, shape and dtype mismatches, leaving parameters unchanged', () => {
    const target = new Nested({ w: [1, 2, 3, 4], b: [5, 6], s: [7] });
    const before = snapshot(target.parameters());
    const w = le('f64', [9, 9, 9, 9]);
    const b = le('f64', [9, 9]);
    const s = le('f64', [9]);
    const entries = {
      scale: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
      'inner.weight': { dtype: 'F64', shape: [2, 2], data_offsets: [8, 40] },
      'inner.bias': { dtype: 'F64', shape: [2], data_offsets: [40, 56] },
    };
    const all = new Uint8Array([...s, ...w, ...b]);
    const fn = 'loadSafetensors';
    expectError(
      () => loadSafetensors(target, file({ scale: entries.scale, 'inner.weight': entries['inner.weight'] }, new Uint8Array([...s, ...w]))),
      ValueError,
      fn,
      "missing 'inner.bias'",
    );
    expectError(
      () => loadSafetensors(target, file({ ...entries, extra: { dtype: 'F64', shape: [1], data_offsets: [56, 64] } }, new Uint8Array([...all, ...s]))),
      ValueError,
      fn,
      "unexpected 'extra'",
    );
    expectError(
      () => loadSafetensors(target, file({ ...entries, 'inner.weight': { dtype: 'F64', shape: [4], data_offsets: [8, 40] } }, all)),
      ShapeError,
      fn,
      "'inner.weight'",
      '[4]',
      '[2, 2]',
    );
    const f32 = new Uint8Array([...s, ...le('f32', [9, 9, 9, 9]), ...b]);
    expectError(
      () =>
        loadSafetensors(
          target,
          file(
            {
              ...entries,
              'inner.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [8, 24] },
              'inner.bias': { dtype: 'F64', shape: [2], data_offsets: [24, 40] },
            },
            f32,
          ),
        ),
      DTypeError,
      fn,
      "'inner.weight'",
      'float32',
      'float64',
    );
    const i32 = new Uint8Array([...le('i32', [9, 0]), ...w, ...b]);
    expectError(
      () => loadSafetensors(target, file({ ...entries, scale: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, i32)),
      DTypeError,
      fn,
      "'scale'",
      'I64',
    );
    expectError(() => loadSafetensors(target, file(entries, all).subarray(0, 100)), ValueError, fn, 'truncated');
    expect(snapshot(target.parameters())).toEqual(before);
    loadSafetensors(target, file(entries, all));
    expect(target.parameters().flatMap((p) => Array.from(p.data))).toEqual([9, 9, 9, 9, 9, 9, 9]);
  });

  it('checks its arguments', () => {
    expectError(() => saveSafetensors({} as never), ValueError, 'saveSafetensors', 'expected a Module');
    expectError(() => saveSafetensors(new Bag([]), { metadata: { a: 1 } as never }), ValueError, 'saveSafetensors', 'metadata');
    expectError(() => loadSafetensors(new Bag([]), [1, 2] as never), ValueError, 'loadSafetensors', 'Uint8Array');
  });
});

// Names from the file and from the module are looked up as own properties only.
const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'];

describe('safetensors: hostile names and metadata', () => {
  it('round-trips parameters named after Object.prototype members, __proto__ included', () => {
    const src = new Bag(PROTOTYPE_NAMES.map((n, i) => [n, tensor([i + 0.5, -i])]));
    const dst = new Bag(PROTOTYPE_NAMES.map((n) => [n, tensor([0, 0])]));
    const bytes = saveSafetensors(src);
    expect([...decodeSafetensors(bytes).keys()]).toEqual(PROTOTYPE_NAMES);
    loadSafetensors(dst, bytes);
    expect(dst.namedParameters().map(([n, p]) => [n, Array.from(p.data)])).toEqual(PROTOTYPE_NAMES.map((n, i) => [n, [i + 0.5, -i]]));
  });

  it("rejects a dtype that names one of Object.prototype's members", () => {
    for (const dtype of PROTOTYPE_NAMES) {
      expectError(
        () => decodeSafetensors(file({ a: { dtype, shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8))),
        ValueError,
        'decodeSafetensors',
        `unsupported dtype "${dtype}"`,
      );
    }
  });

  it('keeps a "__proto__" metadata key as an ordinary key, both ways', () => {
    const metadata = JSON.parse('{"__proto__": "evil", "format": "pt"}') as Record<string, string>;
    const bytes = saveSafetensors(new Bag([['w', tensor([1])]]), { metadata });
    const read = safetensorsMetadata(bytes);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
    expect(Object.entries(read)).toEqual([
      ['__proto__', 'evil'],
      ['format', 'pt'],
    ]);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
  });

  it('requires __metadata__ to be a plain object of strings, when reading and when writing', () => {
    for (const md of [['a', 'b'], [], 'text', null, { n: 1 }]) {
      expectError(() => safetensorsMetadata(file({ __metadata__: md })), ValueError, 'safetensorsMetadata', '__metadata__ must be an object of string values');
      expectError(() => decodeSafetensors(file({ __metadata__: md })), ValueError, 'decodeSafetensors', '__metadata__ must be an object of string values');
    }
    const model = new Bag([['w', tensor([1])]]);
    for (const md of [['a'], new Map([['a', 'b']]), { n: 1 }]) {
      expectError(() => saveSafetensors(model, { metadata: md as never }), ValueError, 'saveSafetensors', 'metadata must be an object of string values');
    }
  });
});

describe('safetensors: bounded work on hostile headers', () => {
  // Count the bytes copied by Uint8Array.prototype.slice, the copy every F64/F32/integer tensor is decoded through.
  const original = Uint8Array.prototype.slice;
  let copied = 0;
  const countCopies = (): void => {
    copied = 0;
    Object.defineProperty(Uint8Array.prototype, 'slice', {
      configurable: true,
      writable: true,
      value: function (this: Uint8Array, ...args: [number?, number?]) {
        const out = original.apply(this, args);
        copied += out.length;
        return out;
      },
    });
  };
  afterEach(() => {
    delete (Uint8Array.prototype as { slice?: unknown }).slice;
    expect(Uint8Array.prototype.slice).toBe(original);
  });

  /** `n` F64 tensors of `size` values, all pointing at the same bytes [0, 8·size) of a data section of n·8·size bytes. */
  function overlapping(n: number, size: number): Uint8Array {
    const header: Record<string, object> = {};
    for (let i = 0; i < n; i++) header[`t${i}`] = { dtype: 'F64', shape: [size], data_offsets: [0, 8 * size] };
    return file(header, new Uint8Array(n * 8 * size));
  }

  it('rejects tensors that share bytes before copying any of them', () => {
    const bytes = overlapping(64, 4096); // 2 MB of data; decoding each entry first copied 64 × 32 KB
    countCopies();
    expectError(() => decodeSafetensors(bytes), ValueError, 'decodeSafetensors', "tensor 't1' starts at byte 0 but the previous tensor ends at 32768");
    expectError(() => loadSafetensors(new Bag([]), bytes), ValueError, 'loadSafetensors', 'gaps and overlaps are not allowed');
    expectError(() => safetensorsMetadata(bytes), ValueError, 'safetensorsMetadata', 'gaps and overlaps are not allowed');
    expect(copied).toBe(0);
  });

  it('copies each data byte once for a valid file', () => {
    const src = new Bag(Array.from({ length: 64 }, (_, i) => [`t${i}`, tensor(Array.from({ length: 512 }, (_, j) => i + j))]));
    const bytes = saveSafetensors(src);
    countCopies();
    const decoded = decodeSafetensors(bytes);
    expect(copied).toBe(64 * 512 * 8);
    expect(Array.from(decoded.get('t63')!.data as Float64Array).slice(0, 3)).toEqual([63, 64, 65]);
  });

  it(`rejects a header longer than the reference implementation's cap (${MAX_HEADER_BYTES} bytes) before reading it`, () => {
    const bytes = new Uint8Array(64);
    new DataView(bytes.buffer).setUint32(0, MAX_HEADER_BYTES + 1, true);
    expectError(() => decodeSafetensors(bytes), ValueError, 'decodeSafetensors', `its length is ${MAX_HEADER_BYTES + 1} bytes`, `at most ${MAX_HEADER_BYTES}`);
  });
});
