// W5: micrograd's demo on Pullback's Scalar API — a 2-16-16-1 MLP of Scalars, SVM hinge loss with
// L2 (α = 1e-4) on 100 two-moons points, as examples/moons.ts — in graph nodes per second. The
// graph is built exactly as micrograd's demo builds it (inputs wrapped as constant Scalars, the
// sums started from a zero Scalar), so it has micrograd's node count: 65,818 per step (65,077
// operations, 337 parameters, 404 constants), counted here by walking the graph.
import { Scalar, mulberry32, scalar } from '@pullback/autograd';
import type { Node } from '@pullback/autograd';
import { fmt, log, roundRobin, stats } from './harness.ts';
import type { Section, WorkloadOptions } from './harness.ts';
import { runChild } from './child.ts';
// examples/support holds the demo's data as a plain module (no script runs on import).
import { twoMoons } from '../examples/support/two-moons.ts';

/** The demo: data, parameters, and one step's loss graph. */
export function moons() {
  const random = mulberry32(1337);
  const { X, Y } = twoMoons(random);
  const sizes = [2, 16, 16, 1];
  const layers = sizes
    .slice(1)
    .map((n, l) =>
      Array.from({ length: n }, () => ({ w: Array.from({ length: sizes[l]! }, () => scalar(random() * 2 - 1)), b: scalar(0), linear: l === sizes.length - 2 })),
    );
  const parameters = layers.flat().flatMap((n) => [...n.w, n.b]);
  const model = (x: Scalar[]): Scalar => {
    let a = x;
    for (const layer of layers) {
      a = layer.map((n) => {
        let act: Scalar = n.b;
        for (let i = 0; i < n.w.length; i++) act = act.add(n.w[i]!.mul(a[i]!));
        return n.linear ? act : act.relu();
      });
    }
    return a[0]!;
  };
  const loss = (): Scalar => {
    const scores = X.map((x) => model([new Scalar(x[0]), new Scalar(x[1])]));
    const losses = scores.map((s, i) => s.mul(-Y[i]!).add(1).relu());
    const dataLoss = losses.reduce((a, l) => a.add(l), new Scalar(0)).mul(1 / losses.length);
    const reg = parameters.reduce((a, p) => a.add(p.mul(p)), new Scalar(0)).mul(1e-4);
    return dataLoss.add(reg);
  };
  return { parameters, loss };
}

/** Distinct nodes reachable from `root` through inputs (iteratively), constants included. */
export function countNodes(root: Node): number {
  const seen = new Set<Node>([root]);
  const stack: Node[] = [root];
  while (stack.length > 0) {
    for (const x of stack.pop()!.inputs ?? []) {
      if (!seen.has(x)) {
        seen.add(x);
        stack.push(x);
      }
    }
  }
  return seen.size;
}

/** nodes/s of `repeats` runs of `steps` timed steps (forward + backward), after a warm-up step. */
export async function measureScalar(steps: number, repeats: number): Promise<{ nodes: number; samples: number[] }> {
  const demo = moons();
  const nodes = countNodes(demo.loss());
  let k = 0;
  const step = (): number => {
    const t0 = performance.now();
    const total = demo.loss();
    for (const p of demo.parameters) p.zeroGrad();
    total.backward();
    const dt = performance.now() - t0;
    const lr = 1 - (0.9 * (k++ % 100)) / 100;
    for (const p of demo.parameters) p.data -= lr * p.grad;
    return dt;
  };
  const results = await roundRobin(
    [
      {
        name: 'Pullback Scalar',
        setup: () => void step(),
        run: () => {
          let ms = 0;
          for (let s = 0; s < steps; s++) ms += step();
          return (nodes * steps) / (ms / 1000);
        },
      },
    ],
    repeats,
  );
  return { nodes, samples: results.get('Pullback Scalar')! };
}

/** V8 flag for the diagnostic row: a young generation large enough to hold a whole step's graph. */
const SEMI_SPACE = '--max-semi-space-size=64';

export async function runW5(options: WorkloadOptions): Promise<Section> {
  const steps = options.short ? 1 : 10;
  const repeats = options.short ? 3 : 5;
  log(`W5: ${repeats} runs of ${steps} steps (and again in a child process with ${SEMI_SPACE})`);
  const { nodes, samples } = await measureScalar(steps, repeats);
  const big = await runChild<{ nodes: number; samples: number[] }>('./w5-child.ts', { steps, repeats }, [SEMI_SPACE]);
  const s = stats(samples);
  const b = stats(big.samples);
  const perStep = (x: number) => fmt((nodes / x) * 1000);
  return {
    id: 'W5',
    title: "micrograd's demo as a scalar graph: 2-16-16-1 MLP, hinge loss + L2, 100 two-moons points",
    notes: [
      `${nodes.toLocaleString('en-US')} nodes per step (every value in the loss graph: operations, parameters and constants, as micrograd counts them).`,
      `Each run: ${steps} training steps; only forward (building the graph) + backward is timed, the parameter update is not. ${repeats} runs after a warm-up step.`,
      `Diagnostic row (not the target): the same measurement in a fresh process started with node ${SEMI_SPACE}. A step's graph outlives V8's default 16 MB young generation, so most of it is copied by the scavenger and promoted; the gap between the two rows is that garbage-collection cost.`,
    ],
    rows: [
      {
        peer: 'Pullback Scalar',
        dtype: '—',
        unit: 'nodes/s',
        higherIsBetter: true,
        stats: s,
        extra: { 'nodes/step': nodes.toLocaleString('en-US'), 'ms/step': perStep(s.median) },
      },
      {
        peer: `Pullback Scalar, node ${SEMI_SPACE}`,
        dtype: '—',
        unit: 'nodes/s',
        higherIsBetter: true,
        stats: b,
        extra: { 'nodes/step': big.nodes.toLocaleString('en-US'), 'ms/step': perStep(b.median) },
      },
    ],
    ratios: [{ name: `${SEMI_SPACE} ÷ default`, value: b.median / s.median, formula: 'nodes/s ÷ nodes/s' }],
    targets: [{ text: 'W5 ≥ 3 M nodes/s', measured: `${fmt(s.median / 1e6)} M nodes/s`, met: s.median >= 3e6 }],
  };
}
