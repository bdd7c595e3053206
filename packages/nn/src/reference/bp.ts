import { activate, activationDerivative } from './activations.ts';
import type { RefActivation } from './activations.ts';
import { outputDelta, unitCost } from './cost.ts';
import type { RefBatch, RefLayer, RefNetwork, RefOptions, RefResult } from './types.ts';
import { validateBatch, validateNetwork, validateOptions } from './validate.ts';

// Storage is one example per ROW, i.e. the transpose of Nielsen's column notation, where the
// mini-batch is the matrix A^l = [a^{x_1,l} ... a^{x_m,l}] (n_l × m). Each loop below is commented
// with the column-notation formula it computes.

/**
 * Closed-form backpropagation (Nielsen BP1–BP4) over a mini-batch of m examples:
 * BP1 δ^L = ∇_a C_x ⊙ f'(z^L); BP2 δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ f'(z^l);
 * BP3 ∂C/∂b^l = s·Σ_x δ^{x,l}; BP4 ∂C/∂w^l = s·Σ_x δ^{x,l} (a^{x,l−1})ᵀ (+ L2 term),
 * with s = 1/m for reduction 'mean' and s = 1 for 'sum'.
 */
export function backpropReference(net: RefNetwork, batch: RefBatch, options: RefOptions): RefResult {
  const fn = 'backpropReference';
  validateNetwork(fn, net);
  validateBatch(fn, net, batch);
  validateOptions(fn, options);

  const { sizes } = net;
  const m = batch.size;
  const depth = sizes.length - 1;
  const input = Float64Array.from(batch.x);

  // Forward: z^l = w^l a^{l−1} + b^l, a^l = f(z^l), for l = 2..L.
  const zs: Float64Array[] = [];
  const as: Float64Array[] = [];
  let prev = input;
  for (let i = 0; i < depth; i++) {
    const z = weightedInput(net.weights[i]!, net.biases[i] ?? null, prev, m, sizes[i]!, sizes[i + 1]!);
    const a = z.map((zj) => activate(net.activations[i]!, zj));
    zs.push(z);
    as.push(a);
    prev = a;
  }

  const nOut = sizes[depth]!;
  const fOut = net.activations[depth - 1]!;
  const zOut = zs[depth - 1]!;
  const aOut = as[depth - 1]!;
  const scale = options.reduction === 'sum' ? 1 : 1 / m;

  // C = s·Σ_x C_x; BP1 per example and unit: δ^{x,L}_j = ∂C_x/∂a^L_j · f'(z^{x,L}_j).
  let sumCx = 0;
  const deltaOut = new Float64Array(m * nOut);
  for (let r = 0; r < m * nOut; r++) {
    sumCx += unitCost(options.cost, fOut, zOut[r]!, aOut[r]!, batch.y[r]!);
    deltaOut[r] = outputDelta(options.cost, fOut, zOut[r]!, aOut[r]!, batch.y[r]!);
  }

  // BP2, from the output layer back to layer 2.
  const deltas: Float64Array[] = new Array<Float64Array>(depth);
  deltas[depth - 1] = deltaOut;
  for (let i = depth - 2; i >= 0; i--) {
    deltas[i] = backpropagate(net.weights[i + 1]!, deltas[i + 1]!, zs[i]!, net.activations[i]!, m, sizes[i + 1]!, sizes[i + 2]!);
  }

  const decay = l2Coefficient(options);
  let sumSquaredWeights = 0;
  const layers: RefLayer[] = [];
  for (let i = 0; i < depth; i++) {
    const w = net.weights[i]!;
    const aPrev = i === 0 ? input : as[i - 1]!;
    const { gradW, gradB } = parameterGradients(deltas[i]!, aPrev, m, sizes[i]!, sizes[i + 1]!, scale, net.biases[i] !== null);
    // ∂/∂w of (decay/2)·Σ w² is decay·w; biases are never regularised.
    for (let e = 0; e < w.length; e++) {
      gradW[e] = gradW[e]! + decay * w[e]!;
      sumSquaredWeights += w[e]! * w[e]!;
    }
    layers.push({ l: i + 2, z: zs[i]!, a: as[i]!, delta: deltas[i]!, gradW, gradB });
  }

  const dataCost = scale * sumCx;
  const regCost = 0.5 * decay * sumSquaredWeights;
  return { input, layers, cost: dataCost + regCost, dataCost, regCost };
}

/** The factor multiplying w in ∂C/∂w from the L2 term: λ ('unscaled') or λ/n ('trainingSet'). */
function l2Coefficient(options: RefOptions): number {
  const l2 = options.l2;
  if (l2 === undefined) return 0;
  return l2.convention === 'unscaled' ? l2.lambda : l2.lambda / l2.trainingSetSize!;
}

/** Column notation Z^l = w^l A^{l−1} + b^l 1ᵀ; here z[x, j] = Σ_k w[j, k]·a[x, k] + b[j]. */
function weightedInput(w: Float64Array, b: Float64Array | null, aPrev: Float64Array, m: number, nIn: number, nOut: number): Float64Array {
  const z = new Float64Array(m * nOut);
  for (let x = 0; x < m; x++) {
    for (let j = 0; j < nOut; j++) {
      let sum = b === null ? 0 : b[j]!;
      for (let k = 0; k < nIn; k++) sum += w[j * nIn + k]! * aPrev[x * nIn + k]!;
      z[x * nOut + j] = sum;
    }
  }
  return z;
}

/** BP2: δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ f'(z^l); here δ[x, j] = (Σ_k w^{l+1}[k, j]·δ^{l+1}[x, k])·f'(z[x, j]). */
function backpropagate(wNext: Float64Array, deltaNext: Float64Array, z: Float64Array, f: RefActivation, m: number, n: number, nNext: number): Float64Array {
  const delta = new Float64Array(m * n);
  for (let x = 0; x < m; x++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < nNext; k++) sum += wNext[k * n + j]! * deltaNext[x * nNext + k]!;
      delta[x * n + j] = sum * activationDerivative(f, z[x * n + j]!);
    }
  }
  return delta;
}

/** BP3 and BP4 summed over the batch: ∂C/∂b^l = s·Δ^l 1, ∂C/∂w^l = s·Δ^l (A^{l−1})ᵀ (column notation). */
function parameterGradients(
  delta: Float64Array,
  aPrev: Float64Array,
  m: number,
  nIn: number,
  nOut: number,
  scale: number,
  hasBias: boolean,
): { gradW: Float64Array; gradB: Float64Array | null } {
  const gradW = new Float64Array(nOut * nIn);
  const gradB = hasBias ? new Float64Array(nOut) : null;
  for (let j = 0; j < nOut; j++) {
    let sumB = 0;
    for (let x = 0; x < m; x++) sumB += delta[x * nOut + j]!;
    if (gradB !== null) gradB[j] = scale * sumB;
    for (let k = 0; k < nIn; k++) {
      // BP4: ∂C_x/∂w^l_{jk} = a^{x,l−1}_k δ^{x,l}_j.
      let sumW = 0;
      for (let x = 0; x < m; x++) sumW += aPrev[x * nIn + k]! * delta[x * nOut + j]!;
      gradW[j * nIn + k] = scale * sumW;
    }
  }
  return { gradW, gradB };
}
