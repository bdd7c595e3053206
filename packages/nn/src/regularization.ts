import { DTypeError, Tensor, ValueError, add, mul, square, sum, zeros } from '@pullback/autograd';
import { checkChoice, checkInteger, checkOptions, checkPositive, describe } from './internal/check.ts';
import { Module } from './module.ts';

/**
 * How the L2 term is scaled, named so that neither can be misread: 'unscaled' is (λ/2)·ΣW², divided
 * by nothing (seed 002 eq. 6, UFLDL); 'trainingSet' is (λ/(2n))·ΣW², n = training-set size (Nielsen ch. 3).
 */
export type L2Convention = 'unscaled' | 'trainingSet';
export const L2_CONVENTIONS: readonly L2Convention[] = ['unscaled', 'trainingSet'];

/** The convention option checked, with the old name 'batch' (read by Nielsen readers as λ/2m) pointed to its new one. */
export function checkL2Convention(fn: string, what: string, value: unknown): L2Convention {
  if (value === 'batch') {
    throw new ValueError(
      fn,
      `${what} 'batch' is now called 'unscaled': (λ/2)·ΣW², divided by neither the batch size m nor the training-set size n; for Nielsen's (λ/(2n))·ΣW² use 'trainingSet' with trainingSetSize n`,
    );
  }
  return checkChoice(fn, what, value, L2_CONVENTIONS);
}

export interface L2Options {
  /** 'unscaled': (λ/2)·ΣW² (seed 002 eq. 6); 'trainingSet': (λ/(2n))·ΣW² (Nielsen's book). Required. */
  convention: L2Convention;
  /** n, the number of training examples; required by (and only by) 'trainingSet'. */
  trainingSetSize?: number;
}

/** The weight matrices of a model: parameters whose dotted name ends in `weight` (never biases). */
export function weightParameters(model: Module): Tensor[] {
  return model
    .namedParameters()
    .filter(([name]) => name === 'weight' || name.endsWith('.weight'))
    .map(([, t]) => t);
}

/**
 * L2 weight penalty over weight matrices only, never biases. Two conventions, chosen explicitly:
 * - 'unscaled' (seed 002, eq. 6): (λ/2) Σ_l Σ_{ij} (W^l_{ij})², divided by no example count, so ∂/∂W = λ W;
 * - 'trainingSet' (Nielsen ch. 3, L2 regularization): (λ/(2n)) Σ_w w², n = training set size, ∂/∂W = (λ/n) W.
 * `source` is a Module (its parameters named `weight`, e.g. every Linear's W, are taken) or an
 * explicit array of weight tensors. Add the result to the data cost. λ ≥ 0.
 */
export function l2Penalty(source: Module | readonly Tensor[], lambda: number, options: L2Options): Tensor {
  const fn = 'l2Penalty';
  checkPositive(fn, 'lambda', lambda, true);
  const o = checkOptions<L2Options>(fn, options, ['convention', 'trainingSetSize']);
  const convention = checkL2Convention(fn, 'convention', o.convention);
  let n = 1;
  if (convention === 'trainingSet') {
    n = checkInteger(fn, 'trainingSetSize (n, for the trainingSet convention)', o.trainingSetSize, 1);
  } else if (o.trainingSetSize !== undefined) {
    throw new ValueError(fn, `trainingSetSize is only used by convention 'trainingSet'; the 'unscaled' convention is (λ/2)·ΣW²`);
  }
  let weights: Tensor[];
  if (source instanceof Module) {
    weights = weightParameters(source);
  } else if (Array.isArray(source)) {
    source.forEach((w, i) => {
      if (!(w instanceof Tensor)) throw new ValueError(fn, `weights[${i}] must be a Tensor, got ${describe(w)}`);
    });
    weights = [...source];
  } else {
    throw new ValueError(fn, `expected a Module or an array of weight tensors, got ${describe(source)}`);
  }
  if (weights.length === 0) return zeros([]);
  const dtype = weights[0]!.dtype;
  const other = weights.findIndex((w) => w.dtype !== dtype);
  if (other >= 0) throw new DTypeError(fn, `weights have mixed dtypes (${dtype} and ${weights[other]!.dtype}); cast them to one dtype`);
  let total = sum(square(weights[0]!));
  for (let i = 1; i < weights.length; i++) total = add(total, sum(square(weights[i]!)));
  return mul(total, lambda / (2 * n));
}
