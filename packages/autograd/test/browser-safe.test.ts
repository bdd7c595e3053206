import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopGradient, sum, tensor } from '../src/index.ts';

// The engine must run unchanged in a browser: nothing in src/ may import a Node built-in or use
// Node-only globals.
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('browser safety', () => {
  // src/node/ is the Node-only entry (`@pullback/autograd/node`: worker threads); nothing else imports it.
  const files = sources(join(import.meta.dirname, '..', 'src')).filter((f) => !f.includes('/src/node/'));
  it('has source files to check', () => expect(files.length).toBeGreaterThan(10));
  it('imports nothing from src/node/ outside it', () => {
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/from\s+['"][^'"]*\/node\/[^'"]*['"]/);
  });
  it.each(files.map((f) => [f.split('/src/')[1]!, f]))('%s imports no Node built-in and uses no Node globals', (_, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from\s+['"](node:|fs|path|os|url|module|child_process|zlib|worker_threads)['"]/);
    expect(text).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b|__dirname/);
  });
});

describe('stopGradient', () => {
  it('is detach under JAX’s name', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = sum(stopGradient(x).mul(x));
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 2]);
  });
});
