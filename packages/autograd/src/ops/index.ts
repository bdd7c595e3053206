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
export { matmul } from './matmul.ts';
export { linear } from './linear.ts';
export type { MatmulOptions } from './matmul.ts';
export { reshape, transpose, broadcastTo, slice, pad, concat, stack, gather, scatterAdd, expandDims, squeeze, cast } from './shape.ts';
export { full } from '../create.ts';
export { tan, asin, acos, atan, atan2, asinh, acosh, atanh } from './trig.ts';
export { erf, expm1, log1p, log2, log10, logSigmoid, reciprocal, rsqrt, squaredDifference } from './special.ts';
export { floor, ceil, round, remainder, fmod } from './rounding.ts';
export { isNaN, isInf, isFinite, logicalAnd, logicalOr, logicalNot, logicalXor } from './logical.ts';
export { silu, mish, softsign, gelu, geluErf, geluTanh, prelu, leakyRelu, elu, selu } from './activations.ts';
export type { GeluOptions } from './activations.ts';
export { clamp, clip, hardTanh, relu6 } from './clamp.ts';
