import { backpropReference } from '@pullback/nn/reference';
import type { RefActivation, RefCost, RefL2 } from '@pullback/nn/reference';
import { describe, expect, it } from 'vitest';
import { analyze, countNodes } from '../src/engine.ts';
import { decodeHash, encodeHash } from '../src/hash.ts';
import { LimitError, MAX_NODES, MAX_SOURCE_CHARS, checkSourceSize } from '../src/limits.ts';
import { closeEnough, finiteDifference } from '../src/numbers.ts';
import { parseProgram } from '../src/parser.ts';
import { PRESETS, presetById, presetForSource } from '../src/presets.ts';
import { isAsked, questionKey, showsFormula } from '../src/quiz.ts';

const valuesOf = (pairs: [string, number][]) => new Map(pairs);

describe('presets on the engine', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s: every gradient matches a central difference', (_id, preset) => {
    const program = parseProgram(preset.source);
    expect([...program.variables].sort()).toEqual(preset.values.map(([n]) => n).sort());
    const values = valuesOf(preset.values);
    const { grads, steps } = analyze(program, values, preset.equations);
    for (const [name, g] of grads) {
      const { estimate } = finiteDifference(program, values, name);
      expect(Math.abs(g - estimate), `∂/∂${name}: engine ${g}, central difference ${estimate}`).toBeLessThan(1e-7 * Math.max(1, Math.abs(g)));
    }
    // The trace starts at the output with cotangent 1, and ends at the leaves with their gradients.
    expect(steps[0]!.cotangent).toBe(1);
    for (const s of steps.filter((s) => s.leaf)) expect(s.cotangent).toBe(grads.get(s.label));
  });

  it('tags the MLP steps with BP1–BP4 from explain()', () => {
    const preset = presetById('seed-000')!;
    const { steps } = analyze(parseProgram(preset.source), valuesOf(preset.values), preset.equations);
    const tag = (label: string) => steps.find((s) => s.label === label)?.equation?.slice(0, 3);
    expect([tag('z3_1'), tag('z2_1'), tag('b2_2'), tag('w3_12'), tag('x1'), tag('a2_1')]).toEqual(['BP1', 'BP2', 'BP3', 'BP4', undefined, undefined]);
  });

  it('recognizes a preset by its source text only', () => {
    expect(presetForSource(`${presetById('softmax')!.source}\n`)?.id).toBe('softmax');
    expect(presetForSource('o = tanh(n)')).toBeUndefined();
  });
});

// The closed-form BP1–BP4 reference (no engine inside) for the seeds' 2 → 2 → 1 networks.
const NETWORKS: { id: string; activations: RefActivation[]; cost: RefCost; scale: number; biases: boolean; l2?: RefL2 }[] = [
  { id: 'seed-000', activations: ['sigmoid', 'sigmoid'], cost: 'quadratic', scale: 1, biases: true },
  { id: 'seed-002', activations: ['sigmoid', 'sigmoid'], cost: 'quadratic', scale: 1, biases: true, l2: { lambda: 0.1, convention: 'unscaled' } },
  { id: 'seed-004', activations: ['sigmoid', 'sigmoid'], cost: 'crossEntropy', scale: 1, biases: false },
  // micrograd's loss (out − y)² is twice the quadratic cost ½(a − y)².
  { id: 'micrograd-mlp', activations: ['tanh', 'identity'], cost: 'quadratic', scale: 2, biases: true },
];

describe('MLP presets against the closed-form BP1–BP4 reference', () => {
  it.each(NETWORKS.map((n) => [n.id, n] as const))('%s', (id, net) => {
    const preset = presetById(id)!;
    const v = valuesOf(preset.values);
    const at = (...names: string[]) => Float64Array.from(names, (n) => v.get(n)!);
    const ref = backpropReference(
      {
        sizes: [2, 2, 1],
        weights: [at('w2_11', 'w2_12', 'w2_21', 'w2_22'), at('w3_11', 'w3_12')],
        biases: net.biases ? [at('b2_1', 'b2_2'), at('b3_1')] : [null, null],
        activations: net.activations,
      },
      { x: at('x1', 'x2'), y: at('y'), size: 1 },
      { cost: net.cost, reduction: 'sum', ...(net.l2 ? { l2: net.l2 } : {}) },
    );
    const { grads, value } = analyze(parseProgram(preset.source), v, preset.equations);
    expect(value).toBeCloseTo(net.scale * ref.cost, 14);
    const expected: [string, number][] = [
      ...['w2_11', 'w2_12', 'w2_21', 'w2_22'].map((n, i) => [n, ref.layers[0]!.gradW[i]!] as [string, number]),
      ['w3_11', ref.layers[1]!.gradW[0]!],
      ['w3_12', ref.layers[1]!.gradW[1]!],
      ...(net.biases
        ? ([
            ['b2_1', ref.layers[0]!.gradB![0]!],
            ['b2_2', ref.layers[0]!.gradB![1]!],
            ['b3_1', ref.layers[1]!.gradB![0]!],
          ] as [string, number][])
        : []),
    ];
    for (const [name, g] of expected) expect(grads.get(name), name).toBeCloseTo(net.scale * g, 14);
  });
});

describe('sqrt and abs (recorded by the playground)', () => {
  it('differentiate like their central differences, with local derivatives in the trace', () => {
    const program = parseProgram('sqrt(x*x + 1) + abs(y - 2)');
    const values = new Map([
      ['x', 1.5],
      ['y', 0.5],
    ]);
    const { grads, steps } = analyze(program, values);
    expect(grads.get('x')).toBeCloseTo(1.5 / Math.sqrt(3.25), 14);
    expect(grads.get('y')).toBe(-1);
    const sqrtStep = steps.find((s) => s.op === 'sqrt')!;
    expect(sqrtStep.formula).toBe('∂z/∂x = 1/(2√x)');
    expect(sqrtStep.inputs[0]!.local).toBeCloseTo(1 / (2 * Math.sqrt(3.25)), 14);
    expect(steps.find((s) => s.op === 'abs')!.inputs[0]!.local).toBe(-1);
  });

  it('has no backward pass for a constant', () => {
    const { steps, value } = analyze(parseProgram('2 * 3'), new Map());
    expect([steps.length, value]).toEqual([0, 6]);
  });
});

describe('URL hash', () => {
  it('round-trips the source and the exact values', () => {
    const state = {
      source: 'n = x1*w1 + x2*w2 + b\no = tanh(n) # & % é',
      values: [
        ['x1', 2],
        ['b', 6.881373587019543],
        ['expr', -1e-300],
        ['w', 0.1 + 0.2],
      ] as [string, number][],
    };
    const hash = encodeHash(state);
    expect(hash).toMatch(/^#expr=n%20%3D%20x1\*w1/);
    expect(decodeHash(hash)).toEqual(state);
    expect(decodeHash(new URL(`http://localhost/${hash}`).hash)).toEqual(state);
  });

  it('ignores a hash that is not ours or is damaged', () => {
    expect(decodeHash('')).toBeNull();
    expect(decodeHash('#section-2')).toBeNull();
    expect(decodeHash('#expr=%E0%A4%A')).toBeNull();
  });
});

describe('closeEnough (the quiz tolerance)', () => {
  it('accepts 1e-6 relative, rejects more', () => {
    expect(closeEnough(0.5 * (1 + 5e-7), 0.5)).toBe(true);
    expect(closeEnough(0.5 * (1 + 5e-6), 0.5)).toBe(false);
    expect(closeEnough(0, 0)).toBe(true);
    expect(closeEnough(1e-3, 0)).toBe(false);
    expect(closeEnough(NaN, 1)).toBe(false);
  });
});

describe('bounds on what a link can make the page do', () => {
  const sumOf = (terms: number) => Array.from({ length: terms }, () => 'x').join('+');

  it('refuses a graph beyond MAX_NODES before tracing or drawing it, saying why', () => {
    // x+x+…+x with 130 terms: 130 nodes, which kept Graphviz busy for 16–66 s on the page's thread.
    const program = parseProgram(sumOf(130));
    const t0 = performance.now();
    expect(() => analyze(program, valuesOf([['x', 1]]))).toThrow(LimitError);
    expect(() => analyze(program, valuesOf([['x', 1]]))).toThrow('this graph has 130 nodes; the playground draws and steps through at most 100');
    expect(performance.now() - t0).toBeLessThan(1000);
    // At the limit it works: 100 terms are 100 nodes (x and 99 adds), and the gradient is 100.
    expect(analyze(parseProgram(sumOf(MAX_NODES)), valuesOf([['x', 1]])).grads.get('x')).toBe(100);
  });

  it('refuses a text beyond MAX_SOURCE_CHARS, saying how long it is', () => {
    expect(() => checkSourceSize('x'.repeat(MAX_SOURCE_CHARS))).not.toThrow();
    expect(() => checkSourceSize(`${'x+'.repeat(1500)}x`)).toThrow('this expression is 3,001 characters long; the playground takes at most 2,000');
  });

  it('keeps every preset inside the limits', () => {
    for (const p of PRESETS) {
      expect(() => checkSourceSize(p.source)).not.toThrow();
      expect(countNodes(analyze(parseProgram(p.source), valuesOf(p.values), p.equations).graph.output)).toBeLessThanOrEqual(54);
    }
  });
});

describe('quiz and gradients of intermediate nodes', () => {
  const neuron = () => {
    const preset = presetById('neuron')!;
    return analyze(parseProgram(preset.source), valuesOf(preset.values), preset.equations);
  };

  it('hides the local derivative’s formula until every question of the step is answered', () => {
    const { steps } = neuron();
    const tanh = steps[0]!; // o = tanh(n): one question, ∂o/∂n
    expect(tanh.formula).toContain('tanh');
    expect(showsFormula(tanh, true, new Set())).toBe(false);
    expect(showsFormula(tanh, true, new Set([questionKey(tanh, 0)]))).toBe(true);
    expect(showsFormula(tanh, false, new Set())).toBe(true);
    const add = steps.find((s) => s.op === 'add' && s.inputs.length === 2)!;
    expect(showsFormula(add, true, new Set([questionKey(add, 0)]))).toBe(false);
    expect(showsFormula(add, true, new Set([questionKey(add, 0), questionKey(add, 1)]))).toBe(true);
    expect(isAsked(add, 1, true, new Set([questionKey(add, 0)]))).toBe(true);
  });

  it('lists the intermediate nodes with micrograd’s gradients, in the order the pass visits them', () => {
    const { nodeGrads, steps } = neuron();
    // micrograd's neuron: o = tanh(n), n = 0.8814 so o = 1/√2; ∂o/∂n = 1 − o² = 0.5, and every
    // sum below n passes 0.5 on; x1·w1 = −6 and x2·w2 = 0.
    expect(nodeGrads.map((n) => n.op).sort()).toEqual(['add', 'add', 'mul', 'mul', 'tanh']);
    expect(nodeGrads[0]).toMatchObject({ label: 'o', op: 'tanh', grad: 1 });
    expect(nodeGrads[0]!.value).toBeCloseTo(Math.SQRT1_2, 12);
    for (const n of nodeGrads.slice(1)) expect(n.grad).toBeCloseTo(0.5, 12);
    expect(
      nodeGrads
        .filter((n) => n.op === 'mul')
        .map((n) => n.value)
        .sort((a, b) => a - b),
    ).toEqual([-6, 0]);
    // The same nodes, in the same order, as the steps that are not leaves.
    expect(nodeGrads.map((n) => n.nodeId)).toEqual(steps.filter((s) => !s.leaf).map((s) => s.nodeId));
  });
});

describe('trigonometric functions in the page', () => {
  it('sin and cos: the engine’s gradients match central differences, with their formulas in the steps', () => {
    const program = parseProgram('o = sin(x)*cos(y) + cosh(x*y)');
    const values = new Map([
      ['x', 0.7],
      ['y', -1.3],
    ]);
    const { grads, steps } = analyze(program, values);
    for (const name of ['x', 'y']) expect(grads.get(name)!).toBeCloseTo(finiteDifference(program, values, name).estimate, 8);
    // ∂o/∂x = cos x cos y + y sinh(xy), a known closed form
    expect(grads.get('x')!).toBeCloseTo(Math.cos(0.7) * Math.cos(-1.3) + -1.3 * Math.sinh(0.7 * -1.3), 12);
    const formulas = steps.map((s) => s.formula);
    expect(formulas).toContain('∂z/∂x = cos x');
    expect(formulas).toContain('∂z/∂x = −sin x');
  });
});
