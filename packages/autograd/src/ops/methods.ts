// The types of the methods Tensor and Scalar get for every elementwise primitive (installed by
// installElementwiseMethods): `x.exp()`, `x.mul(y)`. A new family file of elementwise ops adds
// its module here; a new op in an existing family needs nothing.
import type { BinaryFn, UnaryFn } from '../elementwise.ts';
import type * as arith from './arith.ts';
import type * as compare from './compare.ts';
import type * as unaryOps from './unary.ts';
import type * as trig from './trig.ts';
import type * as special from './special.ts';
import type * as rounding from './rounding.ts';
import type * as activations from './activations.ts';

type Families = typeof arith & typeof compare & typeof unaryOps & typeof trig & typeof special & typeof rounding & typeof activations;
type NamesOf<F> = { [K in keyof Families]: Families[K] extends F ? K : never }[keyof Families];

/** `x.name()` for each unary primitive and `x.name(other)` for each binary one, returning T. */
export type ElementwiseMethods<T> = { [K in NamesOf<UnaryFn>]: () => T } & { [K in NamesOf<BinaryFn>]: (other: T | number) => T };
