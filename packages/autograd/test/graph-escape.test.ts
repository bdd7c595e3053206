import { instance } from '@viz-js/viz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError, explain, scalar, tensor, toDot, toMermaid, toSvg } from '../src/index.ts';
import type { Node } from '../src/index.ts';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  'a"b',
  'back\\slash\\N\\G\\l',
  'two\nlines',
  'x"]; evil [label="pwned',
  '#quot;<b>&amp;</b>`code`',
  'end"]\n  n999["injected',
  '%%{init: {"securityLevel": "loose"}}%%',
];

/** y = a·b + a with the given names: 3 leaves-and-ops boxes plus the add, 4 edges. */
function named(nameA: string, nameB: string): Node {
  const a = scalar(2, nameA);
  const b = scalar(3, nameB);
  return a.mul(b).add(a).named(nameA);
}

const vizInstance = instance();

/** Graphviz's own reading of a DOT text: node names and the label each one got (Graphviz JSON). */
async function parseDot(dot: string): Promise<{ nodes: Map<string, string>; edges: number }> {
  const viz = await vizInstance;
  const result = viz.render(dot, { format: 'json' });
  if (result.status !== 'success') throw new Error(result.errors.map((e) => e.message).join('; '));
  const json = JSON.parse(result.output!) as { objects?: { name: string; label?: string }[]; edges?: unknown[] };
  // Graphviz keeps a label's escapes as written (\\ and \n); undo them to get the text drawn.
  const unescapeLabel = (l: string) => l.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return { nodes: new Map((json.objects ?? []).map((o) => [o.name, unescapeLabel(o.label ?? '')])), edges: (json.edges ?? []).length };
}

const MERMAID_NODE = /^ {2}(n\d+)(?:\["([^"]*)"\]|\(\("([^"]*)"\)\))$/;
const MERMAID_EDGE = /^ {2}n\d+ --> n\d+$/;

/** A tiny reader of our Mermaid output: every line is a node, an edge or the header; labels decoded. */
function parseMermaid(mmd: string): { nodes: Map<string, string>; edges: number } {
  const lines = mmd.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^flowchart (LR|TB)$/);
  const nodes = new Map<string, string>();
  let edges = 0;
  for (const line of lines.slice(1)) {
    const m = MERMAID_NODE.exec(line);
    if (m) {
      const text = m[2] ?? m[3]!;
      // The only markup left in a label is our own line break.
      expect(text.replace(/<br\/>/g, '')).not.toMatch(/[<>"&`]/);
      nodes.set(
        m[1]!,
        text.replace(/<br\/>/g, '\n').replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))),
      );
    } else if (MERMAID_EDGE.test(line)) edges++;
    else throw new Error(`unexpected Mermaid line ${JSON.stringify(line)}`);
  }
  return { nodes, edges };
}

const firstLines = (nodes: Map<string, string>) => [...nodes.values()].map((l) => l.split('\n')[0]!).sort();

describe('graph export with hostile names', () => {
  it.each(HOSTILE)('toDot keeps %j inside its label (Graphviz reads 4 nodes, 4 edges)', async (name) => {
    const dot = toDot(named(name, 'b'));
    const { nodes, edges } = await parseDot(dot);
    expect(nodes.size).toBe(4);
    expect(edges).toBe(4);
    expect(firstLines(nodes)).toEqual(['b', 'mul', `${name} = add`.split('\n')[0]!, name.split('\n')[0]!].sort());
  });

  it.each(HOSTILE)('toMermaid writes %j as entity codes, never as markup', (name) => {
    const mmd = toMermaid(named(name, 'b'));
    expect(mmd).not.toContain('<img');
    const { nodes, edges } = parseMermaid(mmd);
    expect(nodes.size).toBe(4);
    expect(edges).toBe(4);
    expect([...nodes.values()].some((l) => l.startsWith(`${name}\nscalar`))).toBe(true);
  });

  it('toSvg XML-escapes names: the SVG holds the text, not the element', async () => {
    const svg = await toSvg(named('<img src=x onerror=alert(1)>', '"&\''));
    expect(svg).not.toMatch(/<img/);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg.match(/<g id="node\d+" class="node">/g)!.length).toBe(4);
  });

  it('escapes tensor names and collapsed scope titles the same way', async () => {
    const t = tensor([1, 2], { requiresGrad: true });
    t.name = '<svg onload=alert(1)>"';
    const mmd = toMermaid(t.mul(t));
    expect(mmd).not.toMatch(/<svg/);
    expect((await parseDot(toDot(t.mul(t)))).nodes.size).toBe(2);
  });

  it('explain(...).toText() shows a name with a line break on one line', () => {
    const text = explain(named('x\n  99. fake = add(x)', 'b')).toText();
    expect(text).not.toMatch(/^ {2}99\. fake/m);
    expect(text).toContain('x\\n  99. fake');
  });

  it('explain(...).toMarkdown() keeps a name with | and backticks inside one code cell', () => {
    const md = explain(named('a|`b`<img src=x>', 'b')).toMarkdown().trim().split('\n');
    const cells = (row: string) => row.split(/(?<!\\)\|/).length;
    for (const row of md.slice(2)) expect(cells(row)).toBe(cells(md[0]!));
    expect(md.join('\n')).toContain('``a\\|`b`<img src=x>``');
  });

  it('property: for any names, DOT and Mermaid hold exactly the expected nodes and labels', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 12 }), async (a, b) => {
        fc.pre(a.length > 0 && b.length > 0);
        const root = named(a, b);
        const parsed = await parseDot(toDot(root));
        expect(parsed.nodes.size).toBe(4);
        expect(parsed.edges).toBe(4);
        // Graphviz reads b's label back as b (control characters drawn as U+FFFD, line breaks as breaks).
        const drawn = (s: string) => s.replace(/\r\n?|\u2028|\u2029/g, '\n').replace(/\p{Cc}/gu, (c) => (c === '\n' ? c : '\ufffd'));
        expect([...parsed.nodes.values()].some((l) => l.startsWith(`${drawn(b)}\nscalar`))).toBe(true);
        const m = parseMermaid(toMermaid(root));
        expect(m.nodes.size).toBe(4);
        expect(m.edges).toBe(4);
        // Mermaid labels decode to the names exactly (lone surrogates become U+FFFD).
        const clean = (s: string) => s.replace(/\p{Cs}/gu, '\ufffd');
        expect([...m.nodes.values()].some((l) => l.startsWith(`${clean(b)}\nscalar`))).toBe(true);
      }),
      { numRuns: 60, seed: 1315 },
    );
  });
});

describe('graph export options', () => {
  const root = named('a', 'b');
  it.each([
    ['toDot', (o: object) => toDot(root, o)],
    ['toMermaid', (o: object) => toMermaid(root, o)],
  ] as const)('%s rejects unknown keys and values of the wrong kind', (fn, draw) => {
    expect(() => draw({ colapse: true })).toThrow(ValueError);
    expect(() => draw({ colapse: true })).toThrow(
      `${fn}: unknown option 'colapse'; expected one of 'values', 'grads', 'direction', 'collapse', 'depth', 'clusters', 'scopeKinds'`,
    );
    expect(() => draw({ direction: 'LR;\n  evil [label="x"]' })).toThrow(`${fn}: option 'direction' must be 'LR' or 'TB'`);
    expect(() => draw({ depth: -1 })).toThrow(ValueError);
    expect(() => draw({ values: 'no' })).toThrow(ValueError);
    expect(() => draw({ collapse: [1] })).toThrow(ValueError);
    expect(() => draw({ scopeKinds: { a: 1 } })).toThrow(ValueError);
    expect(() => draw(null as unknown as object)).toThrow(`${fn}: options must be an object, got null`);
    expect(draw({ direction: 'TB', values: false })).toContain('TB');
  });

  it('toSvg checks its options under its own name', async () => {
    await expect(toSvg(root, { colapse: true } as object)).rejects.toThrow("toSvg: unknown option 'colapse'");
  });

  it('a direction with a newline cannot add a node to the DOT output', async () => {
    let dot = '';
    try {
      dot = toDot(root, { direction: 'LR;\n  evil [label="x"]' as 'LR' });
    } catch {}
    expect(dot).toBe('');
  });
});
