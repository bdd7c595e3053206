import { activate, activationDerivative } from './activations.ts';
import { describe, fail } from './errors.ts';
import type { RefNetwork } from './types.ts';
import { validateExample, validateNetwork } from './validate.ts';

// Both notations number the neurons' layers the same way (1 = input, L = output), and z, a, δ/ε of
// layer l mean the same thing in both. Only the parameters' superscripts differ:
//   Nielsen  w^l, b^l   feed INTO layer l      (l = 2..L),   z^l = w^l a^{l−1} + b^l
//   UFLDL    W^(l), b^(l) go OUT OF layer l   (l = 1..L−1), z^(l+1) = W^(l) a^(l) + b^(l)
// so w^l = W^(l−1), and RefNetwork.weights[i] = w^{i+2} = W^(i+1).

function checkLayerIndex(fn: string, l: number, min: number): void {
  if (typeof l !== 'number' || !Number.isInteger(l) || l < min) {
    fail(fn, `l is ${describe(l)} but expected an integer ≥ ${min}`);
  }
}

/** Nielsen's w^l, b^l (into layer l, l ≥ 2) are UFLDL's W^(l−1), b^(l−1): returns l − 1. */
export function nielsenToUfldl(l: number): number {
  checkLayerIndex('nielsenToUfldl', l, 2);
  return l - 1;
}

/** UFLDL's W^(l), b^(l) (layer l → l+1, l ≥ 1) are Nielsen's w^{l+1}, b^{l+1}: returns l + 1. */
export function ufldlToNielsen(l: number): number {
  checkLayerIndex('ufldlToNielsen', l, 1);
  return l + 1;
}

/**
 * Seed 000's recursion for one example, indexed by UFLDL layer l (1-based). Index 0 of every array
 * is unused (an empty array, or null in gradB), as are z[1] and epsilon[1] (the input has neither).
 */
export interface UfldlGradients {
  /** z[l] = z^(l) for l = 2..L. */
  z: Float64Array[];
  /** a[l] = a^(l) for l = 1..L; a[1] is a copy of x. */
  a: Float64Array[];
  /** epsilon[l] = ε^(l) = ∂J/∂z^(l) for l = 2..L. */
  epsilon: Float64Array[];
  /** gradW[l] = ∂J/∂W^(l) for l = 1..L−1, shape [s_{l+1}, s_l] row-major. */
  gradW: Float64Array[];
  /** gradB[l] = ∂J/∂b^(l) for l = 1..L−1, null where the layer has no bias. */
  gradB: (Float64Array | null)[];
  /** J = ½‖a^(L) − y‖². */
  cost: number;
}

/**
 * Seed 000, element by element, for J = ½‖a^(L) − y‖² on one example:
 * ε^(L)_i = (a^(L)_i − y_i) f'(z^(L)_i);  ε^(l)_i = Σ_q ε^(l+1)_q W^(l)_{qi} f'(z^(l)_i);
 * ∂J/∂W^(l)_{ij} = a^(l)_j ε^(l+1)_i;  ∂J/∂b^(l)_i = ε^(l+1)_i.
 */
export function ufldlEpsilonRecursion(net: RefNetwork, x: Float64Array, y: Float64Array): UfldlGradients {
  const fn = 'ufldlEpsilonRecursion';
  validateNetwork(fn, net);
  validateExample(fn, net, x, y);

  const L = net.sizes.length;
  const s = (l: number): number => net.sizes[l - 1]!;
  const W = (l: number, i: number, j: number): number => net.weights[l - 1]![i * s(l) + j]!;
  const b = (l: number): Float64Array | null => net.biases[l - 1] ?? null;
  // f acts on the neurons of layer l (l ≥ 2), i.e. the output side of W^(l−1).
  const f = (l: number) => net.activations[l - 2]!;

  const empty = new Float64Array(0);
  const z: Float64Array[] = [empty, empty];
  const a: Float64Array[] = [empty, Float64Array.from(x)];
  for (let l = 1; l < L; l++) {
    const zNext = new Float64Array(s(l + 1));
    const aNext = new Float64Array(s(l + 1));
    for (let i = 0; i < s(l + 1); i++) {
      // z^(l+1)_i = Σ_j W^(l)_{ij} a^(l)_j + b^(l)_i
      let sum = b(l)?.[i] ?? 0;
      for (let j = 0; j < s(l); j++) sum += W(l, i, j) * a[l]![j]!;
      zNext[i] = sum;
      aNext[i] = activate(f(l + 1), sum);
    }
    z.push(zNext);
    a.push(aNext);
  }

  const epsilon: Float64Array[] = new Array<Float64Array>(L + 1).fill(empty);
  epsilon[L] = new Float64Array(s(L));
  let cost = 0;
  for (let i = 0; i < s(L); i++) {
    const r = a[L]![i]! - y[i]!;
    cost += 0.5 * r * r;
    epsilon[L]![i] = r * activationDerivative(f(L), z[L]![i]!);
  }
  for (let l = L - 1; l >= 2; l--) {
    epsilon[l] = new Float64Array(s(l));
    for (let i = 0; i < s(l); i++) {
      let sum = 0;
      for (let q = 0; q < s(l + 1); q++) sum += epsilon[l + 1]![q]! * W(l, q, i);
      epsilon[l]![i] = sum * activationDerivative(f(l), z[l]![i]!);
    }
  }

  const gradW: Float64Array[] = [empty];
  const gradB: (Float64Array | null)[] = [null];
  for (let l = 1; l < L; l++) {
    const gW = new Float64Array(s(l + 1) * s(l));
    for (let i = 0; i < s(l + 1); i++) {
      for (let j = 0; j < s(l); j++) gW[i * s(l) + j] = a[l]![j]! * epsilon[l + 1]![i]!;
    }
    gradW.push(gW);
    gradB.push(b(l) === null ? null : Float64Array.from(epsilon[l + 1]!));
  }
  return { z, a, epsilon, gradW, gradB, cost };
}
