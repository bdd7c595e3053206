import { DTypeError, ShapeError, type Tensor, ValueError, noGrad, tensor } from '@pullback/autograd';
import { describe, expect, it } from 'vitest';
import { MLP } from '../../src/mlp.ts';
import { compareGradients, compareWithBackprop } from '../../src/compare/index.ts';
import type { CompareOptions, ManualGradients } from '../../src/compare/index.ts';
import { backpropReference } from '../../src/reference/index.ts';
import type { RefResult } from '../../src/reference/index.ts';
import { Rng } from '../../src/random.ts';
import { expectError, refNetworkOf, snapshot } from '../helpers.ts';

/** A batch of m examples: x ~ U(−1, 1); y ~ U(0, 1) (valid targets for both costs). */
function randomBatch(sizes: readonly number[], m: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const x = Array.from({ length: m * sizes[0]! }, () => rng.uniform(-1, 1));
  const y = Array.from({ length: m * sizes[sizes.length - 1]! }, () => rng.uniform(0, 1));
  return { x: tensor(x, { shape: [m, sizes[0]!] }), y: tensor(y, { shape: [m, sizes[sizes.length - 1]!] }) };
}

/** The reference's numbers, as a user would hand them in (the oracle shares no code with the engine). */
function referenceFor(model: MLP, batch: { x: Tensor; y: Tensor }, options: CompareOptions): RefResult {
  const { reduction, l2, cost } = options;
  return backpropReference(
    refNetworkOf(model),
    { x: Float64Array.from(batch.x.data), y: Float64Array.from(batch.y.data), size: batch.x.shape[0]! },
    { cost, ...(reduction && { reduction }), ...(l2 && { l2 }) },
  );
}

function manualFrom(ref: RefResult): { gradW: Float64Array[]; gradB: (Float64Array | null)[]; delta: (Float64Array | null)[] } {
  return {
    gradW: ref.layers.map((l) => Float64Array.from(l.gradW)),
    gradB: ref.layers.map((l) => (l.gradB === null ? null : Float64Array.from(l.gradB))),
    delta: ref.layers.map((l) => Float64Array.from(l.delta)),
  };
}

describe('compareWithBackprop', () => {
  const cases: [string, number[], ConstructorParameters<typeof MLP>[1], CompareOptions][] = [
    ['sigmoid quadratic', [3, 4, 2], { activation: 'sigmoid' }, { cost: 'quadratic' }],
    [
      'tanh / sigmoid cross-entropy, L2 batch',
      [4, 5, 3, 2],
      { activation: 'tanh', outputActivation: 'sigmoid' },
      { cost: 'crossEntropy', l2: { lambda: 0.3, convention: 'unscaled' } },
    ],
    [
      'relu / identity, sum, L2 trainingSet',
      [2, 6, 6, 1],
      { activation: 'relu', outputActivation: 'identity' },
      { cost: 'quadratic', reduction: 'sum', l2: { lambda: 2, convention: 'trainingSet', trainingSetSize: 50 } },
    ],
    ['bias-free sigmoid (seed 004)', [3, 3, 2], { bias: false }, { cost: 'crossEntropy' }],
    ['one weight layer', [5, 3], { activation: 'tanh', outputActivation: 'tanh' }, { cost: 'quadratic' }],
  ];

  for (const [name, sizes, mlpOptions, options] of cases) {
    it(`agrees with the reference: ${name}`, () => {
      for (const seed of [1, 2, 3]) {
        const model = new MLP(sizes, { outputActivation: 'sigmoid', ...mlpOptions, seed });
        const report = compareWithBackprop(model, randomBatch(sizes, 4, seed + 100), options);
        expect(report.ok, report.toText()).toBe(true);
        expect(report.firstDisagreement).toBeNull();
        expect(report.maxRel).toBeLessThan(1e-12);
      }
    });
  }

  it('lists the rows in equation order, BP2/BP3/BP4 from the output layer back', () => {
    const model = new MLP([2, 3, 4, 5, 1], { seed: 4, activation: 'tanh', outputActivation: 'tanh' });
    const report = compareWithBackprop(model, randomBatch(model.sizes, 3, 4), { cost: 'quadratic' });
    expect(report.rows.map((r) => `${r.equation}:${r.layer}:${r.quantity}`)).toEqual([
      'BP1:5:δ^5',
      'BP2:4:δ^4',
      'BP2:3:δ^3',
      'BP2:2:δ^2',
      'BP3:5:∂C/∂b^5',
      'BP3:4:∂C/∂b^4',
      'BP3:3:∂C/∂b^3',
      'BP3:2:∂C/∂b^2',
      'BP4:5:∂C/∂w^5',
      'BP4:4:∂C/∂w^4',
      'BP4:3:∂C/∂w^3',
      'BP4:2:∂C/∂w^2',
    ]);
    expect(report.rows.every((r) => r.ufldlLayer === null)).toBe(true);
  });

  it('labels in UFLDL notation: δ^(l) keeps l, the parameters into layer l are W^(l−1)', () => {
    const model = new MLP([2, 3, 1], { outputActivation: 'sigmoid', seed: 5 });
    const report = compareWithBackprop(model, randomBatch(model.sizes, 2, 5), { cost: 'quadratic', notation: 'ufldl' });
    expect(report.rows.map((r) => [r.quantity, r.layer, r.ufldlLayer])).toEqual([
      ['δ^(3)', 3, 3],
      ['δ^(2)', 2, 2],
      ['∂J/∂b^(2)', 3, 2],
      ['∂J/∂b^(1)', 2, 1],
      ['∂J/∂W^(2)', 3, 2],
      ['∂J/∂W^(1)', 2, 1],
    ]);
    expect(report.toText()).toContain('UFLDL');
  });

  it('omits BP3 for bias-free layers', () => {
    const model = new MLP([2, 3, 1], { outputActivation: 'sigmoid', seed: 6, bias: false });
    const report = compareWithBackprop(model, randomBatch(model.sizes, 2, 6), { cost: 'quadratic' });
    expect(report.rows.map((r) => r.equation)).toEqual(['BP1', 'BP2', 'BP4', 'BP4']);
    expect(report.verdict).toMatch(/^BP1, BP2 and BP4 agree (to|exactly)/);
  });

  it('leaves the model alone: parameters, their .grad, and works under noGrad', () => {
    const model = new MLP([3, 4, 2], { outputActivation: 'sigmoid', seed: 7 });
    const batch = randomBatch(model.sizes, 5, 7);
    const params = model.parameters();
    params[0]!.grad = tensor(new Float64Array(params[0]!.size).fill(42), { shape: params[0]!.shape });
    const before = snapshot(params);
    const grad0 = params[0]!.grad;
    const report = noGrad(() => compareWithBackprop(model, batch, { cost: 'quadratic', l2: { lambda: 1, convention: 'unscaled' } }));
    expect(report.ok, report.toText()).toBe(true);
    expect(snapshot(params)).toEqual(before);
    expect(params[0]!.grad).toBe(grad0);
    expect(params.slice(1).every((p) => p.grad === null)).toBe(true);
    expect(batch.x.grad).toBeNull();
  });

  it('renders text, Markdown and JSON', () => {
    const model = new MLP([2, 3, 2], { seed: 8, activation: 'tanh', outputActivation: 'sigmoid' });
    const report = compareWithBackprop(model, randomBatch(model.sizes, 3, 8), { cost: 'crossEntropy', reduction: 'sum' });
    const text = report.toText();
    const lines = text.split('\n');
    expect(lines[0]).toBe('compareWithBackprop: engine vs reference, crossEntropy cost (sum) over m = 3; rtol 1e-10, atol 1e-12');
    const table = lines.slice(2, 2 + 1 + report.rows.length);
    expect(table[0]).toMatch(/^equation\s+layer\s+quantity\s+max abs err\s+max rel err\s+ok$/);
    // Aligned: every row's "quantity" column starts where the header's does.
    const col = table[0]!.indexOf('quantity');
    for (const row of table.slice(1)) expect(row[col - 1]).toBe(' ');
    expect(lines[lines.length - 1]).toMatch(/^all four equations (agree exactly|agree to \d(\.\d)?e-1\d (relative|absolute) error)/);
    expect(report.toMarkdown()).toContain('| equation | layer | quantity | max abs err | max rel err | ok |');
    const json = JSON.parse(JSON.stringify(report));
    expect(json.ok).toBe(true);
    expect(json.rows).toHaveLength(report.rows.length);
    expect(json.sides).toEqual(['engine', 'reference']);
    expect(json.verdict).toBe(report.verdict);
  });
});

describe('compareGradients', () => {
  const sizes = [3, 3, 3, 2];
  const options: CompareOptions = { cost: 'quadratic' };
  const setup = () => {
    const model = new MLP(sizes, { outputActivation: 'sigmoid', seed: 11 });
    const batch = randomBatch(sizes, 4, 11);
    return { model, batch, ref: referenceFor(model, batch, options) };
  };

  it('hand-computed numbers that are right agree with the engine', () => {
    const { model, batch, ref } = setup();
    const report = compareGradients(model, batch, manualFrom(ref), options);
    expect(report.ok, report.toText()).toBe(true);
    expect(report.sides).toEqual(['manual', 'engine']);
    expect(report.rows).toHaveLength(1 + 2 + 3 + 3); // BP1, BP2 ×2, BP3 ×3, BP4 ×3
  });

  it('gradW alone (plain number arrays) is enough: only BP4 rows', () => {
    const { model, batch, ref } = setup();
    const report = compareGradients(model, batch, { gradW: ref.layers.map((l) => Array.from(l.gradW)) }, options);
    expect(report.rows.map((r) => r.equation)).toEqual(['BP4', 'BP4', 'BP4']);
    expect(report.verdict).toMatch(/^BP4 agrees to /);
  });

  it("seed 002's eq. (13) typo ∂J/∂W_ij = δ_i a_i (not a_j) is reported as BP4 at that layer", () => {
    const { model, batch, ref } = setup();
    const m = 4;
    const manual = manualFrom(ref);
    // Layer l = 3 (UFLDL W^(2)): ∂J/∂W_ij = (1/m) Σ_x δ^{x,3}_i a^{x,2}_i — the typo'd index.
    const a2 = ref.layers[0]!.a;
    const d3 = ref.layers[1]!.delta;
    const wrong = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let x = 0; x < m; x++) wrong[i * 3 + j]! += (d3[x * 3 + i]! * a2[x * 3 + i]!) / m;
    manual.gradW[1] = wrong;
    const report = compareGradients(model, batch, manual, { ...options, notation: 'ufldl' });
    expect(report.firstDisagreement).toMatchObject({ equation: 'BP4', layer: 3, ufldlLayer: 2, quantity: '∂J/∂W^(2)', ok: false });
    expect(report.rows.filter((r) => !r.ok)).toHaveLength(1);
    expect(report.verdict).toMatch(/^first disagreement: BP4 at layer 3 \(∂J\/∂W\^\(2\)\), max abs error \d/);
  });

  it('a transposed gradW is reported as BP4 at that layer', () => {
    const { model, batch, ref } = setup();
    const manual = manualFrom(ref);
    const g = ref.layers[0]!.gradW;
    manual.gradW[0] = Float64Array.from({ length: 9 }, (_, p) => g[(p % 3) * 3 + Math.floor(p / 3)]!);
    const report = compareGradients(model, batch, manual, options);
    expect(report.firstDisagreement).toMatchObject({ equation: 'BP4', layer: 2, quantity: '∂C/∂w^2' });
  });

  it("a δ missing its σ' factor is reported at BP2 of that layer, before the BP3/BP4 rows it spoils", () => {
    const { model, batch, ref } = setup();
    const m = 4;
    // Redo BP2 → BP4 from layer 3 down without σ'(z^3): δ^3 = (w^4)ᵀ δ^4 only.
    const manual = manualFrom(ref);
    const w4 = model.layers[2]!.weight.data;
    const d4 = ref.layers[2]!.delta;
    const d3 = new Float64Array(m * 3);
    for (let x = 0; x < m; x++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) d3[x * 3 + j]! += w4[k * 3 + j]! * d4[x * 2 + k]!;
    manual.delta[1] = d3;
    const gB = new Float64Array(3);
    for (let x = 0; x < m; x++) for (let j = 0; j < 3; j++) gB[j]! += d3[x * 3 + j]! / m;
    manual.gradB[1] = gB;
    const report = compareGradients(model, batch, manual, options);
    expect(report.firstDisagreement).toMatchObject({ equation: 'BP2', layer: 3, quantity: 'δ^3' });
    expect(report.rows.filter((r) => !r.ok).map((r) => `${r.equation}:${r.layer}`)).toEqual(['BP2:3', 'BP3:3']);
  });

  it("BP1 without σ'(z^L) is reported as BP1", () => {
    const { model, batch, ref } = setup();
    const manual = manualFrom(ref);
    const aL = ref.layers[2]!.a;
    const y = batch.y.data;
    manual.delta[2] = Float64Array.from(aL, (a, r) => a - y[r]!);
    const report = compareGradients(model, batch, manual, options);
    expect(report.firstDisagreement).toMatchObject({ equation: 'BP1', layer: 4, quantity: 'δ^4' });
    expect(report.verdict).toMatch(/^first disagreement: BP1 at layer 4 \(δ\^4\)/);
    expect(report.firstDisagreement!.worst!.index).toHaveLength(2);
  });

  it('δ given as ∂C/∂z (the batch-mean cotangent, 1/m too small) is caught at BP1', () => {
    const { model, batch, ref } = setup();
    const manual = manualFrom(ref);
    manual.delta = manual.delta.map((d) => d && Float64Array.from(d, (v) => v / 4));
    const report = compareGradients(model, batch, manual, options);
    expect(report.firstDisagreement?.equation).toBe('BP1');
    expect(report.firstDisagreement!.maxRel).toBeCloseTo(0.75, 12);
  });

  it('nested arrays (one array per row, as written by hand) give the same report as flat ones', () => {
    const { model, batch, ref } = setup();
    const flat = manualFrom(ref);
    const rows = (a: ArrayLike<number>, cols: number): number[][] =>
      Array.from({ length: a.length / cols }, (_, r) => Array.from(a).slice(r * cols, (r + 1) * cols));
    const nested: ManualGradients = {
      gradW: flat.gradW.map((g, i) => rows(g, sizes[i]!)),
      gradB: flat.gradB,
      delta: flat.delta.map((d, i) => rows(d!, sizes[i + 1]!)),
    };
    const a = compareGradients(model, batch, flat, options);
    const b = compareGradients(model, batch, nested, options);
    expect(b.ok, b.toText()).toBe(true);
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('without δ, a wrong BP1 or BP2 is named from the first BP3 row that fails', () => {
    const { model, batch, ref } = setup();
    const m = 4;
    // BP1 without σ'(z^L): every gradient below is spoiled; ∂C/∂b^4 is the first to disagree.
    const bp1 = manualFrom(ref);
    const y = batch.y.data;
    const d4 = Float64Array.from(ref.layers[2]!.a, (a, r) => a - y[r]!);
    bp1.gradB[2] = Float64Array.from({ length: 2 }, (_, j) => (d4[j]! + d4[2 + j]! + d4[4 + j]! + d4[6 + j]!) / m);
    const r1 = compareGradients(model, batch, { gradW: bp1.gradW, gradB: bp1.gradB }, options);
    expect(r1.firstDisagreement).toMatchObject({ equation: 'BP3', layer: 4 });
    expect(r1.verdict).toContain('likely error: BP1 (δ^4)');
    // A wrong δ^3 (BP2 at layer 3) while δ^4 is right: ∂C/∂b^4 agrees, ∂C/∂b^3 does not.
    const bp2 = manualFrom(ref);
    bp2.gradB[1] = Float64Array.from(bp2.gradB[1]!, (v) => 2 * v);
    const r2 = compareGradients(model, batch, { gradW: bp2.gradW, gradB: bp2.gradB }, options);
    expect(r2.firstDisagreement).toMatchObject({ equation: 'BP3', layer: 3 });
    expect(r2.verdict).toContain('likely error: BP2 at layer 3 (δ^3)');
    // With δ given, the row itself names the equation, and no guess is added.
    const r3 = compareGradients(model, batch, { ...bp2, delta: bp2.delta.map((d, i) => (i === 1 ? Float64Array.from(d!, (v) => 2 * v) : d)) }, options);
    expect(r3.firstDisagreement).toMatchObject({ equation: 'BP2', layer: 3 });
    expect(r3.verdict).not.toContain('likely error');
    // gradW alone cannot tell δ from BP4: the verdict says what to pass.
    const r4 = compareGradients(model, batch, { gradW: bp1.gradW.map((g, i) => (i === 2 ? Float64Array.from(g, (v) => 2 * v) : g)) }, options);
    expect(r4.firstDisagreement).toMatchObject({ equation: 'BP4', layer: 4 });
    expect(r4.verdict).toContain('pass manual.delta');
  });

  it('a NaN in the manual numbers is a disagreement, not a pass', () => {
    const { model, batch, ref } = setup();
    const manual = manualFrom(ref);
    manual.gradW[0] = Float64Array.from(manual.gradW[0]!, (v, i) => (i === 4 ? NaN : v));
    const report = compareGradients(model, batch, manual, options);
    expect(report.firstDisagreement).toMatchObject({ equation: 'BP4', layer: 2 });
    expect(report.firstDisagreement!.maxAbs).toBeNaN();
    expect(report.firstDisagreement!.worst!.index).toEqual([1, 1]);
  });
});

describe('input validation (the model is left unchanged)', () => {
  const model = new MLP([3, 2, 2], { outputActivation: 'sigmoid', seed: 12 });
  const batch = randomBatch(model.sizes, 2, 12);
  const before = snapshot(model.parameters());
  const q: CompareOptions = { cost: 'quadratic' };
  const fn = 'compareWithBackprop';

  it('rejects models the reference does not cover', () => {
    expectError(() => compareWithBackprop({} as MLP, batch, q), ValueError, fn, 'model must be an MLP');
    const soft = new MLP([3, 2], { seed: 1, outputActivation: 'softmax' });
    expectError(() => compareWithBackprop(soft, randomBatch([3, 2], 1, 1), q), ValueError, fn, 'softmax', 'elementwise');
    const f32 = new MLP([3, 2], { outputActivation: 'sigmoid', seed: 1, dtype: 'float32' });
    expectError(() => compareWithBackprop(f32, randomBatch([3, 2], 1, 1), q), ValueError, fn, "'layers.0.weight' has dtype float32", 'float64');
  });

  it('rejects batches of the wrong shape or dtype', () => {
    expectError(() => compareWithBackprop(model, { x: tensor([1, 2, 3]), y: batch.y }, q), ShapeError, fn, 'batch.x has shape [3]; expected [m, 3]', '[1, 3]');
    expectError(() => compareWithBackprop(model, { x: tensor([[1, 2]]), y: batch.y }, q), ShapeError, fn, 'batch.x has shape [1, 2]; expected [m, 3]');
    expectError(() => compareWithBackprop(model, { x: batch.x, y: tensor([[0, 1]]) }, q), ShapeError, fn, 'batch.y has shape [1, 2]; expected [2, 2]', 'm = 2');
    expectError(() => compareWithBackprop(model, { x: batch.x, y: batch.y.cast('float32') }, q), DTypeError, fn, 'batch.y has dtype float32');
    expectError(
      () =>
        compareWithBackprop(
          model,
          {
            x: tensor([
              [1, NaN, 3],
              [1, 2, 3],
            ]),
            y: batch.y,
          },
          q,
        ),
      ValueError,
      fn,
      'NaN at flat position 1',
    );
    expectError(() => compareWithBackprop(model, null as never, q), ValueError, fn, 'batch must be an object');
  });

  it('rejects bad options', () => {
    expectError(() => compareWithBackprop(model, batch, { cost: 'hinge' } as never), ValueError, fn, "options.cost must be one of 'quadratic', 'crossEntropy'");
    expectError(() => compareWithBackprop(model, batch, undefined as never), ValueError, fn, 'options must be an object');
    expectError(() => compareWithBackprop(model, batch, { cost: 'quadratic', reduction: 'avg' } as never), ValueError, fn, 'options.reduction');
    expectError(() => compareWithBackprop(model, batch, { cost: 'quadratic', l2: { lambda: -1, convention: 'unscaled' } }), ValueError, fn, 'λ', '≥ 0', '-1');
    expectError(
      () => compareWithBackprop(model, batch, { cost: 'quadratic', l2: { lambda: 1, convention: 'trainingSet' } }),
      ValueError,
      fn,
      'trainingSetSize must be an integer ≥ 1',
    );
    expectError(
      () => compareWithBackprop(model, batch, { cost: 'quadratic', l2: { lambda: 1, convention: 'unscaled', trainingSetSize: 3 } }),
      ValueError,
      fn,
      "only used by convention 'trainingSet'",
    );
    expectError(() => compareWithBackprop(model, batch, { cost: 'quadratic', rtol: -1 }), ValueError, fn, 'options.rtol');
    expectError(() => compareWithBackprop(model, batch, { cost: 'quadratic', tolerance: 1 } as never), ValueError, fn, "unknown option 'tolerance'");
    expectError(() => compareWithBackprop(model, batch, { cost: 'quadratic', notation: 'bishop' } as never), ValueError, fn, 'options.notation');
  });

  it('rejects manual numbers of the wrong shape', () => {
    const g = 'compareGradients';
    const ok = [new Float64Array(6), new Float64Array(4)];
    expectError(
      () => compareGradients(model, batch, { gradW: [new Float64Array(6)] }, q),
      ValueError,
      g,
      'manual.gradW has 1 entries but the model has 2 weight layer(s)',
    );
    expectError(
      () => compareGradients(model, batch, { gradW: [new Float64Array(5), ok[1]!] }, q),
      ShapeError,
      g,
      'manual.gradW[0] (∂C/∂w^2) has 5 entries; expected [2, 3] = 6',
    );
    expectError(
      () =>
        compareGradients(
          model,
          batch,
          {
            gradW: [
              [
                [0, 0, 0],
                [0, 0],
              ],
              ok[1]!,
            ],
          },
          q,
        ),
      ShapeError,
      g,
      'manual.gradW[0] (∂C/∂w^2)[1] has 2 entries; expected 3 (manual.gradW[0] (∂C/∂w^2) is [2, 3])',
    );
    expectError(
      () => compareGradients(model, batch, { gradW: [[[0, 0, 0]], ok[1]!] }, q),
      ShapeError,
      g,
      'manual.gradW[0] (∂C/∂w^2) has 1 rows; expected [2, 3]',
    );
    expectError(
      () => compareGradients(model, batch, { gradW: ok, delta: [null, new Float64Array(2)] }, q),
      ShapeError,
      g,
      'manual.delta[1] (δ^3) has 2 entries; expected [2, 2] = 4',
    );
    const noBias = new MLP([3, 2], { outputActivation: 'sigmoid', seed: 1, bias: false });
    expectError(
      () => compareGradients(noBias, randomBatch([3, 2], 1, 1), { gradW: [new Float64Array(6)], gradB: [new Float64Array(2)] }, q),
      ValueError,
      g,
      'layer 2 has no bias',
    );
  });

  it('changed nothing', () => {
    expect(snapshot(model.parameters())).toEqual(before);
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });
});
