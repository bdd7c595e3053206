// Load order. The engine's modules import each other, and ES modules run in import order, so
// entry points load tensor.ts first: it loads this file, which loads the elementwise machinery
// before the op families whose definitions call it.
import '../tensor.ts';
import '../elementwise.ts';

export { add, sub, mul, div, pow, square } from './arith.ts';
export { neg, exp, log, sqrt, abs, sigmoid, sigmoidDerivative, tanh, tanhDerivative, cosh, sinh, sin, cos, relu, softplus } from './unary.ts';
export { equal, notEqual, greater, greaterEqual, less, lessEqual, sign, maximum, minimum, where, oneHot } from './compare.ts';
export { sum, mean, max, min, logSumExp, softmax, logSoftmax, sumTo } from './reduce.ts';
export type { ReduceOptions, KeepDims } from './reduce.ts';
export { cumsum, cumprod, logCumSumExp } from './scan.ts';
export type { ScanAxis } from './scan.ts';
export { prod, variance, var, std } from './stats.ts';
export type { VarOptions, VarKeepDims } from './stats.ts';
export { norm } from './norm.ts';
export type { NormOrd, NormOptions } from './norm.ts';
export { argmax, argmin, any, all, topk } from './select.ts';
export type { ArgOptions, TopkOptions } from './select.ts';
export { matmul } from './matmul.ts';
export { linear } from './linear.ts';
export type { MatmulOptions } from './matmul.ts';
export { reshape, transpose, broadcastTo, slice, pad, concat, stack, gather, scatterAdd, expandDims, squeeze, cast } from './shape.ts';
export { full } from '../create.ts';
export { rand, randn, bernoulli, randint, dropout } from './random.ts';
export type { RandOptions, RandnOptions, BernoulliOptions, RandintOptions, DropoutOptions } from './random.ts';
export { tile, repeat, flip, split, chunk, unstack, unsqueeze, flatten, tril, triu } from './layout.ts';
export type { PadMode, PadOptions } from './layout.ts';
export { takeAlongAxis, scatter, scatterAddAlongAxis, segmentSum } from './indexing.ts';
export type { GatherOptions } from './indexing.ts';
export { einsum } from './einsum.ts';
export { tan, asin, acos, atan, atan2, asinh, acosh, atanh } from './trig.ts';
export { erf, expm1, log1p, log2, log10, logSigmoid, reciprocal, rsqrt, squaredDifference } from './special.ts';
export { floor, ceil, round, remainder, fmod } from './rounding.ts';
export { isNaN, isInf, isFinite, logicalAnd, logicalOr, logicalNot, logicalXor } from './logical.ts';
export { silu, mish, softsign, gelu, geluErf, geluTanh, prelu, leakyRelu, elu, selu } from './activations.ts';
export type { GeluOptions } from './activations.ts';
export { clamp, clip, hardTanh, relu6 } from './clamp.ts';
