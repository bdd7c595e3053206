// `pnpm bench:smoke`: every workload at its tiny size, side by side, then checks that the run
// reported what a full run reports (positive, finite samples and ratios; targets for every
// workload) and that peers which compute the same thing agree: Pullback and the closed form in
// float64 (W1), tfjs-wasm written the expert way and the slow way (W1). Exits 1 on a failed check.
// Timings at this size mean nothing; the checks without timing are in test/bench-checks.test.ts.
import { log } from './harness.ts';
import { runBenchmarks } from './run.ts';
import { textTable } from './report.ts';
import type { Report } from './report.ts';
import { tfjsName } from './w1-nielsen.ts';

const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'Memory'];

function problems(report: Report): string[] {
  const out: string[] = [];
  const ids = report.sections.map((s) => s.id).join(',');
  if (ids !== WORKLOADS.join(',')) out.push(`workloads: expected ${WORKLOADS.join(',')}, got ${ids}`);
  for (const s of report.sections) {
    if (s.rows.length === 0) out.push(`${s.id}: no rows`);
    if (s.targets.length === 0) out.push(`${s.id}: no targets`);
    for (const r of s.rows) {
      if (r.stats.samples.length === 0) out.push(`${s.id} ${r.peer}: no samples`);
      for (const x of r.stats.samples) if (!(Number.isFinite(x) && x > 0)) out.push(`${s.id} ${r.peer}: sample ${x}`);
    }
    for (const q of s.ratios) if (!(Number.isFinite(q.value) && q.value > 0)) out.push(`${s.id} ${q.name}: ${q.value}`);
  }
  const w1 = report.sections.find((s) => s.id === 'W1');
  if (w1 !== undefined) {
    const accuracy = (peer: string, dtype: string) => w1.rows.find((r) => r.peer === peer && r.dtype === dtype)?.extra?.['test accuracy'];
    const agree = (a: [string, string], b: [string, string]) => {
      if (accuracy(...a) === undefined || accuracy(...a) !== accuracy(...b))
        out.push(`W1: ${a.join(' ')} ${accuracy(...a)} ≠ ${b.join(' ')} ${accuracy(...b)}`);
    };
    agree(['Pullback', 'float64'], ['closed form', 'float64']);
    agree(['tfjs-wasm', 'float32'], [tfjsName('wasm', 'minimize'), 'float32']);
  }
  return out;
}

const report = await runBenchmarks({ short: true, write: false });
const found = problems(report);
process.stdout.write(`${textTable(report)}\n`);
for (const p of found) log(`bench:smoke FAILED: ${p}`);
log(found.length === 0 ? 'bench:smoke: every check passed' : `bench:smoke: ${found.length} failed check(s)`);
// Exit explicitly: tfjs-wasm leaves handles open.
process.exit(found.length === 0 ? 0 : 1);
