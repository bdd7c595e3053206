// Seed 000 — "Deriving the Back-Propagation Algorithm" (UFLDL-style notation).
// Network: L layers, sigmoid everywhere; W^(l), b^(l) map layer l to l+1 (l = 1..L−1):
//   z^(l+1) = W^(l) a^(l) + b^(l), a^(l+1) = σ(z^(l+1)), a^(1) = x.
// Cost: one example, J = ½‖a^(L) − y‖². No regularization.
// Claim: ∂J/∂W^(l)_ij = a^(l)_j ε^(l+1)_i, ∂J/∂b^(l)_i = ε^(l+1)_i,
//        ε^(l)_i = Σ_q ε^(l+1)_q W^(l)_qi σ'(z^(l)_i), ε^(L)_i = (a^(L)_i − y_i) σ'(z^(L)_i).
// Typos guarded against:
//   - "b = {b^(1), ..., b^(l−1)}" should end at b^(L−1): the model has exactly L−1 bias vectors.
//   - in the bias derivation, "ε_q^(l) W^(L−1)_qr ∂a_r^(L−1)/∂b_i^(l)" should read ε_q^(L): the
//     literal expansion is written out below with both, and only ε^(L) agrees with the engine.
import { afterAll, describe, expect, it } from 'vitest';
import { MLP, compareGradients, quadraticCost } from '@pullback/nn';
import { ufldlEpsilonRecursion } from '@pullback/nn/reference';
import type { UfldlGradients } from '@pullback/nn/reference';
import { ErrorLog, diag, errorsOf, matMul, maxRelError, randomBatch, refNetworkOf, rowsOf, sigmaPrime, zerosMat } from '../support/seeds-support.ts';
import type { Mat, Vec } from '../support/seeds-support.ts';

const log = new ErrorLog('000');
afterAll(() => console.log(log.summary()));

/** The seed's set-up for sizes [s_1, ..., s_L]: a sigmoid MLP and one example (x, y). */
function setUp(sizes: number[], seed: number) {
  const model = new MLP(sizes, { activation: 'sigmoid', outputActivation: 'sigmoid', seed });
  const batch = randomBatch(sizes, 1, seed + 1000);
  const x = Float64Array.from(batch.x.data);
  const y = Float64Array.from(batch.y.data);
  return { model, batch, ufldl: ufldlEpsilonRecursion(refNetworkOf(model), x, y) };
}

/** UFLDL index l ↔ the model: W^(l) is model.layers[l − 1] (Nielsen's w^{l+1}). */
const manualFromUfldl = (u: UfldlGradients, L: number) => ({
  gradW: Array.from({ length: L - 1 }, (_, i) => u.gradW[i + 1]!),
  gradB: Array.from({ length: L - 1 }, (_, i) => u.gradB[i + 1]!),
  delta: Array.from({ length: L - 1 }, (_, i) => u.epsilon[i + 2]!),
});

describe('seed 000: the ε recursion equals the engine', () => {
  const depths: number[][] = [
    [3, 2],
    [3, 4, 2],
    [2, 5, 3, 2],
    [4, 3, 3, 3, 2],
    [1, 2, 1, 2, 1, 2],
  ];

  it.each(depths)('sizes %j: ∂J/∂W^(l), ∂J/∂b^(l) and ε^(l) agree (compareGradients, UFLDL labels)', (...sizes) => {
    for (const seed of [1, 2, 3]) {
      const { model, batch, ufldl } = setUp(sizes, seed);
      const report = compareGradients(model, batch, manualFromUfldl(ufldl, sizes.length), { cost: 'quadratic', notation: 'ufldl' });
      expect(report.ok, report.toText()).toBe(true);
      expect(report.rows.find((r) => r.equation === 'BP4' && r.layer === 2)?.quantity).toBe('∂J/∂W^(1)');
      log.note('ε recursion vs engine (compareGradients)', report);
    }
  });

  it.each(depths)('sizes %j: the index form a^(l)_j ε^(l+1)_i, entry by entry, equals the engine .grad', (...sizes) => {
    const { model, batch, ufldl } = setUp(sizes, 7);
    const L = sizes.length;
    // The model has exactly L − 1 weight matrices and L − 1 bias vectors (b^(1) ... b^(L−1), not b^(l−1)).
    expect(model.layers).toHaveLength(L - 1);
    expect(model.layers.every((layer) => layer.bias !== null)).toBe(true);
    model.zeroGrad();
    quadraticCost(model.forward(batch.x), batch.y).backward();
    for (let l = 1; l <= L - 1; l++) {
      const layer = model.layers[l - 1]!;
      const gradW = rowsOf(layer.weight.grad!);
      const byIndex: Mat = gradW.map((row, i) => row.map((_, j) => ufldl.a[l]![j]! * ufldl.epsilon[l + 1]![i]!));
      expect(maxRelError(gradW.flat(), byIndex.flat())).toBeLessThanOrEqual(1e-12);
      expect(maxRelError(layer.bias!.grad!.data, ufldl.epsilon[l + 1]!)).toBeLessThanOrEqual(1e-12);
      log.note('index form a^(l)_j ε^(l+1)_i vs engine .grad', errorsOf(gradW.flat(), byIndex.flat()));
      log.note('index form a^(l)_j ε^(l+1)_i vs engine .grad', errorsOf(layer.bias!.grad!.data, ufldl.epsilon[l + 1]!));
    }
    model.zeroGrad();
  });
});

/**
 * ∂a^(L−1)/∂b^(l) on plain arrays: D^(L−1) W^(L−2) D^(L−2) ... W^(l+1) D^(l+1), with
 * D^(k) = diag(σ'(z^(k))); the zero matrix for l = L − 1 (a^(L−1) does not depend on b^(L−1)).
 */
function activationJacobian(u: UfldlGradients, W: (l: number) => Mat, L: number, l: number): Mat {
  const n = u.a[L - 1]!.length;
  const D = (k: number): Mat => diag(Array.from(u.z[k]!, sigmaPrime));
  if (l === L - 1) return zerosMat(n, u.z[l + 1]!.length);
  let J = D(l + 1);
  for (let k = l + 1; k <= L - 2; k++) J = matMul(D(k + 1), matMul(W(k), J));
  return J;
}

/**
 * The seed's bias derivation, literally: ∂J/∂b^(l)_i = ε^(L)_i δ_(l,L−1) + Σ_q Σ_r ε^(?)_q W^(L−1)_qr ∂a^(L−1)_r/∂b^(l)_i,
 * with ε^(?) = ε^(L) (correct) or ε^(l) (the typo; computable when s_l = s_L and l ≥ 2).
 */
function biasByExpansion(u: UfldlGradients, W: (l: number) => Mat, L: number, typo: boolean): Vec[] {
  const out: Vec[] = [];
  for (let l = 1; l <= L - 1; l++) {
    const eps = typo && l >= 2 ? Array.from(u.epsilon[l]!) : Array.from(u.epsilon[L]!);
    const J = activationJacobian(u, W, L, l);
    const WL = W(L - 1);
    const n = u.z[l + 1]!.length;
    out.push(
      Array.from({ length: n }, (_, i) => {
        let sum = l === L - 1 ? u.epsilon[L]![i]! : 0;
        for (let q = 0; q < WL.length; q++) for (let r = 0; r < WL[q]!.length; r++) sum += eps[q]! * WL[q]![r]! * J[r]![i]!;
        return sum;
      }),
    );
  }
  return out;
}

describe("seed 000's typo in the bias derivation (ε_q^(l) for ε_q^(L))", () => {
  // Equal widths, so the typo'd ε^(l) has as many entries as ε^(L) and the formula can be evaluated.
  const sizes = [3, 3, 3, 3, 3];
  const L = sizes.length;

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the expansion with ε^(L) agrees with the engine; with ε^(l) it fails BP3 at b^(L−2)`, () => {
      const { model, batch, ufldl } = setUp(sizes, seed);
      const W = (l: number): Mat => rowsOf(model.layers[l - 1]!.weight);
      const gradW = Array.from({ length: L - 1 }, (_, i) => ufldl.gradW[i + 1]!);
      const options = { cost: 'quadratic', notation: 'ufldl' } as const;

      const right = compareGradients(model, batch, { gradW, gradB: biasByExpansion(ufldl, W, L, false) }, options);
      expect(right.ok, right.toText()).toBe(true);
      log.note('bias expansion with ε^(L) vs engine', right);

      const typo = compareGradients(model, batch, { gradW, gradB: biasByExpansion(ufldl, W, L, true) }, options);
      // BP3 rows run from the output back: b^(4) is untouched by the typo (l = L − 1), b^(3) is the first it changes.
      expect(typo.firstDisagreement, typo.toText()).toMatchObject({ equation: 'BP3', layer: 4, ufldlLayer: 3, quantity: '∂J/∂b^(3)' });
      expect(typo.rows.filter((r) => !r.ok).map((r) => r.quantity)).toEqual(['∂J/∂b^(3)', '∂J/∂b^(2)']);
      expect(typo.firstDisagreement!.maxRel).toBeGreaterThan(1e-3);
      log.note('bias expansion with the typo ε^(l) vs engine (must be large)', typo.firstDisagreement!);
    });
  }
});
