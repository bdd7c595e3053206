// Memory of W1 with the engine: peak RSS against the dataset's size, and the heap over a soak of
// training steps (flat or not). Measured in a fresh child process (bench/memory-child.ts) so that
// the other workloads' peers (tfjs' wasm heap, 1024² matrices) are not counted.
import type { DType } from '@pullback/autograd';
import { runChild } from './child.ts';
import { fmt, log, stats } from './harness.ts';
import type { Row, Section, Target, WorkloadOptions } from './harness.ts';
import type { MemoryReport } from './memory-child.ts';

const MB = 1024 * 1024;
/** "Flat": the fitted heap growth stays under this many MB per 1,000 steps (5 MB over 20,000). */
const FLAT_SLOPE = 0.25;
const HEADROOM = 150 * MB;

function soak(dtype: DType, steps: number, heapEvery: number): Promise<MemoryReport> {
  return runChild<MemoryReport>('./memory-child.ts', { dtype, steps, heapEvery }, ['--expose-gc']);
}

/** Least-squares slope of heap + typed-array bytes, in MB per 1,000 steps, over samples after step 0. */
export function heapSlope(heap: MemoryReport['heap']): number {
  const pts = heap.filter((h) => h.step > 0).map((h) => [h.step / 1000, (h.heapUsed + h.arrayBuffers) / MB] as const);
  if (pts.length < 2) return 0;
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  const sxy = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return sxy / sxx;
}

export async function runMemory(options: WorkloadOptions): Promise<Section> {
  const steps = options.short ? 300 : 20_000;
  const heapEvery = options.short ? 100 : 1_000;
  const dtypes: DType[] = options.short ? ['float32'] : ['float32', 'float64'];
  const rows: Row[] = [];
  const targets: Target[] = [];
  const notes: string[] = [
    `A fresh Node process per dtype (--expose-gc): loads all of MNIST (60,000 + 10,000 images, as loadMnist does), then runs ${steps.toLocaleString('en-US')} W1 training steps with Pullback (784-30-10 sigmoid, quadratic cost, SGD η=3, batch 10; ${steps / 5000} epochs' worth).`,
    `RSS: process.memoryUsage().rss sampled after loading and every 100 steps; max RSS is the kernel's high-water mark for the process (VmHWM), loading included; RSS at start is Node, the tsx loader and the modules, before any data. Target: peak sampled RSS ≤ dataset + 150 MB.`,
    `Heap: heapUsed + arrayBuffers (typed-array stores live outside the V8 heap) after global.gc(), every ${heapEvery.toLocaleString('en-US')} steps; "flat" means a least-squares slope below ${FLAT_SLOPE} MB per 1,000 steps over the samples after step 0.`,
  ];
  for (const dtype of dtypes) {
    log(`memory: ${dtype}, ${steps} steps in a child process`);
    const r = await soak(dtype, steps, heapEvery);
    const slope = heapSlope(r.heap);
    const first = r.heap[1] ?? r.heap[0]!,
      last = r.heap[r.heap.length - 1]!;
    const mb = (x: number) => `${fmt(x / MB)} MB`;
    rows.push({
      peer: 'Pullback W1: peak RSS (sampled)',
      dtype,
      unit: 'MB',
      higherIsBetter: false,
      stats: stats([r.rssPeakSampled / MB]),
      extra: {
        dataset: mb(r.datasetBytes),
        'RSS at start': mb(r.rssStart),
        'RSS after load': mb(r.rssAfterLoad),
        'max RSS (VmHWM)': mb(r.maxRss),
        'over dataset': mb(r.rssPeakSampled - r.datasetBytes),
      },
    });
    rows.push({
      peer: 'Pullback W1: heap + arrayBuffers after GC',
      dtype,
      unit: 'MB',
      higherIsBetter: false,
      stats: stats(r.heap.filter((h) => h.step > 0).map((h) => (h.heapUsed + h.arrayBuffers) / MB)),
      extra: {
        samples: r.heap.map((h) => fmt((h.heapUsed + h.arrayBuffers) / MB)).join(' '),
        [`step ${first.step} → ${last.step}`]: `${mb(first.heapUsed + first.arrayBuffers)} → ${mb(last.heapUsed + last.arrayBuffers)}`,
        'slope (MB / 1,000 steps)': fmt(slope),
        'soak time': `${fmt(r.seconds)} s`,
      },
    });
    targets.push({
      text: `Memory: W1 peak RSS ≤ dataset + 150 MB (${dtype})`,
      measured: `${mb(r.rssPeakSampled)} vs ${mb(r.datasetBytes + HEADROOM)}`,
      met: r.rssPeakSampled <= r.datasetBytes + HEADROOM,
    });
    targets.push({
      text: `Memory: heap flat over ${steps.toLocaleString('en-US')} steps (${dtype})`,
      measured: `${fmt(slope)} MB / 1,000 steps`,
      met: Math.abs(slope) < FLAT_SLOPE,
    });
  }
  return { id: 'Memory', title: 'W1 memory: peak RSS and a heap soak', notes, rows, ratios: [], targets };
}
