// The benchmark suite's smoke mode: every workload runs, tiny, side by side, and reports numbers.
import { describe, expect, it } from 'vitest';
import { runBenchmarks } from '../bench/run.ts';

describe('pnpm bench --short', () => {
  it('runs every workload and reports medians, ratios and targets', async () => {
    const report = await runBenchmarks({ short: true, write: false });
    expect(report.sections.map((s) => s.id)).toEqual(['W1', 'W2', 'W3', 'W4', 'W5', 'Memory']);
    for (const s of report.sections) {
      expect(s.rows.length, s.id).toBeGreaterThan(0);
      expect(s.targets.length, s.id).toBeGreaterThan(0);
      for (const r of s.rows) {
        expect(r.stats.samples.length, `${s.id} ${r.peer}`).toBeGreaterThanOrEqual(1);
        for (const x of r.stats.samples) expect(Number.isFinite(x) && x > 0, `${s.id} ${r.peer}: ${x}`).toBe(true);
      }
      for (const q of s.ratios) expect(Number.isFinite(q.value) && q.value > 0, `${s.id} ${q.name}`).toBe(true);
    }
    const w1 = report.sections.find((s) => s.id === 'W1')!;
    const accuracy = (peer: string, dtype: string) => w1.rows.find((r) => r.peer === peer && r.dtype === dtype)!.extra!['test accuracy'];
    // Same start, same batches, float64: the tape and the hand-written BP1–BP4 must agree.
    expect(accuracy('Pullback', 'float64')).toBe(accuracy('closed form', 'float64'));
    const w5 = report.sections.find((s) => s.id === 'W5')!;
    expect(w5.rows[0]!.extra!['nodes/step']).toBe('65,818'); // micrograd's count for its demo
  }, 300_000);
});
