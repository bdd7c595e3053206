// What the benchmark suite's numbers rest on, checked without timing anything (the timed smoke run
// of every workload is `pnpm bench:smoke`, outside the test command):
// - W1's tape and its closed form compute the same training: from the same start, on the same
//   batches, in float64, Pullback's MLP and the hand-written BP1–BP4 reach the same test accuracy;
// - W5's scalar graph is micrograd's demo graph, node for node (65,818 nodes per step).
import { describe, expect, it } from 'vitest';
import { firstRun } from '../bench/harness.ts';
import { closedFormPeer, epochBatches, pullbackPeer } from '../bench/w1-nielsen.ts';
import type { Plan } from '../bench/w1-nielsen.ts';
import { countNodes, moons } from '../bench/w5-scalar.ts';

describe('the benchmarks compare like with like', () => {
  it('W1 float64: Pullback and the closed form reach the same accuracy from the same start and batches', async () => {
    // 300 steps of 10 images: far from chance (10%), far from converged, so a wrong gradient or update shows.
    const plan: Plan = { train: 3000, test: 1000, repeats: 1, cpuSteps: 0, cpuRepeats: 0 };
    const batches = epochBatches(plan.train);
    const tape = pullbackPeer('float64', plan, batches);
    const closed = closedFormPeer('float64', plan, batches);
    const a = await firstRun([tape], tape.name);
    const b = await firstRun([closed], closed.name);
    expect(a.accuracy).toBeGreaterThan(0.3);
    expect(a.accuracy).toBe(b.accuracy);
  }, 60_000);

  it("W5: one step's loss graph has micrograd's 65,818 nodes", () => {
    expect(countNodes(moons().loss())).toBe(65_818);
  });
});
