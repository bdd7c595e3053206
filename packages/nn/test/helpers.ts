// Shared test helpers: an independent gradient oracle (central differences on plain arrays), a
// tiny error-checking helper, and fixtures used by several files. Nothing here uses the engine's
// backward pass.
import { expect } from 'vitest';
import { type PullbackError, type Tensor, mul, ones, tensor } from '@pullback/autograd';
import { Linear, Module } from '../src/index.ts';
import type { MLP } from '../src/index.ts';
import type { RefActivation, RefNetwork } from '../src/reference/index.ts';

/** ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every i. */
export function centralDifference(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  const base = Float64Array.from(x);
  const out = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i]! += h;
    minus[i]! -= h;
    out[i] = (f(plus) - f(minus)) / (2 * h);
  }
  return out;
}

/**
 * The engine's gradient of `loss(x)` at `x` (a tensor built from `values`/`shape`) next to the
 * central-difference estimate of the same scalar function.
 */
export function gradientVsFiniteDifferences(
  loss: (x: Tensor) => Tensor,
  values: readonly number[],
  shape: readonly number[],
  h = 1e-6,
): { analytic: number[]; numeric: number[] } {
  const x = tensor(values as number[], { shape, requiresGrad: true });
  loss(x).backward();
  const numeric = centralDifference((v) => loss(tensor(v, { shape })).item(), values, h);
  return { analytic: Array.from(x.grad!.data), numeric: Array.from(numeric) };
}

/** |a − b| ≤ atol + rtol |b| elementwise. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-7, atol = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(
        `element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})\nactual:   [${Array.from(actual).join(', ')}]\nexpected: [${Array.from(expected).join(', ')}]`,
      );
    }
  }
}

/** `f()` throws an instance of `cls` whose message starts with `fn: ` and contains every `parts`. */
export function expectError(f: () => unknown, cls: new (...args: any[]) => PullbackError, fn: string, ...parts: (string | RegExp)[]): void {
  let caught: unknown = null;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${cls.name} from ${fn}`).toBeInstanceOf(cls);
  const message = (caught as Error).message;
  expect(message.startsWith(`${fn}: `), `message should start with '${fn}: ': ${message}`).toBe(true);
  for (const p of parts) {
    if (typeof p === 'string') expect(message).toContain(p);
    else expect(message).toMatch(p);
  }
}

/** A snapshot of tensors' data, to check that a failed call changed nothing. */
export function snapshot(tensors: readonly Tensor[]): Float64Array[] {
  return tensors.map((t) => Float64Array.from(t.data));
}

/** The custom layer from Module's JSDoc, written as a user would: y = (x Wᵀ + b) ⊙ gain. */
export class Scale extends Module {
  readonly gain: Tensor;
  readonly inner: Linear;
  constructor(n: number) {
    super();
    this.gain = this.registerParameter('gain', ones([n]));
    this.inner = this.registerModule('inner', new Linear(n, n, { seed: 1 }));
  }
  forward(x: Tensor): Tensor {
    return mul(this.inner.call(x), this.gain);
  }
}

/** A model's numbers copied into the closed-form reference's plain arrays (no src/compare code). */
export function refNetworkOf(model: MLP): RefNetwork {
  return {
    sizes: [...model.sizes],
    weights: model.layers.map((l) => Float64Array.from(l.weight.data)),
    biases: model.layers.map((l) => (l.bias === null ? null : Float64Array.from(l.bias.data))),
    activations: model.activations.map((f) => f.kind as RefActivation),
  };
}
