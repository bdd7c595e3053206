// Central finite differences: the independent oracle for gradient tests. They only evaluate the
// forward pass, so they share nothing with the pullbacks they check.
import { Tensor, noGrad, tensor } from '../../src/index.ts';

/** The same tensor with entry `i` moved by `delta` (a fresh constant). */
export function perturbed(x: Tensor, i: number, delta: number): Tensor {
  const data = Float64Array.from(x.data);
  data[i] = data[i]! + delta;
  return tensor(data, { shape: x.shape, dtype: x.dtype });
}

/** ∂f/∂x by central differences, one entry per element of x, as nested arrays of x's shape. */
export function fdGrad(f: (x: Tensor) => number, x: Tensor, h = 1e-6): Tensor {
  const out = new Float64Array(x.size);
  noGrad(() => {
    for (let i = 0; i < x.size; i++) {
      out[i] = (f(perturbed(x, i, h)) - f(perturbed(x, i, -h))) / (2 * h);
    }
  });
  return tensor(out, { shape: x.shape });
}

/** J v by central differences along `v`: (f(x + h v) − f(x − h v)) / 2h. */
export function fdDirectional(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor, h = 1e-6): Tensor {
  return noGrad(() => {
    const step = (s: number) =>
      tensor(
        x.data.map((xi, i) => xi + s * h * v.data[i]!),
        { shape: x.shape, dtype: x.dtype },
      );
    const plus = f(step(1));
    const minus = f(step(-1));
    return tensor(
      plus.data.map((p, i) => (p - minus.data[i]!) / (2 * h)),
      { shape: plus.shape },
    );
  });
}

/** Every entry of `actual` within `tol` (absolute + relative) of `expected`. */
export function expectClose(actual: Tensor | number, expected: Tensor | number | readonly number[], tol = 1e-6): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual.data);
  const e = typeof expected === 'number' ? [expected] : expected instanceof Tensor ? Array.from(expected.data) : [...expected];
  if (actual instanceof Tensor && expected instanceof Tensor && actual.shape.join() !== expected.shape.join()) {
    throw new Error(`shape [${actual.shape.join(', ')}] differs from the expected [${expected.shape.join(', ')}]`);
  }
  if (a.length !== e.length) throw new Error(`${a.length} values, expected ${e.length}`);
  a.forEach((v, i) => {
    const w = e[i]!;
    if (!(Math.abs(v - w) <= tol * (1 + Math.abs(w)))) {
      throw new Error(`entry ${i}: got ${v}, expected ${w} (tolerance ${tol}); all: got [${a.join(', ')}], expected [${e.join(', ')}]`);
    }
  });
}

/** A constant of `shape` with fixed, varied entries (no RNG, so failures replay exactly). */
export function fixedTensor(shape: readonly number[], offset = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => Math.sin(1.3 * (i + offset) + 0.4) * 1.5),
    { shape },
  );
}
