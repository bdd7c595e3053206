// The two renderings of a run: a plain table for stdout and BENCHMARKS.md.
import { fmt, fmtStats } from './harness.ts';
import type { Section } from './harness.ts';
import type { Machine } from './machine.ts';

export interface Report {
  mode: 'full' | 'short';
  machine: Machine;
  sections: Section[];
  seconds: number;
}

function extraKeys(s: Section): string[] {
  return [...new Set(s.rows.flatMap((r) => Object.keys(r.extra ?? {})))];
}

function grid(s: Section): string[][] {
  const keys = extraKeys(s);
  const head = ['peer', 'dtype', 'unit', 'median', 'min–max', 'n', ...keys];
  const body = s.rows.map((r) => {
    const { median, range } = fmtStats(r.stats);
    return [
      r.peer,
      r.dtype,
      `${r.unit}${r.higherIsBetter ? ' ↑' : ' ↓'}`,
      median,
      range,
      String(r.stats.samples.length),
      ...keys.map((k) => r.extra?.[k] ?? ''),
    ];
  });
  return [head, ...body];
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length))
      .join('  ')
      .trimEnd(),
  );
}

const mark = (met: boolean) => (met ? 'MET    ' : 'NOT MET');

export function textTable(report: Report): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(
    `Pullback benchmarks (${report.mode}) — ${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${fmt(m.loadStart)} → ${fmt(m.loadEnd ?? NaN)}, ${fmt(report.seconds)} s`,
  );
  for (const s of report.sections) {
    out.push('', `${s.id}  ${s.title}`);
    out.push(...pad(grid(s)).map((l) => `  ${l}`));
    for (const r of s.ratios) out.push(`  ratio  ${r.name}: ${fmt(r.value)}   (${r.formula})`);
    for (const t of s.targets) out.push(`  target ${mark(t.met)}  ${t.text}: ${t.measured}`);
  }
  const all = report.sections.flatMap((s) => s.targets);
  out.push('', `Targets met: ${all.filter((t) => t.met).length} of ${all.length}`);
  return out.join('\n');
}

function mdTable(rows: string[][]): string[] {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${rows[0]!.map(esc).join(' | ')} |`, `|${rows[0]!.map(() => '---').join('|')}|`, ...rows.slice(1).map((r) => `| ${r.map(esc).join(' | ')} |`)];
}

export function markdown(report: Report): string {
  const m = report.machine;
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    `Written by \`pnpm bench\` (bench/run.ts) on ${m.date}; the whole run took ${fmt(report.seconds)} s. The peers of a workload ran side by side in one process, round-robin (the float64 peers of W1–W3 in a second process of the same run, see W1), and every ratio below is between medians of this one run. ↑: higher is better; ↓: lower is better.`,
    '',
  );
  out.push('## Machine', '');
  out.push(`- CPU: ${m.cpu}, ${m.cores} cores available to Node`);
  out.push(`- Memory: ${fmt(m.memoryGB)} GB`);
  out.push(`- Node ${m.node} (V8 ${m.v8}), ${m.platform}`);
  out.push(
    `- 1-minute load average: ${fmt(m.loadStart)} at the start, ${fmt(m.loadEnd ?? NaN)} at the end (a shared machine: above ${m.cores} means other processes competed for the cores, which widens the min–max ranges)`,
  );
  out.push(
    `- Packages: ${Object.entries(m.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
  );
  out.push('## Targets', '');
  out.push(
    ...mdTable([
      ['workload', 'target', 'measured', 'met'],
      ...report.sections.flatMap((s) => s.targets.map((t) => [s.id, t.text, t.measured, t.met ? 'yes' : '**no**'])),
    ]),
    '',
  );
  for (const s of report.sections) {
    out.push(`## ${s.id}: ${s.title}`, '');
    for (const n of s.notes) out.push(`- ${n}`);
    out.push('', ...mdTable(grid(s)), '');
    if (s.ratios.length > 0) out.push(...mdTable([['ratio', 'value', 'how'], ...s.ratios.map((r) => [r.name, fmt(r.value), r.formula])]), '');
  }
  return `${out.join('\n')}\n`;
}
