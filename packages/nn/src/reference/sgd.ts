import { describe, fail, formatShape } from './errors.ts';
import type { RefLayer, RefNetwork, RefResult } from './types.ts';
import { validateNetwork } from './validate.ts';

/**
 * One batch gradient-descent step, seed 002 eqs. (7)–(8): W ← W − η·∂C/∂W, b ← b − η·∂C/∂b.
 * Returns a new network with new arrays; net and grads are left untouched.
 */
export function sgdStepReference(net: RefNetwork, grads: RefResult, eta: number): RefNetwork {
  const fn = 'sgdStepReference';
  validateNetwork(fn, net);
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta < 0) {
    fail(fn, `eta is ${describe(eta)} but expected a finite learning rate ≥ 0`);
  }
  const depth = net.sizes.length - 1;
  const layers: unknown = grads?.layers;
  if (!Array.isArray(layers)) fail(fn, `grads.layers is ${describe(layers)} but expected the layers array of a RefResult`);
  if (layers.length !== depth) {
    fail(fn, `grads.layers has length ${layers.length} but sizes ${formatShape(net.sizes)} need ${depth} (one per layer after the input)`);
  }
  const weights: Float64Array[] = [];
  const biases: (Float64Array | null)[] = [];
  for (let i = 0; i < depth; i++) {
    const entry: unknown = layers[i];
    if (typeof entry !== 'object' || entry === null) fail(fn, `grads.layers[${i}] is ${describe(entry)} but expected a RefLayer`);
    const { gradW, gradB } = entry as RefLayer;
    const w = net.weights[i]!;
    const b = net.biases[i] ?? null;
    const shape = formatShape([net.sizes[i + 1]!, net.sizes[i]!]);
    if (!(gradW instanceof Float64Array) || gradW.length !== w.length) {
      fail(fn, `grads.layers[${i}].gradW is ${describe(gradW)} but weights[${i}] has shape ${shape} = ${w.length} entries`);
    }
    if ((b === null) !== (gradB === null)) {
      fail(fn, `grads.layers[${i}].gradB is ${describe(gradB)} but biases[${i}] is ${describe(b)}; both must be null or both arrays`);
    }
    if (b !== null && gradB !== null && (!(gradB instanceof Float64Array) || gradB.length !== b.length)) {
      fail(fn, `grads.layers[${i}].gradB is ${describe(gradB)} but biases[${i}] has length ${b.length}`);
    }
    weights.push(w.map((wjk, e) => wjk - eta * gradW[e]!));
    biases.push(b === null ? null : b.map((bj, j) => bj - eta * gradB![j]!));
  }
  return { sizes: [...net.sizes], weights, biases, activations: [...net.activations] };
}
