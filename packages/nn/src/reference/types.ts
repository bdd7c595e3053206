import type { RefActivation } from './activations.ts';
import type { RefCost } from './cost.ts';

/**
 * A fully connected network in Nielsen's notation: layer 1 is the input, layer L the output, and
 * z^l = w^l a^{l−1} + b^l, a^l = f(z^l) for l = 2..L.
 */
export interface RefNetwork {
  /** [n_1 (input), n_2, ..., n_L]. */
  sizes: number[];
  /** weights[i] is w^l for l = i + 2: shape [n_l, n_{l−1}] row-major, entry (j, k) = w^l_{jk} from neuron k of layer l−1 to neuron j of layer l. */
  weights: Float64Array[];
  /** biases[i] is b^l (length n_l) for l = i + 2, or null for a bias-free layer (seed 004's θ network). */
  biases: (Float64Array | null)[];
  /** activations[i] is f for layer l = i + 2. */
  activations: RefActivation[];
}

/** A mini-batch, one example per row: x is [size, n_1], y is [size, n_L], both row-major. */
export interface RefBatch {
  x: Float64Array;
  y: Float64Array;
  size: number;
}

/**
 * L2 weight decay (weights only, never biases).
 * 'unscaled' (seed 002 eq. 6): + (λ/2)·Σ W², so ∂C/∂W += λ·W.
 * 'trainingSet' (Nielsen's book): + (λ/(2n))·Σ W² with n = trainingSetSize, so ∂C/∂W += (λ/n)·W.
 */
export interface RefL2 {
  lambda: number;
  convention: 'unscaled' | 'trainingSet';
  trainingSetSize?: number;
}

/** C = (1/m)·Σ_x C_x (reduction 'mean', the default) or Σ_x C_x ('sum'), plus the L2 term if given. */
export interface RefOptions {
  cost: RefCost;
  reduction?: 'mean' | 'sum';
  l2?: RefL2;
}

/** Everything backprop computes for layer l (2..L); per-example arrays are [m, n_l], one row per example. */
export interface RefLayer {
  /** Nielsen layer index, 2..L. */
  l: number;
  /** Weighted inputs z^l. */
  z: Float64Array;
  /** Activations a^l = f(z^l). */
  a: Float64Array;
  /** Per-example error δ^{x,l} = ∂C_x/∂z^{x,l} (Nielsen's δ, not scaled by 1/m). */
  delta: Float64Array;
  /** ∂C/∂w^l of the total cost C, shape [n_l, n_{l−1}]. */
  gradW: Float64Array;
  /** ∂C/∂b^l, length n_l; null for a bias-free layer. */
  gradB: Float64Array | null;
}

/** Result of backpropReference: cost = dataCost + regCost. */
export interface RefResult {
  /** a^1, a copy of batch.x. */
  input: Float64Array;
  /** layers[i] is layer l = i + 2. */
  layers: RefLayer[];
  cost: number;
  dataCost: number;
  regCost: number;
}
