// Seed 001 — "How the Backpropagation algorithm works" (study notes on Nielsen, ch. 2).
// Network: Nielsen's notation, layer 1 = input, layer L = output; w^l_{jk} from neuron k of layer
//   l−1 to neuron j of layer l; z^l = w^l a^{l−1} + b^l, a^l = σ(z^l), σ the sigmoid.
// Cost: C = (1/n) Σ_x C_x with C_x = ½‖a^L − y‖² (the quadratic cost; the seed only assumes C is
//   an average of per-example costs that depend on the outputs). No regularization.
// Claim: BP1 δ^L = ∇_a C ⊙ σ'(z^L); BP2 δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l); BP3 ∂C/∂b^l_j = δ^l_j;
//   BP4 ∂C/∂w^l_{jk} = a^{l−1}_k δ^l_j, run as the five-step algorithm below.
// Typos guarded against:
//   - "a_k^{l−1} is the activation of the j-th neuron" (it is the k-th): BP4 with a^{l−1}_j is shown
//     to fail BP4.
//   - the matrix form "δ^{l−1} = (W^l)ᵀ δ^l ⊙ σ'(z^{l−1})" needs its parentheses,
//     ((W^l)ᵀ δ^l) ⊙ σ'(z^{l−1}); read as (W^l)ᵀ (δ^l ⊙ σ'(z^{l−1})) it is shown to fail BP2.
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '@pullback/autograd';
import { MLP, compareGradients, compareWithBackprop } from '@pullback/nn';
import {
  ErrorLog,
  add,
  addMat,
  hadamard,
  matVec,
  plainParameters,
  randomBatch,
  rowsOf,
  scaleMat,
  sigma,
  sigmaPrime,
  subtract,
  transposeMatVec,
  zerosMat,
} from '../support/seeds-support.ts';
import type { Mat, Vec } from '../support/seeds-support.ts';

const log = new ErrorLog('001');
afterAll(() => console.log(log.summary()));

type Variant = 'right' | 'BP2 without parentheses' | 'BP4 with a_j';

/** Per-layer results indexed by Nielsen's l (entries 0 and 1 unused where l starts at 2). */
interface Backprop {
  delta: Vec[];
  gradB: Vec[];
  gradW: Mat[];
}

/**
 * Nielsen's algorithm for one training example, on plain arrays. w[l], b[l] for l = 2..L.
 * `variant` switches in one of the seed's typos.
 */
function backpropagation(w: Mat[], b: Vec[], x: Vec, y: Vec, variant: Variant = 'right'): Backprop {
  const L = w.length - 1;
  const a: Vec[] = [];
  const z: Vec[] = [];
  // 1. Input: set the activation a^1 of the input layer.
  a[1] = x;
  // 2. Feedforward: z^l = w^l a^{l−1} + b^l and a^l = σ(z^l) for l = 2, 3, ..., L.
  for (let l = 2; l <= L; l++) {
    z[l] = add(matVec(w[l]!, a[l - 1]!), b[l]!);
    a[l] = z[l]!.map(sigma);
  }
  // 3. Output error: δ^L = ∇_a C_x ⊙ σ'(z^L), with ∇_a C_x = a^L − y for C_x = ½‖a^L − y‖² (BP1).
  const delta: Vec[] = [];
  delta[L] = hadamard(subtract(a[L]!, y), z[L]!.map(sigmaPrime));
  // 4. Backpropagate the error: δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l) for l = L−1, ..., 2 (BP2).
  for (let l = L - 1; l >= 2; l--) {
    delta[l] =
      variant === 'BP2 without parentheses'
        ? transposeMatVec(w[l + 1]!, hadamard(delta[l + 1]!, z[l]!.map(sigmaPrime))) // (w^{l+1})ᵀ (δ^{l+1} ⊙ σ'(z^l))
        : hadamard(transposeMatVec(w[l + 1]!, delta[l + 1]!), z[l]!.map(sigmaPrime));
  }
  // 5. Output: ∂C_x/∂b^l_j = δ^l_j (BP3) and ∂C_x/∂w^l_{jk} = a^{l−1}_k δ^l_j (BP4).
  const gradB: Vec[] = [];
  const gradW: Mat[] = [];
  for (let l = 2; l <= L; l++) {
    gradB[l] = [...delta[l]!];
    gradW[l] = delta[l]!.map((dj, j) => w[l]![j]!.map((_, k) => (variant === 'BP4 with a_j' ? a[l - 1]![j]! : a[l - 1]![k]!) * dj));
  }
  return { delta, gradB, gradW };
}

/** The model's w^l, b^l indexed by Nielsen's l. */
function nielsenParameters(model: MLP): { w: Mat[]; b: Vec[] } {
  const { W, b } = plainParameters(model);
  return { w: [[], [], ...W] as Mat[], b: [[], [], ...b.map((v) => v!)] };
}

/**
 * The mini-batch version: run the algorithm per example, average BP3/BP4 over the m examples
 * (C = (1/m) Σ_x C_x), and keep every example's δ^{x,l}, one row each.
 */
function miniBatch(model: MLP, xs: Mat, ys: Mat, variant: Variant = 'right') {
  const { w, b } = nielsenParameters(model);
  const L = model.sizes.length;
  const m = xs.length;
  const layers = Array.from({ length: L - 1 }, (_, i) => i + 2);
  const gradW = layers.map((l) => zerosMat(w[l]!.length, w[l]![0]!.length));
  const gradB = layers.map((l) => new Array<number>(w[l]!.length).fill(0));
  const delta: number[][] = layers.map(() => []);
  xs.forEach((x, n) => {
    const r = backpropagation(w, b, x, ys[n]!, variant);
    layers.forEach((l, i) => {
      gradW[i] = addMat(gradW[i]!, scaleMat(r.gradW[l]!, 1 / m));
      gradB[i] = gradB[i]!.map((g, j) => g + r.gradB[l]![j]! / m);
      delta[i]!.push(...r.delta[l]!);
    });
  });
  return { gradW: gradW.map((g) => g.flat()), gradB, delta };
}

describe('seed 001: the five-step algorithm equals the engine', () => {
  const architectures = [
    [2, 3, 1],
    [4, 5, 3, 2],
    [3, 3, 3, 3, 3],
    [1, 4, 4, 2],
  ];

  it.each(architectures)('sizes %j: per example (m = 1), every BP row agrees', (...sizes) => {
    const model = new MLP(sizes, { activation: 'sigmoid', outputActivation: 'sigmoid', seed: sizes.length });
    const batch = randomBatch(sizes, 5, 42);
    rowsOf(batch.x).forEach((x, n) => {
      const y = rowsOf(batch.y)[n]!;
      const one = { x: tensor([x]), y: tensor([y]) };
      const report = compareGradients(model, one, miniBatch(model, [x], [y]), { cost: 'quadratic' });
      expect(report.ok, report.toText()).toBe(true);
      expect(report.rows.map((r) => r.equation)).toContain('BP1');
      log.note('five steps vs engine, per example', report);
    });
  });

  it.each(architectures)('sizes %j: per mini-batch (averaged over m = 6), every BP row agrees', (...sizes) => {
    const model = new MLP(sizes, { activation: 'sigmoid', outputActivation: 'sigmoid', seed: 10 + sizes.length });
    const batch = randomBatch(sizes, 6, 43);
    const report = compareGradients(model, batch, miniBatch(model, rowsOf(batch.x), rowsOf(batch.y)), { cost: 'quadratic' });
    expect(report.ok, report.toText()).toBe(true);
    log.note('five steps vs engine, mini-batch mean', report);
    // And the engine against the closed-form reference on the same set-up.
    const reference = compareWithBackprop(model, batch, { cost: 'quadratic' });
    expect(reference.ok, reference.toText()).toBe(true);
    log.note('engine vs reference (compareWithBackprop)', reference);
  });
});

describe("seed 001's typos would be caught", () => {
  // Square layers, so both typo'd formulas can be evaluated at all.
  const sizes = [3, 3, 3, 3];
  const model = new MLP(sizes, { activation: 'sigmoid', outputActivation: 'sigmoid', seed: 5 });
  const batch = randomBatch(sizes, 4, 44);

  it("BP2 read as (w^{l+1})ᵀ (δ^{l+1} ⊙ σ'(z^l)) fails BP2 at the first hidden layer back (l = L−1)", () => {
    const report = compareGradients(model, batch, miniBatch(model, rowsOf(batch.x), rowsOf(batch.y), 'BP2 without parentheses'), { cost: 'quadratic' });
    expect(report.firstDisagreement, report.toText()).toMatchObject({ equation: 'BP2', layer: 3, quantity: 'δ^3' });
    expect(report.rows.find((r) => r.equation === 'BP1')!.ok).toBe(true);
    log.note('typo: BP2 without parentheses (must be large)', report.firstDisagreement!);
  });

  it('BP4 with a^{l−1}_j (the "j-th neuron" slip) fails BP4 while δ, BP1–BP3 still agree', () => {
    const report = compareGradients(model, batch, miniBatch(model, rowsOf(batch.x), rowsOf(batch.y), 'BP4 with a_j'), { cost: 'quadratic' });
    expect(report.firstDisagreement, report.toText()).toMatchObject({ equation: 'BP4', layer: 4, quantity: '∂C/∂w^4' });
    expect(report.rows.filter((r) => r.equation !== 'BP4').every((r) => r.ok)).toBe(true);
    log.note('typo: BP4 with a_j (must be large)', report.firstDisagreement!);
  });
});
