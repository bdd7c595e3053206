// Known values for the shape and indexing ops of issue #16, from the NumPy, PyTorch and
// TensorFlow documentation (quoted per test) and from explicit loops; gradients at known points;
// float32 against float64; argument errors. Gradients to second order on generated cases are the
// op table's (ops.test.ts).
import { describe, expect, it } from 'vitest';
import { PullbackError, detectAnomaly, explain, flatten, flattenTree, grad, hessian, jvp, noGrad, tensor, toDot, type Tensor } from '../src/index.ts';
import * as ops from '../src/ops/index.ts';

const values = (t: Tensor): number[] => Array.from(t.data);
const nested = (t: Tensor): unknown => t.toArray();
const arange = (n: number, shape: number[]): Tensor =>
  tensor(
    Array.from({ length: n }, (_, i) => i),
    { shape },
  );

/** Gradient of Σ w ⊙ f(x) at x (w fixed, so every output entry weighs differently). */
function weightedGrad(f: (x: Tensor) => Tensor, x: Tensor, w: (n: number) => number = (i) => i + 1): number[] {
  const y = f(x);
  const weights = tensor(
    Array.from({ length: y.size }, (_, i) => w(i)),
    { shape: y.shape },
  );
  return values(grad((t: Tensor) => ops.sum(ops.mul(f(t), weights)))(x) as Tensor);
}

describe('layout', () => {
  it('tile as np.tile (docs: np.tile([0, 1, 2], (2, 2)), np.tile([[1, 2], [3, 4]], (2, 1)))', () => {
    expect(nested(ops.tile(tensor([0, 1, 2]), [2, 2]))).toEqual([
      [0, 1, 2, 0, 1, 2],
      [0, 1, 2, 0, 1, 2],
    ]);
    expect(
      nested(
        ops.tile(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          [2, 1],
        ),
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
      [1, 2],
      [3, 4],
    ]);
    // each copy sends its cotangent back: x[i] gets Σ over copies
    expect(weightedGrad((x) => ops.tile(x, [3]), tensor([5, 7]))).toEqual([1 + 3 + 5, 2 + 4 + 6]);
  });

  it('repeat as np.repeat (docs: np.repeat([[1, 2], [3, 4]], [1, 2], axis=0); no axis flattens)', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(nested(ops.repeat(x, [1, 2], 0))).toEqual([
      [1, 2],
      [3, 4],
      [3, 4],
    ]);
    expect(values(ops.repeat(x, 2))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(nested(ops.repeat(x, 2, 1))).toEqual([
      [1, 1, 2, 2],
      [3, 3, 4, 4],
    ]);
    expect(weightedGrad((t) => ops.repeat(t, [0, 3, 1]), tensor([1, 2, 3]))).toEqual([0, 1 + 2 + 3, 4]);
  });

  it('flip as np.flip (all axes, one axis); its gradient flips back', () => {
    const x = arange(6, [2, 3]);
    expect(nested(ops.flip(x))).toEqual([
      [5, 4, 3],
      [2, 1, 0],
    ]);
    expect(nested(ops.flip(x, -1))).toEqual([
      [2, 1, 0],
      [5, 4, 3],
    ]);
    expect(weightedGrad((t) => ops.flip(t), tensor([0, 0, 0]))).toEqual([3, 2, 1]);
  });

  it('split as tf.split (sections, sizes with −1) and chunk as torch.chunk (docs: 11 in 6 → 2,2,2,2,2,1; 6 in 4 → 2,2,2)', () => {
    const x = arange(12, [2, 6]);
    expect(ops.split(x, 3, 1).map((p) => p.shape)).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(ops.split(x, [1, -1, 2], 1).map(nested)).toEqual([
      [[0], [6]],
      [
        [1, 2, 3],
        [7, 8, 9],
      ],
      [
        [4, 5],
        [10, 11],
      ],
    ]);
    expect(ops.chunk(arange(11, [11]), 6).map((p) => p.size)).toEqual([2, 2, 2, 2, 2, 1]);
    expect(ops.chunk(arange(12, [12]), 6).map((p) => p.size)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(ops.chunk(arange(6, [6]), 4).map(values)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('unstack inverts stack; unsqueeze and flatten as PyTorch (docs: flatten([2, 2, 2], start_dim=1) → [2, 4])', () => {
    const x = arange(6, [2, 3]);
    const parts = ops.unstack(x, 1);
    expect(parts.map(values)).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(values(ops.stack(parts, 1))).toEqual(values(x));
    expect(ops.unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(ops.unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(ops.flatten(arange(8, [2, 2, 2]), 1).shape).toEqual([2, 4]);
    expect(ops.flatten(arange(24, [2, 3, 4]), 0, 1).shape).toEqual([6, 4]);
    expect(ops.flatten(tensor(3)).shape).toEqual([1]);
    // the package's flatten is this op; the pytree flattening is flattenTree
    expect(flatten(arange(8, [2, 2, 2]), 1).shape).toEqual([2, 4]);
    expect(flattenTree('f', [x, { a: 1 }]).leaves.length).toBe(2);
  });

  it('tril and triu as np.tril / np.triu (docs: the 4×3 example with k = −1)', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
    ]);
    expect(nested(ops.tril(a, -1))).toEqual([
      [0, 0, 0],
      [4, 0, 0],
      [7, 8, 0],
      [10, 11, 12],
    ]);
    expect(nested(ops.triu(a, -1))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [0, 8, 9],
      [0, 0, 12],
    ]);
    // batched: each matrix of the batch, against an explicit loop
    const b = arange(2 * 3 * 4, [2, 3, 4]);
    for (const k of [-2, 0, 1, 3]) {
      const lower = values(ops.tril(b, k));
      const upper = values(ops.triu(b, k));
      values(b).forEach((v, f) => {
        const i = Math.floor(f / 4) % 3;
        const j = f % 4;
        expect(lower[f]).toBe(j - i <= k ? v : 0);
        expect(upper[f]).toBe(j - i >= k ? v : 0);
      });
    }
    // the gradient is the mask: dy where kept, 0 elsewhere
    expect(
      weightedGrad(
        (t) => ops.triu(t),
        ops.full([2, 2], 1),
        () => 1,
      ),
    ).toEqual([1, 1, 0, 1]);
  });
});

describe('pad modes', () => {
  it('np.pad known values: reflect and edge (docs: [1..5] padded (2, 3)), reflection past the size, n = 1, 2-D', () => {
    const x = tensor([1, 2, 3, 4, 5]);
    expect(values(ops.pad(x, [2], [3], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3, 4, 5, 4, 3, 2]);
    expect(values(ops.pad(x, [2], [3], { mode: 'edge' }))).toEqual([1, 1, 1, 2, 3, 4, 5, 5, 5, 5]);
    expect(values(ops.pad(x, [2], [3], { mode: 'replicate' }))).toEqual([1, 1, 1, 2, 3, 4, 5, 5, 5, 5]);
    // np.pad([1, 2, 3], 5, 'reflect') and np.pad([7], (2, 1), 'reflect')
    expect(values(ops.pad(tensor([1, 2, 3]), [5], [5], { mode: 'reflect' }))).toEqual([2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2]);
    expect(values(ops.pad(tensor([7]), [2], [1], { mode: 'reflect' }))).toEqual([7, 7, 7, 7]);
    // np.pad([[1, 2], [3, 4]], ((1, 0), (2, 1)), 'reflect')
    expect(
      nested(
        ops.pad(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          [1, 2],
          [0, 1],
          { mode: 'reflect' },
        ),
      ),
    ).toEqual([
      [3, 4, 3, 4, 3],
      [1, 2, 1, 2, 1],
      [3, 4, 3, 4, 3],
    ]);
  });

  it('a constant value fills only the new entries; the old call and { value: 0 } are zero padding', () => {
    expect(values(ops.pad(tensor([1, 2]), [1], [2], { value: -Infinity }))).toEqual([-Infinity, 1, 2, -Infinity, -Infinity]);
    expect(values(ops.pad(tensor([1, 2]), [1], [0], { mode: 'constant', value: 9 }))).toEqual([9, 1, 2]);
    expect(values(ops.pad(tensor([1, 2]), [1], [1]))).toEqual([0, 1, 2, 0]);
    expect(values(ops.pad(tensor([1, 2]), [1], [1], {}))).toEqual([0, 1, 2, 0]);
    expect(weightedGrad((t) => ops.pad(t, [1], [1], { value: 5 }), tensor([1, 2]))).toEqual([2, 3]);
  });

  it('reflect and edge gradients accumulate into the entries they copy', () => {
    // padded [3, 2, 1, 2, 3, 2, 1] with weights 1..7: x₁ ← w₃ + w₇, x₂ ← w₂ + w₄ + w₆, x₃ ← w₁ + w₅
    expect(weightedGrad((t) => ops.pad(t, [2], [2], { mode: 'reflect' }), tensor([1, 2, 3]))).toEqual([10, 12, 6]);
    // padded [1, 1, 1, 2, 3, 3] with weights 1..6: x₁ ← 1 + 2 + 3, x₂ ← 4, x₃ ← 5 + 6
    expect(weightedGrad((t) => ops.pad(t, [2], [1], { mode: 'edge' }), tensor([1, 2, 3]))).toEqual([6, 4, 11]);
  });
});

describe('indexing', () => {
  it('takeAlongAxis as np.take_along_axis (docs: sorting with argsort) and torch.gather (docs: [[1, 2], [3, 4]], index [[0, 0], [1, 0]])', () => {
    const a = tensor([
      [10, 30, 20],
      [60, 40, 50],
    ]);
    const order = tensor([
      [0, 2, 1],
      [1, 2, 0],
    ]);
    expect(nested(ops.takeAlongAxis(a, order, 1))).toEqual([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(
      nested(
        ops.takeAlongAxis(
          t,
          tensor([
            [0, 0],
            [1, 0],
          ]),
          1,
        ),
      ),
    ).toEqual([
      [1, 1],
      [4, 3],
    ]);
    // one entry per row (argmax-style indices with keepDims), negative indices from the end; the
    // gradient lands on the picked entries, repeated picks add up
    expect(values(ops.takeAlongAxis(a, tensor([[-1], [0]]), 1))).toEqual([20, 60]);
    expect(weightedGrad((x) => ops.takeAlongAxis(x, tensor([[1, 1, 0]]), 1), tensor([[0, 0, 0]]))).toEqual([3, 3, 0]);
  });

  it('gather with batchDims as tf.gather(batch_dims) and against an explicit loop (mid axes, 2 batch axes)', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const idx = tensor([
      [2, 0],
      [1, 1],
    ]);
    expect(nested(ops.gather(x, idx, 1, { batchDims: 1 }))).toEqual([
      [3, 1],
      [5, 5],
    ]);
    // x [2, 2, 3, 4, 2] (batch [2, 2], mid [3], axis 4, post [2]); indices [2, 2, 5]
    const shape = [2, 2, 3, 4, 2];
    const big = arange(2 * 2 * 3 * 4 * 2, shape);
    const ind = Array.from({ length: 20 }, (_, i) => (i * 7) % 4);
    const out = ops.gather(big, tensor(ind, { shape: [2, 2, 5] }), 3, { batchDims: 2 });
    expect(out.shape).toEqual([2, 2, 3, 5, 2]);
    const expected: number[] = [];
    for (let b0 = 0; b0 < 2; b0++)
      for (let b1 = 0; b1 < 2; b1++)
        for (let m = 0; m < 3; m++)
          for (let i = 0; i < 5; i++) for (let p = 0; p < 2; p++) expected.push((((b0 * 2 + b1) * 3 + m) * 4 + ind[(b0 * 2 + b1) * 5 + i]!) * 2 + p);
    expect(values(out)).toEqual(expected);
    // batchDims 0 is the plain gather
    expect(values(ops.gather(x, [1, 0], 0, { batchDims: 0 }))).toEqual([4, 5, 6, 1, 2, 3]);
  });

  it('scatter and scatterAddAlongAxis as torch (docs: scatter_ and scatter_add_ into zeros(3, 5) along 0)', () => {
    const src = arange(10, [2, 5]);
    const srcPlusOne = ops.add(src, 1); // torch.arange(1, 11).reshape(2, 5)
    const index = tensor([[0, 1, 2, 0]]);
    expect(nested(ops.scatter(ops.full([3, 5], 0), index, srcPlusOne, 0))).toEqual([
      [1, 0, 0, 4, 0],
      [0, 2, 0, 0, 0],
      [0, 0, 3, 0, 0],
    ]);
    expect(nested(ops.scatterAddAlongAxis(ops.full([3, 5], 0), tensor([[0, 1, 2, 0, 0]]), ops.full([2, 5], 1), 0))).toEqual([
      [1, 0, 0, 1, 1],
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
    ]);
    const twice = tensor([
      [0, 1, 2, 0, 0],
      [0, 1, 2, 2, 2],
    ]);
    expect(nested(ops.scatterAddAlongAxis(ops.full([3, 5], 0), twice, ops.full([2, 5], 1), 0))).toEqual([
      [2, 0, 0, 1, 1],
      [0, 2, 0, 0, 0],
      [0, 0, 2, 1, 1],
    ]);
    // a number as src; repeated targets: the last write wins
    expect(values(ops.scatter(tensor([1, 2, 3]), [2, 0, 2], tensor([7, 8, 9]), 0))).toEqual([8, 2, 9]);
    expect(values(ops.scatter(tensor([1, 2, 3]), [1], 5, 0))).toEqual([1, 5, 3]);
  });

  it('scatter: the gradient goes to src at the written entries (the winner of a repeat) and to x elsewhere', () => {
    const f = (x: Tensor, s: Tensor) => ops.sum(ops.mul(ops.scatter(x, [2, 0, 2], s, 0), tensor([10, 20, 30])));
    const [dx, ds] = grad(f, { argnums: [0, 1] })(tensor([1, 2, 3]), tensor([7, 8, 9])) as Tensor[];
    expect(values(dx!)).toEqual([0, 20, 0]);
    expect(values(ds!)).toEqual([0, 10, 30]);
    const g = (x: Tensor, s: Tensor) => ops.sum(ops.mul(ops.scatterAddAlongAxis(x, [2, 0, 2], s, 0), tensor([10, 20, 30])));
    const [ax, as] = grad(g, { argnums: [0, 1] })(tensor([1, 2, 3]), tensor([7, 8, 9])) as Tensor[];
    expect(values(ax!)).toEqual([10, 20, 30]);
    expect(values(as!)).toEqual([30, 10, 30]);
  });

  it('segmentSum as tf.math.unsorted_segment_sum (docs: c = [[1,2,3,4],[5,6,7,8],[4,3,2,1]], ids [0, 1, 0]); negative ids drop', () => {
    const c = tensor([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [4, 3, 2, 1],
    ]);
    expect(nested(ops.segmentSum(c, [0, 1, 0], 2))).toEqual([
      [5, 5, 5, 5],
      [5, 6, 7, 8],
    ]);
    expect(values(ops.segmentSum(tensor([1, 2, 3, 4]), [0, 2, 0, -1], 3))).toEqual([4, 0, 2]);
    expect(values(ops.segmentSum(arange(4, [2, 2]), tensor([1, 1, 0, 1], { shape: [2, 2] }), 2))).toEqual([2, 4]);
    expect(weightedGrad((t) => ops.segmentSum(t, [1, -1, 1], 2), tensor([1, 2, 3]))).toEqual([2, 0, 2]);
  });
});

/** Equal lengths and every entry within `tol`. */
function expectClose(actual: number[], expected: number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tol);
}

/** Σ over every index of Π operands, by explicit loops, for a two-operand 'ab,bc->ac'-style check. */
function loopMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((acc, v, k) => acc + v * b[k]![j]!, 0)));
}

describe('einsum', () => {
  const a = arange(25, [5, 5]);
  const b = arange(5, [5]);
  const c = arange(6, [2, 3]);

  it('NumPy documentation values: trace, diagonal, transpose, matrix-vector, inner product', () => {
    expect(ops.einsum('ii', a).item()).toBe(60);
    expect(values(ops.einsum('ii->i', a))).toEqual([0, 6, 12, 18, 24]);
    expect(nested(ops.einsum('ji', c))).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(nested(ops.einsum('ij->ji', c))).toEqual(nested(ops.einsum('ji', c)));
    expect(values(ops.einsum('ij,j', a, b))).toEqual([30, 80, 130, 180, 230]);
    expect(ops.einsum('i,i', b, b).item()).toBe(30);
    expect(values(ops.einsum('ij->', c))).toEqual([15]);
    // outer product and a bilinear form xᵀ A y: [1, 2]·[[1, 2, 3], [4, 5, 6]]·[1, −1, 2] = 27 (np.einsum)
    expect(nested(ops.einsum('i,j->ij', tensor([1, 2]), tensor([3, 4, 5])))).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
    expect(
      ops
        .einsum(
          'i,ij,j',
          tensor([1, 2]),
          tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          tensor([1, -1, 2]),
        )
        .item(),
    ).toBe(27);
  });

  it('batch matmul bij,bjk->bik equals matmul and explicit loops; it runs on matmul, traces on the einsum loop', () => {
    const x = tensor(
      Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i)),
      { shape: [2, 3, 4] },
    );
    const y = tensor(
      Array.from({ length: 2 * 4 * 5 }, (_, i) => Math.cos(i)),
      { shape: [2, 4, 5] },
    );
    const z = ops.einsum('bij,bjk->bik', x, y);
    expect(values(z)).toEqual(values(ops.matmul(x, y)));
    const loops = (x.toArray() as number[][][]).flatMap((xb, i) => loopMatmul(xb, (y.toArray() as number[][][])[i]!).flat());
    expectClose(values(z), loops);
    // a permuted output of the same product
    const zt = ops.einsum('bij,bjk->kbi', x, y);
    expect(zt.shape).toEqual([5, 2, 3]);
    expect(values(zt)).toEqual(values(ops.transpose(z, [2, 0, 1])));
    // which path ran: the matmul-shaped spec records no einsum node; the trace does
    const leaf = x.requireGrad();
    expect(ops.einsum('bij,bjk->bik', leaf, y).primitive?.name).not.toBe('einsum');
    expect(ops.einsum('ii', a.requireGrad()).primitive?.name).toBe('einsum');
  });

  it('general specs against explicit loops: three operands, sums over one operand, diagonals of a 3-D tensor', () => {
    const p = tensor(
      Array.from({ length: 2 * 3 }, (_, i) => i - 2.5),
      { shape: [2, 3] },
    );
    const q = tensor(
      Array.from({ length: 3 * 4 }, (_, i) => Math.sin(i)),
      { shape: [3, 4] },
    );
    const r = tensor(
      Array.from({ length: 4 * 2 }, (_, i) => Math.cos(i)),
      { shape: [4, 2] },
    );
    const chain = ops.einsum('ij,jk,kl->il', p, q, r);
    const expected = loopMatmul(loopMatmul(p.toArray() as number[][], q.toArray() as number[][]), r.toArray() as number[][]).flat();
    expectClose(values(chain), expected);
    // 'iij->j': Σᵢ t[i, i, j]
    const t = arange(2 * 2 * 3, [2, 2, 3]);
    expect(values(ops.einsum('iij->j', t))).toEqual([0 + 9, 1 + 10, 2 + 11]);
    // 'ij,jk' with an index summed in one operand only: Σ_j p[i, j] · Σ_k q[j, k] … as 'ij,jk->i'
    const rowSums = (q.toArray() as number[][]).map((row) => row.reduce((s, v) => s + v, 0));
    const expectedI = (p.toArray() as number[][]).map((row) => row.reduce((s, v, j) => s + v * rowSums[j]!, 0));
    expectClose(values(ops.einsum('ij,jk->i', p, q)), expectedI);
  });

  it('its gradients are einsums: the trace gives the identity, a diagonal a diagonal matrix, a sum ones', () => {
    expect(values(grad((x: Tensor) => ops.einsum('ii', x))(arange(9, [3, 3])) as Tensor)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(weightedGrad((x) => ops.einsum('ii->i', x), arange(4, [2, 2]))).toEqual([1, 0, 0, 2]);
    expect(weightedGrad((x) => ops.einsum('ij->j', x), arange(4, [2, 2]))).toEqual([1, 2, 1, 2]);
    // d/dA of xᵀ A y = x yᵀ
    const [dA] = grad((m: Tensor) => ops.einsum('i,ij,j', tensor([1, 2]), m, tensor([3, 4, 5])), { argnums: [0] })(ops.full([2, 3], 0)) as Tensor[];
    expect(nested(dA!)).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
  });

  it('float32 and float64 give the same values (to float32 precision) and keep their dtype', () => {
    for (const spec of ['ij,jk->ik', 'ii', 'ij,ij->i']) {
      const run = (dtype: 'float32' | 'float64') => {
        const m = tensor(
          Array.from({ length: 9 }, (_, i) => Math.sin(i + 1)),
          { shape: [3, 3], dtype },
        );
        const n = tensor(
          Array.from({ length: 9 }, (_, i) => Math.cos(i)),
          { shape: [3, 3], dtype },
        );
        const out = spec === 'ii' ? ops.einsum(spec, m) : ops.einsum(spec, m, n);
        expect(out.dtype).toBe(dtype);
        return values(out);
      };
      const single = run('float32');
      expectClose(run('float64'), single, 1e-6);
    }
  });
});

/** Every new op on x of shape [3, 3] (and a fixed partner where it takes two), as a tensor. */
const EACH: [string, (x: Tensor) => Tensor][] = [
  ['tile', (x) => ops.tile(x, [2, 1])],
  ['repeat', (x) => ops.repeat(x, [2, 0, 1], 1)],
  ['flip', (x) => ops.flip(x, 0)],
  ['split', (x) => ops.concat(ops.split(x, [2, 1], 1).reverse(), 1)],
  ['chunk', (x) => ops.concat(ops.chunk(x, 2, 0).reverse(), 0)],
  ['unstack', (x) => ops.stack(ops.unstack(x, 1).reverse(), 0)],
  ['unsqueeze', (x) => ops.unsqueeze(x, 1)],
  ['flatten', (x) => ops.flatten(x)],
  ['tril', (x) => ops.tril(x, -1)],
  ['triu', (x) => ops.triu(x)],
  ['pad reflect', (x) => ops.pad(x, [2, 1], [0, 2], { mode: 'reflect' })],
  ['pad edge', (x) => ops.pad(x, [1, 0], [1, 3], { mode: 'edge' })],
  ['pad constant', (x) => ops.pad(x, [1, 0], [0, 1], { value: 0.5 })],
  [
    'gather batchDims',
    (x) =>
      ops.gather(
        x,
        tensor([
          [2, 2],
          [0, 1],
          [1, 0],
        ]),
        1,
        { batchDims: 1 },
      ),
  ],
  ['takeAlongAxis', (x) => ops.takeAlongAxis(x, tensor([[2], [0], [1]]), 1)],
  ['scatter', (x) => ops.scatter(x, tensor([[1, 1]]), ops.mul(ops.slice(x, [1], [2]), 2), 0)],
  ['scatterAddAlongAxis', (x) => ops.scatterAddAlongAxis(x, tensor([[0, 2, 2]]), ops.square(ops.slice(x, [2], [3])), 1)],
  ['segmentSum', (x) => ops.segmentSum(x, [1, -1, 1], 2)],
  ['einsum trace', (x) => ops.einsum('ii', ops.square(x))],
  ['einsum matmul', (x) => ops.einsum('ij,kj->ik', x, ops.exp(x))],
  ['einsum three operands', (x) => ops.einsum('ij,jk,ki->i', x, x, x)],
];

const x33 = (dtype: 'float32' | 'float64'): Tensor =>
  tensor(
    Array.from({ length: 9 }, (_, i) => Math.sin(2 * i + 1)),
    { shape: [3, 3], dtype },
  );

describe('every new op in float32 and float64, and under the transforms', () => {
  it.each(EACH)('%s: float32 values and gradients agree with float64 and keep their dtype', (_, f) => {
    const run = (dtype: 'float32' | 'float64') => {
      const y = f(x33(dtype));
      const w = tensor(
        Array.from({ length: y.size }, (_, i) => Math.cos(i)),
        { shape: y.shape, dtype },
      );
      const g = grad((t: Tensor) => ops.sum(ops.mul(f(t), w)))(x33(dtype)) as Tensor;
      expect(y.dtype).toBe(dtype);
      expect(g.dtype).toBe(dtype);
      return [...values(y), ...values(g)];
    };
    const single = run('float32');
    const double = run('float64');
    for (let i = 0; i < double.length; i++) expect(Math.abs(single[i]! - double[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(double[i]!)));
  });

  it.each(EACH)('%s: jvp agrees with the gradient, hessian runs, noGrad records nothing, anomaly mode passes, explain and toDot render', (_, f) => {
    const x = x33('float64');
    const v = tensor(
      Array.from({ length: 9 }, (_, i) => Math.cos(i)),
      { shape: [3, 3] },
    );
    const loss = (t: Tensor) => ops.sum(ops.square(f(t)));
    // ⟨∇loss, v⟩ forward (jvp) and backward (grad)
    const [, tangent] = jvp(loss, [x], [v]) as [Tensor, Tensor];
    const g = grad(loss)(x) as Tensor;
    const dot = values(g).reduce((acc, gi, i) => acc + gi * v.data[i]!, 0);
    expect(Math.abs(tangent.item() - dot)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(dot)));
    const h = hessian(loss)(x) as Tensor;
    expect(h.shape).toEqual([3, 3, 3, 3]);
    expect(noGrad(() => f(x.requireGrad())).requiresGrad).toBe(false);
    detectAnomaly(() => grad(loss)(x));
    const out = loss(x33('float64').requireGrad());
    expect(explain(out).steps.length).toBeGreaterThan(0);
    expect(toDot(out)).toContain('digraph');
  });

  it('explain shows the einsum formula', () => {
    const out = ops.einsum('ii', x33('float64').requireGrad());
    const step = explain(out).steps.find((s) => s.op === 'einsum');
    expect(step?.formula).toMatch(/einsum of dz with the other operands/);
  });
});

describe('Tensor methods', () => {
  it('call the functions of the same names', () => {
    const x = arange(6, [2, 3]);
    expect(values(x.flip(1))).toEqual(values(ops.flip(x, 1)));
    expect(values(x.tile([2, 1]))).toEqual(values(ops.tile(x, [2, 1])));
    expect(values(x.repeat(2, 0))).toEqual(values(ops.repeat(x, 2, 0)));
    expect(x.flatten().shape).toEqual([6]);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(values(x.tril())).toEqual([0, 0, 0, 3, 4, 0]);
    expect(values(x.triu(1))).toEqual([0, 1, 2, 0, 0, 5]);
    expect(values(x.takeAlongAxis(tensor([[2], [0]]), 1))).toEqual([2, 3]);
  });
});

describe('argument errors name the function and say what was expected', () => {
  const x = arange(6, [2, 3]);
  const cases: [string, () => unknown, RegExp][] = [
    ['einsum ellipsis', () => ops.einsum('...ij,...jk', x, x), /^einsum: '\.\.\.' \(ellipsis broadcasting\) is not supported/],
    ['einsum operand count', () => ops.einsum('ij,jk->ik', x), /^einsum: spec 'ij,jk->ik' names 2 operand\(s\) but 1 tensor\(s\) were given/],
    ['einsum rank', () => ops.einsum('ijk', x), /^einsum: operand 0 has shape \[2, 3\] \(rank 2\) but its subscripts 'ijk' name 3 axes/],
    ['einsum sizes', () => ops.einsum('ij,ij', x, ops.transpose(x)), /^einsum: index 'i' has size 2 in one place and 3 in another/],
    ['einsum unknown output', () => ops.einsum('ij->k', x), /^einsum: output index 'k' in 'ij->k' appears in no operand/],
    ['einsum repeated output', () => ops.einsum('ij->ii', x), /^einsum: output index 'i' repeats/],
    [
      'pad unknown mode',
      () => ops.pad(x, [1, 1], [1, 1], { mode: 'wrap' as never }),
      /^pad: unknown mode string "wrap"; expected 'constant', 'reflect', 'edge' or 'replicate'/,
    ],
    ['pad unknown option', () => ops.pad(x, [1, 1], [1, 1], { constant: 1 } as never), /^pad: unknown option 'constant'; expected 'mode', 'value'/],
    ['pad value with reflect', () => ops.pad(x, [1, 1], [1, 1], { mode: 'reflect', value: 2 }), /^pad: a fill value \(2\) only applies to mode 'constant'/],
    [
      'pad reflect of an empty axis',
      () => ops.pad(ops.full([0, 2], 0), [1, 0], [0, 0], { mode: 'edge' }),
      /^pad: mode 'edge' cannot pad axis 0 of shape \[0, 2\]/,
    ],
    ['split uneven', () => ops.split(x, 2, 1), /^split: cannot split axis 1 of size 3 \(shape \[2, 3\]\) into 2 equal pieces/],
    ['split sizes', () => ops.split(x, [1, 1], 1), /^split: sizes \[1, 1\] must be non-negative and add up to 3/],
    ['chunk zero', () => ops.chunk(x, 0), /^chunk: chunks must be a positive integer, got 0/],
    ['tile negative', () => ops.tile(x, [-1]), /^tile: reps\[0\] is -1; expected non-negative integers/],
    ['repeat counts', () => ops.repeat(x, [1, 2], 1), /^repeat: repeats has 2 counts but axis 1 of shape \[2, 3\] has 3 elements/],
    ['flatten order', () => ops.flatten(x, 1, 0), /^flatten: startAxis 1 comes after endAxis 0/],
    ['tril rank', () => ops.tril(tensor([1, 2])), /^tril: x must have at least 2 axes/],
    ['unsqueeze axis', () => ops.unsqueeze(x, 3), /^unsqueeze: axis 3 is out of range for a tensor of rank 3/],
    ['takeAlongAxis rank', () => ops.takeAlongAxis(x, [0], 1), /^takeAlongAxis: indices must have the rank of x \(2, shape \[2, 3\]\), got shape \[1\]/],
    ['takeAlongAxis range', () => ops.takeAlongAxis(x, tensor([[3]]), 1), /^takeAlongAxis: index 3 at position 0 is out of range for axis 1 of size 3/],
    [
      'takeAlongAxis broadcast',
      () => ops.takeAlongAxis(x, tensor([[0], [0], [0]]), 1),
      /^takeAlongAxis: x of shape \[2, 3\] and indices of shape \[3, 1\] do not broadcast on axis 0/,
    ],
    [
      'scatter src too small',
      () => ops.scatter(x, tensor([[0, 1]]), tensor([[1]]), 1),
      /^scatter: src of shape \[1, 1\] is smaller than indices of shape \[1, 2\]/,
    ],
    [
      'scatterAddAlongAxis indices too large',
      () => ops.scatterAddAlongAxis(x, tensor([[0], [0], [0]]), 1, 1),
      /^scatterAddAlongAxis: indices of shape \[3, 1\] are larger than x of shape \[2, 3\] on axis 0/,
    ],
    ['segmentSum prefix', () => ops.segmentSum(x, [0, 1, 0], 2), /^segmentSum: segmentIds of shape \[3\] must be a prefix of data's shape \[2, 3\]/],
    ['segmentSum range', () => ops.segmentSum(x, [0, 2], 2), /^segmentSum: segment id 2 at position 1 is out of range; expected ids below numSegments = 2/],
    [
      'gather batch sizes',
      () => ops.gather(x, tensor([[0], [0], [0]]), 1, { batchDims: 1 }),
      /^gather: the 1 batch axes differ: x has shape \[2, 3\] and indices \[3, 1\]/,
    ],
    [
      'gather axis in batch',
      () => ops.gather(x, tensor([[0], [0]]), 0, { batchDims: 1 }),
      /^gather: axis 0 is one of the 1 batch axes; expected an axis ≥ batchDims/,
    ],
    ['gather options', () => ops.gather(x, [0], 0, { batchDim: 1 } as never), /^gather: unknown option 'batchDim'; expected 'batchDims'/],
    ['tile too large', () => ops.tile(x, [2 ** 20, 2 ** 20]), /^tile: the result would have shape/],
    ['pad reflect too large', () => ops.pad(x, [2 ** 31, 0], [0, 0], { mode: 'reflect' }), /^pad: the result would have shape/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PullbackError);
    expect((thrown as Error).message).toMatch(message);
  });
});
