export { compareWithBackprop } from './compare-with-backprop.ts';
export { compareGradients } from './compare-gradients.ts';
export { BackpropComparison } from './report.ts';
export type { BackpropComparisonJSON, BackpropEquation, CompareOptions, ComparisonRow, ManualGradients, Notation, WorstEntry } from './types.ts';
export type { ManualMatrix } from './types.ts';
