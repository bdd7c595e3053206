import { describe, expect, it } from 'vitest';
import { matmul, noGrad, relu, sum, tensor, whyNoGrad } from '../src/index.ts';
import type { Node, Tensor } from '../src/index.ts';

// Issue 15, item 12: evaluation under noGrad cost more than recording, because every op made new
// WeakRefs to its inputs (so that whyNoGrad can explain the cut), and a WeakRef keeps its target
// alive until the current job ends: a long evaluation loop held every intermediate tensor. A
// noGrad result now points at the tracked values it was cut from, never at intermediate values.

function targets(t: Tensor): Node[] {
  return (t.cut?.sources ?? []).map((r) => r.deref()!);
}

describe('noGrad evaluation', () => {
  it('holds no reference (weak or strong) to intermediate values, only to the tracked leaves', () => {
    const W1 = tensor(
      [
        [1, -1],
        [2, 0.5],
      ],
      { requiresGrad: true, name: 'W1' },
    );
    const W2 = tensor([[0.5], [-1]], { requiresGrad: true, name: 'W2' });
    const x = tensor([[1, 2]]);
    const { h, y } = noGrad(() => {
      const h = relu(matmul(x, W1));
      return { h, y: sum(matmul(h, W2)) };
    });
    expect(targets(y).every((n) => n === W1 || n === W2)).toBe(true);
    expect(targets(y)).toContain(W2);
    expect(targets(y)).not.toContain(h);
    expect(y.inputs).toBeNull();
    // whyNoGrad still explains the cut for both layers' weights
    expect(whyNoGrad(W1, y).reason).toBe('cut-by-noGrad');
    expect(whyNoGrad(W2, y).reason).toBe('cut-by-noGrad');
  });

  it('makes one WeakRef per tracked leaf, however many ops use it', () => {
    const W = tensor([1, 2], { requiresGrad: true });
    const a = noGrad(() => W.mul(2));
    const b = noGrad(() => W.add(1));
    expect(a.cut!.sources[0]).toBe(b.cut!.sources[0]);
  });
});
