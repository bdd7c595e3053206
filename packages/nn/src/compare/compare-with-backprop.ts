import type { Tensor } from '@pullback/autograd';
import type { MLP } from '../mlp.ts';
import { backpropReference } from '../reference/index.ts';
import { checkBatch, checkCompareOptions, checkModel, toRefNetwork } from './check.ts';
import { engineGradients } from './engine.ts';
import { BackpropComparison } from './report.ts';
import { buildRows } from './rows.ts';
import type { CompareOptions } from './types.ts';

/**
 * The engine's gradients next to the closed-form BP1–BP4 reference on the same model and batch:
 * BP1 δ^L = ∇_a C_x ⊙ f'(z^L), BP2 δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ f'(z^l), BP3 ∂C/∂b^l, BP4 ∂C/∂w^l.
 * The engine's ∂C/∂z^l is turned into Nielsen's per-example δ^{x,l} (× m for 'mean'). The model's
 * parameters and their `.grad` are left as they were. Float64 MLPs with elementwise activations only.
 */
export function compareWithBackprop(model: MLP, batch: { x: Tensor; y: Tensor }, options: CompareOptions): BackpropComparison {
  const fn = 'compareWithBackprop';
  const mlp = checkModel(fn, model);
  const checked = checkBatch(fn, mlp, batch);
  const o = checkCompareOptions(fn, options);
  const engine = engineGradients(mlp, checked, o);
  const reference = backpropReference(
    toRefNetwork(mlp),
    { x: checked.x, y: checked.y, size: checked.m },
    { cost: o.cost, reduction: o.reduction, ...(o.l2 !== null && { l2: o.l2 }) },
  );
  const right = {
    delta: reference.layers.map((layer) => layer.delta),
    gradW: reference.layers.map((layer) => layer.gradW),
    gradB: reference.layers.map((layer) => layer.gradB),
  };
  const rows = buildRows(engine, right, mlp.sizes, checked.m, o, o.notation);
  return new BackpropComparison({ fn, sides: ['engine', 'reference'], batchSize: checked.m, options: o }, rows);
}
