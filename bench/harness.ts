// Timing, statistics and the result records every workload returns. Peers of a workload run
// round-robin (repeat 1 of every peer, then repeat 2, ...), so that a noisy neighbour slows all of
// them alike, and every ratio is taken between medians of the same run.

/** Median and range of repeated measurements of one quantity. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('stats: no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, samples: [...samples] };
}

/** One measured row of a workload's table. */
export interface Row {
  peer: string;
  dtype: 'float32' | 'float64' | '—';
  /** What the numbers are, e.g. 's/epoch' or 'GFLOP/s'. */
  unit: string;
  /** Whether a larger number is better (samples/s) or worse (s/epoch). */
  higherIsBetter: boolean;
  stats: Stats;
  /** Further columns: accuracy, extrapolation notes, node counts. */
  extra?: Record<string, string>;
}

/** A ratio between two rows' medians (or any derived figure), stated with how it was formed. */
export interface Ratio {
  name: string;
  value: number;
  /** e.g. 'tfjs-wasm s/epoch ÷ Pullback s/epoch'. */
  formula: string;
}

export interface Target {
  /** The wording, e.g. 'W1 ≥ 6× faster than tfjs-wasm (float32)'. */
  text: string;
  measured: string;
  met: boolean;
}

/** What every workload's run function takes (run.ts passes --short through). */
export interface WorkloadOptions {
  /** Every workload at a tiny size (seconds in all), for smoke tests. */
  short: boolean;
}

export interface Section {
  id: string;
  title: string;
  /** How the workload was measured (data, steps, repeats, extrapolations). */
  notes: string[];
  rows: Row[];
  ratios: Ratio[];
  targets: Target[];
}

/**
 * A contender in a round-robin comparison: `run` returns one sample (after `setup`). `warmup`
 * (JIT, kernel caches) runs before the repeated samples only, never before a fresh process's
 * first run (firstRun), which is what a user sees on the first epoch of a program.
 */
export interface Peer<T = number> {
  name: string;
  setup?: () => Promise<void> | void;
  warmup?: () => Promise<void> | void;
  run: () => Promise<T> | T;
  teardown?: () => Promise<void> | void;
}

/**
 * Run every peer `repeats` times, round-robin, after every setup; returns the samples by peer
 * name. Peers that are too slow for the full number of repeats give their own `repeatsFor`.
 */
export async function roundRobin<T>(
  peers: readonly Peer<T>[],
  repeats: number,
  repeatsFor: (name: string) => number = () => repeats,
): Promise<Map<string, T[]>> {
  const out = new Map<string, T[]>();
  for (const p of peers) {
    await p.setup?.();
    await p.warmup?.();
    out.set(p.name, []);
  }
  for (let r = 0; r < repeats; r++) {
    for (const p of peers) {
      if (r >= repeatsFor(p.name)) continue;
      const t0 = performance.now();
      out.get(p.name)!.push(await p.run());
      log(`  ${p.name}: run ${r + 1} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  for (const p of peers) await p.teardown?.();
  return out;
}

/** One sample of the peer named `name`, without warm-up: to be called first thing in a fresh process. */
export async function firstRun<T>(peers: readonly Peer<T>[], name: string): Promise<T> {
  const p = peers.find((x) => x.name === name);
  if (p === undefined) throw new Error(`firstRun: no peer named '${name}' (have ${peers.map((x) => x.name).join(', ')})`);
  await p.setup?.();
  const sample = await p.run();
  await p.teardown?.();
  return sample;
}

/** Median of `a` over median of `b`. */
export function ratio(a: Stats, b: Stats): number {
  return a.median / b.median;
}

/** 3 significant digits, no exponent for everyday magnitudes. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

export function fmtStats(s: Stats): { median: string; range: string } {
  return { median: fmt(s.median), range: `${fmt(s.min)}–${fmt(s.max)}` };
}

/** Progress lines go to stderr, so stdout holds only the final table. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
