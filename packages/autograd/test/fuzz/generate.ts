// The program generator. fast-check draws a small record of raw choices (a seed, the initial
// input shapes, and per step a recipe kind, two operand choices and a salt); `build` turns it
// deterministically into a well-typed Program. Shrinking the choices shrinks the program.
import fc from 'fast-check';
import { Builder, family } from './builder.ts';
import type { Recipe } from './builder.ts';
import type { Program } from './program.ts';
import { printProgram } from './program.ts';
import * as E from './recipes-elementwise.ts';
import * as S from './recipes-structure.ts';
import * as L from './recipes-layout.ts';
import * as A from './recipes-activations.ts';
import * as P from './recipes-pieces.ts';
import * as I from './recipes-scatter.ts';
import * as T from './recipes-stats.ts';
import { Rng } from './rng.ts';

export const KINDS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'where',
  'exp',
  'log',
  'sqrt',
  'tanh',
  'sigmoid',
  'softplus',
  'neg',
  'square',
  'relu',
  'abs',
  'sum',
  'mean',
  'max',
  'min',
  'logSumExp',
  'softmax',
  'logSoftmax',
  'scan',
  'matmul',
  'reshape',
  'transpose',
  'slice',
  'concat',
  'gather',
  'broadcastTo',
  'elementwise',
  'flip',
  'tile',
  'pad',
  'takeAlongAxis',
  'einsum',
  'statistics',
  'pieces',
  'indexing',
  'activations',
] as const;
export type Kind = (typeof KINDS)[number];

export interface Step {
  kind: Kind;
  /** Which earlier value is the main operand. */
  pick: number;
  /** Which value (or new input, or literal) is the second operand. */
  partner: number;
  /** Seeds this step's attributes and constants. */
  salt: number;
}

export interface Choices {
  seed: number;
  /** The initial inputs' shapes: this one (rank ≥ 1) with leading axes dropped (keeping one) and some sizes set to 1. */
  base: number[];
  inputs: { drop: number; ones: boolean[] }[];
  steps: Step[];
}

const RECIPES: Record<Kind, Recipe> = {
  add: E.arithmetic('add'),
  sub: E.arithmetic('sub'),
  mul: E.arithmetic('mul'),
  div: E.div,
  pow: E.pow,
  maximum: E.extremum('maximum'),
  minimum: E.extremum('minimum'),
  where: E.where,
  exp: E.exp,
  log: E.log,
  sqrt: E.sqrt,
  tanh: E.simple('tanh', () => 1),
  sigmoid: E.simple('sigmoid', () => 1),
  softplus: E.simple('softplus', (bound) => bound + 0.7),
  neg: E.simple('neg', (bound) => bound),
  square: E.simple('square', (bound) => bound * bound),
  relu: E.relu,
  abs: E.abs,
  sum: E.reduction('sum'),
  mean: E.reduction('mean'),
  max: E.reduction('max'),
  min: E.reduction('min'),
  logSumExp: E.reduction('logSumExp'),
  softmax: E.softmaxLike('softmax'),
  logSoftmax: E.softmaxLike('logSoftmax'),
  // cumsum, cumprod or logCumSumExp: one kind, so that the other kinds keep their share of draws
  scan: E.scan,
  matmul: S.matmul,
  reshape: S.reshape,
  transpose: S.transpose,
  slice: S.slice,
  concat: S.concat,
  gather: S.gather,
  broadcastTo: S.broadcastTo,
  flip: L.flip,
  tile: L.tile,
  pad: L.pad,
  takeAlongAxis: L.takeAlongAxis,
  einsum: L.einsum,
  // The ops reached through the `call` instruction (calls.ts), grouped in families of a few
  // links per step (see `family`), so that each is drawn as often as an op with its own kind.
  statistics: family([T.prod, T.variance, T.std, T.norm, T.topk], 3),
  pieces: family([P.repeat, P.split, P.chunk, P.unstack, P.unsqueeze, P.flatten, P.tril, P.triu], 4),
  indexing: family([I.scatter, I.scatterAddAlongAxis, I.segmentSum, I.gatherBatched], 2),
  activations: family([A.gelu, A.leakyRelu, A.elu, A.selu, A.clamp, A.clip, A.hardTanh, A.relu6, A.dropout], 4),
  // Every other elementwise primitive, from its descriptor (a new one is fuzzed with no change here).
  elementwise: E.generic(['exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'softplus', 'neg', 'relu', 'abs', 'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum']),
};

// ---- choices → program ---------------------------------------------------------------------

/** The deterministic part: the same choices always give the same program. */
export function build(c: Choices): Program {
  const b = new Builder(new Rng(c.seed));
  for (const { drop, ones } of c.inputs) {
    b.input(c.base.slice(Math.min(drop, c.base.length - 1)).map((d, i) => (ones[i] ? 1 : d)));
  }
  for (const step of c.steps) {
    // Each step draws from its own generator, so removing a step leaves the others' numbers alone.
    b.rng = new Rng(c.seed, step.salt);
    if (!RECIPES[step.kind](b, step.pick, step.partner)) b.unary('tanh', b.pick(step.pick)!, 1);
  }
  b.rng = new Rng(c.seed, 0x5eed);
  const program = b.finish();
  // fast-check prints a counterexample with this method: the program, not the raw record.
  Object.defineProperty(program, fc.toStringMethod, { value: () => printProgram(program, true), enumerable: false });
  return program;
}

export function choicesArb(maxSteps: number): fc.Arbitrary<Choices> {
  const step = fc.record({
    // matmul twice as often as the rest: it has the most layouts to cover; the generic
    // elementwise kind three times, as it is shared by every primitive without a recipe.
    kind: fc.constantFrom<Kind>(...KINDS, 'matmul', 'elementwise', 'elementwise'),
    pick: fc.nat(1 << 16),
    partner: fc.nat(1 << 16),
    salt: fc.nat(),
  });
  return fc.record({
    seed: fc.nat(),
    base: fc.array(fc.constantFrom(2, 3, 1, 4), { minLength: 1, maxLength: 3 }),
    inputs: fc.array(fc.record({ drop: fc.nat(2), ones: fc.array(fc.constantFrom(false, false, true), { minLength: 3, maxLength: 3 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    steps: fc.array(step, { minLength: 1, maxLength: maxSteps }),
  });
}

/** Random programs of 1..maxSteps recipes (each one op plus its guards). */
export function programArb(maxSteps = 8): fc.Arbitrary<Program> {
  return choicesArb(maxSteps).map(build);
}
