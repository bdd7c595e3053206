import { describe, expect, it } from 'vitest';
import { DTypeError, Scalar, ShapeError, Tensor, ValueError, matmul, scalar, sigmoid, sum, tensor } from '../src/index.ts';

describe('backward(options) (issue 13, item 17)', () => {
  it("runs the README's loss.backward({ retainGraph: true }) and backward(seed, options)", () => {
    const W = tensor([[0.1, -0.2]], { requiresGrad: true });
    const loss = sum(sigmoid(matmul(tensor([[1], [2]]), W)));
    loss.backward({ retainGraph: true });
    const once = Array.from(W.grad!.data);
    loss.backward(2, { retainGraph: true });
    loss.backward(tensor(1));
    for (let i = 0; i < W.size; i++) expect(W.grad!.data[i]).toBeCloseTo(4 * once[i]!, 12);
  });

  it('accepts the same forms on Scalars', () => {
    const x = scalar(3);
    const y = x.mul(x);
    y.backward({ retainGraph: true });
    y.backward(2);
    expect(x.grad).toBe(18);
  });

  it('rejects unknown options instead of ignoring them', () => {
    const y = sum(tensor([1, 2], { requiresGrad: true }));
    expect(() => y.backward({ retainGrpah: true } as never)).toThrow(/backward: unknown option "retainGrpah"/);
    expect(() =>
      scalar(1)
        .mul(2)
        .backward({ createGraph: 'yes' } as never),
    ).toThrow(/backward: option createGraph must be true or false/);
  });
});

describe('exported constructors check their arguments (issue 13, item 18)', () => {
  it('Tensor: data must fill the shape, the shape must be sizes, the dtype must match', () => {
    expect(() => new Tensor(new Float64Array(3), [2, 2])).toThrow(ShapeError);
    expect(() => new Tensor(new Float64Array(3), [2, 2])).toThrow(/Tensor: 3 values cannot fill shape \[2, 2\]/);
    expect(() => new Tensor(new Float64Array(4), [-2, -2])).toThrow(ValueError);
    expect(() => new Tensor(new Float64Array(4), ['4'] as never)).toThrow(/Tensor: shape \["4"\] has size/);
    expect(() => new Tensor([1, 2] as never, [2])).toThrow(/Tensor: data must be a Float32Array or a Float64Array/);
    expect(() => new Tensor(new Float64Array(2), [2], 'float32')).toThrow(DTypeError);
    const t = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.dtype).toBe('float32');
    expect(tensor([1])).toBeInstanceOf(Tensor);
  });

  it('Scalar: the value must be a number', () => {
    expect(() => new Scalar('1' as never)).toThrow(/Scalar: expected a number, got string/);
    expect(new Scalar(1)).toBeInstanceOf(Scalar);
  });
});
