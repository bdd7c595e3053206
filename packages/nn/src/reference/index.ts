export type { RefActivation } from './activations.ts';
export type { RefCost } from './cost.ts';
export type { RefBatch, RefL2, RefLayer, RefNetwork, RefOptions, RefResult } from './types.ts';
export type { UfldlGradients } from './ufldl.ts';
export { BackpropReferenceError } from './errors.ts';
export { backpropReference } from './bp.ts';
export { sgdStepReference } from './sgd.ts';
export { nielsenToUfldl, ufldlEpsilonRecursion, ufldlToNielsen } from './ufldl.ts';
