// Profiles of Pullback's side of a workload, for finding engine hot spots:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts w1 [float32|float64]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts w2
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts w5
//   npx tsx bench/profile.ts summarize /tmp/prof/<file>.cpuprofile [top]
//
// `summarize` prints self time by function (file:line) and by file, largest first.
import { readFileSync } from 'node:fs';
import type { DType } from '@pullback/autograd';
import { pullbackWide } from './wide-mlp.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarize(path: string, top = 25): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    const file = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/(packages|bench|node_modules)\//, '$1/') || '(native)';
    const key = `${n.callFrame.functionName || '(anonymous)'}  ${file}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    byFile.set(file, (byFile.get(file) ?? 0) + dt);
  });
  const lines = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  return [`total ${(total / 1e6).toFixed(2)} s`, '', 'self time by function:', ...lines(self), '', 'self time by file:', ...lines(byFile)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [what, arg, arg2] = argv;
  if (what === 'summarize') {
    console.log(summarize(arg!, Number(arg2 ?? 25)));
    return;
  }
  if (what === 'w1') {
    const { gather, oneHot } = await import('@pullback/autograd');
    const { MLP, SGD, quadraticCost } = await import('@pullback/nn');
    const { epochOrder, mnist } = await import('./data.ts');
    const dtype = (arg ?? 'float32') as DType;
    const data = mnist(dtype);
    const model = new MLP([784, 30, 10], { outputActivation: 'sigmoid', seed: 1, dtype });
    const opt = new SGD(model.parameters(), { lr: 3 });
    const order = epochOrder(50_000, 1);
    for (let s = 0; s < 50_000; s += 10) {
      const idx = Array.from(order.subarray(s, s + 10));
      const loss = quadraticCost(model.call(gather(data.train.images, idx, 0)), oneHot(gather(data.train.labels, idx, 0), 10, dtype));
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
  } else if (what === 'w2') {
    // W4's forward + backward, no update: 30 passes over 10 batches.
    const c = pullbackWide('float32');
    await c.activate();
    for (let r = 0; r < 30; r++) c.forwardBackward(r % 10);
  } else if (what === 'w5') {
    const { runW5 } = await import('./w5-scalar.ts');
    await runW5({ short: false });
  } else {
    throw new Error(`profile: expected w1, w2, w5 or summarize, got ${what}`);
  }
}

await main(process.argv.slice(2));
