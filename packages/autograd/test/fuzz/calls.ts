// The adapter table behind the fuzzer's `call` instruction: one line per op, from the operands'
// values and the instruction's plain attributes to the engine call. A new op needs a line here
// and a recipe (recipes-calls-*.ts) that keeps its inputs where it is differentiable.
import * as ops from '../../src/index.ts';
import { Rng, tensor } from '../../src/index.ts';
import type { Axis, Tensor } from '../../src/index.ts';
import type { Attr, Attrs } from './program.ts';

export type Apply = (args: readonly (Tensor | number)[], attrs: Attrs) => Tensor;

const t = (a: Tensor | number | undefined): Tensor => a as Tensor;
const num = (a: Attr | undefined): number => a as number;
const str = (a: Attr | undefined): string => a as string;
const nums = (a: Attr | undefined): number[] => [...(a as readonly number[])];
/** An axis attribute: absent (all axes), a number, or a list. */
const axisOf = (a: Attr | undefined): Axis | undefined => a as Axis | undefined;
/** Integer indices stored flat with their shape under `<key>` and `<key>Shape`. */
const indices = (a: Attrs, key = 'indices'): Tensor => tensor(nums(a[key]), { shape: nums(a[`${key}Shape`]) });
/** The reduction options every statistic takes, without keys that are absent. */
const reduceOptions = (a: Attrs) => ({ keepDims: a.keepDims as boolean, ...(a.axis === undefined ? {} : { axis: axisOf(a.axis)! }) });

/** clamp / clip: args are x and the bounds present (`without` names the one left out). */
const clampLike =
  (fn: typeof ops.clamp): Apply =>
  ([x, p, q], a) =>
    a.without === 'min' ? fn(t(x), null, p) : a.without === 'max' ? fn(t(x), p, null) : fn(t(x), p, q);

export const CALLS: Record<string, Apply> = {
  // statistics and norms
  prod: ([x], a) => ops.prod(t(x), reduceOptions(a)),
  var: ([x], a) => ops.var(t(x), { ...reduceOptions(a), correction: num(a.correction) }),
  std: ([x], a) => ops.std(t(x), { ...reduceOptions(a), correction: num(a.correction) }),
  norm: ([x], a) => ops.norm(t(x), { ...reduceOptions(a), ord: a.ord === 'inf' ? Number.POSITIVE_INFINITY : (a.ord as number | 'fro') }),
  topk: ([x], a) => ops.topk(t(x), num(a.k), { axis: num(a.axis), largest: a.largest as boolean, sorted: a.sorted as boolean }).values,
  // layout
  repeat: ([x], a) => ops.repeat(t(x), typeof a.repeats === 'number' ? a.repeats : nums(a.repeats), a.axis === undefined ? undefined : num(a.axis)),
  split: ([x], a) => ops.split(t(x), typeof a.sections === 'number' ? a.sections : nums(a.sections), num(a.axis))[num(a.part)]!,
  chunk: ([x], a) => ops.chunk(t(x), num(a.chunks), num(a.axis))[num(a.part)]!,
  unstack: ([x], a) => ops.unstack(t(x), num(a.axis))[num(a.part)]!,
  unsqueeze: ([x], a) => ops.unsqueeze(t(x), num(a.axis)),
  flatten: ([x], a) => ops.flatten(t(x), num(a.startAxis), num(a.endAxis)),
  tril: ([x], a) => ops.tril(t(x), num(a.k)),
  triu: ([x], a) => ops.triu(t(x), num(a.k)),
  // indexing
  scatter: ([x, src], a) => ops.scatter(t(x), indices(a), src!, num(a.axis)),
  scatterAddAlongAxis: ([x, src], a) => ops.scatterAddAlongAxis(t(x), indices(a), src!, num(a.axis)),
  segmentSum: ([x], a) => ops.segmentSum(t(x), indices(a, 'segmentIds'), num(a.numSegments)),
  gather: ([x], a) => ops.gather(t(x), indices(a), num(a.axis), { batchDims: num(a.batchDims) }),
  // activations, clamping, dropout (its mask drawn from the seed it carries, the same on every replay)
  gelu: ([x], a) => ops.gelu(t(x), { approximate: str(a.approximate) as 'none' | 'tanh' }),
  leakyRelu: ([x], a) => ops.leakyRelu(t(x), num(a.negativeSlope)),
  elu: ([x], a) => ops.elu(t(x), num(a.alpha)),
  selu: ([x]) => ops.selu(t(x)),
  clamp: clampLike(ops.clamp),
  clip: clampLike(ops.clip),
  hardTanh: ([x], a) => ops.hardTanh(t(x), num(a.minVal), num(a.maxVal)),
  relu6: ([x]) => ops.relu6(t(x)),
  dropout: ([x], a) => ops.dropout(t(x), num(a.p), { generator: new Rng(num(a.seed)) }),
};

/** Every op the `call` instruction reaches. */
export const CALL_OPS = Object.keys(CALLS);

export function callNamed(name: string): Apply {
  const apply = CALLS[name];
  if (apply === undefined) throw new Error(`fuzz: no call adapter named '${name}'`);
  return apply;
}
