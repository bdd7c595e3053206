import { describe, expect, it } from 'vitest';
import { add, defineOp, matmul, mul, reshape, sum, tensor } from '../src/index.ts';
import type { Tensor } from '../src/index.ts';

// The backward pass hands a cotangent to a leaf's .grad without copying it only when the pass
// made it and nothing else holds it. Every other case must still give each .grad its own storage:
// writing into one .grad may not change another, a seed, or a saved tensor.

/** Write into `t` in place and report whether `other` changed. */
function aliases(t: Tensor, other: Tensor): boolean {
  const before = Array.from(other.data);
  for (let i = 0; i < t.size; i++) t.data[i] = 1000 + i;
  return Array.from(other.data).some((v, i) => v !== before[i]);
}

describe('.grad storage', () => {
  it('is not shared by two leaves that received the same cotangent (add passes dz to both)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = tensor([4, 5, 6], { requiresGrad: true });
    add(x, y).backward(tensor([1, 1, 1]));
    expect(aliases(x.grad!, y.grad!)).toBe(false);
  });

  it('is not the seed the user passed', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seed = tensor([3, 4]);
    x.backward(seed);
    expect(aliases(x.grad!, seed)).toBe(false);
    expect(Array.from(seed.data)).toEqual([3, 4]);
  });

  it('is not shared through a reshape view', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    const y = tensor(
      [
        [1, 1],
        [1, 1],
      ],
      { requiresGrad: true },
    );
    add(reshape(x, [2, 2]), y).backward(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(aliases(x.grad!, y.grad!)).toBe(false);
    expect(Array.from(y.grad!.data)).toEqual([1, 2, 3, 4]);
  });

  it('is not a tensor a custom pullback kept from before the pass', () => {
    const saved = tensor([7, 8]);
    const op = defineOp('returnsSaved', (x: Tensor) => ({ output: mul(x, 2), pullback: () => [saved] }));
    const x = tensor([1, 2], { requiresGrad: true });
    sum(op(x)).backward();
    expect(aliases(x.grad!, saved)).toBe(false);
    expect(Array.from(saved.data)).toEqual([7, 8]);
  });

  it('is not a tensor a custom pullback made during the pass and keeps (issue 13, item 8)', () => {
    let kept: Tensor | null = null;
    const op = defineOp('keepsCotangent', (x: Tensor) => ({
      output: mul(x, 2),
      pullback: (dy: Tensor) => {
        kept = mul(dy, 2); // made inside the pass, and held by the op after it
        return [kept];
      },
    }));
    const x = tensor([1, 2], { requiresGrad: true });
    sum(op(x)).backward();
    for (let i = 0; i < x.size; i++) x.grad!.data[i] = Math.min(x.grad!.data[i]!, 1); // clip in place
    expect(Array.from(kept!.data)).toEqual([2, 2]);
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });

  it('is not shared between a retained intermediate and the leaf below it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = add(x, 0).retainGrad();
    sum(mul(h, 3)).backward();
    expect(aliases(x.grad!, h.grad!)).toBe(false);
  });

  it('stays correct when a fresh cotangent becomes .grad and later passes accumulate into it', () => {
    const W = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const x = tensor([
      [1, 0],
      [0, 2],
    ]);
    sum(matmul(x, W)).backward();
    const first = Array.from(W.grad!.data);
    sum(matmul(x, W)).backward();
    expect(Array.from(W.grad!.data)).toEqual(first.map((v) => 2 * v));
  });
});
