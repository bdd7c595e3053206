import type { Node } from '../tape.ts';
import { toDot } from './export.ts';
import { checkGraphOptions } from './options.ts';
import { checkNode } from './walk.ts';
import type { GraphOptions } from './export.ts';

let viz: Promise<{ renderString(dot: string, options: { format: string }): string }> | null = null;

/**
 * A self-contained SVG of the graph, laid out by Graphviz compiled to WebAssembly (@viz-js/viz,
 * loaded on first use; works offline in Node and in browsers, no system Graphviz needed).
 */
export async function toSvg(root: Node, options: GraphOptions = {}): Promise<string> {
  checkNode('toSvg', root);
  checkGraphOptions('toSvg', options);
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return (await viz).renderString(toDot(root, options), { format: 'svg' });
}
