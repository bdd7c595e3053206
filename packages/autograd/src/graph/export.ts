import type { Node } from '../tape.ts';
import { type Drawn, checkDrawable, gradOfDrawn, inputsOf } from './keep.ts';
import { checkGraphOptions } from './options.ts';
import { checkNode, collect, label, shapeLabel, summarize } from './walk.ts';

export interface GraphOptions {
  /** Show values on nodes (default true). */
  values?: boolean;
  /** Show accumulated gradients on nodes after backward (default true). */
  grads?: boolean;
  /** Graph direction for DOT/Mermaid (default 'LR', inputs on the left). */
  direction?: 'LR' | 'TB';
  /**
   * Which scopes (see `withScope`; modules record 'MLP/layers.0' style scopes) to draw as ONE
   * node labelled with the scope, its input and output shapes: `true` collapses every innermost
   * scope (one node per layer), a list collapses exactly those scopes (with everything inside
   * them). Default: none. Scopes that are not collapsed are drawn as clusters (subgraphs).
   */
  collapse?: boolean | readonly string[];
  /** Collapse every scope at this nesting level (0: 'MLP', 1: 'MLP/layers.0', ...); shallower ones stay clusters. */
  depth?: number;
  /** Draw expanded scopes as clusters / subgraphs (default true). */
  clusters?: boolean;
  /** A kind to show after a collapsed scope's name, e.g. { 'MLP/layers.0': 'Linear' } (nn's `scopeKinds(model)`). */
  scopeKinds?: Readonly<Record<string, string>>;
}

/** One drawn box: a node of the graph, or a collapsed scope standing for several. */
interface Item {
  id: string;
  title: string;
  lines: string[];
  kind: 'leaf' | 'op' | 'scope';
  /** The expanded scope (cluster) the item is drawn in; null at top level. */
  cluster: string | null;
}

interface Layout {
  items: Item[];
  edges: [string, string][];
  /** Expanded scopes that hold something, parents before children. */
  clusters: string[];
}

const parentOf = (scope: string): string | null => {
  const cut = scope.lastIndexOf('/');
  return cut < 0 ? null : scope.slice(0, cut);
};

/** The shallowest collapsed scope enclosing `scope` (itself included), or null. */
function collapsedScope(scope: string, options: GraphOptions, innermost: ReadonlySet<string>): string | null {
  const { collapse, depth } = options;
  if (!collapse && depth === undefined) return null;
  const parts = scope.split('/');
  for (let k = 1; k <= parts.length; k++) {
    const prefix = parts.slice(0, k).join('/');
    if (depth !== undefined && k - 1 === depth) return prefix;
    if (collapse === true ? innermost.has(prefix) : Array.isArray(collapse) && collapse.includes(prefix)) return prefix;
  }
  return null;
}

/** Scopes that no other scope on the graph is nested in. */
function innermostScopes(nodes: readonly Drawn[]): Set<string> {
  const all = new Set<string>();
  for (const n of nodes) if (n.scope !== null) all.add(n.scope);
  const out = new Set(all);
  for (const s of all) for (let p = parentOf(s); p !== null; p = parentOf(p)) out.delete(p);
  return out;
}

/**
 * Which item each node is drawn as. Nodes of one collapsed scope are split into connected pieces
 * (union-find over the edges inside the scope), so two separate calls of modules that share a
 * scope name (e.g. two unregistered Sigmoid layers) stay two boxes instead of one with a cycle.
 */
function assign(nodes: readonly Drawn[], options: GraphOptions): { itemOf: Map<Drawn, string>; scopeOf: Map<string, string> } {
  const innermost = innermostScopes(nodes);
  const key = new Map<Drawn, string>();
  for (const n of nodes) {
    const k = n.scope === null ? null : collapsedScope(n.scope, options, innermost);
    if (k !== null) key.set(n, k);
  }
  const parent = new Map<Drawn, Drawn>();
  const find = (n: Drawn): Drawn => {
    let r = n;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(n, r);
    return r;
  };
  for (const n of key.keys()) parent.set(n, n);
  for (const n of key.keys()) {
    for (const x of inputsOf(n) ?? []) if (key.has(x) && key.get(x) === key.get(n)) parent.set(find(x), find(n));
  }
  const itemOf = new Map<Drawn, string>();
  const scopeOf = new Map<string, string>();
  for (const n of nodes) {
    const k = key.get(n);
    if (k === undefined) {
      itemOf.set(n, `n${n.id}`);
    } else {
      const id = `g${find(n).id}`;
      itemOf.set(n, id);
      scopeOf.set(id, k);
    }
  }
  return { itemOf, scopeOf };
}

function nodeItem(n: Drawn, options: GraphOptions): Item {
  const lines = [shapeLabel(n)];
  if (options.values !== false) lines.push(`value ${summarize(n)}`);
  const grad = options.grads !== false ? gradOfDrawn(n) : null;
  if (grad !== null) lines.push(`grad ${grad}`);
  const leaf = inputsOf(n) === null;
  const title = leaf ? label(n) : n.name ? `${n.name} = ${n.op}` : n.op;
  return { id: `n${n.id}`, title, lines, kind: leaf ? 'leaf' : 'op', cluster: n.scope };
}

function layout(fn: string, root: Node, options: GraphOptions): Layout {
  const nodes = collect<Drawn>([root], inputsOf);
  checkDrawable(fn, nodes);
  const { itemOf, scopeOf } = assign(nodes, options);
  const members = new Map<string, Drawn[]>();
  const consumers = new Map<Drawn, Drawn[]>();
  for (const n of nodes) {
    const id = itemOf.get(n)!;
    if (scopeOf.has(id))
      members
        .set(id, members.get(id) ?? [])
        .get(id)!
        .push(n);
    for (const x of inputsOf(n) ?? [])
      consumers
        .set(x, consumers.get(x) ?? [])
        .get(x)!
        .push(n);
  }

  const items: Item[] = [];
  const placed = new Set<string>();
  for (const n of nodes) {
    const id = itemOf.get(n)!;
    if (placed.has(id)) continue;
    placed.add(id);
    const scope = scopeOf.get(id);
    if (scope === undefined) {
      items.push(nodeItem(n, options));
      continue;
    }
    const group = members.get(id)!;
    const inside = new Set(group);
    const ins: Drawn[] = [];
    for (const m of group) for (const x of inputsOf(m) ?? []) if (!inside.has(x) && !ins.includes(x)) ins.push(x);
    const outs = group.filter((m) => m === root || (consumers.get(m) ?? []).some((c) => !inside.has(c)));
    const kinds = options.scopeKinds;
    const kind = kinds !== undefined && Object.hasOwn(kinds, scope) ? kinds[scope] : undefined;
    const title = `${scope}${kind ? ` (${kind})` : ''} ${ins.map(shapeLabel).join(', ')} → ${outs.map(shapeLabel).join(', ')}`;
    items.push({ id, title, lines: [], kind: 'scope', cluster: parentOf(scope) });
  }

  const edges: [string, string][] = [];
  const seen = new Set<string>();
  for (const n of nodes) {
    for (const x of inputsOf(n) ?? []) {
      const a = itemOf.get(x)!;
      const b = itemOf.get(n)!;
      if (a === b) continue;
      // Edges between plain nodes are kept one per input (x·x draws two); a scope box gets one per neighbour.
      if (scopeOf.has(a) || scopeOf.has(b)) {
        if (seen.has(`${a} ${b}`)) continue;
        seen.add(`${a} ${b}`);
      }
      edges.push([a, b]);
    }
  }

  const clusters = new Set<string>();
  if (options.clusters === false) for (const it of items) it.cluster = null;
  for (const it of items) for (let c = it.cluster; c !== null; c = parentOf(c)) clusters.add(c);
  return { items, edges, clusters: [...clusters].sort() };
}

/** Emit `items` nested in their clusters: `open(scope, index)` / `close` wrap each cluster's lines. */
function nest(
  l: Layout,
  item: (it: Item) => string,
  open: (scope: string, index: number, indent: string) => string[],
  close: (indent: string) => string,
): string[] {
  const out: string[] = [];
  const emit = (cluster: string | null, indent: string): void => {
    for (const it of l.items) if (it.cluster === cluster) out.push(indent + item(it));
    l.clusters.forEach((c, i) => {
      if (parentOf(c) !== cluster) return;
      out.push(...open(c, i, indent));
      emit(c, `${indent}  `);
      out.push(close(indent));
    });
  };
  emit(null, '  ');
  return out;
}

/**
 * Text inside a DOT double-quoted string: quotes and backslashes escaped (so `\N`, `\G`, `\l`
 * stay literal), line breaks as Graphviz's `\n`, other control characters replaced: nothing in a
 * name can end the string or add a statement.
 */
export function escapeDot(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n?|\n|\u2028|\u2029/g, '\\n')
    .replace(/\p{Cc}/gu, '\ufffd');
}

/**
 * Text inside a Mermaid quoted label, as Mermaid's entity codes (`#quot;`, `#60;`): every
 * character that could end the label, open markup (`<img …>` would be live HTML where Mermaid runs
 * with loose security), start an entity or a markdown string is written as `#<code>;`.
 */
export function escapeMermaid(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const plain = /[A-Za-z0-9 _.,:;=+\-*/'!?@$^~()[\]|]/.test(ch) || (code >= 0xa0 && code !== 0x2028 && code !== 0x2029 && (code < 0xd800 || code > 0xdfff));
    out += plain ? ch : `#${code >= 0xd800 && code <= 0xdfff ? 0xfffd : code};`;
  }
  return out;
}

/**
 * Graphviz DOT of the graph that produced `root`: leaves as boxes, ops as ellipses, scopes as
 * clusters, and collapsed scopes (options `collapse` / `depth`) as one 3-D box each. After a
 * backward pass that freed the graph, the picture is what the pass kept: the same nodes, with the
 * gradient each one received.
 */
export function toDot(root: Node, options: GraphOptions = {}): string {
  return dotOf('toDot', root, options);
}

/** toDot, with errors naming `fn` (toSvg draws through it). */
export function dotOf(fn: string, root: unknown, options: unknown): string {
  const o = checkGraphOptions(fn, options);
  const l = layout(fn, checkNode(fn, root), o);
  const style = (it: Item): string =>
    it.kind === 'scope'
      ? 'shape=box3d, style=filled, fillcolor="#fff4e0"'
      : it.kind === 'leaf'
        ? 'shape=box, style=filled, fillcolor="#eef4ff"'
        : 'shape=ellipse';
  const body = nest(
    l,
    (it) => `${it.id} [label="${[it.title, ...it.lines].map(escapeDot).join('\\n')}", ${style(it)}];`,
    (scope, i, indent) => [`${indent}subgraph cluster_${i} {`, `${indent}  label="${escapeDot(scope)}";`, `${indent}  style=rounded; color="#8899aa";`],
    (indent) => `${indent}}`,
  );
  const lines = [`digraph pullback {`, `  rankdir=${o.direction ?? 'LR'};`, `  node [fontname="Helvetica", fontsize=10];`, ...body];
  for (const [a, b] of l.edges) lines.push(`  ${a} -> ${b};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid flowchart of the same graph (renders on GitHub and in many docs tools); scopes as subgraphs. */
export function toMermaid(root: Node, options: GraphOptions = {}): string {
  const o = checkGraphOptions('toMermaid', options);
  const l = layout('toMermaid', checkNode('toMermaid', root), o);
  const body = nest(
    l,
    (it) => {
      const text = [it.title, ...it.lines].map(escapeMermaid).join('<br/>');
      return it.kind === 'leaf' ? `${it.id}["${text}"]` : it.kind === 'scope' ? `${it.id}[["${text}"]]` : `${it.id}(("${text}"))`;
    },
    (scope, i, indent) => [`${indent}subgraph s${i}["${escapeMermaid(scope)}"]`],
    (indent) => `${indent}end`,
  );
  const lines = [`flowchart ${o.direction ?? 'LR'}`, ...body];
  for (const [a, b] of l.edges) lines.push(`  ${a} --> ${b}`);
  return `${lines.join('\n')}\n`;
}
