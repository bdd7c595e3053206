// The side-by-side benchmark suite.
//
//   pnpm bench                 full run (≈ 10–15 min), prints the table, writes BENCHMARKS.md
//   pnpm bench --short         every workload, tiny (seconds); writes nothing unless --write
//   pnpm bench --only W1,W3    a subset (W1 W2 W3 W4 W5 Memory)
//
// Progress goes to stderr, the table to stdout. `runBenchmarks` is the same run as a function
// (bench/smoke.ts, `pnpm bench:smoke`, calls it with { short: true, write: false }).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Section, WorkloadOptions } from './harness.ts';
import { log } from './harness.ts';
import { machine } from './machine.ts';
import { runMemory } from './memory.ts';
import { markdown, textTable } from './report.ts';
import type { Report } from './report.ts';
import { runW1 } from './w1-nielsen.ts';
import { runW2 } from './w2-wide.ts';
import { runW3 } from './w3-matmul.ts';
import { runW4 } from './w4-backward.ts';
import { runW5 } from './w5-scalar.ts';

export type { Report } from './report.ts';
export type { Section } from './harness.ts';

export interface BenchOptions {
  /** Every workload at a tiny size (seconds in all), for smoke tests. */
  short?: boolean;
  /** Write BENCHMARKS.md at the repository root (default: only for a full run of every workload). */
  write?: boolean;
  /** Run only these workloads (ids as in WORKLOADS). */
  only?: readonly string[];
}

export const WORKLOADS: readonly { id: string; run: (o: WorkloadOptions) => Promise<Section> }[] = [
  { id: 'W1', run: runW1 },
  { id: 'W2', run: runW2 },
  { id: 'W3', run: runW3 },
  { id: 'W4', run: runW4 },
  { id: 'W5', run: runW5 },
  { id: 'Memory', run: runMemory },
];

export const BENCHMARKS_MD = new URL('../BENCHMARKS.md', import.meta.url);

export async function runBenchmarks(options: BenchOptions = {}): Promise<Report> {
  const short = options.short ?? false;
  const write = options.write ?? (!short && options.only === undefined);
  const only = options.only?.map((s) => s.toLowerCase());
  const m = machine();
  const t0 = performance.now();
  const sections: Section[] = [];
  for (const w of WORKLOADS) {
    if (only && !only.includes(w.id.toLowerCase())) continue;
    const started = performance.now();
    sections.push(await w.run({ short }));
    log(`${w.id} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  m.loadEnd = os.loadavg()[0]!;
  const report: Report = { mode: short ? 'short' : 'full', machine: m, sections, seconds: (performance.now() - t0) / 1000 };
  if (write) writeFileSync(BENCHMARKS_MD, markdown(report));
  return report;
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<void> {
  const short = argv.includes('--short');
  const only = flagValue(argv, '--only')?.split(',');
  const write = argv.includes('--write') ? true : argv.includes('--no-write') ? false : undefined;
  const report = await runBenchmarks({ short, ...(write !== undefined && { write }), ...(only && { only }) });
  if (write ?? (!short && only === undefined)) log(`wrote ${BENCHMARKS_MD.pathname}`);
  // Exit once the table is flushed: tfjs-wasm leaves handles open.
  process.stdout.write(`${textTable(report)}\n`, () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
