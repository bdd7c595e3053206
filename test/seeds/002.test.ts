// Seed 002 — Van Vaerenbergh, "Derivation of the Backpropagation Algorithm" (UFLDL notation).
// Network: W^(l)_ij from neuron j of layer l to neuron i of layer l+1; z^(l+1) = W^(l) a^(l) + b^(l),
//   a^(l) = f(z^(l)), f the sigmoid here; n_l layers, s_l neurons in layer l.
// Cost: J(W, b; x, y) = ½‖h_{W,b}(x) − y‖² (eq. 5) and the overall cost (eq. 6)
//   J(W, b) = (1/m) Σ_k J(W, b; x^(k), y^(k)) + (λ/2) Σ_l Σ_ij (W^(l)_ji)² — weights only, never biases
//   (nn's l2Penalty with convention 'unscaled').
// Claim: one batch gradient-descent step, eqs. (7)–(10): W ← W − α ∂J/∂W, b ← b − α ∂J/∂b with
//   ∂J/∂W = (1/m) Σ_k ∂J_k/∂W + λ W and ∂J/∂b = (1/m) Σ_k ∂J_k/∂b.
// Typos guarded against:
//   - eq. (13) ∂z_i^(l+1)/∂W_ij^(l) = a_i^(l) must be a_j^(l): the typo'd ∂J/∂W_ij = δ_i^(l+1) a_i^(l)
//     is implemented and shown to fail BP4 at exactly the layer it is used in.
//   - eq. (10) sums ∂J(x^(k), y^(i)): each example needs its own target y^(k) (used below).
//   - eq. (16) writes a_i^(l) for the output a_i^(n_l) (used below as the output layer).
import { afterAll, describe, expect, it } from 'vitest';
import { add } from '@pullback/autograd';
import { MLP, compareGradients, gradientDescentStep, l2Penalty, quadraticCost } from '@pullback/nn';
import { backpropReference, sgdStepReference } from '@pullback/nn/reference';
import { ErrorLog, errorsOf, flat, matVec, plainParameters, randomBatch, refNetworkOf, rowsOf, sigma, sigmaPrime } from '../support/seeds-support.ts';
import type { Mat, Vec } from '../support/seeds-support.ts';

const log = new ErrorLog('002');
afterAll(() => console.log(log.summary()));

const sizes = [4, 4, 3, 2]; // s_{l+1} ≤ s_l everywhere, so the typo'd a_i^(l) exists at every layer
const m = 5;
const lambda = 0.1;
const alpha = 0.5;

/** UFLDL-indexed parameters: W[l], b[l] for l = 1..n_l − 1. */
function ufldlParameters(model: MLP): { W: Mat[]; b: Vec[] } {
  const { W, b } = plainParameters(model);
  return { W: [[], ...W], b: [[], ...b.map((v) => v!)] };
}

/**
 * ∂J(W, b; x, y)/∂W^(l), ∂/∂b^(l) for one example, by eqs. (11)–(18). `typoAt` replaces eq. (13)'s
 * a_j^(l) by the printed a_i^(l) at that one layer l.
 */
function perExample(W: Mat[], b: Vec[], x: Vec, y: Vec, typoAt: number | null) {
  const nl = W.length; // layers 1..n_l; W[1..n_l − 1]
  const a: Vec[] = [[], x];
  const z: Vec[] = [[], []];
  for (let l = 1; l < nl; l++) {
    z[l + 1] = matVec(W[l]!, a[l]!).map((v, i) => v + b[l]![i]!); // eq. (1)
    a[l + 1] = z[l + 1]!.map(sigma); // eq. (3)
  }
  const delta: Vec[] = [];
  // eqs. (15), (17): δ_i^(n_l) = (a_i^(n_l) − y_i) f'(z_i^(n_l)).
  delta[nl] = a[nl]!.map((ai, i) => (ai - y[i]!) * sigmaPrime(z[nl]![i]!));
  // eqs. (15), (18): δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) f'(z_i^(l)).
  for (let l = nl - 1; l >= 2; l--) {
    delta[l] = a[l]!.map((_, i) => delta[l + 1]!.reduce((s, dj, j) => s + dj * W[l]![j]![i]!, 0) * sigmaPrime(z[l]![i]!));
  }
  const gradW: Mat[] = [[]];
  const gradB: Vec[] = [[]];
  for (let l = 1; l < nl; l++) {
    // eqs. (11), (13): ∂J/∂W_ij^(l) = δ_i^(l+1) ∂z_i^(l+1)/∂W_ij^(l) = δ_i^(l+1) a_j^(l)  (typo: a_i^(l)).
    gradW[l] = W[l]!.map((row, i) => row.map((_, j) => delta[l + 1]![i]! * a[l]![l === typoAt ? i : j]!));
    gradB[l] = [...delta[l + 1]!]; // eq. (12)
  }
  return { gradW, gradB, cost: 0.5 * a[nl]!.reduce((s, ai, i) => s + (ai - y[i]!) ** 2, 0) };
}

/** eqs. (9)–(10): average over the m examples (each with its own y^(k)) and add λ W to the weights only. */
function overall(model: MLP, xs: Mat, ys: Mat, lam: number, typoAt: number | null = null) {
  const { W, b } = ufldlParameters(model);
  const nl = W.length;
  const gradW: Mat[] = W.map((Wl) => Wl.map((row) => row.map(() => 0)));
  const gradB: Vec[] = b.map((bl) => bl.map(() => 0));
  let dataCost = 0;
  xs.forEach((x, k) => {
    const g = perExample(W, b, x, ys[k]!, typoAt);
    dataCost += g.cost / xs.length;
    for (let l = 1; l < nl; l++) {
      gradW[l] = gradW[l]!.map((row, i) => row.map((v, j) => v + g.gradW[l]![i]![j]! / xs.length));
      gradB[l] = gradB[l]!.map((v, i) => v + g.gradB[l]![i]! / xs.length);
    }
  });
  let squares = 0;
  for (let l = 1; l < nl; l++) {
    gradW[l] = gradW[l]!.map((row, i) => row.map((v, j) => v + lam * W[l]![i]![j]!));
    squares += flat(W[l]!).reduce((s, w) => s + w * w, 0);
  }
  return { gradW, gradB, cost: dataCost + (lam / 2) * squares };
}

/** Nielsen-indexed manual numbers for compareGradients: entry i is W^(i+1). */
const asManual = (g: { gradW: Mat[]; gradB: Vec[] }) => ({ gradW: g.gradW.slice(1).map(flat), gradB: g.gradB.slice(1) });

describe('seed 002: the overall cost J(W, b) and one batch gradient-descent step', () => {
  it('eq. (6): the engine cost (quadraticCost + l2Penalty batch) equals the hand-written J(W, b)', () => {
    const model = new MLP(sizes, { outputActivation: 'sigmoid', seed: 1 });
    const batch = randomBatch(sizes, m, 100);
    const engine = add(quadraticCost(model.forward(batch.x), batch.y), l2Penalty(model, lambda, { convention: 'unscaled' })).item();
    const byHand = overall(model, rowsOf(batch.x), rowsOf(batch.y), lambda).cost;
    const e = errorsOf([engine], [byHand]);
    expect(e.rel).toBeLessThan(1e-14);
    log.note('overall cost J(W,b), eq. (6)', e);
  });

  it('eqs. (9)–(10) by hand equal the engine gradients (compareGradients)', () => {
    for (const seed of [1, 2, 3]) {
      const model = new MLP(sizes, { outputActivation: 'sigmoid', seed });
      const batch = randomBatch(sizes, m, 100 + seed);
      const manual = asManual(overall(model, rowsOf(batch.x), rowsOf(batch.y), lambda));
      const report = compareGradients(model, batch, manual, { cost: 'quadratic', l2: { lambda, convention: 'unscaled' }, notation: 'ufldl' });
      expect(report.ok, report.toText()).toBe(true);
      log.note('eqs. (9)–(10) by hand vs engine', report);
    }
  });

  it('one step with engine gradients (gradientDescentStep) equals sgdStepReference to 1e-12', () => {
    for (const seed of [1, 2, 3]) {
      const model = new MLP(sizes, { outputActivation: 'sigmoid', seed });
      const batch = randomBatch(sizes, m, 200 + seed);
      const before = refNetworkOf(model);
      const reference = sgdStepReference(
        before,
        backpropReference(
          before,
          { x: Float64Array.from(batch.x.data), y: Float64Array.from(batch.y.data), size: m },
          { cost: 'quadratic', l2: { lambda, convention: 'unscaled' } },
        ),
        alpha,
      );
      model.zeroGrad();
      add(quadraticCost(model.forward(batch.x), batch.y), l2Penalty(model, lambda, { convention: 'unscaled' })).backward();
      gradientDescentStep(model, alpha);
      model.zeroGrad();
      model.layers.forEach((layer, i) => {
        const eW = errorsOf(layer.weight.data, reference.weights[i]!);
        const eB = errorsOf(layer.bias!.data, reference.biases[i]!);
        expect(eW.abs).toBeLessThanOrEqual(1e-12);
        expect(eB.abs).toBeLessThanOrEqual(1e-12);
        log.note('GD step: engine + gradientDescentStep vs sgdStepReference', eW);
        log.note('GD step: engine + gradientDescentStep vs sgdStepReference', eB);
      });
      // The step moved the parameters (a step of 0 would pass the comparison trivially).
      expect(errorsOf(model.layers[0]!.weight.data, before.weights[0]!).abs).toBeGreaterThan(1e-3);
    }
  });

  it('biases are not regularised: ∂J/∂b is the same for λ = 0 and λ > 0; ∂J/∂W moves by exactly λW', () => {
    const model = new MLP(sizes, { outputActivation: 'sigmoid', seed: 4 });
    const batch = randomBatch(sizes, m, 300);
    const gradients = (lam: number) => {
      model.zeroGrad();
      add(quadraticCost(model.forward(batch.x), batch.y), l2Penalty(model, lam, { convention: 'unscaled' })).backward();
      const out = model.layers.map((layer) => ({ w: Float64Array.from(layer.weight.grad!.data), b: Float64Array.from(layer.bias!.grad!.data) }));
      model.zeroGrad();
      return out;
    };
    const plain = gradients(0);
    const decayed = gradients(2.5);
    model.layers.forEach((layer, i) => {
      expect(decayed[i]!.b).toEqual(plain[i]!.b);
      const shift = Array.from(decayed[i]!.w, (g, e) => g - plain[i]!.w[e]!);
      const e = errorsOf(
        shift,
        Array.from(layer.weight.data, (w) => 2.5 * w),
      );
      expect(e.abs).toBeLessThan(1e-14);
      log.note('L2 shift of ∂J/∂W equals λW', e);
    });
  });
});

describe("seed 002's eq. (13) typo: ∂z_i^(l+1)/∂W_ij^(l) = a_i^(l)", () => {
  for (const l of [1, 2, 3]) {
    it(`the typo'd rule at W^(${l}) fails BP4 at that layer only; the corrected rule agrees`, () => {
      const model = new MLP(sizes, { outputActivation: 'sigmoid', seed: 6 });
      const batch = randomBatch(sizes, m, 400);
      const options = { cost: 'quadratic', l2: { lambda, convention: 'unscaled' }, notation: 'ufldl' } as const;
      const wrong = compareGradients(model, batch, asManual(overall(model, rowsOf(batch.x), rowsOf(batch.y), lambda, l)), options);
      expect(wrong.firstDisagreement, wrong.toText()).toMatchObject({ equation: 'BP4', layer: l + 1, ufldlLayer: l, quantity: `∂J/∂W^(${l})` });
      expect(wrong.rows.filter((r) => !r.ok)).toHaveLength(1);
      log.note('eq. (13) typo a_i vs engine (must be large)', wrong.firstDisagreement!);
      const right = compareGradients(model, batch, asManual(overall(model, rowsOf(batch.x), rowsOf(batch.y), lambda)), options);
      expect(right.ok, right.toText()).toBe(true);
    });
  }
});
