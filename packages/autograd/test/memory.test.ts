import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GraphError, type Tensor, defineOp, matmul, mul, sum, tanh, tensor } from '../src/index.ts';

/** A full collection: vitest.config.ts passes --expose-gc; outside it, turn the flag on here. */
const gc: () => void = typeof globalThis.gc === 'function' ? (globalThis.gc as () => void) : exposeGc();

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * True once every target is gone. WeakRef targets survive until the current job ends, so each
 * attempt yields to the event loop before collecting.
 */
async function collected(refs: readonly WeakRef<object>[]): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    if (refs.every((r) => r.deref() === undefined)) return true;
  }
  return false;
}

/** Resolves with the number of finalized targets once `count` have been finalized (or gives up). */
function finalizations(count: number): { registry: FinalizationRegistry<string>; done: () => Promise<number> } {
  let seen = 0;
  const registry = new FinalizationRegistry<string>(() => {
    seen++;
  });
  const done = async () => {
    for (let attempt = 0; attempt < 20 && seen < count; attempt++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return seen;
  };
  return { registry, done };
}

const matrix = (n: number) =>
  tensor(
    Float64Array.from({ length: n * n }, (_, i) => Math.sin(i) / n),
    { shape: [n, n] },
  );

describe('memory', () => {
  it('lets the whole graph be collected after backward() once the user drops the result', async () => {
    const x = matrix(64).requireGrad();
    const refs: WeakRef<Tensor>[] = [];
    const { registry, done } = finalizations(3);
    (() => {
      const h = tanh(matmul(x, x));
      const h2 = mul(h, h);
      const loss = sum(h2);
      for (const node of [h, h2, loss]) {
        refs.push(new WeakRef(node));
        registry.register(node, node.op);
      }
      loss.backward();
    })();
    expect(await collected(refs)).toBe(true);
    expect(await done()).toBe(3);
    // the leaf's gradient is a constant: it does not keep the graph alive
    expect(x.grad!.requiresGrad).toBe(false);
    expect(x.grad!.isLeaf).toBe(true);
  });

  it('keeps the graph while x.grad was recorded (createGraph), and releases it after zeroGrad()', async () => {
    const x = matrix(8).requireGrad();
    const refs: WeakRef<Tensor>[] = [];
    (() => {
      const h = tanh(matmul(x, x));
      refs.push(new WeakRef(h));
      sum(mul(h, h)).backward(undefined, { createGraph: true });
    })();
    // x.grad was recorded from h (createGraph), so h must stay reachable: the control for the test above
    expect(await collected(refs)).toBe(false);
    x.zeroGrad();
    expect(await collected(refs)).toBe(true);
  });

  // A held root still reaches its inputs (a node is both value and graph, and graph export reads
  // them after backward); what backward() without retainGraph releases is each pullback closure.
  it('releases what pullbacks saved when backward() runs without retainGraph, even while the root is held', async () => {
    // An op that saves a large intermediate for its pullback (as a fused kernel would).
    let saved: WeakRef<Tensor> | undefined;
    const square = defineOp('savingSquare', (x) => {
      const twice = mul(x, 2);
      saved = new WeakRef(twice);
      // y = x²  =>  dx = 2x dy
      return { output: mul(x, x), pullback: (dy) => [mul(dy, twice)] };
    });
    const x = tensor(new Float64Array(100_000).fill(3), { requiresGrad: true });

    const retained = sum(square(x));
    retained.backward(undefined, { retainGraph: true });
    expect(await collected([saved!])).toBe(false);
    retained.backward();
    expect(await collected([saved!])).toBe(true);
    expect(x.grad!.data[0]).toBe(12);
    // the root is still reachable here, but its graph has been freed
    expect(() => retained.backward()).toThrow(GraphError);
  });

  it('runs an op and its backward on a 10^7-element tensor', () => {
    const n = 10_000_000;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = (i % 1024) / 1024 - 0.5;
    const x = tensor(data, { requiresGrad: true });
    // y = Σ 3x·x  =>  dy/dx = 6x (exact here: the entries are multiples of 2⁻¹⁰)
    sum(mul(mul(x, 3), x)).backward();
    const g = x.grad!;
    expect(g.size).toBe(n);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (g.data[i] !== 6 * data[i]!) wrong++;
    expect(wrong).toBe(0);
  });
});
