import type { Node } from '../tape.ts';
import { collect, label, shapeLabel, summarize } from './walk.ts';

export interface GraphOptions {
  /** Show values on nodes (default true). */
  values?: boolean;
  /** Show accumulated gradients on nodes after backward (default true). */
  grads?: boolean;
  /** Graph direction for DOT/Mermaid (default 'LR', inputs on the left). */
  direction?: 'LR' | 'TB';
}

interface Row {
  id: string;
  title: string;
  lines: string[];
  leaf: boolean;
}

function rows(root: Node, options: GraphOptions): Row[] {
  return collect([root]).map((n) => {
    const lines = [shapeLabel(n)];
    if (options.values !== false) lines.push(`value ${summarize(n as never)}`);
    if (options.grads !== false && n._grad !== null) lines.push(`grad ${summarize(n._grad)}`);
    const title = n.inputs === null ? label(n) : n.name ? `${n.name} = ${n.op}` : n.op;
    return { id: `n${n.id}`, title, lines, leaf: n.inputs === null };
  });
}

function edges(root: Node): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const n of collect([root])) (n.inputs ?? []).forEach((x, i) => out.push([`n${x.id}`, `n${n.id}`, i]));
  return out;
}

function escapeDot(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** Graphviz DOT of the graph that produced `root`: leaves as boxes, ops as ellipses. */
export function toDot(root: Node, options: GraphOptions = {}): string {
  const lines = [`digraph pullback {`, `  rankdir=${options.direction ?? 'LR'};`, `  node [fontname="Helvetica", fontsize=10];`];
  for (const r of rows(root, options)) {
    const text = [r.title, ...r.lines].map(escapeDot).join('\\n');
    lines.push(`  ${r.id} [label="${text}", shape=${r.leaf ? 'box' : 'ellipse'}${r.leaf ? ', style=filled, fillcolor="#eef4ff"' : ''}];`);
  }
  for (const [a, b] of edges(root)) lines.push(`  ${a} -> ${b};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Mermaid flowchart of the same graph (renders on GitHub and in many docs tools). */
export function toMermaid(root: Node, options: GraphOptions = {}): string {
  const esc = (s: string) => s.replace(/"/g, '#quot;');
  const lines = [`flowchart ${options.direction ?? 'LR'}`];
  for (const r of rows(root, options)) {
    const text = esc([r.title, ...r.lines].join('<br/>'));
    lines.push(r.leaf ? `  ${r.id}["${text}"]` : `  ${r.id}(("${text}"))`);
  }
  for (const [a, b] of edges(root)) lines.push(`  ${a} --> ${b}`);
  return lines.join('\n') + '\n';
}
