// Every ```ts block of the README runs as written: each is written to a file inside the workspace
// (so '@pullback/*' resolve as they do for a user of the workspace), type-checked with the
// workspace's strict settings, and run with tsx; a block that throws, or does not type-check, fails.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = join(ROOT, 'test', 'out', 'readme');
const blocks = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);

const files = blocks.map((_, i) => join(DIR, `block-${i + 1}.ts`));

beforeAll(() => {
  mkdirSync(DIR, { recursive: true });
  blocks.forEach((code, i) => {
    writeFileSync(files[i]!, code);
  });
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('README code blocks', () => {
  it('has TypeScript blocks to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it('every block type-checks with strict settings', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    const run = () =>
      execFileSync(process.execPath, [tsc, ...flags, '--allowImportingTsExtensions', '--skipLibCheck', '--types', 'node', ...files], {
        cwd: ROOT,
        stdio: 'pipe',
        encoding: 'utf8',
      });
    expect(run).not.toThrow();
  });

  it.each(files.map((file, i) => [i + 1, file] as const))('block %i runs', (_, file) => {
    execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  });
});
