// The packages as a user gets them: `pnpm pack` both (their prepack builds dist/ and pnpm applies
// publishConfig), `npm install` the two tarballs into a scratch project outside the workspace, and
// there (a) run a plain .mjs consumer in Node, (b) type-check a .ts consumer against the shipped
// .d.ts files, (c) bundle a page with Vite and run it in headless Chromium, and run every ```js
// example of the packed READMEs. The fixtures are in ./consumer.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunch } from '../support/chromium.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONSUMER = fileURLToPath(new URL('consumer', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const VITE = join(ROOT, 'packages', 'playground', 'node_modules', 'vite', 'dist', 'node', 'index.js');

interface Run {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** pnpm: the one running this test (`pnpm test`), else pnpm 10 through npx as the README does. */
function pnpm(args: readonly string[], cwd: string): Promise<Run> {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm/.test(execPath)) return run(process.execPath, [execPath, ...args], cwd);
  return run('npx', ['-y', 'pnpm@10', ...args], cwd);
}

let scratch = '';

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'pullback-pack-'));
  const tarballs = join(scratch, 'tarballs');
  // In order: nn's build (tsc -b) checks autograd's dist, which autograd's own prepack rebuilds.
  for (const name of ['autograd', 'nn']) await pnpm(['pack', '--pack-destination', tarballs], join(ROOT, 'packages', name));
  const project = join(scratch, 'project');
  cpSync(CONSUMER, project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...files], project);
}, 180_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

const project = () => join(scratch, 'project');

// The checks run side by side: each is a child process (or a browser) of its own.
describe.concurrent('the packed packages, installed with npm outside the workspace', () => {
  it('ship built JavaScript, types, source maps, LICENSE and README, and no raw .ts entry points', () => {
    for (const name of ['autograd', 'nn']) {
      const dir = join(project(), 'node_modules', '@pullback', name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        exports: Record<string, Record<string, string>>;
        sideEffects: boolean | string[];
      };
      // autograd's op modules register primitives and install Tensor/Scalar methods when loaded.
      if (name === 'autograd') expect(manifest.sideEffects).toEqual(expect.arrayContaining(['./dist/ops/*.js', './dist/tensor.js', './dist/scalar.js']));
      else expect(manifest.sideEffects).toBe(false);
      for (const [entry, conditions] of Object.entries(manifest.exports)) {
        expect(conditions.types, `${name} ${entry}`).toMatch(/^\.\/dist\/.*\.d\.ts$/);
        for (const target of Object.values(conditions)) {
          expect(target, `${name} ${entry}`).toMatch(/^\.\/dist\/.*\.(js|d\.ts)$/);
          expect(() => readFileSync(join(dir, target)), `${name} ${entry} → ${target}`).not.toThrow();
        }
      }
      expect(readFileSync(join(dir, 'dist', 'index.js.map'), 'utf8')).toContain('"sources"');
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('Copyright (c) 2026 the Pullback authors');
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`@pullback/${name}`);
    }
    const nn = JSON.parse(readFileSync(join(project(), 'node_modules', '@pullback', 'nn', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(nn.dependencies['@pullback/autograd']).toBe('0.1.0');
  });

  it('(a) a plain .mjs file trains XOR, matches the closed form, runs two threads and names the line of a NaN', async () => {
    const { stdout } = await run(process.execPath, ['train.mjs'], project());
    const result = JSON.parse(stdout) as {
      xor: { loss: number; predictions: number[] };
      referenceMaxDiff: number;
      threads: number;
      threadsIdentical: boolean;
      productError: number;
      anomaly: { thrown: boolean; op: string; site: string; marked: string };
    };
    expect(result.xor.loss).toBeLessThan(1e-3);
    expect(result.xor.predictions).toEqual([0, 1, 1, 0]);
    expect(result.referenceMaxDiff).toBeLessThan(1e-12);
    // 2 only when the WebAssembly module (embedded in dist) compiled and a worker started on it.
    expect(result.threads).toBe(2);
    expect(result.threadsIdentical).toBe(true);
    expect(result.productError).toBeLessThan(1e-12);
    expect(result.anomaly.thrown).toBe(true);
    expect(result.anomaly.op).toBe('log');
    expect(fileAndLine(result.anomaly.site)).toEqual(fileAndLine(result.anomaly.marked));
    expect(result.anomaly.site).toMatch(/train\.mjs:\d+:\d+$/);
  });

  for (const resolution of ['NodeNext', 'Bundler']) {
    it(`(b) a strict .ts consumer type-checks against the shipped types (moduleResolution ${resolution})`, async () => {
      const module = resolution === 'NodeNext' ? 'NodeNext' : 'ESNext';
      // skipLibCheck off: the shipped .d.ts files are checked too (not TypeScript's own lib); no @types/node, no DOM.
      const compilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        skipDefaultLibCheck: true,
        target: 'ES2022',
        lib: ['ES2022'],
        types: [],
        module,
        moduleResolution: resolution,
      };
      const config = `tsconfig.${resolution}.json`;
      writeFileSync(join(project(), config), JSON.stringify({ compilerOptions, files: ['types.ts'] }));
      await run(process.execPath, [TSC, '-p', config], project());
    });
  }

  it('(c) a page bundled by Vite computes a gradient through the WebAssembly kernels in headless Chromium', async () => {
    const page = join(project(), 'page');
    await run(process.execPath, ['build.mjs', VITE], page);
    const server = await serve(join(page, 'dist'));
    const launch = await chromiumLaunch();
    const browser = await chromium.launch({ executablePath: launch.executablePath, args: launch.args });
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await tab.waitForFunction("document.querySelector('#out').textContent !== 'running'", null, { timeout: 20_000 });
      const out = JSON.parse((await tab.textContent('#out')) ?? '') as { gradient00: number; maxError: number; site: string; marked: string };
      expect(errors).toEqual([]);
      expect(Number.isFinite(out.gradient00)).toBe(true);
      expect(out.gradient00).not.toBe(0);
      expect(out.maxError).toBeLessThan(1e-12);
      expect(fileAndLine(out.site)).toEqual(fileAndLine(out.marked));
      expect(out.site).toMatch(/\/assets\/index-[^/]*\.js:\d+:\d+$/);
    } finally {
      await browser.close();
      server.close();
    }
  });

  it('every ```js example of the packed READMEs runs and prints what its `// →` comments say', async () => {
    writeMnist(join(project(), 'mnist'));
    let examples = 0;
    for (const name of ['autograd', 'nn']) {
      const readme = readFileSync(join(project(), 'node_modules', '@pullback', name, 'README.md'), 'utf8');
      const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(blocks.length, `${name}'s README has examples`).toBeGreaterThan(0);
      const outputs = await Promise.all(
        blocks.map((code, i) => {
          const file = `readme-${name}-${i + 1}.mjs`;
          writeFileSync(join(project(), file), code);
          return run(process.execPath, [file], project());
        }),
      );
      blocks.forEach((code, i) => {
        const expected = [...code.matchAll(/console\.log\(.*\/\/ → (.*)$/gm)].map((m) => m[1]!.trim());
        expect(outputs[i]!.stdout.trim().split('\n'), `${name} README example ${i + 1}`).toEqual(expected);
        examples++;
      });
    }
    expect(examples).toBeGreaterThanOrEqual(4);
  });
});

/** [file, line] of a `where:line:column` location (a stack frame or an AnomalyError's site), file:// dropped. */
function fileAndLine(location: string): string[] | undefined {
  return /((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?\s*$/
    .exec(location.trim())
    ?.slice(1, 3)
    .map((s) => s.replace(/^file:\/\//, ''));
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/** Serves a folder on 127.0.0.1 at a free port. */
function serve(dir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir)) return void response.writeHead(403).end();
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Two 28×28 images and labels per split in MNIST's IDX format (magic 0x0803 / 0x0801, big-endian sizes), for nn's README. */
function writeMnist(dir: string): void {
  mkdirSync(dir);
  const idx = (type: number, dims: number[], values: number) => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.writeUInt8(0x08, 2);
    header.writeUInt8(dims.length, 3);
    for (const [i, d] of dims.entries()) header.writeUInt32BE(d, 4 + 4 * i);
    return Buffer.concat([header, Buffer.alloc(values, type)]);
  };
  for (const split of ['train', 't10k']) {
    writeFileSync(join(dir, `${split}-images-idx3-ubyte`), idx(128, [2, 28, 28], 2 * 28 * 28));
    writeFileSync(join(dir, `${split}-labels-idx1-ubyte`), idx(7, [2], 2));
  }
}
