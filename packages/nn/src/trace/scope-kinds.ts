import type { Module } from '../module.ts';

/**
 * The class of every module under `root`, keyed by the tape scope its `call` records
 * ('MLP' → 'MLP', 'MLP/layers.0' → 'Linear', ...), for the `scopeKinds` option of
 * toDot / toMermaid / toSvg, which then label a collapsed layer 'MLP/layers.0 (Linear) ...'.
 * Only registered children are listed (an MLP's activations are not registered, so their scope
 * 'MLP/Sigmoid' already names the class).
 */
export function scopeKinds(root: Module): Record<string, string> {
  const out: Record<string, string> = {};
  const visited = new Set<Module>();
  const walk = (m: Module, path: string): void => {
    if (visited.has(m)) return;
    visited.add(m);
    out[path] = m.constructor.name;
    for (const [name, child] of m.namedChildren()) walk(child, `${path}/${name}`);
  };
  walk(root, root.scopeName);
  return out;
}
