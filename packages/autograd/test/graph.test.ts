import { describe, expect, it } from 'vitest';
import { type Scalar, type Tensor, explain, matmul, scalar, sigmoid, sum, tensor, toDot, toMermaid, toSvg } from '../src/index.ts';

function neuron() {
  // Karpathy's micrograd neuron: o = tanh(x1 w1 + x2 w2 + b), with known gradients.
  const x1 = scalar(2, 'x1');
  const x2 = scalar(0, 'x2');
  const w1 = scalar(-3, 'w1');
  const w2 = scalar(1, 'w2');
  const b = scalar(6.881373587019543, 'b');
  const o = x1.mul(w1).add(x2.mul(w2)).add(b).named('n').tanh().named('o');
  return { x1, x2, w1, w2, b, o };
}

describe('explain', () => {
  it('lists every node once, outputs before inputs, with the cotangents the engine computes', () => {
    const { x1, w1, x2, o } = neuron();
    const trace = explain(o);
    const labels = trace.steps.map((s) => s.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe('o');
    expect(labels.indexOf('n')).toBeLessThan(labels.indexOf('x1'));
    // Known values: do/dn = 1 − tanh²(n) = 0.5, dx1 = w1·0.5 = −1.5, dw1 = x1·0.5 = 1.
    const at = (name: string) => trace.steps.find((s) => s.label === name)!;
    expect((at('n').cotangent as Scalar).data).toBeCloseTo(0.5, 12);
    expect((at('x1').cotangent as Scalar).data).toBeCloseTo(-1.5, 12);
    expect((at('w1').cotangent as Scalar).data).toBeCloseTo(1, 12);
    expect((at('x2').cotangent as Scalar).data).toBeCloseTo(-1.5 / -3, 12);
    // The local derivative of tanh at n is shown by value.
    expect((at('o').inputs[0]!.local as Scalar).data).toBeCloseTo(0.5, 12);
    expect(at('o').formula).toContain('sech²');
    // The trace does not touch .grad and keeps the graph.
    expect(x1.grad).toBe(0);
    o.backward();
    expect(x1.grad).toBeCloseTo(-1.5, 12);
    expect(w1.grad).toBeCloseTo(1, 12);
    expect(x2.grad).toBeCloseTo(0.5, 12);
  });

  it('renders text, markdown and JSON with the same steps', () => {
    const { o } = neuron();
    const trace = explain(o);
    const text = trace.toText();
    expect(text).toContain('o = tanh(n)');
    expect(text).toContain('→ x1: sends -1.5');
    const md = trace.toMarkdown().trim().split('\n');
    expect(md.length).toBe(trace.steps.length + 2);
    const json = trace.toJSON() as { steps: { label: string; op: string }[] };
    expect(json.steps.map((s) => s.label)).toEqual(trace.steps.map((s) => s.label));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('works on tensors and needs a seed for a non-scalar output', () => {
    const W = tensor(
      [
        [1, -1],
        [0.5, 2],
      ],
      { requiresGrad: true, name: 'W' },
    );
    const y = sigmoid(matmul(tensor([[1, 2]]), W));
    expect(() => explain(y)).toThrow(/seed/);
    const loss = sum(y).named('loss');
    const trace = explain(loss);
    const w = trace.steps.find((s) => s.label === 'W')!;
    loss.backward();
    expect(Array.from((w.cotangent as Tensor).data)).toEqual(Array.from(W.grad!.data));
  });
});

describe('graph export', () => {
  it('DOT and Mermaid show every node with names, values, and gradients after backward', () => {
    const { o } = neuron();
    o.backward({ retainGraph: true });
    const dot = toDot(o);
    for (const name of ['x1', 'x2', 'w1', 'w2', 'b', 'n = add', 'o = tanh']) expect(dot).toContain(name);
    expect(dot).toContain('grad -1.5');
    expect((dot.match(/->/g) ?? []).length).toBe(9);
    const mmd = toMermaid(o);
    expect(mmd.startsWith('flowchart LR')).toBe(true);
    expect((mmd.match(/-->/g) ?? []).length).toBe(9);
  });

  it('SVG is laid out by Graphviz (WebAssembly) and holds every label', async () => {
    const { o } = neuron();
    const svg = await toSvg(o);
    expect(svg).toContain('<svg');
    for (const name of ['x1', 'w1', 'o = tanh']) expect(svg).toContain(name);
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(9);
  });
});
