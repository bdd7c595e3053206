export { Rng, manualSeed, defaultRng } from './random.ts';
export { fans, normal, scaledNormal, glorotUniform, glorotNormal, heNormal, heUniform, zerosInit } from './init.ts';
export { Module } from './module.ts';
export {
  Linear,
  ElementwiseActivation,
  Sigmoid,
  Tanh,
  ReLU,
  Identity,
  Softmax,
  Sequential,
  activationLayer,
  INIT_SCHEMES,
  ACTIVATION_NAMES,
} from './layers.ts';
export type { InitScheme, LinearOptions, ActivationName } from './layers.ts';
export { MLP } from './mlp.ts';
export type { MLPOptions, ForwardTrace } from './mlp.ts';
export {
  quadraticCost,
  mseLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropyCost,
  softmaxCrossEntropy,
  LOG_EPSILON,
} from './losses.ts';
export type { Reduction, LossOptions } from './losses.ts';
export { l2Penalty, weightParameters } from './regularization.ts';
export type { L2Options } from './regularization.ts';
export { Optimizer } from './optim/optimizer.ts';
export type { Params } from './optim/optimizer.ts';
export { SGD } from './optim/sgd.ts';
export type { SGDOptions, SGDState } from './optim/sgd.ts';
export { Adam, AdamW } from './optim/adam.ts';
export type { AdamOptions, AdamState } from './optim/adam.ts';
export { gradientDescentStep } from './optim/gradient-descent.ts';
export { batches } from './data/batches.ts';
export type { BatchOptions } from './data/batches.ts';
export { readIdx } from './data/idx.ts';
export type { IdxArray, IdxData, IdxType } from './data/idx.ts';
export { saveJson, loadJson, JSON_FORMAT } from './io/json.ts';
export { saveSafetensors, loadSafetensors, decodeSafetensors, safetensorsMetadata } from './io/safetensors.ts';
export type { SafetensorsDType, SafetensorsData, SafetensorsTensor, SaveSafetensorsOptions } from './io/safetensors.ts';
export { compareWithBackprop, compareGradients, BackpropComparison } from './compare/index.ts';
export type { BackpropComparisonJSON, BackpropEquation, CompareOptions, ComparisonRow, ManualGradients, Notation, WorstEntry } from './compare/index.ts';
export type { ManualMatrix } from './compare/index.ts';
export { explainBackprop } from './trace/explain-backprop.ts';
export type { ExplainBackpropOptions, BackpropTrace, BackpropGroup } from './trace/explain-backprop.ts';
export { scopeKinds } from './trace/scope-kinds.ts';
