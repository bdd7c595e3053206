import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, tensor } from '@pullback/autograd';
import { MLP, loadJson, saveJson } from '../../src/index.ts';
import { expectError, snapshot } from '../helpers.ts';
import { AWKWARD, Bag, Nested, bits } from './fixtures.ts';

describe('saveJson / loadJson', () => {
  it('round-trips bitwise, −0, ±Infinity, NaN and subnormals included', () => {
    const src = new Bag([
      ['a', tensor(AWKWARD)],
      ['b', tensor(AWKWARD.map(Math.fround), { dtype: 'float32' })],
    ]);
    const dst = new Bag([
      ['a', tensor(AWKWARD.map(() => 7))],
      [
        'b',
        tensor(
          AWKWARD.map(() => 7),
          { dtype: 'float32' },
        ),
      ],
    ]);
    loadJson(dst, saveJson(src));
    const [a, b] = dst.parameters();
    expect(bits(a!)).toEqual(bits(src.parameters()[0]!));
    expect(bits(b!)).toEqual(bits(src.parameters()[1]!));
  });

  it('writes a readable document and loads it back into an MLP of the same shape', () => {
    const src = new MLP([3, 4, 2], { outputActivation: 'sigmoid', seed: 1 });
    const json = saveJson(src);
    const doc = JSON.parse(json);
    expect(doc.format).toBe('pullback-parameters');
    expect(doc.version).toBe(1);
    expect(Object.keys(doc.tensors)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    expect(doc.tensors['layers.1.bias']).toEqual({ dtype: 'float64', shape: [2], data: Array.from(src.layers[1]!.bias!.data) });
    const dst = new MLP([3, 4, 2], { outputActivation: 'sigmoid', seed: 2 });
    const weight = dst.layers[0]!.weight;
    loadJson(dst, doc);
    expect(dst.layers[0]!.weight).toBe(weight); // loaded in place
    expect(dst.parameters().map((p) => Array.from(p.data))).toEqual(src.parameters().map((p) => Array.from(p.data)));
  });

  it('rejects mismatches and leaves every parameter unchanged', () => {
    const values = { w: [1, 2, 3, 4], b: [5, 6], s: [7] };
    const target = new Nested(values);
    const before = snapshot(target.parameters());
    const doc = JSON.parse(saveJson(new Nested({ w: [9, 9, 9, 9], b: [9, 9], s: [9] })));
    const variant = (edit: (d: any) => void): string => {
      const d = structuredClone(doc);
      edit(d);
      return JSON.stringify(d);
    };
    expectError(
      () =>
        loadJson(
          target,
          variant((d) => delete d.tensors['inner.bias']),
        ),
      ValueError,
      'loadJson',
      "missing 'inner.bias'",
    );
    expectError(
      () =>
        loadJson(
          target,
          variant((d) => (d.tensors.extra = d.tensors.scale)),
        ),
      ValueError,
      'loadJson',
      "unexpected 'extra'",
    );
    expectError(
      () =>
        loadJson(
          target,
          variant((d) => (d.tensors.scale = { dtype: 'float64', shape: [1, 1], data: [1] })),
        ),
      ShapeError,
      'loadJson',
      "'scale'",
      '[1, 1]',
      '[1]',
    );
    expectError(
      () =>
        loadJson(
          target,
          variant((d) => (d.tensors.scale.dtype = 'float32')),
        ),
      DTypeError,
      'loadJson',
      "'scale'",
      'float32',
      'float64',
    );
    expectError(
      () =>
        loadJson(
          target,
          variant((d) => (d.tensors.scale.data = [1, 2])),
        ),
      ValueError,
      'loadJson',
      '2 values for shape [1]',
    );
    expectError(
      () =>
        loadJson(
          target,
          variant((d) => (d.tensors.scale.data = ['x'])),
        ),
      ValueError,
      'loadJson',
      '"x"',
      'not a number',
    );
    expectError(
      () =>
        loadJson(
          target,
          variant((d) => (d.format = 'other')),
        ),
      ValueError,
      'loadJson',
      'format',
    );
    expectError(
      () =>
        loadJson(
          target,
          variant((d) => (d.version = 2)),
        ),
      ValueError,
      'loadJson',
      'version 2',
    );
    expectError(() => loadJson(target, '{"format": '), ValueError, 'loadJson', 'not valid JSON');
    expectError(() => loadJson({} as never, doc), ValueError, 'loadJson', 'expected a Module');
    expect(snapshot(target.parameters())).toEqual(before);
  });
});

// Names and values from a file or the user are looked up as own properties only: 'constructor',
// '__proto__' and friends must never be answered by Object.prototype.
const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'];

describe('loadJson: hostile names, values and sparse arrays', () => {
  it("rejects a value that names one of Object.prototype's members (it used to load as NaN)", () => {
    for (const v of PROTOTYPE_NAMES) {
      const target = new Bag([['w', tensor([1, 2])]]);
      const text = JSON.stringify({ format: 'pullback-parameters', version: 1, tensors: { w: { dtype: 'float64', shape: [2], data: [3, v] } } });
      expectError(() => loadJson(target, text), ValueError, 'loadJson', `value ${JSON.stringify(v)} at position 1 is not a number`);
      expect(Array.from(target.parameters()[0]!.data)).toEqual([1, 2]);
    }
  });

  it('rejects holes in a sparse data or shape array (they used to load as 0)', () => {
    const target = new Bag([['w', tensor([1, 2, 3])]]);
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    const data = [4, , 6];
    expectError(
      () => loadJson(target, { format: 'pullback-parameters', version: 1, tensors: { w: { dtype: 'float64', shape: [3], data } } }),
      ValueError,
      'loadJson',
      "tensor 'w'",
      'hole at position 1',
    );
    const wide = new Bag([['w', tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] })]]);
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    const shape = [, 3];
    expectError(
      () => loadJson(wide, { format: 'pullback-parameters', version: 1, tensors: { w: { dtype: 'float64', shape, data: [0, 0, 0] } } }),
      ValueError,
      'loadJson',
      "tensor 'w'",
      'shape must be an array of non-negative integers',
    );
    expect(Array.from(target.parameters()[0]!.data)).toEqual([1, 2, 3]);
    expect(Array.from(wide.parameters()[0]!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('round-trips parameters named after Object.prototype members, __proto__ included', () => {
    const src = new Bag(PROTOTYPE_NAMES.map((n, i) => [n, tensor([i + 0.5, -i])]));
    const dst = new Bag(PROTOTYPE_NAMES.map((n) => [n, tensor([0, 0])]));
    const text = saveJson(src);
    const doc = JSON.parse(text);
    expect(Object.keys(doc.tensors)).toEqual(PROTOTYPE_NAMES);
    expect(Object.hasOwn(doc.tensors, '__proto__')).toBe(true);
    loadJson(dst, text);
    expect(dst.namedParameters().map(([n, p]) => [n, Array.from(p.data)])).toEqual(PROTOTYPE_NAMES.map((n, i) => [n, [i + 0.5, -i]]));
  });

  it('reads only own properties of the document and of each entry', () => {
    const target = new Bag([['w', tensor([1, 2])]]);
    const doc = { format: 'pullback-parameters', version: 1, tensors: { w: { dtype: 'float64', shape: [2], data: [3, 4] } } };
    expectError(() => loadJson(target, Object.create(doc)), ValueError, 'loadJson', 'format is undefined');
    const entry = Object.create({ data: [3, 4] });
    Object.assign(entry, { dtype: 'float64', shape: [2] });
    expectError(() => loadJson(target, { ...doc, tensors: { w: entry } }), ValueError, 'loadJson', "tensor 'w'", 'data must be an array');
    expect(Array.from(target.parameters()[0]!.data)).toEqual([1, 2]);
  });
});
