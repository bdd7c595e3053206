import { describe, expect, it } from 'vitest';
import { Scalar, detectAnomaly, scalar } from '../src/index.ts';

// Issue 15, item 2: after backward every Scalar the pass reached holds its gradient, as in
// micrograd, intermediate values included (a value that is not the gradient is never shown).

describe('Scalar gradients after backward (micrograd behaviour)', () => {
  it("gives every node of Karpathy's first example its gradient (d.grad = −2)", () => {
    // a = 2, b = −3, c = 10, e = a b, d = e + c, f = −2, L = d f   (values from micrograd's lecture)
    for (const run of [(L: Scalar) => L.backward(), (L: Scalar) => detectAnomaly(() => L.backward())]) {
      const a = scalar(2, 'a');
      const b = scalar(-3, 'b');
      const c = scalar(10, 'c');
      const e = a.mul(b);
      const d = e.add(c);
      const f = scalar(-2, 'f');
      const L = d.mul(f);
      run(L); // the first-order pass, then the generic one (anomaly mode)
      expect([L.grad, d.grad, f.grad, e.grad, c.grad, a.grad, b.grad]).toEqual([1, -2, 4, -2, -2, 6, -4]);
    }
  });

  it("matches micrograd's README example (a.grad = 138.8338, b.grad = 645.5773)", () => {
    const a = scalar(-4);
    const b = scalar(2);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(new Scalar(1).add(c).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(d.mul(3).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(new Scalar(10).div(f));
    expect(g.data).toBeCloseTo(24.7041, 4);
    g.backward();
    expect(a.grad).toBeCloseTo(138.8338, 4);
    expect(b.grad).toBeCloseTo(645.5773, 4);
    // e = c − d and g = f/2 + 10/f with f = e²: dg/de = (1/2 − 10/f²) · 2e
    const fv = f.data;
    expect(e.grad).toBeCloseTo((0.5 - 10 / (fv * fv)) * 2 * e.data, 9);
    expect(c.grad).toBeCloseTo(e.grad, 12);
    expect(d.grad).toBeCloseTo(-e.grad, 12);
  });

  it('accumulates into intermediate values across passes of a retained graph, and zeroGrad resets them', () => {
    const x = scalar(3);
    const h = x.mul(x); // dh/dx = 2x
    const y = h.mul(2);
    y.backward({ retainGraph: true });
    expect(h.grad).toBe(2);
    y.backward();
    expect(h.grad).toBe(4);
    expect(x.grad).toBe(24);
    h.zeroGrad();
    expect(h.grad).toBe(0);
  });
});
