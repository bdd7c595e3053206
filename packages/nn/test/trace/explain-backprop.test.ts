import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '@pullback/autograd';
import { MLP, explainBackprop } from '../../src/index.ts';
import type { BackpropTrace } from '../../src/index.ts';
import { backpropReference } from '../../src/reference/index.ts';
import type { RefCost } from '../../src/reference/index.ts';
import { refNetworkOf } from '../helpers.ts';
import { mulberry32, uniform } from '../reference/support.ts';

type NotationName = 'nielsen' | 'ufldl';

/** A seeded MLP and a batch: x uniform in [−2, 2], y uniform in [0, 1] (valid cross-entropy targets). */
function setup(sizes: number[], m: number, seed: number) {
  const model = new MLP(sizes, { seed, activation: 'tanh', outputActivation: 'sigmoid' });
  const rand = mulberry32(seed);
  const xs = uniform(rand, m * sizes[0]!, -2, 2);
  const ys = uniform(rand, m * sizes[sizes.length - 1]!, 0, 1);
  const x = tensor(xs, { shape: [m, sizes[0]!] });
  const y = tensor(ys, { shape: [m, sizes[sizes.length - 1]!] });
  return { model, x, y, xs, ys };
}

/** The closed-form reference (no engine code) on the same weights and batch. */
function reference(model: MLP, xs: Float64Array, ys: Float64Array, m: number, cost: RefCost) {
  return backpropReference(refNetworkOf(model), { x: xs, y: ys, size: m }, { cost, reduction: 'mean' });
}

const tag = (equation: string | undefined): string | null => /^BP\d/.exec(equation ?? '')?.[0] ?? null;
const layerOf = (t: BackpropTrace, index: number): number => Number(t.steps[index - 1]!.group!.slice('layer '.length));

const DEPTHS: number[][] = [
  [3, 4, 2],
  [3, 5, 4, 2],
  [2, 4, 3, 5, 3],
];

describe('explainBackprop: the backward pass of an MLP grouped by BP1–BP4', () => {
  for (const sizes of DEPTHS) {
    for (const notation of ['nielsen', 'ufldl'] as const) {
      for (const cost of ['quadratic', 'crossEntropy'] as const) {
        const depth = sizes.length - 1;
        const L = sizes.length;
        it(`${depth} weight layers ${JSON.stringify(sizes)}, ${notation}, ${cost}`, () => {
          const m = 4;
          const { model, x, y, xs, ys } = setup(sizes, m, 17 + depth);
          const t = explainBackprop(model, x, y, { cost, notation });
          const tagged = t.steps.filter((s) => tag(s.equation) !== null);
          const tags = tagged.map((s) => tag(s.equation));
          // Exactly one BP1, one BP2 per hidden layer, one BP3 per bias, one BP4 per weight; BP1 first.
          expect(tags.filter((e) => e === 'BP1')).toHaveLength(1);
          expect(tags.filter((e) => e === 'BP2')).toHaveLength(depth - 1);
          expect(tags.filter((e) => e === 'BP3')).toHaveLength(depth);
          expect(tags.filter((e) => e === 'BP4')).toHaveLength(depth);
          expect(tags[0]).toBe('BP1');
          // Backward order: layers never increase along the tagged steps, and each δ comes before its layer's BP3, BP4.
          const layers = tagged.map((s) => layerOf(t, s.index));
          expect(layers).toEqual([...layers].sort((a, b) => b - a));
          for (let l = L; l >= 2; l--) {
            expect(tagged.filter((s) => layerOf(t, s.index) === l).map((s) => tag(s.equation))).toEqual([l === L ? 'BP1' : 'BP2', 'BP3', 'BP4']);
          }
          // Groups: the cost, then layer L, ..., layer 2, each once.
          expect(t.groups.map((g) => g.name)).toEqual(['cost', ...Array.from({ length: depth }, (_, i) => `layer ${L - i}`)]);
          expect(t.groups.map((g) => g.layer)).toEqual([null, ...Array.from({ length: depth }, (_, i) => L - i)]);
          expect(t.groups[1]!.equations).toEqual(['BP1', 'BP3', 'BP4']);
          expect(t.groups.flatMap((g) => g.steps)).toEqual(t.steps.map((s) => s.index));

          // The cotangents at z^l are δ^l / m (the reference's per-example δ, scaled for the mean cost).
          const ref = reference(model, xs, ys, m, cost);
          for (const s of tagged) {
            const l = layerOf(t, s.index);
            const want = ref.layers[l - 2]!;
            const got = (s.cotangent as Tensor).data;
            const expected = tag(s.equation) === 'BP3' ? want.gradB! : tag(s.equation) === 'BP4' ? want.gradW : want.delta.map((d) => d / m);
            expect(got.length).toBe(expected.length);
            for (let k = 0; k < got.length; k++) expect(Math.abs(got[k]! - expected[k]!)).toBeLessThan(1e-12);
          }
          expect(Math.abs((t.cost.data[0] as number) - ref.cost)).toBeLessThan(1e-12);
        });
      }
    }
  }

  const SYMBOLS: Record<NotationName, { present: string[]; absent: string[] }> = {
    nielsen: {
      present: [
        'backward pass from C',
        'z^3 = add(w^3 a^2, b^3)',
        '[BP1: δ^3 = ∇_a C ⊙ σ′(z^3)]',
        '[BP2: δ^2 = ((w^3)ᵀ δ^3) ⊙ f′(z^2)]',
        '[BP3: ∂C/∂b^3 = δ^3]',
        '[BP4: ∂C/∂w^2 = δ^2 (a^1)ᵀ]',
        'cotangent ∂C/∂z^3 = δ^3 / m = ',
        'cotangent ∂C/∂a^2 = (w^3)ᵀ δ^3 / m = ',
        '── cost ──',
        '── layer 3 ──',
        '── layer 2 ──',
        'Batch of m = 4',
      ],
      absent: ['W^{(', 'J'],
    },
    ufldl: {
      present: [
        'backward pass from J',
        'z^{(3)} = add(W^{(2)} a^{(2)}, b^{(2)})',
        '[BP1: δ^{(3)} = ∇_a J ⊙ f′(z^{(3)})]',
        '[BP2: δ^{(2)} = ((W^{(2)})ᵀ δ^{(3)}) ⊙ f′(z^{(2)})]',
        '[BP3: ∂J/∂b^{(2)} = δ^{(3)}]',
        '[BP4: ∂J/∂W^{(1)} = δ^{(2)} (a^{(1)})ᵀ]',
        'cotangent ∂J/∂z^{(3)} = δ^{(3)} / m = ',
        'W^{(l)} maps layer l to l+1',
        '── layer 3 ──',
      ],
      absent: ['w^3', 'δ^3 '],
    },
  };

  for (const notation of ['nielsen', 'ufldl'] as const) {
    it(`prints ${notation} symbols and equations in text, markdown and JSON`, () => {
      const { model, x, y } = setup([2, 3, 2], 4, 5);
      const t = explainBackprop(model, x, y, { cost: 'quadratic', notation });
      const text = t.toText();
      for (const s of SYMBOLS[notation].present) expect(text).toContain(s);
      for (const s of SYMBOLS[notation].absent) expect(text).not.toContain(s);
      const md = t.toMarkdown();
      expect(md).toContain('**layer 3**');
      const z3 = notation === 'nielsen' ? 'z^3' : 'z^{(3)}';
      const bp1 = SYMBOLS[notation].present[2]!.slice(1, -1);
      expect(md).toContain(`| \`${z3}\` | add | ${bp1} |`);
      const json = t.toJSON() as {
        groups: { name: string }[];
        steps: { symbol: string | null; equation: string | null; group: string | null; cotangentLabel: string | null }[];
      };
      expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      expect(json.groups.map((g) => g.name)).toEqual(['cost', 'layer 3', 'layer 2']);
      const step = json.steps.find((s) => s.symbol === z3)!;
      expect(step).toMatchObject({ equation: bp1, group: 'layer 3', cotangentLabel: `${notation === 'nielsen' ? 'δ^3' : 'δ^{(3)}'} / m` });
    });
  }

  it('a single example (or a summed cost) gets the textbook δ, without / m', () => {
    const { model, xs, ys } = setup([2, 3, 2], 1, 9);
    const one = explainBackprop(model, tensor(xs), tensor(ys), { cost: 'quadratic' });
    expect(one.batchSize).toBe(1);
    const text = one.toText();
    expect(text).toContain('cotangent ∂C/∂z^3 = δ^3 = ');
    expect(text).not.toContain('/ m');
    const ref = reference(model, xs, ys, 1, 'quadratic');
    const z3 = one.steps.find((s) => tag(s.equation) === 'BP1')!;
    Array.from((z3.cotangent as Tensor).data).forEach((v, k) => {
      expect(Math.abs(v - ref.layers[1]!.delta[k]!)).toBeLessThan(1e-12);
    });

    const batch = setup([2, 3, 2], 3, 9);
    const summed = explainBackprop(batch.model, batch.x, batch.y, { cost: 'quadratic', reduction: 'sum' });
    expect(summed.toText()).toContain('cotangent ∂C/∂z^3 = δ^3 = ');
    expect(summed.toText()).toContain('∂C/∂b^3 = Σ_x δ^3 = ');
  });

  it('bias-free layers have no BP3 step; an identity activation makes z^l and a^l one node', () => {
    const model = new MLP([2, 3, 2], { seed: 6, bias: false, activation: 'identity', outputActivation: 'identity' });
    const rand = mulberry32(6);
    const xs = uniform(rand, 6, -1, 1);
    const ys = uniform(rand, 6, 0, 1);
    const t = explainBackprop(model, tensor(xs, { shape: [3, 2] }), tensor(ys, { shape: [3, 2] }), { cost: 'quadratic' });
    expect(t.steps.map((s) => tag(s.equation)).filter((e) => e !== null)).toEqual(['BP1', 'BP4', 'BP2', 'BP4']);
    const z2 = t.steps.find((s) => tag(s.equation) === 'BP2')!;
    expect(z2.label).toBe('z^2 = a^2');
    expect(z2.equation).toBe('BP2: δ^2 = ((w^3)ᵀ δ^3) ⊙ f′(z^2)');
    const ref = reference(model, xs, ys, 3, 'quadratic');
    Array.from((z2.cotangent as Tensor).data).forEach((v, k) => {
      expect(Math.abs(v - ref.layers[0]!.delta[k]! / 3)).toBeLessThan(1e-12);
    });
  });

  it('does not touch .grad, and the graph is kept for backward()', () => {
    const { model, x, y } = setup([2, 3, 2], 2, 3);
    const t = explainBackprop(model, x, y, { cost: 'quadratic' });
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    t.cost.backward();
    const w2 = t.steps.find((s) => s.node === model.layers[0]!.weight)!;
    expect(Array.from(model.layers[0]!.weight.grad!.data)).toEqual(Array.from((w2.cotangent as Tensor).data));
  });

  it("names every step of the cost by its formula in a^L, as the quadratic cost's a^L − y", () => {
    const { model, x, y } = setup([2, 3, 2], 3, 5);
    for (const notation of ['nielsen', 'ufldl'] as const) {
      for (const cost of ['quadratic', 'crossEntropy'] as const) {
        const t = explainBackprop(model, x, y, { cost, notation });
        const aL = notation === 'nielsen' ? 'a^3' : 'a^{(3)}';
        const labels = t.steps.filter((s) => s.group === 'cost').map((s) => s.label);
        expect(
          labels.filter((l) => l.includes('#')),
          labels.join('\n'),
        ).toEqual([]);
        expect(labels.some((l) => l.includes(aL))).toBe(true);
        const c = notation === 'nielsen' ? 'C' : 'J';
        expect(labels).toContain(`Σ_x ${c}_x`);
      }
    }
    // The cross-entropy steps hold what their names say, checked against a^L from the forward pass.
    const t = explainBackprop(model, x, y, { cost: 'crossEntropy' });
    const a = Array.from(t.forward.a[1]!.data);
    const ys = Array.from(y.data);
    const value = (name: string): number[] => Array.from((t.steps.find((s) => s.label === name)!.node as Tensor).data);
    value('−ln a^3').forEach((v, i) => {
      expect(v).toBeCloseTo(-Math.log(a[i]!), 12);
    });
    value('−ln(1 − a^3)').forEach((v, i) => {
      expect(v).toBeCloseTo(-Math.log(1 - a[i]!), 12);
    });
    value('−(1 − y) ln(1 − a^3)').forEach((v, i) => {
      expect(v).toBeCloseTo(-(1 - ys[i]!) * Math.log(1 - a[i]!), 12);
    });
    const cx = t.steps.find((s) => s.label === 'C_x')!;
    expect(cx.equation).toBe('C_x = Σ_j (−y ln a^3 − (1 − y) ln(1 − a^3))');
    const q = explainBackprop(model, x, y, { cost: 'quadratic' });
    expect(q.steps.find((s) => s.label === 'C_x')!.equation).toBe('C_x = ½ ‖a^3 − y‖²');
  });

  it('requires the cost, as compareWithBackprop does', () => {
    const { model, x, y } = setup([2, 3, 2], 2, 3);
    expect(() => explainBackprop(model, x, y, undefined as never)).toThrow(/^explainBackprop: .*cost/);
    expect(() => explainBackprop(model, x, y, { notation: 'nielsen' } as never)).toThrow(/^explainBackprop: options\.cost is required/);
  });

  it('rejects a model that is not an MLP and unknown options, naming the function', () => {
    const { model, x, y } = setup([2, 3, 2], 2, 3);
    expect(() => explainBackprop({} as MLP, x, y, { cost: 'quadratic' })).toThrow(/explainBackprop.*MLP/);
    expect(() => explainBackprop(model, x, y, { cost: 'quadratic', notation: 'bishop' as NotationName })).toThrow(/explainBackprop.*notation/);
    expect(() => explainBackprop(model, x, y, { cost: 'hinge' as 'quadratic' })).toThrow(/explainBackprop.*cost/);
  });
});
