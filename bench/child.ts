// Run a bench/ script in a fresh Node process (tsx as the loader, extra V8 flags allowed) and
// parse the JSON line it prints last. Its progress (stderr) shows through.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { log } from './harness.ts';

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
 * Which peers of a workload run together in one process:
 * - 'float32': Pullback and the closed form in float32, in the main process;
 * - 'float64': the same in float64, in a child process. The engine's kernels take Float32Array and
 *   Float64Array alike; once one process has run both, V8's element accesses in them turn
 *   polymorphic and float32 loses about a third of its speed. A program trains in one dtype.
 * - 'tfjs': tfjs-wasm and tfjs-cpu, in a child process. tfjs-wasm grows its WebAssembly memory,
 *   which detaches the old ArrayBuffer; the first detach anywhere in a V8 process makes every
 *   typed-array access in JavaScript check for detachment from then on (a plain Float32Array
 *   update loop ran 1.9× slower here after one detach). Pullback's own WebAssembly memory never
 *   detaches (it is shared, or reserved up front), so a user's program does not pay that; sharing
 *   a process with tfjs-wasm would charge it to Pullback and the closed form.
 */
export type PeerGroup = 'float32' | 'float64' | 'tfjs';

/** What tfjs-wasm ran with in the child ('XNNPACK SIMD, 1 thread'), once a tfjs group has run. */
export let tfjsWasmDetails = 'XNNPACK (not run)';

/** The samples of `group`'s peers on `workload`, each group but 'float32' in a child process. */
export async function groupSamples<T>(workload: 'W1' | 'W2' | 'W3' | 'W4', group: Exclude<PeerGroup, 'float32'>, short: boolean): Promise<[string, T[]][]> {
  const out = await runChild<{ samples: [string, T[]][]; details: string | null }>('./group-child.ts', { workload, group, short });
  if (out.details !== null) tfjsWasmDetails = out.details;
  return out.samples;
}

/**
 * The first sample of each named peer, each in a fresh Node process of its own with no warm-up
 * (bench/first-child.ts): the first epoch a user times. `peers` pairs a name with its group.
 */
export async function firstSamples<T>(workload: 'W1' | 'W2', peers: readonly (readonly [string, PeerGroup])[], short: boolean): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (const [peer, group] of peers) {
    log(`${workload} ${peer}: first run in a fresh process`);
    out.set(peer, (await runChild<{ sample: T }>('./first-child.ts', { workload, group, peer, short })).sample);
  }
  return out;
}

/** How the groups were split, for the notes of W1–W4. */
export const PROCESS_NOTE =
  'Three processes, one after another: Pullback and the closed form in float32 (this process), tfjs-wasm and tfjs-cpu (a child), and the float64 peers (a child). ' +
  "Running both dtypes through the engine's kernels in one process makes V8's typed-array accesses polymorphic (float32 loses about a third); and tfjs-wasm grows its WebAssembly memory, whose first detached ArrayBuffer makes every later typed-array access in the process check for detachment (a plain Float32Array loop ran 1.9× slower), which a program without tfjs does not pay.";
