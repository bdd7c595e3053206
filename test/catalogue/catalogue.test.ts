// The bad-input catalogue: every entry makes one bad call on fresh user state and must get the
// right error class, a message that starts with the public function's name and says what was
// wrong and what was expected, and leave the user's tensors, parameters (.data and .grad),
// optimizer state and files unchanged.
//
// Entries with a `bug` run as `it.fails` until the library is fixed; then the test reports an
// unexpected pass and the entry's `bug` must be deleted. CATALOGUE_STRICT=1 runs them as plain
// tests, to see how each one fails today.
import { describe, expect, it } from 'vitest';
import { type PullbackError, mul, sum, tensor, whyNoGrad } from '@pullback/autograd';
import { ERROR_CLASSES, attempt, isPullbackError, messageOf, snapshot } from './harness.ts';
import type { Entry, Watch } from './harness.ts';
import { trained } from './fixtures.ts';
import { creation, elementwise, matmuls } from './creation.entries.ts';
import { reductions, shapes } from './shapes.entries.ts';
import { backwardPass, customOps, functional, graphTools } from './tape.entries.ts';
import { layers, losses } from './layers.entries.ts';
import { batching, comparison, optimizers, penalty } from './training.entries.ts';
import { idx, json, safetensors } from './io.entries.ts';
import { argumentTypes, optionObjects, resultSizes } from './args.entries.ts';
import { indexing } from './indexing.entries.ts';

const entries: Entry[] = [
  ...creation,
  ...elementwise,
  ...matmuls,
  ...shapes,
  ...reductions,
  ...indexing,
  ...backwardPass,
  ...customOps,
  ...functional,
  ...graphTools,
  ...layers,
  ...losses,
  ...penalty,
  ...optimizers,
  ...batching,
  ...comparison,
  ...safetensors,
  ...json,
  ...idx,
  ...argumentTypes,
  ...resultSizes,
  ...optionObjects,
];

const STRICT = process.env.CATALOGUE_STRICT === '1';
const MINIMUM = 60;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The whole contract for one entry. */
function check(e: Entry): void {
  const { error, before, after } = attempt(e);
  expect(error, `expected ${e.error.name}, but the call returned normally`).toBeDefined();
  expect(error, messageOf(error)).toBeInstanceOf(e.error);
  const err = error as PullbackError;
  expect(err.fn, err.message).toBe(e.fn);
  expect(err.message).toMatch(e.message);
  expect(after, "the failed call changed the user's state").toEqual(before);
}

describe('bad-input catalogue', () => {
  const areas = [...new Set(entries.map((e) => e.area))];
  for (const name of areas) {
    describe(name, () => {
      for (const e of entries.filter((x) => x.area === name)) {
        const title = `${e.fn}: ${e.name} → ${e.error.name}`;
        if (e.bug && !STRICT) it.fails(`${title} [known bug: ${e.bug.breaks.join(', ')}]`, () => check(e));
        else it(title, () => check(e));
      }
    });
  }
});

describe('the catalogue itself', () => {
  it(`catalogue has ≥ ${MINIMUM} entries (${entries.length})`, () => {
    expect(entries.length).toBeGreaterThanOrEqual(MINIMUM);
    const titles = entries.map((e) => `${e.fn}: ${e.name}`);
    expect(new Set(titles).size, 'entry names repeat').toBe(titles.length);
    for (const e of entries) {
      expect(ERROR_CLASSES as readonly unknown[]).toContain(e.error);
      expect(e.message.source.startsWith(`^${escapeRegExp(e.fn)}: `), `${e.fn}: ${e.name}: ${e.message}`).toBe(true);
      expect(e.message.source.length, `${e.fn}: ${e.name}: the regexp must say more than the name`).toBeGreaterThan(e.fn.length + 12);
    }
  });

  it("every entry's function name appears at the start of its error message", () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const e of entries) {
      // Entries whose bug is a missing error, a raw JS error or a wrong name are listed by their own it.fails.
      if (e.bug?.breaks.some((b) => b === 'throws' || b === 'class' || b === 'prefix')) continue;
      const { error } = attempt(e);
      checked++;
      const ok = isPullbackError(error) && error.fn === e.fn && error.message.startsWith(`${e.fn}: `);
      if (!ok) wrong.push(`${e.fn}: ${e.name} → ${messageOf(error)}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(MINIMUM);
  });

  it('the state check notices a changed .data, .grad, optimizer buffer, step count, lr and file byte', () => {
    const mutations: [string, (t: ReturnType<typeof trained>, bytes: Uint8Array) => void][] = [
      ['.data', (t) => (t.model.parameters()[0]!.data[0]! += 1e-12)],
      ['.grad', (t) => (t.model.parameters()[1]!.grad!.data[0]! += 1e-12)],
      ['.grad set to null', (t) => t.model.parameters()[3]!.zeroGrad()],
      ['a moment buffer', (t) => (([...t.opt.state.values()][0] as { expAvgSq: { data: Float64Array } }).expAvgSq.data[0]! += 1e-12)],
      ['a step count', (t) => ([...t.opt.state.values()][2] as { step: number }).step++],
      ['the learning rate', (t) => (t.opt.lr = 0.5)],
      ['a byte of a file', (_, bytes) => (bytes[3]! ^= 1)],
    ];
    for (const [what, mutate] of mutations) {
      const t = trained();
      const bytes = new Uint8Array([1, 2, 3, 4]);
      const watch: Watch = { modules: [t.model], optimizers: [t.opt], bytes: [bytes] };
      const before = snapshot(watch);
      expect(snapshot(watch), what).toEqual(before);
      mutate(t, bytes);
      expect(snapshot(watch), what).not.toEqual(before);
    }
  });

  it('every known bug names what it breaks and why', () => {
    for (const e of entries.filter((x) => x.bug)) {
      expect(e.bug!.breaks.length, e.name).toBeGreaterThan(0);
      expect(e.bug!.note.length, e.name).toBeGreaterThan(20);
    }
  });
});

describe('misuse that must not be answered wrongly (not an error, a wrong answer)', () => {
  // After y.backward() freed the graph, whyNoGrad(x, y) cannot see x any more; answering
  // 'not-on-path' ("the output was not computed from it") would be false: 'graph-freed' is the answer.
  it("whyNoGrad after the graph was freed says 'graph-freed', not 'not-on-path'", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = sum(mul(x, x));
    y.backward();
    expect(whyNoGrad(x, y).reason).toBe('graph-freed');
  });
});
