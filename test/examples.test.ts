// Every example runs, briefly, as a user would run it (tsx in a child process), and prints what
// it promises. Sizes are cut down by flags where an example has them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function run(script: string, ...args: string[]): string {
  return execFileSync(tsx, [join(root, 'examples', script), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

describe('examples', () => {
  it('mnist.ts trains Nielsen’s network on a slice of real MNIST and saves the weights', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pullback-')), 'w.safetensors');
    const text = run('mnist.ts', '--epochs', '1', '--train', '10000', '--test', '1000', '--out', out);
    const acc = /epoch 1: test accuracy ([\d.]+)%/.exec(text);
    expect(acc, text).not.toBeNull();
    // One epoch on 10,000 images: about 65% here, far above chance (10%).
    expect(Number(acc![1])).toBeGreaterThan(50);
    expect(existsSync(out)).toBe(true);
  });

  it('graph.ts prints the trace with micrograd’s known gradients and writes DOT and SVG', () => {
    const text = run('graph.ts');
    expect(text).toMatch(/gradients: x1 -1\.49999999/);
    expect(text).toContain('o = tanh(n)');
    expect(existsSync(join(root, 'examples', 'out', 'graph.svg'))).toBe(true);
    // Drawn after backward(), the picture still holds the whole neuron (10 nodes, 9 edges) with
    // micrograd's gradients: o 1, n 0.5, x1 −1.5, w1 1.
    const dot = readFileSync(join(root, 'examples', 'out', 'graph.dot'), 'utf8');
    expect(dot.match(/\[label="/g)).toHaveLength(10);
    expect(dot.match(/->/g)).toHaveLength(9);
    for (const line of [
      'o = tanh\\nscalar\\nvalue 0.7071\\ngrad 1"',
      'n = add\\nscalar\\nvalue 0.8814\\ngrad 0.5"',
      'x1\\nscalar\\nvalue 2\\ngrad -1.5"',
      'w1\\nscalar\\nvalue -3\\ngrad 1"',
    ]) {
      expect(dot).toContain(line);
    }
  });

  it('moons.ts trains micrograd’s scalar MLP and the loss falls', () => {
    const text = run('moons.ts', '--steps', '3');
    const losses = [...text.matchAll(/loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses.length).toBeGreaterThanOrEqual(2);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('higher-order.ts converges to the Rosenbrock minimum by Newton steps', () => {
    const text = run('higher-order.ts');
    expect(text).toContain('p = (1.000000, 1.000000)');
  });

  it('compare-manual.ts: the engine agrees with BP1–BP4, and the typo’d derivation fails at BP4', () => {
    const text = run('compare-manual.ts');
    expect(text).toMatch(/all four equations agree to/);
    expect(text).toContain('[BP1: δ^3 = ∇_a C ⊙ σ′(z^3)]');
    expect(text).toMatch(/first disagreement: BP4 at layer 3/);
    expect(run('compare-manual.ts', '--notation', 'ufldl')).toContain('δ^{(3)}');
  });

  it('custom-loss.ts and custom-layer.ts pass gradcheck and pinpoint the wrong pullbacks', () => {
    const loss = run('custom-loss.ts');
    expect(loss).toContain('huber: gradcheck passed');
    expect(loss).toMatch(/huber \(wrong\): gradcheck FAILED\nfirst-order check failed at input 0/);
    const layer = run('custom-layer.ts');
    expect(layer).toContain('silu: gradcheck to second order passed');
    expect(layer).toContain('silu (wrong): gradcheck FAILED');
    expect(layer).toContain('model as a function of its input: gradcheck passed');
  });
});
