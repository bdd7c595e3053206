import { describe, expect, it } from 'vitest';
import { type Tensor, tensor, toDot, toMermaid } from '@pullback/autograd';
import { Linear, MLP, Sequential, quadraticCost, scopeKinds } from '../../src/index.ts';
import { Scale } from '../helpers.ts';

function batch(m: number, n: number): Tensor {
  return tensor(
    Array.from({ length: m * n }, (_, i) => Math.sin(i + 1)),
    { shape: [m, n] },
  );
}

describe('module scopes', () => {
  it("Module.call records forward's ops under the module path; parameters carry their owner's path", () => {
    const model = new MLP([4, 5, 3], { outputActivation: 'sigmoid', seed: 2 });
    expect(model.scopeName).toBe('MLP');
    expect(model.layers[1]!.scopeName).toBe('layers.1');
    expect(model.layers[0]!.weight.scope).toBe('MLP/layers.0');
    expect(model.layers[1]!.bias!.scope).toBe('MLP/layers.1');
    const out = model.call(batch(2, 4));
    // out = sigmoid(z^3): the activations are not registered children, so their ops belong to the MLP.
    expect(out.scope).toBe('MLP');
    const z3 = out.inputs![0]!;
    expect(z3.op).toBe('linear');
    expect(z3.scope).toBe('MLP/layers.1');
    // forwardTrace records z^3 as matmul then add, both inside the layer's scope.
    const traced = model.scoped(() => model.forwardTrace(batch(2, 4))).z[1]!;
    expect([traced.op, traced.scope]).toEqual(['add', 'MLP/layers.1']);
    expect([traced.inputs![0]!.op, traced.inputs![0]!.scope]).toEqual(['matmul', 'MLP/layers.1']);
  });

  it('nested modules nest their scopes, and registering a parent re-stamps the parameters below it', () => {
    const s = new Scale(3);
    expect(s.inner.weight.scope).toBe('Scale/inner');
    expect(s.gain.scope).toBe('Scale');
    const y = s.call(batch(2, 3));
    expect(y.scope).toBe('Scale');
    expect(y.inputs![0]!.scope).toBe('Scale/inner');
    const seq = new Sequential(s);
    expect(s.inner.weight.scope).toBe('Sequential/0/inner');
    expect(s.gain.scope).toBe('Sequential/0');
    expect(seq.call(batch(2, 3)).inputs![0]!.scope).toBe('Sequential/0/inner');
    expect(scopeKinds(seq)).toEqual({ Sequential: 'Sequential', 'Sequential/0': 'Scale', 'Sequential/0/inner': 'Linear' });
  });

  it('a module called on its own scopes its ops with its class name', () => {
    const layer = new Linear(2, 2, { seed: 3 });
    expect(layer.weight.scope).toBe('Linear');
    expect(layer.call(batch(1, 2)).scope).toBe('Linear');
  });
});

describe('MLP graph pictures', () => {
  const sizes = [4, 6, 5, 3];
  const m = 10;
  function graph() {
    const model = new MLP(sizes, { outputActivation: 'sigmoid', seed: 4 });
    const cost = quadraticCost(model.call(batch(m, 4)), batch(m, 3));
    return { model, cost };
  }

  it('collapsed: one node per Linear layer with its shapes, joined through the activations', () => {
    const { model, cost } = graph();
    const dot = toDot(cost, { collapse: true, scopeKinds: scopeKinds(model) });
    const boxes = [...dot.matchAll(/(g\d+) \[label="(MLP\/layers\.\d) \(Linear\) (\[[^\]]*\]) → (\[[^\]]*\])"/g)];
    expect(boxes.map((b) => b[2])).toEqual(['MLP/layers.0', 'MLP/layers.1', 'MLP/layers.2']);
    expect(boxes.map((b) => [b[3], b[4]])).toEqual([
      [`[${m}, 4]`, `[${m}, 6]`],
      [`[${m}, 6]`, `[${m}, 5]`],
      [`[${m}, 5]`, `[${m}, 3]`],
    ]);
    expect((dot.match(/box3d/g) ?? []).length).toBe(3);
    // No parameter or inner op of a layer is drawn on its own.
    expect(dot).not.toMatch(/label="(matmul|add)\\n/);
    const edges = dot
      .split('\n')
      .filter((l) => l.includes('->'))
      .map((l) => l.trim().replace(';', ''));
    const ids = boxes.map((b) => b[1]!);
    for (let i = 0; i + 1 < ids.length; i++) {
      // layers.i → its sigmoid → layers.i+1
      const sig = edges.find((e) => e.startsWith(`${ids[i]} -> `))!.split(' -> ')[1]!;
      expect(dot).toMatch(new RegExp(`${sig} \\[label="sigmoid`));
      expect(edges).toContain(`${sig} -> ${ids[i + 1]}`);
    }
    const mmd = toMermaid(cost, { depth: 1, scopeKinds: scopeKinds(model) });
    expect(mmd).toContain(`[["MLP/layers.1 (Linear) [${m}, 6] → [${m}, 5]"]]`);
  });

  it('expanded (the default): every layer is a cluster inside the MLP cluster', () => {
    const { cost } = graph();
    const dot = toDot(cost);
    expect((dot.match(/subgraph cluster_/g) ?? []).length).toBe(4);
    for (const scope of ['MLP', 'MLP/layers.0', 'MLP/layers.1', 'MLP/layers.2']) expect(dot).toContain(`label="${scope}";`);
    expect(dot).not.toContain('box3d');
  });
});
