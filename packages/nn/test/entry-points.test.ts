import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nn from '../src/index.ts';
import * as nnNode from '../src/node.ts';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every module specifier reachable from `entry` through relative imports. */
function reachableImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1]!;
      specifiers.add(spec);
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
    }
  };
  visit(entry);
  return specifiers;
}

describe('entry points', () => {
  it('index.ts pulls in no Node built-ins (it must run in a browser)', () => {
    const specs = [...reachableImports(join(src, 'index.ts'))];
    expect(specs.filter((s) => s.startsWith('node:'))).toEqual([]);
    expect(specs).toContain('./random.ts');
  });

  it('node.ts exports loadMnist; index.ts does not', () => {
    expect(typeof nnNode.loadMnist).toBe('function');
    expect('loadMnist' in nn).toBe(false);
    expect([...reachableImports(join(src, 'node.ts'))]).toContain('node:zlib');
  });
});
