import { describe, expect, it } from 'vitest';
import { GraphError, type Tensor, add, grad, matmul, mul, noGrad, scalar, sum, tanh, tensor } from '../src/index.ts';
import { expectClose, fdGrad, fixedTensor as t } from './support/fd.ts';

describe('the backward pass', () => {
  it('adds the cotangents of a value used three times (fan-out)', () => {
    const x = tensor(0.7, { requiresGrad: true });
    // y = x·x + tanh(x) + 3x: x feeds three branches (four uses)
    const f = (v: Tensor) => add(add(mul(v, v), tanh(v)), mul(v, 3));
    f(x).backward();
    expectClose(
      x.grad!,
      fdGrad((v) => f(v).item(), x),
      1e-8,
    );
    // closed form: 2x + sech²x + 3
    expectClose(x.grad!, 2 * 0.7 + 1 / Math.cosh(0.7) ** 2 + 3, 1e-12);
  });

  it('leaves .grad null on a leaf the root does not reach, and grad() returns zeros for it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const unused = tensor([[1, 2, 3]], { requiresGrad: true });
    sum(mul(x, x)).backward();
    expect(x.grad!.toArray()).toEqual([2, 4]);
    expect(unused.grad).toBeNull();

    const [gx, gu] = grad((a: Tensor, _b: Tensor) => sum(mul(a, a)), { argnums: [0, 1] })(tensor([1, 2]), tensor([[1, 2, 3]]));
    expect(gx.toArray()).toEqual([2, 4]);
    expect(gu.shape).toEqual([1, 3]);
    expect(gu.toArray()).toEqual([[0, 0, 0]]);
  });

  it('walks a 1,000,000-node scalar chain without overflowing the stack', () => {
    const x = scalar(0.5);
    let y = x;
    // y_{k+1} = y_k + x  =>  y_N = (N + 1) x, dy_N/dx = N + 1
    for (let i = 0; i < 1_000_000; i++) y = y.add(x);
    y.backward();
    expect(x.grad).toBe(1_000_001);
  });

  it('walks a 100,000-op tensor chain without overflowing the stack', () => {
    const x = tensor([1, -2, 3], { requiresGrad: true });
    const c = 1 + 1e-5;
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.mul(c);
    sum(y).backward();
    // y = cᴺ x  =>  dy/dx = cᴺ
    expectClose(x.grad!, [c ** 1e5, c ** 1e5, c ** 1e5], 1e-10);
  });

  it('accumulates .grad across two backward() calls; zeroGrad() resets it', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const loss = () => sum(mul(x, x));
    loss().backward();
    loss().backward();
    expect(x.grad!.toArray()).toEqual([4, 8, 12]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    loss().backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
  });

  it('allows a second backward through the same graph with retainGraph: true', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = sum(mul(x, x));
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.toArray()).toEqual([4, 8]);
  });

  it('refuses a second backward through a freed graph, naming the op and retainGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = sum(mul(x, x));
    y.backward();
    const before = x.grad!.toArray();
    expect(() => y.backward()).toThrow(GraphError);
    expect(() => y.backward()).toThrow(/op 'sum'.*retainGraph/s);
    // A new computation on a freed intermediate cannot be differentiated through it either.
    expect(() => y.mul(2).backward()).toThrow(/freed.*retainGraph/s);
    expect(x.grad!.toArray()).toEqual(before);
  });

  it('asks for a seed of the output shape when the root is not a single element', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const y = mul(x, x);
    expect(() => y.backward()).toThrow(GraphError);
    expect(() => y.backward()).toThrow(/^backward: .*shape \[2, 3\].*pass a seed/);
  });

  it('pulls back an explicit seed: x.grad = vᵀJ, checked against finite differences', () => {
    const W = tensor([
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
    ]);
    const f = (x: Tensor) => tanh(matmul(W, x)); // [2, 3] @ [3] -> [2]
    const v = tensor([0.3, -1.2]);
    const x = tensor([0.2, -0.4, 0.9], { requiresGrad: true });
    f(x).backward(v);
    expectClose(
      x.grad!,
      fdGrad((z) => sum(mul(f(z), v)).item(), x),
      1e-8,
    );
    // a numeric seed fills the output shape
    x.zeroGrad();
    f(x).backward(2);
    expectClose(
      x.grad!,
      fdGrad((z) => sum(f(z)).item() * 2, x),
      1e-8,
    );
  });

  it('records the backward pass with createGraph: the second derivative of x³ is 6x', () => {
    const x = tensor(1.5, { requiresGrad: true });
    mul(mul(x, x), x).backward(undefined, { createGraph: true });
    const dx = x.grad!;
    expectClose(dx, 3 * 1.5 ** 2, 1e-12);
    expect(dx.requiresGrad).toBe(true);
    x.zeroGrad();
    dx.backward();
    expectClose(x.grad!, 6 * 1.5, 1e-12);
  });

  it('records nothing under noGrad: results are constants', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => sum(mul(x, x)));
    expect(y.requiresGrad).toBe(false);
    expect(y.isLeaf).toBe(true);
    expect(() => y.backward()).toThrow(GraphError);
    // and recording resumes afterwards
    expect(sum(mul(x, x)).requiresGrad).toBe(true);
  });

  it('stops gradients at detach()', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    // y = Σ x ⊙ stop(x)  =>  dy/dx = x (not 2x)
    sum(mul(x, x.detach())).backward();
    expect(x.grad!.toArray()).toEqual([1, 2, 3]);
    expect(x.detach().requiresGrad).toBe(false);
  });

  it('keeps the gradient of an intermediate after retainGrad()', () => {
    const x = tensor([1, -2], { requiresGrad: true });
    const h = mul(x, 3).retainGrad();
    const hNot = mul(x, 2);
    sum(mul(mul(h, h), hNot)).backward();
    // y = Σ h² k, h = 3x, k = 2x  =>  dy/dh = 2 h k
    expect(h.grad!.toArray()).toEqual([2 * 3 * 2, 2 * -6 * -4]);
    expect(hNot.grad).toBeNull();
    // d/dx (Σ 18 x³) = 54 x²
    expectClose(x.grad!, [54, 216], 1e-12);
  });

  describe('sums broadcast cotangents back to each input shape', () => {
    const cases: [string, number[], number[], (a: Tensor, b: Tensor) => Tensor][] = [
      ['[3] + [2, 3]', [3], [2, 3], add],
      ['[2, 1] * [1, 3]', [2, 1], [1, 3], mul],
      ['scalar * matrix', [], [2, 3], mul],
      ['matrix * [1, 1, 3] (rank grows)', [2, 3], [1, 1, 3], mul],
    ];
    for (const [label, sa, sb, op] of cases) {
      it(label, () => {
        const a = t(sa).requireGrad();
        const b = t(sb, 7).requireGrad();
        const out = noGrad(() => op(a, b));
        // weight the output so that every output entry matters differently
        const w = t(out.shape, 3);
        const f = (x: Tensor, y: Tensor) => sum(mul(tanh(op(x, y)), w));
        f(a, b).backward();
        expect(a.grad!.shape).toEqual(sa);
        expect(b.grad!.shape).toEqual(sb);
        expectClose(
          a.grad!,
          fdGrad((x) => f(x, b).item(), a),
          1e-8,
        );
        expectClose(
          b.grad!,
          fdGrad((y) => f(a, y).item(), b),
          1e-8,
        );
      });
    }
  });
});
