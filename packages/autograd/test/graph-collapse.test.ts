import { describe, expect, it } from 'vitest';
import { add, explain, matmul, scalar, sigmoid, sum, tensor, toDot, toMermaid, toSvg, withScope } from '../src/index.ts';
import type { Node, Tensor } from '../src/index.ts';

/** A leaf parameter owned by `scope`, as nn's Module.registerParameter stamps it. */
function param(values: number[][], name: string, scope: string): Tensor {
  const t = tensor(values, { requiresGrad: true, name });
  t.scope = scope;
  return t;
}

/** x [2, 3] → net/l1 (matmul + add) → sigmoid in 'net' → net/l2 (matmul) → sum; no module code involved. */
function twoLayers() {
  const x = tensor(
    [
      [1, 2, 3],
      [0, -1, 0.5],
    ],
    { name: 'x' },
  );
  const W1 = param(
    [
      [0.1, 0.2],
      [0.3, -0.4],
      [0.5, 0.6],
    ],
    'W1',
    'net/l1',
  );
  const b1 = param([[0.01, -0.02]], 'b1', 'net/l1');
  const W2 = param([[1], [-1]], 'W2', 'net/l2');
  const h = withScope('net', () => {
    const z1 = withScope('l1', () => add(matmul(x, W1), b1));
    const a1 = sigmoid(z1);
    return withScope('l2', () => matmul(a1, W2));
  });
  const loss = sum(h).named('loss');
  return { x, W1, b1, W2, h, loss };
}

/** The numbers of each step's cotangent (Scalar or Tensor). */
const cotangents = (steps: readonly { cotangent: Node }[]): number[][] =>
  steps.map((s) => {
    const data = (s.cotangent as unknown as { data: number | ArrayLike<number> }).data;
    return typeof data === 'number' ? [data] : Array.from(data);
  });

const edgesOf = (dot: string): string[] =>
  dot
    .split('\n')
    .filter((l) => l.includes('->'))
    .map((l) => l.trim());

describe('scopes in graph pictures', () => {
  it('withScope stamps every op recorded inside it, nested with /', () => {
    const { h, loss } = twoLayers();
    expect(h.scope).toBe('net/l2');
    expect(h.inputs![0]!.scope).toBe('net');
    expect(h.inputs![0]!.inputs![0]!.scope).toBe('net/l1');
    expect(loss.scope).toBeNull();
  });

  it('expanded scopes (the default) are nested clusters holding their nodes; the edges are unchanged', () => {
    const { loss } = twoLayers();
    const dot = toDot(loss);
    expect(dot).toMatch(/subgraph cluster_\d+ \{\n\s+label="net";/);
    expect(dot).toMatch(/subgraph cluster_\d+ \{\n\s+label="net\/l1";/);
    expect(dot).toMatch(/subgraph cluster_\d+ \{\n\s+label="net\/l2";/);
    // net/l1 is drawn inside net: its cluster opens before net's closes.
    const net = dot.indexOf('label="net";');
    const l1 = dot.indexOf('label="net/l1";');
    expect(l1).toBeGreaterThan(net);
    // x, W1, matmul, b1, add, sigmoid, W2, matmul, sum: 8 edges, as without scopes.
    expect(edgesOf(dot)).toHaveLength(8);
    expect(toDot(loss, { clusters: false })).not.toContain('subgraph');
    const mmd = toMermaid(loss);
    expect(mmd).toMatch(/subgraph s\d+\["net\/l1"\]/);
    expect((mmd.match(/^\s*end$/gm) ?? []).length).toBe(3);
  });

  it('collapse: true draws each innermost scope as one node with its input and output shapes', () => {
    const { loss } = twoLayers();
    const dot = toDot(loss, { collapse: true, scopeKinds: { 'net/l1': 'Dense' } });
    expect(dot).toContain('net/l1 (Dense) [2, 3] → [2, 2]');
    expect(dot).toContain('net/l2 [2, 2] → [2, 1]');
    // The parameters are inside their layer's box, not drawn on their own.
    for (const name of ['W1', 'b1', 'W2']) expect(dot).not.toContain(`"${name}`);
    expect((dot.match(/box3d/g) ?? []).length).toBe(2);
    // x → [l1] → sigmoid → [l2] → sum, with 'net' still a cluster around the boxes and the sigmoid.
    const l1 = /(g\d+) \[label="net\/l1/.exec(dot)![1]!;
    const l2 = /(g\d+) \[label="net\/l2/.exec(dot)![1]!;
    const sig = /(n\d+) \[label="sigmoid/.exec(dot)![1]!;
    const edges = edgesOf(dot);
    expect(edges).toContain(`${l1} -> ${sig};`);
    expect(edges).toContain(`${sig} -> ${l2};`);
    expect(edges).toHaveLength(4);
    expect(dot).toContain('label="net";');
    expect(dot).not.toContain('label="net/l1";');
  });

  it('a list or a depth picks which scopes collapse', () => {
    const { loss } = twoLayers();
    const whole = toDot(loss, { collapse: ['net'] });
    expect(whole).toContain('net [2, 3] → [2, 1]');
    expect((whole.match(/box3d/g) ?? []).length).toBe(1);
    expect(whole).not.toContain('subgraph');
    expect(toDot(loss, { depth: 0 })).toBe(whole);
    expect(toDot(loss, { depth: 1 })).toBe(toDot(loss, { collapse: true }));
    const one = toDot(loss, { collapse: ['net/l2'] });
    expect(one).toContain('net/l2 [2, 2] → [2, 1]');
    expect(one).toContain('label="net/l1";');
  });

  it('two separate calls recorded under one scope name stay two boxes (no false cycle)', () => {
    const x = tensor([1, 2], { requiresGrad: true, name: 'x' });
    const a = withScope('act', () => sigmoid(x));
    const shifted = add(a, 1);
    const b = withScope('act', () => sigmoid(shifted));
    const dot = toDot(sum(b), { collapse: true });
    expect((dot.match(/box3d/g) ?? []).length).toBe(2);
    const ids = [...dot.matchAll(/(g\d+) \[label="act/g)].map((m) => m[1]);
    for (const [from, to] of edgesOf(dot).map((e) => e.replace(';', '').split(' -> '))) expect(from).not.toBe(to);
    expect(ids).toHaveLength(2);
  });

  it('Mermaid and SVG collapse the same way', async () => {
    const { loss } = twoLayers();
    const mmd = toMermaid(loss, { collapse: true });
    expect(mmd).toMatch(/g\d+\[\["net\/l1 \[2, 3\] → \[2, 2\]"\]\]/);
    expect((mmd.match(/-->/g) ?? []).length).toBe(4);
    const svg = await toSvg(loss, { collapse: true });
    expect(svg).toContain('net/l1 [2, 3] → [2, 2]');
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(4);
    expect((svg.match(/class="cluster"/g) ?? []).length).toBe(1);
  });
});

describe('explain with annotations', () => {
  function neuron() {
    const x = scalar(2, 'x');
    const w = scalar(-3, 'w');
    const b = scalar(1, 'b');
    const z = x.mul(w).add(b).named('z');
    const o = z.tanh().named('o');
    return { x, w, b, z, o };
  }

  it('symbols, equations, groups and cotangent names show in text, markdown and JSON; numbers are unchanged', () => {
    const { w, b, z, o } = neuron();
    const plain = explain(o);
    const notes = new Map<Node, { symbol?: string; equation?: string; group?: string; cotangent?: string }>([
      [o, { symbol: 'ŷ', group: 'output' }],
      [z, { symbol: 'u', equation: 'E1: δ = ∂ŷ/∂u', group: 'neuron', cotangent: 'δ' }],
      [w, { symbol: 'θ', equation: 'E2: ∂ŷ/∂θ = δ x', group: 'neuron' }],
      [b, { group: 'neuron' }],
    ]);
    // Unannotated nodes (x, and the product x·w) fall under 'neuron' too, so it is one run.
    const trace = explain(o, { annotate: (n) => notes.get(n) ?? { group: 'neuron' }, note: 'a tanh neuron' });
    expect(cotangents(trace.steps)).toEqual(cotangents(plain.steps));
    const u = trace.steps.find((s) => s.node === z)!;
    expect(u).toMatchObject({ label: 'u', symbol: 'u', equation: 'E1: δ = ∂ŷ/∂u', group: 'neuron', cotangentLabel: 'δ' });
    expect(trace.groups.map((g) => g.name)).toEqual(['output', 'neuron']);
    expect(trace.groups[0]!.steps).toEqual([1]);

    const text = trace.toText();
    expect(text).toContain('backward pass from ŷ');
    expect(text).toContain('a tanh neuron');
    expect(text).toContain('── output ──');
    expect(text).toContain('── neuron ──');
    expect(text).toContain('ŷ = tanh(u)');
    expect(text).toContain('[E1: δ = ∂ŷ/∂u]');
    expect(text).toContain('cotangent ∂ŷ/∂u = δ = ');
    expect(text).toContain('θ   [E2: ∂ŷ/∂θ = δ x]');
    const md = trace.toMarkdown();
    expect(md).toContain('**output**');
    expect(md).toContain('**neuron**');
    expect(md).toContain('| `u` | add | E1: δ = ∂ŷ/∂u |');
    const json = trace.toJSON() as {
      note: string;
      groups: { name: string }[];
      steps: { symbol: string | null; equation: string | null; cotangentLabel: string | null }[];
    };
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.note).toBe('a tanh neuron');
    expect(json.groups.map((g) => g.name)).toEqual(['output', 'neuron']);
    expect(json.steps.some((s) => s.symbol === 'θ' && s.equation === 'E2: ∂ŷ/∂θ = δ x')).toBe(true);
  });

  it('steps follow the pass: a leaf comes right after the last node that sends to it', () => {
    const { o } = neuron();
    expect(explain(o).steps.map((s) => s.label)).toEqual(['o', 'z', 'b', `mul#${o.inputs![0]!.inputs![0]!.id}`, 'w', 'x']);
  });

  it('without groups the renderings are as before; a seed may still be passed directly', () => {
    const W = tensor(
      [
        [1, -1],
        [0.5, 2],
      ],
      { requiresGrad: true, name: 'W' },
    );
    const y = sigmoid(matmul(tensor([[1, 2]]), W));
    const seed = tensor([[1, 0]]);
    const byNode = explain(y, seed);
    const byOption = explain(y, { seed });
    expect(cotangents(byNode.steps)).toEqual(cotangents(byOption.steps));
    expect(byNode.groups).toEqual([]);
    expect(byNode.toText()).not.toContain('──');
    expect(byNode.toMarkdown().trim().split('\n')).toHaveLength(byNode.steps.length + 2);
  });
});
