import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DTypeError, ShapeError, type Tensor, ValueError, expandComposite, gradcheck, hessian, mul, sigmoid, tensor } from '@pullback/autograd';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropyCost, mseLoss, quadraticCost, softmaxCrossEntropy } from '../src/index.ts';
import { expectClose, expectError, gradientVsFiniteDifferences } from './helpers.ts';

const t = (v: number[][] | number[]): Tensor => tensor(v);
const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** FD check of d loss(x)/dx at `values` for a loss with a fixed second argument. */
function checkGrad(loss: (x: Tensor) => Tensor, values: number[], shape: number[], rtol = 1e-6): void {
  const { analytic, numeric } = gradientVsFiniteDifferences(loss, values, shape);
  expectClose(analytic, numeric, rtol, 1e-8);
}

describe('quadraticCost and mseLoss', () => {
  const a = [
    [0.2, 0.8],
    [0.6, 0.4],
  ];
  const y = [
    [0, 1],
    [1, 0],
  ];

  it('quadraticCost = mean over examples of ½‖a − y‖² (the seeds’ convention)', () => {
    // ½(0.2² + 0.2²) = 0.04 and ½(0.4² + 0.4²) = 0.16.
    expect(quadraticCost(t(a), t(y)).item()).toBeCloseTo(0.1, 15);
    expect(quadraticCost(t(a), t(y), { reduction: 'sum' }).item()).toBeCloseTo(0.2, 15);
    expect(quadraticCost(t([0.2, 0.8]), t([0, 1])).item()).toBeCloseTo(0.04, 15);
  });

  it('mseLoss = mean over ALL elements of (a − y)² (PyTorch MSELoss)', () => {
    expect(mseLoss(t(a), t(y)).item()).toBeCloseTo(0.1, 15);
    expect(mseLoss(t(a), t(y), { reduction: 'sum' }).item()).toBeCloseTo(0.4, 15);
    expect(mseLoss(t([[1, 2, 3]]), t([[0, 0, 0]])).item()).toBeCloseTo(14 / 3, 14);
  });

  it('gradients match central differences', () => {
    const target = t([
      [0.1, -0.3, 0.5],
      [1, 2, -1],
    ]);
    const values = [0.4, 0.2, -0.7, 1.5, 0.3, 0.9];
    for (const reduction of ['mean', 'sum'] as const) {
      checkGrad((x) => quadraticCost(x, target, { reduction }), values, [2, 3]);
      checkGrad((x) => mseLoss(x, target, { reduction }), values, [2, 3]);
    }
  });
});

describe('quadraticCost is one fused op', () => {
  const pick = (values: number[], shape: number[]) => tensor(values, { shape, requiresGrad: true });

  it('records one node whose value and gradients equal the step-by-step cost (ranks 1–3, both reductions)', () => {
    const cases: [number[], number[], number[]][] = [
      [[3], [0.4, -0.2, 0.9], [0, 1, 0.5]],
      [
        [2, 3],
        [0.4, 0.2, -0.7, 1.5, 0.3, 0.9],
        [0.1, -0.3, 0.5, 1, 2, -1],
      ],
      [
        [2, 2, 2],
        [0.1, 0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8],
        [1, 0, 0, 1, 0, 1, 1, 0],
      ],
    ];
    for (const [shape, av, yv] of cases) {
      for (const reduction of ['mean', 'sum'] as const) {
        const [a1, y1, a2, y2] = [pick(av, shape), pick(yv, shape), pick(av, shape), pick(yv, shape)];
        const fused = quadraticCost(a1, y1, { reduction });
        const steps = expandComposite(quadraticCost(a2, y2, { reduction })) as Tensor;
        expect(fused.op).toBe('quadraticCost');
        expect(fused.inputs).toEqual([a1, y1]);
        expect(fused.item()).toBeCloseTo(steps.item(), 15);
        fused.backward();
        steps.backward();
        expectClose(Array.from(a1.grad!.data), Array.from(a2.grad!.data), 1e-14, 1e-15);
        expectClose(Array.from(y1.grad!.data), Array.from(y2.grad!.data), 1e-14, 1e-15);
      }
    }
  });

  it('its pullback is exact to second order in both arguments (gradcheck against central differences)', () => {
    for (const reduction of ['mean', 'sum'] as const) {
      const a = tensor(
        [
          [0.4, 0.2, -0.7],
          [1.5, 0.3, 0.9],
        ],
        { requiresGrad: true },
      );
      const y = tensor(
        [
          [0.1, -0.3, 0.5],
          [1, 2, -1],
        ],
        { requiresGrad: true },
      );
      const report = gradcheck((p: Tensor, q: Tensor) => mul(quadraticCost(p, q, { reduction }), quadraticCost(q, p, { reduction })), [a, y], {
        secondOrder: true,
      });
      expect(report.ok).toBe(true);
    }
  });

  it('the Hessian in a is s·I (s = 1/m for the mean), a known value', () => {
    const y = t([
      [0.1, -0.3],
      [1, 2],
      [0, 0],
    ]);
    const h = hessian((a: Tensor) => quadraticCost(a, y))(
      t([
        [0.4, 0.2],
        [-0.7, 1.5],
        [0.3, 0.9],
      ]),
    );
    const n = 6;
    const expected = Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 / 3 : 0));
    expectClose(Array.from(h.data), expected, 1e-15, 1e-15);
  });

  it('edge shapes: no output units gives 0 per example; float32 keeps its dtype', () => {
    expect(quadraticCost(tensor([], { shape: [2, 0] }), tensor([], { shape: [2, 0] })).item()).toBe(0);
    const c = quadraticCost(tensor([0.5, 0.25], { dtype: 'float32' }), tensor([0, 1], { dtype: 'float32' }));
    expect(c.dtype).toBe('float32');
    expect(c.item()).toBeCloseTo(0.5 * (0.25 + 0.5625), 7);
  });

  it('leaves its inputs untouched', () => {
    const a = t([[0.2, 0.8]]);
    const y = t([[0, 1]]);
    quadraticCost(a, y);
    expect(Array.from(a.data)).toEqual([0.2, 0.8]);
    expect(Array.from(y.data)).toEqual([0, 1]);
  });
});

describe('binaryCrossEntropy (probabilities)', () => {
  it('has the known value, averaged over all elements', () => {
    const v = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.3) + Math.log(0.6)) / 4;
    expect(
      binaryCrossEntropy(
        t([
          [0.9, 0.2],
          [0.3, 0.4],
        ]),
        t([
          [1, 0],
          [1, 0],
        ]),
      ).item(),
    ).toBeCloseTo(v, 14);
    expect(binaryCrossEntropy(t([0.9, 0.2]), t([1, 0]), { reduction: 'sum' }).item()).toBeCloseTo(-Math.log(0.9) - Math.log(0.8), 14);
    // Soft targets: −[y ln p + (1 − y) ln(1 − p)].
    expect(binaryCrossEntropy(t([0.3]), t([0.25])).item()).toBeCloseTo(-(0.25 * Math.log(0.3) + 0.75 * Math.log(0.7)), 14);
  });

  it('clamps inside the log: p = 0 or 1 gives a finite loss and a finite, large gradient', () => {
    const p = tensor([0, 1, 0, 1], { requiresGrad: true });
    const loss = binaryCrossEntropy(p, t([1, 0, 0, 1]), { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(-2 * Math.log(1e-12), 10);
    loss.backward();
    const g = Array.from(p.grad!.data);
    expect(g.every(Number.isFinite)).toBe(true);
    expectClose(g, [-1e12, 1e12, 1, -1], 1e-9);
  });

  it('gradient matches central differences', () => {
    const y = t([
      [1, 0, 0.3],
      [0, 1, 1],
    ]);
    checkGrad((x) => binaryCrossEntropy(x, y), [0.7, 0.2, 0.5, 0.4, 0.95, 0.1], [2, 3]);
  });

  it('has the exact second derivative y/p² + (1 − y)/(1 − p)² (the clamped log is twice differentiable)', () => {
    const y = t([1, 0, 0.3]);
    const p = [0.7, 0.2, 0.5];
    const h = hessian((x: Tensor) => binaryCrossEntropy(x, y, { reduction: 'sum' }))(tensor(p)) as Tensor;
    const yv = [1, 0, 0.3];
    const diag = p.map((pi, i) => yv[i]! / pi ** 2 + (1 - yv[i]!) / (1 - pi) ** 2);
    expectClose(h.data, [diag[0]!, 0, 0, 0, diag[1]!, 0, 0, 0, diag[2]!], 1e-12, 1e-12);
  });

  it('rejects predictions outside [0, 1]', () => {
    expectError(() => binaryCrossEntropy(t([0.5, 1.2]), t([1, 0])), ValueError, 'binaryCrossEntropy', 'prediction 1.2 at flat position 1');
    expectError(() => binaryCrossEntropy(t([NaN]), t([1])), ValueError, 'binaryCrossEntropy', 'NaN');
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('equals softplus(z) − y z and is exact at |z| = 1000', () => {
    const z = [1000, -1000, 1000, -1000, 0, 2];
    const y = [1, 0, 0, 1, 0.5, 0];
    const loss = binaryCrossEntropyWithLogits(t(z), t(y), { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(0 + 0 + 1000 + 1000 + Math.LN2 + softplus(2), 10);
    const x = tensor(z, { requiresGrad: true });
    binaryCrossEntropyWithLogits(x, t(y), { reduction: 'sum' }).backward();
    // ∂ℓ/∂z = σ(z) − y.
    expectClose(x.grad!.data, [0, 0, 1, -1, 0, 1 / (1 + Math.exp(-2))], 1e-15, 1e-300);
  });

  it('agrees with binaryCrossEntropy(σ(z)) for moderate logits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ z: fc.double({ min: -15, max: 15, noNaN: true }), y: fc.constantFrom(0, 1, 0.5) }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const z = t(rows.map((r) => r.z));
          const y = t(rows.map((r) => r.y));
          const a = binaryCrossEntropyWithLogits(z, y).item();
          const b = binaryCrossEntropy(sigmoid(z), y).item();
          expect(Math.abs(a - b)).toBeLessThan(1e-9 * Math.max(1, Math.abs(a)));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('gradient matches central differences; mean averages over all elements', () => {
    const y = t([
      [1, 0],
      [0.2, 1],
    ]);
    checkGrad((x) => binaryCrossEntropyWithLogits(x, y), [0.3, -1.2, 2.5, -0.4], [2, 2]);
    const v = [0.3, -1.2, 2.5, -0.4];
    const sum = binaryCrossEntropyWithLogits(tensor(v, { shape: [2, 2] }), y, { reduction: 'sum' }).item();
    expect(binaryCrossEntropyWithLogits(tensor(v, { shape: [2, 2] }), y).item()).toBeCloseTo(sum / 4, 15);
  });
});

describe('crossEntropyCost (Nielsen)', () => {
  it('sums over outputs, averages over examples', () => {
    const c1 = -Math.log(0.9) - Math.log(0.8);
    const c2 = -Math.log(0.7) - Math.log(0.6);
    const a = t([
      [0.9, 0.2],
      [0.3, 0.6],
    ]);
    const y = t([
      [1, 0],
      [0, 1],
    ]);
    expect(crossEntropyCost(a, y).item()).toBeCloseTo((c1 + c2) / 2, 14);
    expect(crossEntropyCost(a, y, { reduction: 'sum' }).item()).toBeCloseTo(c1 + c2, 14);
    // n outputs per example: n × the all-element mean of binaryCrossEntropy.
    expect(crossEntropyCost(a, y).item()).toBeCloseTo(2 * binaryCrossEntropy(a, y).item(), 14);
  });

  it('with sigmoid outputs, ∂C/∂z = (σ(z) − y)/m (Nielsen ch. 3: no σ′ slowdown)', () => {
    const zs = [2.5, -1, 0.3, -4];
    const ys = [0, 1, 1, 0];
    const z = tensor(zs, { shape: [2, 2], requiresGrad: true });
    crossEntropyCost(sigmoid(z), tensor(ys, { shape: [2, 2] })).backward();
    expectClose(
      z.grad!.data,
      zs.map((v, i) => (1 / (1 + Math.exp(-v)) - ys[i]!) / 2),
      1e-12,
    );
  });

  it('gradient matches central differences', () => {
    const y = t([
      [1, 0, 1],
      [0, 0, 1],
    ]);
    checkGrad((x) => crossEntropyCost(x, y), [0.6, 0.3, 0.8, 0.1, 0.45, 0.7], [2, 3]);
  });
});

describe('softmaxCrossEntropy', () => {
  const logits = [
    [1, 2, 3],
    [1, 1, 1],
  ];
  const c1 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
  const c2 = Math.log(3);

  it('has the known value for integer labels (number[], Tensor) and one-hot targets', () => {
    expect(softmaxCrossEntropy(t(logits), [2, 0]).item()).toBeCloseTo((c1 + c2) / 2, 14);
    expect(softmaxCrossEntropy(t(logits), tensor([2, 0])).item()).toBeCloseTo((c1 + c2) / 2, 14);
    expect(softmaxCrossEntropy(t(logits), [2, 0], { reduction: 'sum' }).item()).toBeCloseTo(c1 + c2, 14);
    expect(
      softmaxCrossEntropy(
        t(logits),
        t([
          [0, 0, 1],
          [1, 0, 0],
        ]),
      ).item(),
    ).toBeCloseTo((c1 + c2) / 2, 14);
    expect(softmaxCrossEntropy(t([1, 2, 3]), 2).item()).toBeCloseTo(c1, 14);
    // Soft targets: −Σ y_j ln softmax_j.
    const ls = [1, 2, 3].map((v) => v - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
    expect(softmaxCrossEntropy(t([[1, 2, 3]]), t([[0.2, 0.3, 0.5]])).item()).toBeCloseTo(-(0.2 * ls[0]! + 0.3 * ls[1]! + 0.5 * ls[2]!), 14);
  });

  it('is finite and correct for logits of ±1000', () => {
    const z = tensor(
      [
        [1000, -1000, 0],
        [-1000, 1000, 0],
      ],
      { requiresGrad: true },
    );
    const loss = softmaxCrossEntropy(z, [0, 0], { reduction: 'sum' });
    expect(loss.item()).toBe(2000);
    loss.backward();
    // softmax − one-hot.
    expectClose(z.grad!.data, [0, 0, 0, -1, 1, 0], 0, 1e-300);
    expect(Array.from(z.grad!.data).every(Number.isFinite)).toBe(true);
  });

  it('gradient matches central differences (labels and probability targets)', () => {
    const values = [0.5, -1, 2, 0.3, 0.1, -0.4];
    checkGrad((x) => softmaxCrossEntropy(x, [2, 1]), values, [2, 3]);
    const p = t([
      [0.1, 0.6, 0.3],
      [0.5, 0.25, 0.25],
    ]);
    checkGrad((x) => softmaxCrossEntropy(x, p, { reduction: 'sum' }), values, [2, 3]);
  });

  it('names an out-of-range label and its position', () => {
    expectError(() => softmaxCrossEntropy(t(logits), [2, 3]), ValueError, 'softmaxCrossEntropy', 'label 3 at position 1', '[0, 2]');
    expectError(() => softmaxCrossEntropy(t(logits), [-1, 0]), ValueError, 'softmaxCrossEntropy', 'label -1 at position 0');
    expectError(() => softmaxCrossEntropy(t(logits), [0.5, 0]), ValueError, 'softmaxCrossEntropy', 'label 0.5');
    expectError(() => softmaxCrossEntropy(t(logits), [0]), ShapeError, 'softmaxCrossEntropy', 'shape [2]', 'shape [1]');
    expectError(
      () =>
        softmaxCrossEntropy(
          t(logits),
          t([
            [1, 0],
            [0, 1],
          ]),
        ),
      ShapeError,
      'softmaxCrossEntropy',
      '[2, 3]',
      '[2, 2]',
    );
    expectError(
      () =>
        softmaxCrossEntropy(
          t(logits),
          tensor(
            [
              [0, 0, 1],
              [1, 0, 0],
            ],
            { dtype: 'float32' },
          ),
        ),
      DTypeError,
      'softmaxCrossEntropy',
    );
    expectError(() => softmaxCrossEntropy(tensor(1), 0), ShapeError, 'softmaxCrossEntropy', 'shape []');
  });
});

describe('loss argument checks', () => {
  const cases: [string, (a: Tensor, y: Tensor, o?: object) => Tensor][] = [
    ['quadraticCost', quadraticCost],
    ['mseLoss', mseLoss],
    ['binaryCrossEntropy', binaryCrossEntropy],
    ['binaryCrossEntropyWithLogits', binaryCrossEntropyWithLogits],
    ['crossEntropyCost', crossEntropyCost],
  ];
  for (const [name, loss] of cases) {
    it(`${name}: ShapeError, DTypeError and ValueError name the function`, () => {
      const a = t([[0.5, 0.5]]);
      expectError(() => loss(a, t([[1, 0, 0]])), ShapeError, name, '[1, 2]', '[1, 3]');
      expectError(() => loss(a, t([1, 0])), ShapeError, name, '[1, 2]', '[2]');
      expectError(() => loss(a, tensor([[1, 0]], { dtype: 'float32' })), DTypeError, name, 'float32');
      expectError(() => loss(a, t([[1, 0]]), { reduction: 'none' }), ValueError, name, "'mean', 'sum'");
      expectError(() => loss([0.5] as unknown as Tensor, t([1])), ValueError, name, 'must be a Tensor');
    });
  }
});
