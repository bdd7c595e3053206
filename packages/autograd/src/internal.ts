// @pullback/autograd/internal: the engine's machinery, for libraries built on it (such as
// @pullback/nn) that define primitives of their own. Not needed to use the engine.
import './tensor.ts'; // load order: see ops/index.ts
export { record, runBackward, topologicalOrder, markCut, withScope } from './tape.ts';
export type { Pullback, Cut } from './tape.ts';
export { primitive, definePrimitive, builtinPrimitives, onPrimitive, installElementwiseMethods, LEAF, REAL, POSITIVE } from './primitive.ts';
export type { Primitive, Domain, FirstOrder, ElementwiseRule } from './primitive.ts';
export { elementwisePrimitives, isElementwise, elementwisePullback, unary, binary, indicator } from './elementwise.ts';
export { choose } from './ops/compare.ts';
export type { ElementwisePrimitive, UnarySpec, BinarySpec, UnaryFn, BinaryFn, Value, Derivative } from './elementwise.ts';
export { expandComposite } from './composite.ts';
