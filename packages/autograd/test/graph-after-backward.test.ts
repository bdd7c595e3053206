import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GraphError, type Tensor, explain, matmul, scalar, sum, tanh, tensor, toDot, toMermaid, toSvg } from '../src/index.ts';

/** A full collection: vitest.config.ts passes --expose-gc; outside it, turn the flag on here. */
function fullGc(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc as () => void;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = fullGc();

/** True once every target is gone (each attempt yields first: WeakRef targets live until the job ends). */
async function collected(refs: readonly WeakRef<object>[]): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    if (refs.every((r) => r.deref() === undefined)) return true;
  }
  return false;
}

/** micrograd's neuron o = tanh(x1 w1 + x2 w2 + b); known gradients from micrograd's README. */
function neuron() {
  const x1 = scalar(2, 'x1');
  const x2 = scalar(0, 'x2');
  const w1 = scalar(-3, 'w1');
  const w2 = scalar(1, 'w2');
  const b = scalar(6.881373587019543, 'b');
  const n = x1.mul(w1).named('x1w1').add(x2.mul(w2).named('x2w2')).add(b).named('n');
  return n.tanh().named('o');
}

/** `id [label="first line\n..."]` → the label's lines, for every node of a DOT text. */
function dotNodes(dot: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of dot.matchAll(/^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"/gm)) out.set(m[1]!, m[2]!.split('\\n'));
  return out;
}

const byTitle = (nodes: Map<string, string[]>, title: string): string[] => [...nodes.values()].find((lines) => lines[0] === title)!;

describe('pictures after backward() (the graph freed)', () => {
  it('toDot draws every node of the scalar neuron with its gradient, as micrograd’s draw_dot does', () => {
    const o = neuron();
    const before = toDot(o);
    o.backward();
    const dot = toDot(o);
    const nodes = dotNodes(dot);
    // 5 leaves + 2 mul + 2 add + tanh, 9 edges: the same graph as before the pass.
    expect(nodes.size).toBe(10);
    expect(dotNodes(before).size).toBe(10);
    expect(dot.match(/->/g)!.length).toBe(9);
    // micrograd: o.grad = 1, n.grad = 1 − tanh²(n) = 0.5, x1.grad = w1·0.5 = −1.5, w1.grad = x1·0.5 = 1
    expect(byTitle(nodes, 'o = tanh')).toContain('grad 1');
    expect(byTitle(nodes, 'n = add')).toContain('grad 0.5');
    expect(byTitle(nodes, 'x1w1 = mul')).toContain('grad 0.5');
    expect(byTitle(nodes, 'x1')).toContain('grad -1.5');
    expect(byTitle(nodes, 'w1')).toContain('grad 1');
    expect(byTitle(nodes, 'n = add')).toContain('value 0.8814');
  });

  it('toMermaid and toSvg draw the whole freed graph too', async () => {
    const o = neuron();
    o.backward();
    const mmd = toMermaid(o);
    expect(mmd.match(/-->/g)!.length).toBe(9);
    expect(mmd).toContain('n = add<br/>scalar<br/>value 0.8814<br/>grad 0.5');
    const svg = await toSvg(o);
    expect(svg.match(/<g id="node\d+" class="node">/g)!.length).toBe(10);
  });

  it('keeps tensor pictures as summaries: shapes, values and the cotangent each node received', () => {
    const x = tensor([0.1, 0.2, 0.3, 0.4], { shape: [2, 2], requiresGrad: true });
    x.name = 'x';
    const h = tanh(matmul(x, x));
    h.name = 'h';
    const loss = sum(h);
    const before = dotNodes(toDot(loss));
    loss.backward();
    const after = dotNodes(toDot(loss));
    expect([...after.values()].map((l) => l[0])).toEqual([...before.values()].map((l) => l[0]));
    // d loss/dh = ones; the matmul received (1 − tanh²) elementwise, summarised exactly for 4 entries
    expect(byTitle(after, 'h = tanh')).toContain('grad [1, 1, 1, 1]');
    const hv = Array.from(h.data, (v) => Number((1 - v * v).toPrecision(4)));
    expect(byTitle(after, 'matmul')).toContain(`grad [${hv.join(', ')}]`);
    expect(byTitle(after, 'x')).toEqual([
      'x',
      '[2, 2]',
      'value [0.1, 0.2, 0.3, 0.4]',
      `grad [${Array.from(x.grad!.data, (v) => Number(v.toPrecision(4))).join(', ')}]`,
    ]);
    // x → matmul twice (x·x draws two edges), matmul → tanh, tanh → sum
    expect(toDot(loss).match(/->/g)!.length).toBe(4);
  });

  it('draws a node used twice once, and explain still reports the freed graph', () => {
    const a = scalar(3, 'a');
    const b = a.mul(a).named('b');
    const c = b.add(b).named('c');
    c.backward();
    const nodes = dotNodes(toDot(c));
    expect(nodes.size).toBe(3);
    expect(byTitle(nodes, 'b = mul')).toContain('grad 2');
    expect(byTitle(nodes, 'a')).toContain('grad 12');
    expect(() => explain(c)).toThrow(GraphError);
  });

  it('refuses, with a way out, to draw a freed graph too big to have been kept', () => {
    const x = scalar(0.5, 'x');
    let y = x;
    for (let i = 0; i < 10_001; i++) y = y.mul(1);
    y.backward();
    expect(() => toDot(y)).toThrow(/toDot: the graph through op 'mul' .* was freed by a backward pass over more than 10000 nodes.*draw it before backward\(\)/);
    expect(() => toMermaid(y)).toThrow(GraphError);
  });

  it('keeps no intermediate tensor alive for the picture: a held loss lets its activations go, and keeps its leaves (as a kept graph does)', async () => {
    const w = tensor(new Float64Array(64 * 64).fill(0.01), { shape: [64, 64], requiresGrad: true });
    const refs: WeakRef<Tensor>[] = [];
    const loss = (() => {
      const batch = tensor(new Float64Array(64 * 64).fill(1), { shape: [64, 64] });
      const h = tanh(matmul(batch, w));
      refs.push(new WeakRef(h));
      return sum(h);
    })();
    loss.backward();
    expect(await collected(refs)).toBe(true);
    // The picture is still whole: the batch leaf is drawn with its values, the rest with summaries.
    const nodes = dotNodes(toDot(loss));
    expect(nodes.size).toBe(5);
    expect([...nodes.values()].find((l) => l[0]!.startsWith('leaf#'))).toContain('value mean 1, min 1, max 1');
    // every entry of h is tanh(64 · 1 · 0.01)
    const t = Number(Math.tanh(0.64).toPrecision(4));
    expect(byTitle(nodes, 'tanh')).toContain(`value mean ${t}, min ${t}, max ${t}`);
  });
});
