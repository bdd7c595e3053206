// The descriptors are the one source of every op's rule: these tests hold what is generated from
// them to each other. Scalar ops against the same op on 0-d tensors (values, first and second
// derivatives, at random points of the domain and at the edges), and every declared first-order
// fast path against its recorded pullback.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DType, type Scalar, Scalar as ScalarClass, type Tensor, explain, grad, linear, scalar, sum, tensor } from '../src/index.ts';
import * as ops from '../src/ops/index.ts';
import { type ElementwisePrimitive, builtinPrimitives, elementwisePrimitives } from '../src/internal.ts';
import { propertyParams } from './support/property.ts';

type Fn = (...xs: (Tensor | Scalar | number)[]) => Tensor | Scalar;
const fnOf = (p: ElementwisePrimitive): Fn => p.elementwise.fn as unknown as Fn;

/** Equal as numbers, NaN equal to NaN, within `ulps` units in the last place (0 and −0 equal). */
function agree(a: number, b: number, rel = 4 * Number.EPSILON): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

interface Derivatives {
  value: number;
  first: number[];
  second: number[];
}

/** Value, gradient and the diagonal of the Hessian (∂²z/∂xᵢ²) of a primitive, on Scalars. */
function onScalars(p: ElementwisePrimitive, at: number[]): Derivatives {
  const f = fnOf(p);
  const leaves = at.map((v) => scalar(v));
  const z = f(...leaves) as Scalar;
  // First order through the allocation-free pass on numbers (the partials).
  z.backward({ retainGraph: true });
  const first = leaves.map((x) => x.grad);
  const second = at.map((_, i) => {
    const xs = at.map((v) => scalar(v));
    (f(...xs) as Scalar).backward({ createGraph: true });
    const g = xs[i]!.gradScalar!;
    for (const x of xs) x.zeroGrad();
    if (!g.requiresGrad) return 0;
    g.backward();
    return xs[i]!.grad;
  });
  return { value: z.data, first, second };
}

/** The same on 0-d tensors, through grad and grad of grad (the recorded pullbacks). */
function onTensors(p: ElementwisePrimitive, at: number[]): Derivatives {
  const f = fnOf(p);
  const xs = at.map((v) => tensor(v));
  const value = (f(...xs) as Tensor).item();
  const partial = (i: number) => (v: Tensor) => sum(f(...xs.map((x, j) => (j === i ? v : x))) as Tensor);
  const first = at.map((_, i) => (grad(partial(i))(xs[i]!) as Tensor).item());
  const second = at.map((_, i) => (grad((v: Tensor) => grad(partial(i))(v) as Tensor)(xs[i]!) as Tensor).item());
  return { value, first, second };
}

function compare(p: ElementwisePrimitive, at: number[]): string | null {
  const s = onScalars(p, at);
  const t = onTensors(p, at);
  const where = `${p.name}(${at.join(', ')})`;
  if (!agree(s.value, t.value)) return `${where}: value ${s.value} on Scalars, ${t.value} on tensors`;
  for (let i = 0; i < at.length; i++) {
    if (!agree(s.first[i]!, t.first[i]!)) return `${where}: ∂/∂input ${i} is ${s.first[i]} on Scalars, ${t.first[i]} on tensors`;
    if (!agree(s.second[i]!, t.second[i]!, 1e-12)) return `${where}: ∂²/∂input ${i}² is ${s.second[i]} on Scalars, ${t.second[i]} on tensors`;
  }
  return null;
}

const EDGES = [0, -0, 1, -1, -2.5, 2.5, 40, -40, Infinity, -Infinity, Number.NaN];

describe('Scalar ops against the same ops on 0-d tensors', () => {
  it('covers every elementwise primitive, and Scalar has a method for each', () => {
    const names = elementwisePrimitives().map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['add', 'mul', 'pow', 'exp', 'log', 'sigmoid', 'relu', 'tanh', 'sin', 'cos']));
    const x = scalar(0.5);
    for (const name of names) expect(typeof (x as unknown as Record<string, unknown>)[name], name).toBe('function');
  });

  it.each(elementwisePrimitives().map((p) => [p.name, p] as const))('%s: values, first and second derivatives in its domain', (_, p) => {
    const { domains, arity } = p.elementwise;
    const point = fc.tuple(...domains.slice(0, arity).map((d) => fc.double({ min: d.low, max: d.high, noNaN: true })));
    fc.assert(
      fc.property(point, (at) => {
        const problem = compare(p, at);
        if (problem !== null) throw new Error(problem);
      }),
      propertyParams(25),
    );
  });

  it.each(elementwisePrimitives().map((p) => [p.name, p] as const))('%s: the same at the edges (0, ±0, negatives, ±40, ±Inf, NaN)', (_, p) => {
    const points = p.elementwise.arity === 1 ? EDGES.map((v) => [v]) : EDGES.flatMap((a) => EDGES.map((b) => [a, b]));
    const problems = points.map((at) => compare(p, at)).filter((x) => x !== null);
    expect(problems).toEqual([]);
  });
});

describe('elementwise functions take Tensors, Scalars and numbers', () => {
  it('sigmoid(scalar) is the Scalar op (not a tensor made of a Scalar), with its gradient', () => {
    const s = scalar(1);
    const y = ops.sigmoid(s);
    expect(y).toBeInstanceOf(ScalarClass);
    expect((y as Scalar).data).toBe(1 / (1 + Math.exp(-1)));
    (y as Scalar).backward();
    expect(s.grad).toBeCloseTo(Math.exp(-1) / (1 + Math.exp(-1)) ** 2, 15);
    expect(ops.mul(2, scalar(3))).toBeInstanceOf(ScalarClass);
    expect(ops.exp(1).item()).toBe(Math.E);
  });
});

describe('first-order fast paths, declared on their descriptors', () => {
  const fused = builtinPrimitives().filter((p) => p.firstOrder !== null);

  it('are exactly the ones listed (a new fast path is declared, never a silent fork)', () => {
    expect(fused.map((p) => p.name).sort()).toEqual(['linear', 'sigmoid']);
  });

  /** Gradients of Σ w ⊙ f(inputs) for a fixed random w, by the fused (plain backward) or the recorded (createGraph) pullback. */
  function gradients(p: (typeof fused)[number], values: number[][], w: number[], dtype: DType, recorded: boolean): number[][] {
    const { fn, shapes } = p.firstOrder!.example;
    const xs = values.map((v, i) => tensor(v, { shape: [...shapes[i]!], dtype, requiresGrad: true }));
    const out = (fn as (...a: Tensor[]) => Tensor)(...xs);
    sum(out.mul(tensor(w, { shape: out.shape, dtype }))).backward(undefined, { createGraph: recorded });
    return xs.map((x) => Array.from(x.grad!.data));
  }

  function ulpsApart(a: number, b: number, dtype: DType): number {
    if (a === b) return 0;
    const ulp = (v: number) =>
      dtype === 'float32' ? 2 ** (Math.floor(Math.log2(Math.abs(v) || 1e-38)) - 23) : 2 ** (Math.floor(Math.log2(Math.abs(v) || 1e-300)) - 52);
    return Math.abs(a - b) / ulp(Math.max(Math.abs(a), Math.abs(b)));
  }

  it.each(fused.flatMap((p) => (['float32', 'float64'] as const).map((d) => [`${p.name} ${d}`, p, d] as const)))(
    '%s: within its declared ulps of the recorded pullback',
    (_, p, dtype) => {
      const { shapes } = p.firstOrder!.example;
      const domains = p.elementwise?.domains;
      const sizes = shapes.map((s) => s.reduce((n, d) => n * d, 1));
      const outSize = (p.firstOrder!.example.fn as (...a: Tensor[]) => Tensor)(
        ...shapes.map((s) => tensor(new Array(s.reduce((n, d) => n * d, 1)).fill(0.5), { shape: [...s] })),
      ).size;
      const arb = fc.tuple(
        fc.tuple(
          ...sizes.map((n, i) =>
            fc.array(fc.double({ min: domains?.[i]?.low ?? -3, max: domains?.[i]?.high ?? 3, noNaN: true }), { minLength: n, maxLength: n }),
          ),
        ),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: outSize, maxLength: outSize }),
      );
      fc.assert(
        fc.property(arb, ([values, w]) => {
          const a = gradients(p, values, w, dtype, false);
          const b = gradients(p, values, w, dtype, true);
          const bound = p.firstOrder!.ulps[dtype];
          a.forEach((g, i) => {
            g.forEach((v, k) => {
              const d = ulpsApart(v, b[i]![k]!, dtype);
              if (!(d <= bound)) throw new Error(`${p.name} ${dtype}: input ${i} [${k}] fused ${v} vs recorded ${b[i]![k]} (${d} ulps > ${bound})`);
            });
          });
        }),
        propertyParams(30),
      );
    },
  );
});

describe('formulas come from the descriptors', () => {
  it('explain prints each primitive’s formula, including the fused linear and the new sin', () => {
    const x = tensor([[0.5, -1]], { requiresGrad: true });
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const steps = explain(sum(x.sin().mul(2))).steps;
    const byOp = new Map(steps.map((s) => [s.op, s.formula]));
    expect(byOp.get('sin')).toBe('∂z/∂x = cos x');
    const lin = explain(sum(linear(x, w)));
    expect(lin.steps.find((s) => s.op === 'linear')!.formula).toMatch(/dW = dYᵀ X/);
  });
});
