// Child process of the memory workload (bench/memory.ts starts it with --expose-gc, so that no
// other workload's allocations are in its RSS): loads MNIST, then runs W1's training step
// (784-30-10 sigmoid, quadratic cost, SGD η = 3, batch 10, Pullback MLP) for `steps` steps over
// successive epochs of the first 50,000 images, sampling RSS every 100 steps and the heap after a
// full GC every `heapEvery` steps. Prints one JSON line.
import { gather, oneHot } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import { MLP, SGD, quadraticCost } from '@pullback/nn';
import { readFileSync } from 'node:fs';
import { loadMnist } from '@pullback/nn/node';
import { datasetBytes, epochOrder, mnistDir } from './data.ts';

export interface MemoryReport {
  dtype: DType;
  steps: number;
  datasetBytes: number;
  /** RSS before the dataset was loaded (Node, tsx, the engine's modules). */
  rssStart: number;
  rssAfterLoad: number;
  /** Largest of the RSS samples (every 100 steps, and right after loading). */
  rssPeakSampled: number;
  /**
   * The kernel's high-water mark of this process's RSS, loading included: VmHWM of
   * /proc/self/status (getrusage's ru_maxrss would also count the parent's RSS at fork time).
   */
  maxRss: number;
  /** After a full GC, every `heapEvery` steps (step 0 first): V8 heap and typed-array stores. */
  heap: { step: number; heapUsed: number; arrayBuffers: number }[];
  seconds: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memory-child: run with --expose-gc');
const args = JSON.parse(process.argv[2] ?? '{}') as { dtype?: DType; steps?: number; heapEvery?: number };
const dtype = args.dtype ?? 'float64';
const steps = args.steps ?? 20_000;
const heapEvery = args.heapEvery ?? 1_000;
const TRAIN = 50_000;
const BATCH = 10;

const rssStart = process.memoryUsage().rss;
const data = loadMnist(mnistDir(), { dtype });
const rssAfterLoad = process.memoryUsage().rss;
let rssPeakSampled = rssAfterLoad;
const model = new MLP([784, 30, 10], { activation: 'sigmoid', outputActivation: 'sigmoid', seed: 1, dtype });
const optimizer = new SGD(model.parameters(), { lr: 3 });
const heap: MemoryReport['heap'] = [];
// Typed-array stores are freed by a concurrent sweeper after a GC: collect, yield once, collect
// again, so that a sample does not catch buffers that are already dead but not yet released.
const sampleHeap = async (step: number): Promise<void> => {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const m = process.memoryUsage();
  heap.push({ step, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers });
};

function highWaterMark(): number {
  try {
    const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const t0 = performance.now();
await sampleHeap(0);
let order = epochOrder(TRAIN, 1);
for (let s = 0; s < steps; s++) {
  const within = (s * BATCH) % TRAIN;
  if (within === 0 && s > 0) order = epochOrder(TRAIN, 1 + s);
  const idx = Array.from(order.subarray(within, within + BATCH));
  const loss = quadraticCost(model.call(gather(data.train.images, idx, 0)), oneHot(gather(data.train.labels, idx, 0), 10, dtype));
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  if ((s + 1) % 100 === 0) rssPeakSampled = Math.max(rssPeakSampled, process.memoryUsage().rss);
  if ((s + 1) % heapEvery === 0) await sampleHeap(s + 1);
}
const report: MemoryReport = {
  dtype,
  steps,
  datasetBytes: datasetBytes(data),
  rssStart,
  rssAfterLoad,
  rssPeakSampled,
  maxRss: highWaterMark(),
  heap,
  seconds: (performance.now() - t0) / 1000,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
