import { describe, expect, it } from 'vitest';
import { GraphError, Scalar, scalar, tensor } from '../src/index.ts';
import { fdGrad } from './support/fd.ts';

describe('Scalar (micrograd)', () => {
  // The expressions of micrograd's test/test_engine.py; the expected numbers are the values
  // PyTorch computes for them there.
  it("passes micrograd's test_sanity_check", () => {
    const x = scalar(-4.0);
    const z = x.mul(2).add(2).add(x);
    const q = z.relu().add(z.mul(x));
    const h = z.mul(z).relu();
    const y = h.add(q).add(q.mul(x));
    y.backward();
    expect(y.data).toBe(-20);
    expect(x.grad).toBe(46);
  });

  it("passes micrograd's test_more_ops", () => {
    const a = scalar(-4.0);
    const b = scalar(2.0);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(new Scalar(1).add(c).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(d.mul(3).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2.0);
    g = g.add(new Scalar(10.0).div(f));
    g.backward();
    expect(g.data).toBeCloseTo(24.70408163265306, 12);
    expect(a.grad).toBeCloseTo(138.83381924198252, 10);
    expect(b.grad).toBeCloseTo(645.5772594752186, 10);
  });

  it('matches finite differences on every unary op', () => {
    const ops: [string, (s: Scalar) => Scalar, (v: number) => number, number][] = [
      ['exp', (s) => s.exp(), Math.exp, 0.3],
      ['log', (s) => s.log(), Math.log, 1.7],
      ['tanh', (s) => s.tanh(), Math.tanh, -0.8],
      ['sigmoid', (s) => s.sigmoid(), (v) => 1 / (1 + Math.exp(-v)), 0.6],
      ['cosh', (s) => s.cosh(), Math.cosh, 0.9],
      ['sinh', (s) => s.sinh(), Math.sinh, -1.1],
      ['pow 2.5', (s) => s.pow(2.5), (v) => v ** 2.5, 1.3],
      ['div', (s) => new Scalar(3).div(s), (v) => 3 / v, -2],
    ];
    for (const [name, op, plain, at] of ops) {
      const x = scalar(at);
      op(x).backward();
      expect(x.grad, name).toBeCloseTo(fdGrad((v) => plain(v.item()), tensor(at)).item(), 8);
    }
  });

  it('differentiates twice with createGraph through gradScalar', () => {
    const x = scalar(0.5);
    x.tanh().backward({ createGraph: true });
    const dx = x.gradScalar!;
    expect(dx.requiresGrad).toBe(true);
    expect(dx.data).toBeCloseTo(1 / Math.cosh(0.5) ** 2, 14);
    x.zeroGrad();
    dx.backward();
    // d²/dx² tanh x = −2 tanh x sech²x
    expect(x.grad).toBeCloseTo((-2 * Math.tanh(0.5)) / Math.cosh(0.5) ** 2, 12);
  });

  it('differentiates three times: d³/dx³ x⁴ = 24x', () => {
    const x = scalar(1.25);
    x.pow(4).backward({ createGraph: true });
    const d1 = x.gradScalar!;
    x.zeroGrad();
    d1.backward({ createGraph: true });
    const d2 = x.gradScalar!;
    expect(d2.data).toBeCloseTo(12 * 1.25 ** 2, 12);
    x.zeroGrad();
    d2.backward();
    expect(x.grad).toBeCloseTo(24 * 1.25, 12);
  });

  it('walks a 1,000,000-node chain without overflowing the stack', () => {
    const x = scalar(1);
    const c = 1 + 1e-6;
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.mul(c);
    y.backward();
    // y = cᴺ x  =>  dy/dx = cᴺ ≈ e^{0.9999995}
    expect(x.grad / c ** 1e6).toBeCloseTo(1, 10);
  });

  it('refuses backward on a constant', () => {
    expect(() => new Scalar(2).mul(3).backward()).toThrow(GraphError);
  });
});
