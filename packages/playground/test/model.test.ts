import { backpropReference } from '@pullback/nn/reference';
import type { RefActivation, RefCost, RefL2 } from '@pullback/nn/reference';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/engine.ts';
import { decodeHash, encodeHash } from '../src/hash.ts';
import { closeEnough, finiteDifference } from '../src/numbers.ts';
import { parseProgram } from '../src/parser.ts';
import { PRESETS, presetById, presetForSource } from '../src/presets.ts';

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
