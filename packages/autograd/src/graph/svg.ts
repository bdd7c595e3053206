import type { Node } from '../tape.ts';
import { dotOf } from './export.ts';
import type { GraphOptions } from './export.ts';

let viz: Promise<{ renderString(dot: string, options: { format: string }): string }> | null = null;

/**
 * A self-contained SVG of the graph, laid out by Graphviz compiled to WebAssembly (@viz-js/viz,
 * loaded on first use; works offline in Node and in browsers, no system Graphviz needed).
 */
export async function toSvg(root: Node, options: GraphOptions = {}): Promise<string> {
  const dot = dotOf('toSvg', root, options);
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return (await viz).renderString(dot, { format: 'svg' });
}
