// Run a bench/ script in a fresh Node process (tsx as the loader, extra V8 flags allowed) and
// parse the JSON line it prints last. Its progress (stderr) shows through.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function runChild<T>(script: string, args: unknown, nodeFlags: readonly string[] = []): Promise<T> {
  const require = createRequire(import.meta.url);
  const loader = pathToFileURL(require.resolve('tsx')).href;
  const file = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [...nodeFlags, '--import', loader, file, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with code ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch (e) {
        reject(new Error(`${script} printed no JSON result: ${(e as Error).message}`));
      }
    });
  });
}

/**
 * The engine's kernels take Float32Array and Float64Array alike; once one process has run both,
 * V8's element accesses in them turn polymorphic and float32 loses about a third of its speed.
 * A program trains in one dtype, so the float64 peers run in a process of their own.
 */
export function float64Samples<T>(workload: 'W1' | 'W2' | 'W3', short: boolean): Promise<[string, T[]][]> {
  return runChild<[string, T[]][]>('./float64-child.ts', { workload, short });
}
