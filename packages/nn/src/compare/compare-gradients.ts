import type { Tensor } from '@pullback/autograd';
import type { MLP } from '../mlp.ts';
import { checkBatch, checkCompareOptions, checkManual, checkModel } from './check.ts';
import { engineGradients } from './engine.ts';
import { BackpropComparison } from './report.ts';
import { buildRows } from './rows.ts';
import type { CompareOptions, ManualGradients } from './types.ts';

/**
 * Hand-computed numbers against the engine, in the report of `compareWithBackprop`: gradW[i] =
 * ∂C/∂w^l (required), gradB[i] = ∂C/∂b^l and delta[i] = the per-example δ^{x,l} (optional, null to
 * skip a layer), for l = i + 2. The first failing row names the equation and layer where the
 * derivation first goes wrong. The model's parameters and their `.grad` are left as they were.
 */
export function compareGradients(model: MLP, batch: { x: Tensor; y: Tensor }, manual: ManualGradients, options: CompareOptions): BackpropComparison {
  const fn = 'compareGradients';
  const mlp = checkModel(fn, model);
  const checked = checkBatch(fn, mlp, batch);
  const o = checkCompareOptions(fn, options);
  const hand = checkManual(fn, mlp, manual, checked.m);
  const engine = engineGradients(mlp, checked, o);
  const rows = buildRows(hand, engine, mlp.sizes, checked.m, o, o.notation);
  return new BackpropComparison({ fn, sides: ['manual', 'engine'], batchSize: checked.m, options: o }, rows);
}
