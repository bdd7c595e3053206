// Seed 003 — "Bro, do you even backprop?" (the Jacobian view).
// Network: z^l = W^l a^{l−1} + b^l, a^l = f(z^l) for l = 1..L (Nielsen-style: W^l feeds layer l);
//   f = tanh here (any elementwise f; the seed keeps it generic).
// Cost: L = (1/N) Σ_i g(a^L(x_i) − y_i) with g(x) = ½‖x‖², i.e. the quadratic cost, mean over N.
//   No regularization.
// Claim: ∂a^l/∂b^l = diag(f'(z^l)); ∂L/∂b^L = diag(f'(z^L)) (a^L − y);
//   ∂L/∂b^l = diag(f'(z^l)) (W^{l+1})ᵀ ∂L/∂b^{l+1}; ∂L/∂W^l = ∂L/∂b^l (a^{l−1})ᵀ.
// Typos and traps guarded against:
//   - "a^L = W^L a^{L−1} + b^L" is z^L: read literally, ∂a^L/∂b^L = I drops f'(z^L), which fails BP1.
//   - the recursion and the outer product hold PER EXAMPLE (diag(f'(z^l)) and a^{l−1} depend on x_i),
//     then are averaged over N; the outer product of the batch means is shown to be wrong.
import { afterAll, describe, expect, it } from 'vitest';
import { add, jacobian, tanh, tensor } from '@pullback/autograd';
import type { Tensor } from '@pullback/autograd';
import { MLP, compareGradients, quadraticCost } from '@pullback/nn';
import { ErrorLog, diag, errorsOf, flat, matVec, outer, plainParameters, randomBatch, rowsOf, subtract, transposeMatVec } from '../support/seeds-support.ts';
import type { Mat, Vec } from '../support/seeds-support.ts';

const log = new ErrorLog('003');
afterAll(() => console.log(log.summary()));

const sizes = [3, 4, 3, 2];
const N = 6;
const fPrime = (z: number): number => 1 / Math.cosh(z) ** 2; // tanh' = sech²

/** Forward pass on plain arrays for one example: z[l], a[l] for l = 1..L−1 (model layer index), a[0] = x. */
function forward(W: Mat[], b: Vec[], x: Vec): { z: Vec[]; a: Vec[] } {
  const a: Vec[] = [x];
  const z: Vec[] = [[]];
  for (let l = 1; l <= W.length; l++) {
    z[l] = matVec(W[l - 1]!, a[l - 1]!).map((v, j) => v + b[l - 1]![j]!);
    a[l] = z[l]!.map(Math.tanh);
  }
  return { z, a };
}

/** Per example: g^l = ∂L_i/∂b^l by the seed's recursion, and ∂L_i/∂W^l = g^l (a^{l−1})ᵀ. */
function perExample(W: Mat[], b: Vec[], x: Vec, y: Vec, literalTypo = false) {
  const depth = W.length;
  const { z, a } = forward(W, b, x);
  const g: Vec[] = [];
  // ∂L/∂b^L = diag(f'(z^L)) (a^L − y); the literal "a^L = W^L a^{L−1} + b^L" makes ∂a^L/∂b^L = I.
  const dOut = literalTypo ? z[depth]!.map(() => 1) : z[depth]!.map(fPrime);
  g[depth] = matVec(diag(dOut), subtract(a[depth]!, y));
  for (let l = depth - 1; l >= 1; l--) g[l] = matVec(diag(z[l]!.map(fPrime)), transposeMatVec(W[l]!, g[l + 1]!));
  const gW: Mat[] = [];
  for (let l = 1; l <= depth; l++) gW[l] = outer(g[l]!, a[l - 1]!);
  return { g, gW, a };
}

/** Entry-wise mean of N per-example vectors. */
const meanOf = (vs: Vec[]): Vec => vs[0]!.map((_, k) => vs.reduce((s, v) => s + v[k]!, 0) / N);

function setUp(seed: number) {
  const model = new MLP(sizes, { activation: 'tanh', outputActivation: 'tanh', seed });
  const batch = randomBatch(sizes, N, 500 + seed, 'signed');
  const { W, b } = plainParameters(model);
  return { model, batch, W, b: b.map((v) => v!), xs: rowsOf(batch.x), ys: rowsOf(batch.y) };
}

describe("seed 003: ∂a^l/∂b^l = diag(f'(z^l)) by the engine's jacobian", () => {
  it("per example and per layer, the Jacobian is diagonal with f'(z^l) on the diagonal", () => {
    const { W, b, xs } = setUp(1);
    for (const x of xs) {
      const { z, a } = forward(W, b, x);
      for (let l = 1; l <= W.length; l++) {
        const wa = tensor(matVec(W[l - 1]!, a[l - 1]!)); // W^l a^{l−1}, held fixed: only b^l varies
        const J = jacobian((bl: Tensor) => tanh(add(wa, bl)))(tensor(b[l - 1]!)) as Tensor;
        expect(J.shape).toEqual([sizes[l]!, sizes[l]!]);
        const expected = diag(z[l]!.map(fPrime));
        const e = errorsOf(J.data, flat(expected));
        expect(e.rel).toBeLessThan(1e-15);
        // Off the diagonal the entries are exactly 0, not just small.
        rowsOf(J).forEach((row, i) => {
          row.forEach((v, j) => {
            i !== j && expect(v).toBe(0);
          });
        });
        log.note("jacobian(∂a^l/∂b^l) vs diag(f'(z^l))", e);
      }
    }
  });
});

describe('seed 003: the recursion per example, averaged over N, equals the engine', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: ∂L/∂b^l and ∂L/∂W^l = mean_i ∂L_i/∂b^l (a^{l−1}_i)ᵀ`, () => {
      const { model, batch, W, b, xs, ys } = setUp(seed);
      const depth = W.length;
      const per = xs.map((x, i) => perExample(W, b, x, ys[i]!));
      const manual = {
        gradW: Array.from({ length: depth }, (_, i) => meanOf(per.map((p) => flat(p.gW[i + 1]!)))),
        gradB: Array.from({ length: depth }, (_, i) => meanOf(per.map((p) => p.g[i + 1]!))),
        // For L_i = g(a^L(x_i) − y_i), ∂L_i/∂b^l = ∂L_i/∂z^l is Nielsen's per-example δ^{x_i, l}.
        delta: Array.from({ length: depth }, (_, i) => per.flatMap((p) => p.g[i + 1]!)),
      };
      const report = compareGradients(model, batch, manual, { cost: 'quadratic' });
      expect(report.ok, report.toText()).toBe(true);
      log.note('per-example recursion, averaged, vs engine', report);

      // The same against the engine's .grad read directly after backward().
      model.zeroGrad();
      quadraticCost(model.forward(batch.x), batch.y).backward();
      model.layers.forEach((layer, i) => {
        const e = errorsOf(layer.weight.grad!.data, manual.gradW[i]!);
        expect(e.rel).toBeLessThan(1e-12);
        log.note('per-example recursion, averaged, vs engine .grad', e);
      });
      model.zeroGrad();
    });
  }

  it('the outer product of the batch MEANS, (mean ∂L_i/∂b^l)(mean a^{l−1}_i)ᵀ, is not the gradient', () => {
    const { model, batch, W, b, xs, ys } = setUp(4);
    const depth = W.length;
    const per = xs.map((x, i) => perExample(W, b, x, ys[i]!));
    const gradB = Array.from({ length: depth }, (_, i) => meanOf(per.map((p) => p.g[i + 1]!)));
    const careless = Array.from({ length: depth }, (_, i) => flat(outer(gradB[i]!, meanOf(per.map((p) => p.a[i]!)))));
    const report = compareGradients(model, batch, { gradW: careless, gradB }, { cost: 'quadratic' });
    expect(report.rows.filter((r) => r.equation === 'BP3').every((r) => r.ok)).toBe(true);
    expect(report.firstDisagreement, report.toText()).toMatchObject({ equation: 'BP4', layer: 4 });
    expect(report.rows.filter((r) => r.equation === 'BP4').every((r) => !r.ok)).toBe(true);
    expect(report.firstDisagreement!.maxRel).toBeGreaterThan(1e-2);
    log.note('product of means vs engine (must be large)', report.firstDisagreement!);
  });

  it('the literal "a^L = W^L a^{L−1} + b^L" (no f\'(z^L)) fails BP1 at the output layer', () => {
    const { model, batch, W, b, xs, ys } = setUp(5);
    const depth = W.length;
    const per = xs.map((x, i) => perExample(W, b, x, ys[i]!, true));
    const manual = {
      gradW: Array.from({ length: depth }, (_, i) => meanOf(per.map((p) => flat(p.gW[i + 1]!)))),
      delta: Array.from({ length: depth }, (_, i) => per.flatMap((p) => p.g[i + 1]!)),
    };
    const report = compareGradients(model, batch, manual, { cost: 'quadratic' });
    expect(report.firstDisagreement, report.toText()).toMatchObject({ equation: 'BP1', layer: 4, quantity: 'δ^4' });
    log.note('typo a^L = W^L a^{L−1} + b^L vs engine (must be large)', report.firstDisagreement!);
  });
});
