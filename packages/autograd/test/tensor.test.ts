import { describe, expect, it } from 'vitest';
import { ShapeError, Tensor, ValueError, arange, eye, ones, tensor, zeros } from '../src/index.ts';
import { thrown } from './support/thrown.ts';

describe('tensor()', () => {
  it('makes a 0-d tensor from a number', () => {
    const x = tensor(2.5);
    expect(x.shape).toEqual([]);
    expect(x.rank).toBe(0);
    expect(x.size).toBe(1);
    expect(x.item()).toBe(2.5);
    expect(x.toArray()).toBe(2.5);
  });

  it('reads nested arrays row-major and infers the shape', () => {
    const x = tensor([[[1, 2]], [[3, 4]], [[5, 6]]]);
    expect(x.shape).toEqual([3, 1, 2]);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(x.toArray()).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
  });

  it('reads an empty array as shape [0]', () => {
    const x = tensor([]);
    expect(x.shape).toEqual([0]);
    expect(x.toArray()).toEqual([]);
  });

  it('copies its source: mutating the array or typed array afterwards changes nothing', () => {
    const nested = [
      [1, 2],
      [3, 4],
    ];
    const a = tensor(nested);
    nested[0]![0] = 99;
    expect(a.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);

    const typed = new Float64Array([1, 2, 3]);
    const b = tensor(typed);
    typed[0] = 99;
    expect(b.toArray()).toEqual([1, 2, 3]);
    expect(b.data).not.toBe(typed);

    const f32 = new Float32Array([1, 2]);
    const c = tensor(f32);
    f32[1] = 99;
    expect(c.toArray()).toEqual([1, 2]);
  });

  it('infers float64 by default and float32 from a Float32Array; other typed arrays become float64', () => {
    expect(tensor([1, 2]).dtype).toBe('float64');
    expect(tensor([1, 2]).data).toBeInstanceOf(Float64Array);
    expect(tensor(new Float32Array([1, 2])).dtype).toBe('float32');
    expect(tensor(new Int32Array([1, -2])).dtype).toBe('float64');
    expect(tensor(new Int32Array([1, -2])).toArray()).toEqual([1, -2]);
  });

  it('stores float32 when asked, rounding to single precision', () => {
    const x = tensor([0.1, 1 / 3], { dtype: 'float32' });
    expect(x.dtype).toBe('float32');
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(x.data[0]).toBe(Math.fround(0.1));
    expect(x.data[1]).not.toBe(1 / 3);
    expect(tensor(new Float32Array([0.5]), { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('reads flat data in a given shape', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor(new Float64Array([7]), { shape: [] }).toArray()).toBe(7);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(ValueError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/^tensor: 3 values cannot fill shape \[2, 2\]/);
  });

  it('sets requiresGrad and name from options', () => {
    const x = tensor([1], { requiresGrad: true, name: 'w' });
    expect(x.requiresGrad).toBe(true);
    expect(x.isLeaf).toBe(true);
    expect(x.name).toBe('w');
  });

  it('rejects ragged data, naming tensor, the position and the expected shape', () => {
    const err = thrown(() =>
      tensor([
        [1, 2, 3],
        [4, 5],
      ]),
    );
    expect(err).toBeInstanceOf(ValueError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^tensor: /);
    expect(msg).toContain('[1]');
    expect(msg).toContain('[2, 3]');

    expect(() => tensor([[[1], [2]], [[3]]])).toThrow(/^tensor: .*\[1\].*\[2, 2, 1\]/);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/^tensor: .*\[1\].*\[2, 2\]/);
  });

  it('rejects non-numeric entries, naming tensor, the position and the expected shape', () => {
    expect(() =>
      tensor([
        [1, 'a'],
        [3, 4],
      ] as never),
    ).toThrow(ValueError);
    expect(() =>
      tensor([
        [1, 'a'],
        [3, 4],
      ] as never),
    ).toThrow(/^tensor: element at \[0, 1\] is string a.*\[2, 2\]/);
    expect(() => tensor([1, [2]] as never)).toThrow(/^tensor: element at \[1\].*\[2\]/);
    expect(() => tensor([1, null] as never)).toThrow(/^tensor: element at \[1\] is null/);
    expect(() => tensor('12' as never)).toThrow(/^tensor: cannot make a tensor from string/);
    expect(() => tensor([1, 2], { dtype: 'int32' as never })).toThrow(/^tensor: unknown dtype "int32"/);
  });
});

describe('Tensor accessors', () => {
  it('item() needs one element', () => {
    expect(tensor([[3]]).item()).toBe(3);
    expect(() => tensor([1, 2]).item()).toThrow(ShapeError);
    expect(() => tensor([1, 2]).item()).toThrow(/^Tensor\.item: .*\[2\]/);
  });

  it('toString shows values, shape and dtype', () => {
    expect(String(tensor([1, 2], { requiresGrad: true }))).toBe('tensor([1,2], shape=[2], dtype=float64, requiresGrad)');
  });

  it('is immutable from the API: operations return new tensors', () => {
    const x = tensor([1, 2]);
    const y = x.add(1);
    expect(y).not.toBe(x);
    expect(x.toArray()).toEqual([1, 2]);
  });
});

describe('creation helpers', () => {
  it('zeros and ones', () => {
    expect(zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(ones([2], 'float32').data).toEqual(new Float32Array([1, 1]));
    expect(zeros([]).toArray()).toBe(0);
    expect(zeros([0, 3]).size).toBe(0);
    expect(() => zeros([2, -1])).toThrow(/^zeros: shape \[2, -1\]/);
    expect(() => ones([1.5])).toThrow(/^ones: /);
  });

  it('arange follows NumPy', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(1, 0, -0.25).toArray()).toEqual([1, 0.75, 0.5, 0.25]);
    expect(arange(0, 1, 0.1).size).toBe(10);
    expect(arange(3, 1).size).toBe(0);
    expect(() => arange(0, 1, 0)).toThrow(/^arange: step/);
    expect(() => arange(0, Infinity)).toThrow(/^arange: /);
  });

  it('eye is the identity', () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(0).shape).toEqual([0, 0]);
    expect(() => eye(-1)).toThrow(/^eye: /);
  });

  it('makes Tensor instances that are leaves', () => {
    for (const x of [zeros([1]), ones([1]), arange(2), eye(2), tensor(1)]) {
      expect(x).toBeInstanceOf(Tensor);
      expect(x.isLeaf).toBe(true);
      expect(x.requiresGrad).toBe(false);
    }
  });
});
