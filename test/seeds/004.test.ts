// Seed 004 — Marc Emanuel, "Back Propagation" (logistic network, θ notation).
// Network: bias-free, sigmoid everywhere: z^(2) = θ^(1) X (eq. 3), z^(l) = θ^(l−1) σ(z^(l−1)) (eq. 2),
//   a^(l) = σ(z^(l)), output a^(k) — nn's MLP with { bias: false, activation: 'sigmoid' }.
// Cost: J = (1/m) Σ_q Σ_i y_i ln σ(z_i^(k)) + (1 − y_i) ln(1 − σ(z_i^(k))) (eq. 1) — exactly as
//   written, WITHOUT a leading minus: a log-likelihood (to be maximised), = −crossEntropyCost(mean).
//   No regularization.
// Claim: ∂J/∂θ^(k−1)_rs = [y_r − a_r^(k)] a_s^(k−1) =: δ_r^(k) a_s^(k−1) (eq. 6; averaged over the
//   samples q), i.e. in this document's sign convention δ^(k) = y − a^(k) = −δ^L of the minimised
//   cost; and down the chain ∂J/∂θ^(ℓ) = δ^(ℓ+1) (a^(ℓ))ᵀ (eq. 9). σ'(z) = σ(1 − σ) = 1/(2(1 + cosh z))
//   (eq. 4), the second form being the accurate one for large z.
// Typos guarded against:
//   - eq. (1) lacks the leading minus: the sign of every gradient is checked against the engine,
//     and the seed's δ fed as Nielsen's δ is shown to fail BP1.
//   - eq. (6) drops the 1/m of eq. (1): without it the gradient is m times too large (shown).
import { afterAll, describe, expect, it } from 'vitest';
import { grad, neg, sigmoid, sum, tensor } from '@pullback/autograd';
import type { Tensor } from '@pullback/autograd';
import { MLP, compareGradients, crossEntropyCost } from '@pullback/nn';
import {
  ErrorLog,
  errorsOf,
  flat,
  hadamard,
  matVec,
  outer,
  plainParameters,
  randomBatch,
  rowsOf,
  sigma,
  subtract,
  transposeMatVec,
} from '../support/seeds-support.ts';
import type { Mat, Vec } from '../support/seeds-support.ts';

const log = new ErrorLog('004');
afterAll(() => console.log(log.summary()));

const sizes = [3, 4, 3, 2];
const m = 6;

/** σ'(z) as the programming exercise writes it: σ(1 − σ) — cancels for large z. */
const sigmaPrimeNaive = (z: number): number => sigma(z) * (1 - sigma(z));
/** σ'(z) = 1 / (2(1 + cosh z)), the seed's accurate form. */
const sigmaPrimeCosh = (z: number): number => 1 / (2 * (1 + Math.cosh(z)));
/** e^{−z} / (1 + e^{−z})²: exact to a few ulps for z ≥ 0, as nothing cancels there. */
const sigmaPrimeExact = (z: number): number => Math.exp(-z) / (1 + Math.exp(-z)) ** 2;

function setUp(seed: number) {
  const model = new MLP(sizes, { bias: false, activation: 'sigmoid', outputActivation: 'sigmoid', seed });
  const batch = randomBatch(sizes, m, 600 + seed);
  return { model, batch, theta: plainParameters(model).W, xs: rowsOf(batch.x), ys: rowsOf(batch.y) };
}

/** The engine's ∂J/∂θ for J as written in eq. (1): J = −crossEntropyCost(a, y) ('mean' over the m samples). */
function engineGradient(model: MLP, batch: { x: Tensor; y: Tensor }): Float64Array[] {
  model.zeroGrad();
  neg(crossEntropyCost(model.forward(batch.x), batch.y)).backward();
  const out = model.layers.map((layer) => Float64Array.from(layer.weight.grad!.data));
  model.zeroGrad();
  return out;
}

/**
 * Eqs. (6) and (9) for one sample, in the seed's sign convention: δ^(k) = y − a^(k);
 * δ^(ℓ) = ((θ^(ℓ))ᵀ δ^(ℓ+1)) ⊙ σ'(z^(ℓ)); ∂J_q/∂θ^(ℓ) = δ^(ℓ+1) (a^(ℓ))ᵀ. θ[0] is θ^(1).
 */
function perSample(theta: Mat[], x: Vec, y: Vec) {
  const k = theta.length + 1;
  const a: Vec[] = [[], x]; // a^(1) = X: eq. (3) applies θ^(1) to X itself, not to σ(X)
  const z: Vec[] = [[], []];
  for (let l = 2; l <= k; l++) {
    z[l] = matVec(theta[l - 2]!, a[l - 1]!);
    a[l] = z[l]!.map(sigma);
  }
  const delta: Vec[] = [];
  delta[k] = subtract(y, a[k]!); // eq. (6): the cancellation leaves y − σ(z^(k))
  for (let l = k - 1; l >= 2; l--) delta[l] = hadamard(transposeMatVec(theta[l - 1]!, delta[l + 1]!), z[l]!.map(sigmaPrimeNaive));
  const gradTheta = theta.map((_, i) => outer(delta[i + 2]!, a[i + 1]!)); // ∂J/∂θ^(i+1) = δ^(i+2) (a^(i+1))ᵀ
  return { delta, gradTheta, a };
}

function averaged(theta: Mat[], xs: Mat, ys: Mat, scale = 1 / xs.length): number[][] {
  const per = xs.map((x, q) => perSample(theta, x, ys[q]!));
  return theta.map((_, i) => per.reduce((s, p) => s.map((v, e) => v + scale * flat(p.gradTheta[i]!)[e]!), new Array<number>(flat(theta[i]!).length).fill(0)));
}

describe('seed 004: the log-likelihood J (no leading minus) and its gradient', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: ∂J/∂θ^(k−1)_rs = (1/m) Σ_q [y_r − a_r^(k)] a_s^(k−1) equals the engine`, () => {
      const { model, batch, theta, xs, ys } = setUp(seed);
      const engine = engineGradient(model, batch);
      const last = theta.length - 1;
      // Written out index by index, as eq. (6).
      const byIndex = theta[last]!.map((row, r) =>
        row.map(
          (_, s) =>
            xs.reduce((acc, x, q) => {
              const { a } = perSample(theta, x, ys[q]!);
              const k = theta.length + 1;
              return acc + (ys[q]![r]! - a[k]![r]!) * a[k - 1]![s]!;
            }, 0) / m,
        ),
      );
      const e = errorsOf(engine[last]!, flat(byIndex));
      expect(e.rel).toBeLessThan(1e-12);
      log.note('eq. (6) with 1/m vs engine (output layer)', e);
    });
  }

  it('eq. (9) down the chain: every θ^(ℓ) agrees with the engine', () => {
    for (const seed of [1, 2, 3]) {
      const { model, batch, theta, xs, ys } = setUp(seed);
      const engine = engineGradient(model, batch);
      averaged(theta, xs, ys).forEach((g, i) => {
        const e = errorsOf(engine[i]!, g);
        expect(e.rel).toBeLessThan(1e-12);
        log.note('eq. (9), all layers, vs engine', e);
      });
    }
  });

  it('eq. (6) as printed, without the 1/m, is m times the gradient', () => {
    const { model, batch, theta, xs, ys } = setUp(4);
    const engine = engineGradient(model, batch);
    const printed = averaged(theta, xs, ys, 1);
    const last = theta.length - 1;
    expect(errorsOf(engine[last]!, printed[last]!).rel).toBeGreaterThan(0.5);
    const e = errorsOf(
      engine[last]!.map((v) => v * m),
      printed[last]!,
    );
    expect(e.rel).toBeLessThan(1e-12);
  });

  it("the sign: for the minimised cost C = −J, Nielsen's δ^L = a − y = −δ^(k); the seed's δ as is fails BP1", () => {
    const { model, batch, theta, xs, ys } = setUp(5);
    const per = xs.map((x, q) => perSample(theta, x, ys[q]!));
    const k = theta.length + 1;
    const seedDelta = theta.map((_, i) => per.flatMap((p) => p.delta[i + 2]!));
    const gradJ = averaged(theta, xs, ys);
    const options = { cost: 'crossEntropy' } as const;
    // C = −J: every gradient and δ flips sign.
    const flipped = compareGradients(model, batch, { gradW: gradJ.map((g) => g.map((v) => -v)), delta: seedDelta.map((d) => d.map((v) => -v)) }, options);
    expect(flipped.ok, flipped.toText()).toBe(true);
    log.note('−(seed δ, ∂J/∂θ) vs engine crossEntropy (compareGradients)', flipped);
    const asIs = compareGradients(model, batch, { gradW: gradJ, delta: seedDelta }, options);
    expect(asIs.firstDisagreement, asIs.toText()).toMatchObject({ equation: 'BP1', layer: k, quantity: `δ^${k}` });
  });

  it("eq. (5)'s quotient form is 0/0 once σ saturates; the cancelled form y − a stays finite", () => {
    const z = 40; // σ(40) rounds to 1 in float64, so 1 − σ = 0
    const s = sigma(z);
    expect(s).toBe(1);
    for (const y of [0, 0.3, 1]) {
      const quotient = (y * (s * (1 - s))) / s - ((1 - y) * (s * (1 - s))) / (1 - s);
      expect(quotient).toBeNaN(); // (1 − y)·0/0, even for y = 1
      expect(Number.isFinite(y - s)).toBe(true);
    }
  });
});

describe('seed 004 eq. (4): σ(1 − σ) vs 1/(2(1 + cosh z))', () => {
  it('agree within 1e-15 for moderate z', () => {
    let worst = 0;
    let worstRel = 0;
    for (let z = -10; z <= 10; z += 0.125) {
      const diff = Math.abs(sigmaPrimeNaive(z) - sigmaPrimeCosh(z));
      worst = Math.max(worst, diff);
      worstRel = Math.max(worstRel, diff / sigmaPrimeCosh(z));
    }
    expect(worst).toBeLessThanOrEqual(1e-15);
    log.note('σ(1−σ) vs cosh form, |z| ≤ 10', { abs: worst, rel: worstRel });
  });

  it('for large z the cosh form is accurate and σ(1 − σ) is not', () => {
    const relError = (approx: number, exact: number): number => Math.abs(approx - exact) / exact;
    for (const z of [30, 37, 40]) {
      const exact = sigmaPrimeExact(z);
      const naive = relError(sigmaPrimeNaive(z), exact);
      const cosh = relError(sigmaPrimeCosh(z), exact);
      expect(cosh).toBeLessThan(1e-14);
      expect(naive).toBeGreaterThan(1e-4);
      log.note(`cosh form vs exact at z = ${z}`, { abs: Math.abs(sigmaPrimeCosh(z) - exact), rel: cosh });
      log.note(`σ(1−σ) vs exact at z = ${z} (must be large)`, { abs: Math.abs(sigmaPrimeNaive(z) - exact), rel: naive });
    }
    expect(sigmaPrimeNaive(40)).toBe(0); // 1 − σ(40) = 0: a 100% error
    expect(relError(sigmaPrimeNaive(40), sigmaPrimeExact(40))).toBe(1);
  });

  it("the engine's σ' (grad of sigmoid) matches the accurate form, including z = 30, 37, 40", () => {
    const zs = [-40, -37, -30, -5, -1, 0, 0.5, 1, 5, 30, 37, 40];
    const g = grad((z: Tensor) => sum(sigmoid(z)))(tensor(zs)) as Tensor;
    zs.forEach((z, i) => {
      const exact = z >= 0 ? sigmaPrimeExact(z) : sigmaPrimeExact(-z); // σ' is even
      const rel = Math.abs(g.data[i]! - exact) / exact;
      expect(rel).toBeLessThan(1e-14);
      log.note("engine σ' vs exact, z ∈ [−40, 40]", { abs: Math.abs(g.data[i]! - exact), rel });
    });
  });
});
