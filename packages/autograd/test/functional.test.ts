import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  Tensor,
  ValueError,
  add,
  exp,
  grad,
  hessian,
  hvp,
  jacobian,
  jvp,
  log,
  matmul,
  mul,
  noGrad,
  pow,
  sigmoid,
  softplus,
  sqrt,
  square,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  vjp,
} from '../src/index.ts';
import { expectClose, fdDirectional, fdGrad, fixedTensor as t } from './support/fd.ts';

describe('grad and valueAndGrad', () => {
  const f = (x: Tensor, y: Tensor) => sum(mul(tanh(x), y));
  const x = t([3]);
  const y = t([3], 5);

  it('differentiates argument 0 by default, against finite differences', () => {
    const gx = grad(f)(x, y);
    expectClose(
      gx,
      fdGrad((v) => f(v, y).item(), x),
      1e-8,
    );
  });

  it('takes argnums as a number (one gradient) or an array (a tuple)', () => {
    const gy = grad(f, { argnums: 1 })(x, y);
    expect(gy).toBeInstanceOf(Tensor);
    expectClose(
      gy,
      fdGrad((v) => f(x, v).item(), y),
      1e-8,
    );
    const both = grad(f, { argnums: [1, 0] })(x, y);
    expect(both).toHaveLength(2);
    expectClose(both[0], gy, 1e-12);
    expectClose(
      both[1],
      fdGrad((v) => f(v, y).item(), x),
      1e-8,
    );
    expect(() => grad(f, { argnums: 2 })(x, y)).toThrow(ValueError);
  });

  it('returns the value too, and passes aux through with hasAux', () => {
    const [value, g] = valueAndGrad(f)(x, y);
    expectClose(value, f(x, y), 1e-15);
    expectClose(g, grad(f)(x, y), 1e-15);
    const [[v2, aux], g2] = valueAndGrad((a: Tensor) => [sum(square(a)), { note: 'aux', mean: a.mean() }], { hasAux: true })(x);
    expectClose(v2, sum(square(x)), 1e-15);
    expect(aux.note).toBe('aux');
    expect(aux.mean.requiresGrad).toBe(true); // aux is the function's own value, not detached
    expectClose(g2, mul(x, 2), 1e-15);
  });

  it('does not touch the inputs: no .grad, no requiresGrad', () => {
    grad(f)(x, y);
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });

  it('never frees a graph recorded outside f, even under noGrad', () => {
    const W = tensor([1, -2], { requiresGrad: true });
    const x = tensor([3, 0.5]);
    const h = mul(W, 2); // recorded before the transform; f closes over it
    const g = noGrad(() => grad((v: Tensor) => sum(mul(v, h)))(x));
    expect(g.toArray()).toEqual([2, -4]);
    sum(h).backward();
    expect(W.grad!.toArray()).toEqual([2, 2]);

    // aux shares f's graph; differentiating it afterwards must still work
    const [[, aux]] = noGrad(() =>
      valueAndGrad(
        (v: Tensor) => {
          const k = mul(W, v);
          return [sum(k), sum(mul(k, k))];
        },
        { hasAux: true },
      )(x),
    );
    W.zeroGrad();
    aux.backward();
    // aux = Σ (W x)²  =>  d/dW = 2 W x²
    expect(W.grad!.toArray()).toEqual([2 * 1 * 9, 2 * -2 * 0.25]);
  });

  it('rejects non-scalar outputs', () => {
    expect(() => grad((a: Tensor) => mul(a, 2))(x)).toThrow(ShapeError);
    expect(() => grad((a: Tensor) => mul(a, 2))(x)).toThrow(/^grad: .*\[3\]/);
  });

  it('preserves nested parameter records ({ layers: [{ W, b }, { W, b }] } and numbers)', () => {
    const params = {
      layers: [
        { W: t([2, 3], 1), b: t([3], 2) },
        { W: t([3, 1], 3), b: t([1], 4) },
      ],
      scale: 0.7,
    };
    const input = t([4, 2], 9);
    type P = typeof params;
    const loss = (p: { layers: { W: Tensor; b: Tensor }[]; scale: Tensor | number }) => {
      const h = tanh(add(matmul(input, p.layers[0]!.W), p.layers[0]!.b));
      const out = add(matmul(h, p.layers[1]!.W), p.layers[1]!.b);
      return mul(sum(square(out)), p.scale);
    };
    const g = grad(loss)(params) as P;
    expect(Object.keys(g)).toEqual(['layers', 'scale']);
    expect(g.layers).toHaveLength(2);
    expect(typeof g.scale).toBe('number');
    const replace = (path: (p: P, v: Tensor) => P) => (v: Tensor) => loss(path(params, v)).item();
    const withLayer =
      (k: number, key: 'W' | 'b') =>
      (p: P, v: Tensor): P => ({
        ...p,
        layers: p.layers.map((l, j) => (j === k ? { ...l, [key]: v } : l)),
      });
    for (const k of [0, 1]) {
      for (const key of ['W', 'b'] as const) {
        expect(g.layers[k]![key].shape).toEqual(params.layers[k]![key].shape);
        expectClose(g.layers[k]![key], fdGrad(replace(withLayer(k, key)), params.layers[k]![key]), 1e-6);
      }
    }
    expectClose(
      g.scale,
      fdGrad((s) => loss({ ...params, scale: s }).item(), tensor(params.scale)),
      1e-6,
    );
  });

  it('differentiates with respect to a plain number and returns a number', () => {
    const g = grad((a: Tensor) => mul(a, mul(a, a)))(2);
    expect(g).toBe(12);
  });
});

describe('vjp', () => {
  const W = t([2, 3], 1);
  const f = (x: Tensor) => tanh(matmul(W, x));
  const x = t([3], 4);

  it('returns f(x) and a pullback that can be called many times', () => {
    const [out, pullback] = vjp(f, x);
    expectClose(out, f(x), 1e-15);
    const u = tensor([0.5, -2]);
    const [g1] = pullback(u);
    const [g2] = pullback(u);
    expectClose(
      g1,
      fdGrad((v) => sum(mul(f(v), u)).item(), x),
      1e-8,
    );
    expectClose(g2, g1, 0);
    const [g3] = pullback(tensor([1, 0]));
    expectClose(
      g3,
      fdGrad((v) => f(v).data[0]!, x),
      1e-8,
    );
  });

  it('rejects a cotangent of the wrong shape or structure', () => {
    const [, pullback] = vjp(f, x);
    expect(() => pullback(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => pullback(tensor([1, 2, 3]))).toThrow(/^vjp pullback: .*\[3\].*\[2\]/);
    expect(() => pullback([tensor([1, 2]), tensor([1, 2])] as never)).toThrow(ValueError);
  });
});

describe('jvp', () => {
  const A = t([3, 3], 2);
  const f = (x: Tensor) => mul(tanh(matmul(A, x)), x);
  const x = t([3], 1);
  const v = t([3], 8);

  it('matches a central difference along the tangent', () => {
    const [out, jv] = jvp(f, [x], [v]);
    expectClose(out, f(x), 1e-15);
    expectClose(jv, fdDirectional(f, x, v), 1e-8);
  });

  it('satisfies the adjoint identity ⟨u, J v⟩ = ⟨Jᵀ u, v⟩ with vjp', () => {
    const u = t([3], 20);
    const [, jv] = jvp(f, [x], [v]);
    const [, pullback] = vjp(f, x);
    const [jtu] = pullback(u);
    expect(sum(mul(u, jv)).item()).toBeCloseTo(sum(mul(jtu, v)).item(), 12);
  });

  it('rejects tangents of the wrong shape', () => {
    expect(() => jvp(f, [x], [tensor([1, 2])])).toThrow(ShapeError);
  });
});

describe('jacobian, hessian, hvp', () => {
  it('jacobian has shape out.shape ++ x.shape and matches finite differences', () => {
    const M = t([2, 2, 3], 4);
    const f = (x: Tensor) => tanh(matmul(M, x)); // [2, 2, 3] @ [3] -> [2, 2]
    const x = t([3], 1);
    const J = jacobian(f)(x);
    expect(J.shape).toEqual([2, 2, 3]);
    for (let j = 0; j < 3; j++) {
      const e = tensor([0, 1, 2].map((k) => (k === j ? 1 : 0)));
      const column = fdDirectional(f, x, e);
      const got = (J.toArray() as number[][][]).flat().map((row) => row[j]!);
      expectClose(tensor(got), Array.from(column.data), 1e-8);
    }
    const Jmat = jacobian((x: Tensor) => sum(x, 1))(t([2, 3]));
    expect(Jmat.shape).toEqual([2, 2, 3]);
  });

  it('hessian of Σ xᵢ³ + x₀x₁ is diag(6x) + the x₀x₁ coupling', () => {
    const f = (x: Tensor) => add(sum(pow(x, 3)), mul(x.slice([0], [1]), x.slice([1], [2])).sum());
    const x = tensor([0.5, -1.25, 2]);
    const H = hessian(f)(x);
    expect(H.shape).toEqual([3, 3]);
    expectClose(H, [3, 1, 0, 1, -7.5, 0, 0, 0, 12], 1e-12);
  });

  it('hvp equals hessian · v', () => {
    const f = (x: Tensor) => sum(mul(tanh(x), exp(x.mul(0.3))));
    const x = t([4], 2);
    const v = t([4], 11);
    const [Hv] = hvp(f, [x], [v]);
    const H = hessian(f)(x);
    expectClose(Hv, matmul(H, v), 1e-12);
    // and both agree with a finite difference of the gradient along v
    expectClose(
      Hv,
      fdDirectional((z) => grad(f)(z), x, v),
      1e-7,
    );
  });
});

describe('higher-order derivatives', () => {
  // grad(grad(f)) must be exact for every unary op (in tfjs some second derivatives fail).
  const cases: [string, (x: Tensor) => Tensor, (x: number) => number, number][] = [
    ['tanh', tanh, (x) => (-2 * Math.tanh(x)) / Math.cosh(x) ** 2, 0.6],
    [
      'sigmoid',
      sigmoid,
      (x) => {
        const s = 1 / (1 + Math.exp(-x));
        return s * (1 - s) * (1 - 2 * s);
      },
      -0.9,
    ],
    ['exp', exp, Math.exp, 0.4],
    ['log', log, (x) => -1 / x ** 2, 1.7],
    [
      'softplus',
      softplus,
      (x) => {
        const s = 1 / (1 + Math.exp(-x));
        return s * (1 - s);
      },
      0.3,
    ],
    ['sqrt', sqrt, (x) => -0.25 * x ** -1.5, 2.2],
  ];
  for (const [name, op, second, at] of cases) {
    it(`grad(grad(${name})) is the closed-form second derivative`, () => {
      const d2 = grad(grad((x: Tensor) => op(x)))(tensor(at));
      expect(d2).toBeInstanceOf(Tensor);
      expect(d2.item()).toBeCloseTo(second(at), 12);
    });
  }

  it('third derivative of exp(2x) at 0 is 8', () => {
    const f = (x: Tensor) => exp(mul(x, 2));
    expect(grad(grad(grad(f)))(0)).toBeCloseTo(8, 12);
  });

  it('keeps perturbations apart: d/dx [x · d/dy (x + y)] = 1, not 2', () => {
    const inner = (x: Tensor) => grad((y: Tensor) => add(x, y))(1);
    expect(grad((x: Tensor) => mul(x, inner(x)))(1)).toBe(1);
    // the same with the inner derivative taken at y = x (so y is itself on the outer tape)
    expect(grad((x: Tensor) => mul(x, grad((y: Tensor) => add(x, y))(x)))(1)).toBe(1);
  });

  it('differentiates a gradient penalty with respect to closed-over parameters', () => {
    const W0 = t([3, 2], 6);
    const W = W0.detach().requireGrad();
    const x = t([2], 3);
    const penalty = (Wv: Tensor) => {
      // g = ∂/∂x Σ tanh(W x); penalty = Σ g²
      const g = grad((xv: Tensor) => sum(tanh(matmul(Wv, xv))))(x) as Tensor;
      return sum(square(g));
    };
    const p = penalty(W);
    expect(p.requiresGrad).toBe(true);
    p.backward();
    expectClose(
      W.grad!,
      fdGrad((Wv) => penalty(Wv).item(), W0),
      1e-7,
    );
  });
});
