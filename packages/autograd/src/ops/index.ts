export { add, sub, mul, div, neg, pow, square } from './arith.ts';
export { exp, log, sqrt, abs, sigmoid, sigmoidDerivative, tanh, tanhDerivative, relu, softplus } from './unary.ts';
export { equal, notEqual, greater, greaterEqual, less, lessEqual, sign, maximum, minimum, where, oneHot } from './compare.ts';
export { sum, mean, max, min, logSumExp, softmax, logSoftmax, sumTo } from './reduce.ts';
export { matmul } from './matmul.ts';
export { linear } from './linear.ts';
export type { MatmulOptions } from './matmul.ts';
export { reshape, transpose, broadcastTo, slice, pad, concat, stack, gather, scatterAdd, expandDims, squeeze, cast } from './shape.ts';
export { full } from '../create.ts';
