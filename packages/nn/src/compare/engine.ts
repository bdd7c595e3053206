import { add, enableGrad, tensor } from '@pullback/autograd';
import type { Tensor } from '@pullback/autograd';
import { crossEntropyCost, quadraticCost } from '../losses.ts';
import type { MLP } from '../mlp.ts';
import { l2Penalty } from '../regularization.ts';
import type { CheckedBatch, ResolvedOptions } from './check.ts';

/** What the engine's backward pass gives, per layer i (Nielsen's l = i + 2), as plain copies. */
export interface EngineGradients {
  /** Nielsen's per-example δ^{x,l} = ∂C_x/∂z^{x,l}, [m, n_l]. */
  delta: Float64Array[];
  /** ∂C/∂w^l, [n_l, n_{l−1}]. */
  gradW: Float64Array[];
  /** ∂C/∂b^l, or null for a bias-free layer. */
  gradB: (Float64Array | null)[];
}

function copyOrZeros(t: Tensor | null, size: number, scale = 1): Float64Array {
  // A null .grad means no cotangent reached the tensor, i.e. the derivative is 0.
  return t === null ? new Float64Array(size) : Float64Array.from(t.data, (v) => v * scale);
}

/**
 * Runs the model's forward pass with `retainGrad()` on every z^l, builds C with nn's losses (plus
 * `l2Penalty`), and calls `backward()`. The parameters' existing `.grad` values are saved before
 * and restored after (also when something throws), so the user's accumulated gradients survive;
 * the input is copied into a fresh constant tensor, so the user's x is never on this tape.
 */
export function engineGradients(model: MLP, batch: CheckedBatch, options: ResolvedOptions): EngineGradients {
  const { m } = batch;
  const sizes = model.sizes;
  const params = model.parameters();
  const saved = params.map((p) => p.grad);
  try {
    for (const p of params) p.zeroGrad();
    return enableGrad(() => {
      const x = tensor(batch.x, { shape: [m, sizes[0]!] });
      const y = tensor(batch.y, { shape: [m, sizes[sizes.length - 1]!] });
      const { z, a } = model.forwardTrace(x);
      for (const zl of z) zl.retainGrad();
      const output = a[a.length - 1]!;
      const reduction = { reduction: options.reduction };
      let cost = options.cost === 'quadratic' ? quadraticCost(output, y, reduction) : crossEntropyCost(output, y, reduction);
      // checkCompareOptions gives trainingSetSize exactly when the convention is 'trainingSet', as l2Penalty wants.
      if (options.l2 !== null) {
        const { lambda, ...l2 } = options.l2;
        cost = add(cost, l2Penalty(model, lambda, l2));
      }
      cost.backward();
      // 'mean' makes ∂C/∂z^{x,l} = (1/m)·δ^{x,l}; 'sum' makes it δ^{x,l} itself.
      const perExample = options.reduction === 'mean' ? m : 1;
      return {
        delta: z.map((zl) => copyOrZeros(zl.grad, zl.size, perExample)),
        gradW: model.layers.map((layer) => copyOrZeros(layer.weight.grad, layer.weight.size)),
        gradB: model.layers.map((layer) => (layer.bias === null ? null : copyOrZeros(layer.bias.grad, layer.bias.size))),
      };
    });
  } finally {
    params.forEach((p, i) => {
      p.grad = saved[i]!;
    });
  }
}
