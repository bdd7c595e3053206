import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getGemmBackend, gradcheck, grad, setGemmBackend, tensor, type Tensor } from '../src/index.ts';
import type { GradcheckOptions } from '../src/index.ts';
import * as ops from '../src/ops/index.ts';
import { broadcastShapes, broadcastTarget, oneAxis, plainIn, reduction, shapeArb } from './support/arbitraries.ts';
import type { AxisArg, Domain, Interval, Plain, Shape } from './support/arbitraries.ts';
import { elementwisePrimitives } from '../src/internal.ts';
import {
  concatCase,
  gatherCase,
  linearCase,
  matmulCase,
  padCase,
  reshapeCase,
  scatterAddCase,
  sliceCase,
  squeezeCase,
  stackCase,
  transposeCase,
} from './support/op-cases.ts';
import type { Case } from './support/op-cases.ts';
import {
  batchGatherCase,
  chunkCase,
  einsumCase,
  flattenCase,
  flipCase,
  padModeCase,
  repeatCase,
  scatterCase,
  segmentSumCase,
  splitCase,
  takeAlongCase,
  tileCase,
  triangleCase,
  unstackCase,
} from './support/op-cases.ts';
import type { BatchGatherAttrs } from './support/op-cases.ts';
import { normCase, topkCase, varianceCase } from './support/reduce-cases.ts';
import type { Ord, ReduceAttrs, TopkAttrs } from './support/reduce-cases.ts';
import { propertyParams } from './support/property.ts';
import { Rng } from '../src/rng.ts';

// ---- the op table (as JAX's lax_autodiff_test) -----------------------------------------------

type Fn = (...xs: Tensor[]) => Tensor;

interface Row<A = any> {
  /** Test title. */
  name: string;
  /** The exported function this row covers. */
  op: keyof typeof ops;
  arity: number;
  /** Value domain of each argument. */
  domains: (Domain | Interval)[];
  /** Shapes (one per argument) and attributes. */
  cases: fc.Arbitrary<Case<A>>;
  fn: (attrs: A) => Fn;
  /** Highest derivative order checked. */
  order: 1 | 2;
  options?: GradcheckOptions;
}

function row<A>(r: Row<A>): Row {
  return r as Row;
}

const none = undefined as never;
const shapesOnly = (arb: fc.Arbitrary<Shape[]>): fc.Arbitrary<Case<never>> => arb.map((shapes) => ({ shapes, attrs: none }));
const unaryShapes = shapesOnly(shapeArb(0, 3).map((s) => [s]));
const binaryShapes = shapesOnly(broadcastShapes(2));

const unary = (op: Row['op'], f: Fn, domain: Domain = 'real'): Row =>
  row({ name: op, op, arity: 1, domains: [domain], cases: unaryShapes, fn: () => f, order: 2 });
const binary = (op: Row['op'], f: Fn, domains: [Domain, Domain] = ['real', 'real']): Row =>
  row({ name: op, op, arity: 2, domains, cases: binaryShapes, fn: () => f, order: 2 });
const reducing = (op: 'sum' | 'mean' | 'max' | 'min' | 'logSumExp', domain: Domain): Row =>
  row({
    name: op,
    op,
    arity: 1,
    domains: [domain],
    cases: reduction().map(({ shape, axis, keepDims }) => ({ shapes: [shape], attrs: { axis, keepDims } })),
    fn:
      ({ axis, keepDims }: { axis: AxisArg; keepDims: boolean }) =>
      (x) =>
        ops[op](x, axis, keepDims),
    order: 2,
  });
const alongAxis = (op: 'softmax' | 'logSoftmax'): Row =>
  row({
    name: op,
    op,
    arity: 1,
    domains: ['real'],
    cases: oneAxis().map(({ shape, axis }) => ({ shapes: [shape], attrs: { axis } })),
    fn:
      ({ axis }: { axis: number | undefined }) =>
      (x) =>
        ops[op](x, axis),
    order: 2,
  });

const whereCase = broadcastShapes(3).chain(([c, a, b]) =>
  fc
    .array(fc.boolean(), { minLength: c!.reduce((n, d) => n * d, 1), maxLength: c!.reduce((n, d) => n * d, 1) })
    .map((mask) => ({ shapes: [a!, b!], attrs: { maskShape: c!, mask: mask.map(Number) } })),
);

// Elementwise primitives come from their descriptors (src/ops/*.ts): name, arity and domains.
// maximum and minimum keep rows of their own, on interleaved lattices that never tie.
const OWN_ROWS = ['maximum', 'minimum'];
const elementwiseRows: Row[] = elementwisePrimitives()
  .filter((p) => !OWN_ROWS.includes(p.name))
  .map((p) =>
    row({
      name: p.name,
      op: p.name as Row['op'],
      arity: p.elementwise.arity,
      domains: [...p.elementwise.domains],
      cases: p.elementwise.arity === 1 ? unaryShapes : binaryShapes,
      fn: () => p.elementwise.fn as unknown as Fn,
      order: 2,
    }),
  );

const table: Row[] = [
  ...elementwiseRows,
  unary('square', ops.square),
  binary('maximum', ops.maximum, ['lattice', 'offLattice']),
  binary('minimum', ops.minimum, ['offLattice', 'lattice']),
  row({
    name: 'where (constant random mask, both branches)',
    op: 'where',
    arity: 2,
    domains: ['real', 'real'],
    cases: whereCase,
    fn:
      ({ maskShape, mask }: { maskShape: Shape; mask: number[] }) =>
      (a, b) =>
        ops.where(tensor(mask, { shape: maskShape }), a, b),
    order: 2,
  }),
  reducing('sum', 'real'),
  reducing('mean', 'real'),
  reducing('max', 'distinct'),
  reducing('min', 'distinct'),
  reducing('logSumExp', 'real'),
  row({
    name: 'prod',
    op: 'prod',
    arity: 1,
    domains: ['real'],
    cases: reduction().map(({ shape, axis, keepDims }) => ({ shapes: [shape], attrs: { axis, keepDims } })),
    fn:
      ({ axis, keepDims }: ReduceAttrs) =>
      (x) =>
        ops.prod(x, axis, keepDims),
    order: 2,
  }),
  ...(['var', 'variance', 'std'] as const).map((op) =>
    row({
      name: `${op} (correction 0 and 1, at least two elements, distinct values)`,
      op,
      arity: 1,
      domains: ['distinct'],
      cases: varianceCase(),
      fn:
        ({ axis, keepDims, correction }: ReduceAttrs & { correction: 0 | 1 }) =>
        (x) =>
          ops[op](x, { axis, keepDims, correction }),
      order: 2,
    }),
  ),
  // ∞: x + 10 keeps |x| from tying when x does not; 1 and 2: away from the kink at 0
  row({
    name: "norm (ord 1, 2, ∞ over axes; 'fro' over two axes)",
    op: 'norm',
    arity: 1,
    domains: ['distinct'],
    cases: normCase(),
    fn:
      ({ axis, keepDims, ord }: ReduceAttrs & { ord: Ord }) =>
      (x) =>
        ord === Infinity ? ops.norm(ops.add(x, 10), { ord, axis, keepDims }) : ops.norm(ops.add(x, 0.05), { ord, axis, keepDims }),
    order: 2,
  }),
  ...(['cumsum', 'cumprod', 'logCumSumExp'] as const).map((op) =>
    row({
      name: `${op} (one axis, or flattened)`,
      op,
      arity: 1,
      domains: ['real'],
      cases: oneAxis().map(({ shape, axis }) => ({ shapes: [shape], attrs: { axis } })),
      fn:
        ({ axis }: { axis: number | undefined }) =>
        (x) =>
          ops[op](x, axis),
      order: 2,
    }),
  ),
  row({
    name: 'topk values (k, axis, largest, sorted)',
    op: 'topk',
    arity: 1,
    domains: ['distinct'],
    cases: topkCase(),
    fn:
      ({ k, axis, largest, sorted }: TopkAttrs) =>
      (x) =>
        ops.topk(x, k, { axis, largest, sorted }).values,
    order: 2,
  }),
  alongAxis('softmax'),
  alongAxis('logSoftmax'),
  row({
    name: 'sumTo',
    op: 'sumTo',
    arity: 1,
    domains: ['real'],
    cases: broadcastTarget().map(({ small, big }) => ({ shapes: [big], attrs: { small } })),
    fn:
      ({ small }: { small: Shape }) =>
      (x) =>
        ops.sumTo(x, small),
    order: 2,
  }),
  row({
    name: 'matmul (2-D, batched, broadcast batch, 1-D, transposeA/B)',
    op: 'matmul',
    arity: 2,
    domains: ['real', 'real'],
    cases: matmulCase(),
    fn:
      ({ transposeA, transposeB }: { transposeA: boolean; transposeB: boolean }) =>
      (a, b) =>
        ops.matmul(a, b, { transposeA, transposeB }),
    order: 2,
  }),
  row({
    name: 'linear (x Wᵀ + b; x with 0–2 leading axes)',
    op: 'linear',
    arity: 3,
    domains: ['real', 'real', 'real'],
    cases: linearCase(true),
    fn: () => (x, w, b) => ops.linear(x, w, b),
    order: 2,
  }),
  row({
    name: 'linear without a bias',
    op: 'linear',
    arity: 2,
    domains: ['real', 'real'],
    cases: linearCase(false),
    fn: () => (x, w) => ops.linear(x, w),
    order: 2,
  }),
  row({
    name: 'transpose (random rank-3 permutations, default reversal)',
    op: 'transpose',
    arity: 1,
    domains: ['real'],
    cases: transposeCase(),
    fn:
      ({ perm }: { perm: number[] | undefined }) =>
      (x) =>
        ops.transpose(x, perm),
    order: 2,
  }),
  row({
    name: 'reshape (with −1)',
    op: 'reshape',
    arity: 1,
    domains: ['real'],
    cases: reshapeCase(),
    fn:
      ({ target }: { target: number[] }) =>
      (x) =>
        ops.reshape(x, target),
    order: 2,
  }),
  row({
    name: 'broadcastTo',
    op: 'broadcastTo',
    arity: 1,
    domains: ['real'],
    cases: broadcastTarget().map(({ small, big }) => ({ shapes: [small], attrs: { big } })),
    fn:
      ({ big }: { big: Shape }) =>
      (x) =>
        ops.broadcastTo(x, big),
    order: 2,
  }),
  row({
    name: 'slice (negative and omitted bounds)',
    op: 'slice',
    arity: 1,
    domains: ['real'],
    cases: sliceCase(),
    fn:
      ({ begin, end }: { begin: number[]; end: (number | undefined)[] | undefined }) =>
      (x) =>
        ops.slice(x, begin, end),
    order: 2,
  }),
  row({
    name: 'pad',
    op: 'pad',
    arity: 1,
    domains: ['real'],
    cases: padCase(),
    fn:
      ({ before, after }: { before: number[]; after: number[] }) =>
      (x) =>
        ops.pad(x, before, after),
    order: 2,
  }),
  row({
    name: 'concat (axis 0, 1, −1)',
    op: 'concat',
    arity: 3,
    domains: ['real', 'real', 'real'],
    cases: concatCase(),
    fn:
      ({ axis }: { axis: number }) =>
      (...xs) =>
        ops.concat(xs, axis),
    order: 2,
  }),
  row({
    name: 'stack',
    op: 'stack',
    arity: 2,
    domains: ['real', 'real'],
    cases: stackCase(),
    fn:
      ({ axis }: { axis: number }) =>
      (...xs) =>
        ops.stack(xs, axis),
    order: 2,
  }),
  row({
    name: 'gather (repeated and negative indices, 1-D and 2-D index tensors)',
    op: 'gather',
    arity: 1,
    domains: ['real'],
    cases: gatherCase(),
    fn:
      ({ axis, indices, indexShape }: { axis: number; indices: number[]; indexShape: number[] }) =>
      (x) =>
        ops.gather(x, tensor(indices, { shape: indexShape }), axis),
    order: 2,
  }),
  row({
    name: 'scatterAdd (repeated and negative indices)',
    op: 'scatterAdd',
    arity: 1,
    domains: ['real'],
    cases: scatterAddCase(),
    fn:
      ({ axis, indices, indexShape, size }: { axis: number; indices: number[]; indexShape: number[]; size: number }) =>
      (u) =>
        ops.scatterAdd(u, tensor(indices, { shape: indexShape }), axis, size),
    order: 2,
  }),
  row({
    name: 'expandDims',
    op: 'expandDims',
    arity: 1,
    domains: ['real'],
    cases: shapeArb(0, 2).chain((shape) => fc.integer({ min: -(shape.length + 1), max: shape.length }).map((axis) => ({ shapes: [shape], attrs: { axis } }))),
    fn:
      ({ axis }: { axis: number }) =>
      (x) =>
        ops.expandDims(x, axis),
    order: 2,
  }),
  row({
    name: 'squeeze',
    op: 'squeeze',
    arity: 1,
    domains: ['real'],
    cases: squeezeCase(),
    fn:
      ({ axis }: { axis: number | number[] | undefined }) =>
      (x) =>
        ops.squeeze(x, axis),
    order: 2,
  }),
  // Composites with parameters (activations.ts, clamp.ts): domains keep off their kinks and bounds.
  row({
    name: 'gelu (through gelu, tanh approximation)',
    op: 'gelu',
    arity: 1,
    domains: ['real'],
    cases: unaryShapes,
    fn: () => (x) => ops.gelu(x, { approximate: 'tanh' }),
    order: 2,
  }),
  row({
    name: 'leakyRelu (slope 0.2)',
    op: 'leakyRelu',
    arity: 1,
    domains: [{ low: -4, high: 4, avoid: [0] }],
    cases: unaryShapes,
    fn: () => (x) => ops.leakyRelu(x, 0.2),
    order: 2,
  }),
  row({
    name: 'elu (alpha 1.5)',
    op: 'elu',
    arity: 1,
    domains: [{ low: -4, high: 4, avoid: [0] }],
    cases: unaryShapes,
    fn: () => (x) => ops.elu(x, 1.5),
    order: 2,
  }),
  row({ name: 'selu', op: 'selu', arity: 1, domains: [{ low: -4, high: 4, avoid: [0] }], cases: unaryShapes, fn: () => (x) => ops.selu(x), order: 2 }),
  row({
    name: 'hardTanh (−0.5, 1.25)',
    op: 'hardTanh',
    arity: 1,
    domains: [{ low: -2, high: 2, avoid: [-0.5, 1.25] }],
    cases: unaryShapes,
    fn: () => (x) => ops.hardTanh(x, -0.5, 1.25),
    order: 2,
  }),
  row({ name: 'relu6', op: 'relu6', arity: 1, domains: [{ low: -2, high: 8, avoid: [0, 6] }], cases: unaryShapes, fn: () => (x) => ops.relu6(x), order: 2 }),
  row({
    name: 'clamp (number bounds)',
    op: 'clamp',
    arity: 1,
    domains: [{ low: -2, high: 2, avoid: [-0.7, 0.9] }],
    cases: unaryShapes,
    fn: () => (x) => ops.clamp(x, -0.7, 0.9),
    order: 2,
  }),
  row({
    name: 'clamp (tensor min and max, broadcast)',
    op: 'clamp',
    arity: 3,
    domains: ['real', { low: -1.37, high: -0.41 }, { low: 0.39, high: 1.33 }],
    cases: shapesOnly(broadcastShapes(3)),
    fn: () => (x, lo, hi) => ops.clamp(x, lo, hi),
    order: 2,
  }),
  row({
    name: 'clip (tensor max only)',
    op: 'clip',
    arity: 2,
    domains: ['real', { low: -0.83, high: 0.77 }],
    cases: binaryShapes,
    fn: () => (x, hi) => ops.clip(x, undefined, hi),
    order: 2,
  }),
  // cast: a float32 round trip then a square, checked with a step and tolerances that float32
  // rounding (≈ 1e-7 relative) cannot fail: (x²)' = 2x must survive the trip both ways.
  row({
    name: 'cast (float64 → float32 → float64, squared)',
    op: 'cast',
    arity: 1,
    domains: ['real'],
    cases: unaryShapes,
    fn: () => (x) => ops.square(ops.cast(ops.cast(x, 'float32'), 'float64')),
    order: 2,
    options: { eps: 1e-2, atol: 1e-4, rtol: 1e-4 },
  }),
  // dropout: a fresh generator from the case's seed on every call, so every evaluation draws the same mask.
  row({
    name: 'dropout (fixed generator per case; p = 0, 1 and between)',
    op: 'dropout',
    arity: 1,
    domains: ['real'],
    cases: shapeArb(0, 3).chain((shape) =>
      fc
        .record({ p: fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 0.95, noNaN: true })), seed: fc.nat() })
        .map((attrs) => ({ shapes: [shape], attrs })),
    ),
    fn:
      ({ p, seed }: { p: number; seed: number }) =>
      (x) =>
        ops.dropout(x, p, { generator: new Rng(seed) }),
    order: 2,
  }),
  // ---- shape and indexing ops of issue #16 (src/ops/layout.ts, indexing.ts, einsum.ts) ----
  row({
    name: 'tile (fewer, equal and more reps than axes)',
    op: 'tile',
    arity: 1,
    domains: ['real'],
    cases: tileCase(),
    fn:
      ({ reps }: { reps: number[] }) =>
      (x) =>
        ops.tile(x, reps),
    order: 2,
  }),
  row({
    name: 'repeat (one count, per-element counts with 0, flattened)',
    op: 'repeat',
    arity: 1,
    domains: ['real'],
    cases: repeatCase(),
    fn:
      ({ repeats, axis }: { repeats: number | number[]; axis: number | undefined }) =>
      (x) =>
        ops.repeat(x, repeats, axis),
    order: 2,
  }),
  row({
    name: 'flip (all axes, one, several)',
    op: 'flip',
    arity: 1,
    domains: ['real'],
    cases: flipCase(),
    fn:
      ({ axis }: { axis: number | number[] | undefined }) =>
      (x) =>
        ops.flip(x, axis),
    order: 2,
  }),
  // The pieces joined back in reverse order, so every piece's pullback is checked.
  row({
    name: 'split (equal sections, sizes, an inferred −1; pieces joined in reverse)',
    op: 'split',
    arity: 1,
    domains: ['real'],
    cases: splitCase(),
    fn:
      ({ sections, axis }: { sections: number | number[]; axis: number }) =>
      (x) =>
        ops.concat(ops.split(x, sections, axis).reverse(), axis),
    order: 2,
  }),
  row({
    name: 'chunk (uneven; pieces joined in reverse)',
    op: 'chunk',
    arity: 1,
    domains: ['real'],
    cases: chunkCase(),
    fn:
      ({ chunks, axis }: { chunks: number; axis: number }) =>
      (x) =>
        ops.concat(ops.chunk(x, chunks, axis).reverse(), axis),
    order: 2,
  }),
  row({
    name: 'unstack (slices stacked back in reverse)',
    op: 'unstack',
    arity: 1,
    domains: ['real'],
    cases: unstackCase(),
    fn:
      ({ axis }: { axis: number }) =>
      (x) =>
        ops.stack(ops.unstack(x, axis).reverse(), axis),
    order: 2,
  }),
  row({
    name: 'unsqueeze',
    op: 'unsqueeze',
    arity: 1,
    domains: ['real'],
    cases: shapeArb(0, 2).chain((shape) => fc.integer({ min: -(shape.length + 1), max: shape.length }).map((axis) => ({ shapes: [shape], attrs: { axis } }))),
    fn:
      ({ axis }: { axis: number }) =>
      (x) =>
        ops.unsqueeze(x, axis),
    order: 2,
  }),
  row({
    name: 'flatten (start and end axes, 0-d)',
    op: 'flatten',
    arity: 1,
    domains: ['real'],
    cases: flattenCase(),
    fn:
      ({ start, end }: { start: number | undefined; end: number | undefined }) =>
      (x) =>
        ops.flatten(x, start, end),
    order: 2,
  }),
  row({
    name: 'tril (offset k, batched)',
    op: 'tril',
    arity: 1,
    domains: ['real'],
    cases: triangleCase(),
    fn:
      ({ k }: { k: number }) =>
      (x) =>
        ops.tril(x, k),
    order: 2,
  }),
  row({
    name: 'triu (offset k, batched)',
    op: 'triu',
    arity: 1,
    domains: ['real'],
    cases: triangleCase(),
    fn:
      ({ k }: { k: number }) =>
      (x) =>
        ops.triu(x, k),
    order: 2,
  }),
  row({
    name: 'pad with a mode (reflect, edge, replicate, a constant)',
    op: 'pad',
    arity: 1,
    domains: ['real'],
    cases: padModeCase(),
    fn:
      ({ before, after, options }: { before: number[]; after: number[]; options: ops.PadOptions }) =>
      (x) =>
        ops.pad(x, before, after, options),
    order: 2,
  }),
  row({
    name: 'gather with batchDims (negative axis and batchDims)',
    op: 'gather',
    arity: 1,
    domains: ['real'],
    cases: batchGatherCase(),
    fn:
      ({ axis, indices, indexShape, batchDims }: BatchGatherAttrs) =>
      (x) =>
        ops.gather(x, tensor(indices, { shape: indexShape }), axis, { batchDims }),
    order: 2,
  }),
  row({
    name: 'takeAlongAxis (broadcast index axes, repeats, negatives)',
    op: 'takeAlongAxis',
    arity: 1,
    domains: ['real'],
    cases: takeAlongCase(),
    fn:
      ({ axis, indices, indexShape }: { axis: number; indices: number[]; indexShape: number[] }) =>
      (x) =>
        ops.takeAlongAxis(x, tensor(indices, { shape: indexShape }), axis),
    order: 2,
  }),
  row({
    name: 'scatter (x and src; repeated targets: the last write wins)',
    op: 'scatter',
    arity: 2,
    domains: ['real', 'real'],
    cases: scatterCase(true),
    fn:
      ({ axis, indices, indexShape }: { axis: number; indices: number[]; indexShape: number[] }) =>
      (x, src) =>
        ops.scatter(x, tensor(indices, { shape: indexShape }), src, axis),
    order: 2,
  }),
  row({
    name: 'scatterAddAlongAxis (x and src; repeated targets add up)',
    op: 'scatterAddAlongAxis',
    arity: 2,
    domains: ['real', 'real'],
    cases: scatterCase(false),
    fn:
      ({ axis, indices, indexShape }: { axis: number; indices: number[]; indexShape: number[] }) =>
      (x, src) =>
        ops.scatterAddAlongAxis(x, tensor(indices, { shape: indexShape }), src, axis),
    order: 2,
  }),
  row({
    name: 'segmentSum (1-D and 2-D ids, dropped −1 rows)',
    op: 'segmentSum',
    arity: 1,
    domains: ['real'],
    cases: segmentSumCase(),
    fn:
      ({ ids, idShape, numSegments }: { ids: number[]; idShape: number[]; numSegments: number }) =>
      (x) =>
        ops.segmentSum(x, tensor(ids, { shape: idShape }), numSegments),
    order: 2,
  }),
  row({
    name: 'einsum, one operand (traces, diagonals, transposes, sums)',
    op: 'einsum',
    arity: 1,
    domains: ['real'],
    cases: einsumCase(1),
    fn:
      ({ spec }: { spec: string }) =>
      (x) =>
        ops.einsum(spec, x),
    order: 2,
  }),
  row({
    name: 'einsum, two operands (matmul-shaped and loop)',
    op: 'einsum',
    arity: 2,
    domains: ['real', 'real'],
    cases: einsumCase(2),
    fn:
      ({ spec }: { spec: string }) =>
      (a, b) =>
        ops.einsum(spec, a, b),
    order: 2,
  }),
  row({
    name: 'einsum, three operands (bilinear, chains)',
    op: 'einsum',
    arity: 3,
    domains: ['real', 'real', 'real'],
    cases: einsumCase(3),
    fn:
      ({ spec }: { spec: string }) =>
      (a, b, c) =>
        ops.einsum(spec, a, b, c),
    order: 2,
  }),
];

/** Exported but not differentiable: comparisons, sign, one-hot, constants. */
const notDifferentiable = ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual', 'sign', 'oneHot', 'full'];
// Random tensors: constants drawn from a generator (dropout, differentiable in x, has a row).
notDifferentiable.push('rand', 'randn', 'bernoulli', 'randint');
notDifferentiable.push('argmax', 'argmin', 'any', 'all');
notDifferentiable.push('isNaN', 'isInf', 'isFinite', 'logicalAnd', 'logicalOr', 'logicalNot', 'logicalXor');

function toTensor(p: Plain): Tensor {
  return tensor(p.values, { shape: p.shape });
}

describe('op table: gradcheck to first and second order', () => {
  it('covers every differentiable export of ops/index.ts', () => {
    const exported = Object.entries(ops)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    const covered = [...new Set(table.map((r) => r.op as string))];
    expect([...covered, ...notDifferentiable].sort()).toEqual(exported);
    expect(covered.filter((op) => notDifferentiable.includes(op))).toEqual([]);
  });

  it.each(table.map((r) => [r.name, r] as const))('%s', (_, r) => {
    expect(r.domains.length).toBe(r.arity);
    const sample = r.cases.chain(({ shapes, attrs }) =>
      fc.record({
        attrs: fc.constant(attrs),
        inputs: fc.tuple(...shapes.map((s, i) => plainIn(s, r.domains[i]!))),
        seed: fc.nat(1000),
      }),
    );
    fc.assert(
      fc.property(sample, ({ attrs, inputs, seed }) => {
        expect(inputs.length).toBe(r.arity);
        const report = gradcheck(r.fn(attrs), inputs.map(toTensor), { secondOrder: r.order === 2, seed, ...r.options });
        if (!report.ok) throw new Error(`${r.name}: ${report.message}`);
      }),
      propertyParams(15),
    );
  });
});

// ---- known values at the edges ---------------------------------------------------------------

/** Gradient of Σ f(x) (or of the only element) at x, as a flat array. */
function gradAt(f: Fn, values: number[] | number[][]): number[] {
  const g = grad((x: Tensor) => ops.sum(f(x)))(tensor(values)) as Tensor;
  return Array.from(g.data);
}

function relClose(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('known values at the edges', () => {
  it('sigmoid and softplus at ±1000: finite values, exact gradients', () => {
    expect(Array.from(ops.sigmoid(tensor([1000, -1000])).data)).toEqual([1, 0]);
    expect(gradAt(ops.sigmoid, [1000, -1000])).toEqual([0, 0]);
    expect(Array.from(ops.softplus(tensor([1000, -1000])).data)).toEqual([1000, 0]);
    expect(gradAt(ops.softplus, [1000, -1000])).toEqual([1, 0]);
  });

  it("sigmoid' is exactly 0 at ±1000 and accurate at 40, where σ(1 − σ) is 0", () => {
    expect(gradAt(ops.sigmoid, [1000, -1000])).toEqual([0, 0]);
    const e = Math.exp(-40);
    const exact = e / (1 + e) ** 2; // 4.248354255291589e-18
    relClose(gradAt(ops.sigmoid, [40])[0]!, exact, 1e-12);
    relClose(gradAt(ops.sigmoid, [-40])[0]!, exact, 1e-12);
    relClose(ops.sigmoidDerivative(tensor([40])).item(), exact, 1e-12);
  });

  it("tanh' at 20 is 4 / (e²⁰ + e⁻²⁰)², not the 0 of 1 − tanh²", () => {
    const exact = 4 / (Math.exp(20) + Math.exp(-20)) ** 2;
    relClose(gradAt(ops.tanh, [20])[0]!, exact, 1e-12);
    relClose(gradAt(ops.tanh, [-20])[0]!, exact, 1e-12);
  });

  it('logSumExp, softmax and logSoftmax at [1000, 0, −1000]: finite values and gradients', () => {
    const x = [1000, 0, -1000];
    expect(ops.logSumExp(tensor(x)).item()).toBe(1000);
    expect(gradAt((t) => ops.logSumExp(t), x)).toEqual([1, 0, 0]);
    expect(Array.from(ops.softmax(tensor(x)).data)).toEqual([1, 0, 0]);
    const w = tensor([1, 2, 3]);
    const g = gradAt((t) => ops.mul(ops.softmax(t), w), x);
    // d⟨softmax(x), w⟩ = softmax ⊙ (w − ⟨softmax, w⟩) = [1·(1 − 1), 0, 0]
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g).toEqual([0, 0, 0]);
    expect(Array.from(ops.logSoftmax(tensor(x)).data)).toEqual([0, -1000, -2000]);
    // d Σ logSoftmax = 1 − n·softmax
    expect(gradAt((t) => ops.logSoftmax(t), x)).toEqual([-2, 1, 1]);
  });

  it("relu'(0) = 0 and abs'(0) = 0", () => {
    expect(gradAt(ops.relu, [0, -1, 2])).toEqual([0, 0, 1]);
    expect(gradAt(ops.abs, [0, -1, 2])).toEqual([0, -1, 1]);
  });

  it('max with ties splits the gradient equally; maximum and minimum split ½/½', () => {
    expect(gradAt((t) => ops.max(t), [1, 3, 3])).toEqual([0, 0.5, 0.5]);
    expect(
      gradAt(
        (t) => ops.min(t, 1),
        [
          [2, 2, 5],
          [1, 4, 1],
        ],
      ),
    ).toEqual([0.5, 0.5, 0, 0.5, 0, 0.5]);
    const [da, db] = grad((a: Tensor, b: Tensor) => ops.sum(ops.maximum(a, b)), { argnums: [0, 1] })(tensor([1, 2, 3]), tensor([1, 0, 5])) as Tensor[];
    expect(Array.from(da!.data)).toEqual([0.5, 1, 0]);
    expect(Array.from(db!.data)).toEqual([0.5, 0, 1]);
    const [ma, mb] = grad((a: Tensor, b: Tensor) => ops.sum(ops.minimum(a, b)), { argnums: [0, 1] })(tensor([1, 2]), tensor([1, 0])) as Tensor[];
    expect(Array.from(ma!.data)).toEqual([0.5, 0]);
    expect(Array.from(mb!.data)).toEqual([0.5, 1]);
  });

  it("sqrt'(0) = +Inf and log'(0) = +Inf", () => {
    expect(gradAt(ops.sqrt, [0])).toEqual([Infinity]);
    expect(gradAt(ops.log, [0])).toEqual([Infinity]);
  });

  it('pow(0, y): the gradient with respect to y is 0; pow(x, 0) has gradient 0 with respect to x', () => {
    const [dx, dy] = grad((x: Tensor, y: Tensor) => ops.sum(ops.pow(x, y)), { argnums: [0, 1] })(tensor([0, 0, 0]), tensor([2, 0.5, 3])) as Tensor[];
    expect(Array.from(dy!.data)).toEqual([0, 0, 0]);
    expect(Array.from(dx!.data)).toEqual([0, Infinity, 0]);
    expect(gradAt((x) => ops.pow(x, 0), [0, 2])).toEqual([0, 0]);
  });

  it('gather with repeated indices accumulates; negative indices count from the end', () => {
    expect(gradAt((x) => ops.gather(x, [0, 0, 2, -1]), [10, 20, 30])).toEqual([2, 0, 2]);
    expect(
      gradAt(
        (x) => ops.gather(x, [1, -2, 1], 1),
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toEqual([1, 2, 1, 2]);
  });

  it('cast: values round to float32, the cotangent comes back in the input dtype', () => {
    const x = tensor([0.1, 1 / 3]);
    const y = ops.cast(x, 'float32');
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.data)).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    const g = grad((t: Tensor) => ops.sum(ops.mul(ops.cast(t, 'float32'), tensor([2, -3], { dtype: 'float32' }))))(x) as Tensor;
    expect(g.dtype).toBe('float64');
    expect(Array.from(g.data)).toEqual([2, -3]);
  });
});

// ---- float32 against float64 -----------------------------------------------------------------

describe('float32 agrees with float64 within float32 tolerance', () => {
  const cases: [string, Fn][] = [
    ['exp', ops.exp],
    ['tanh', ops.tanh],
    ['sigmoid', ops.sigmoid],
    ['softplus', ops.softplus],
    ['softmax', (x) => ops.softmax(x)],
    ['logSumExp', (x) => ops.logSumExp(x, -1)],
    ['div by 1 + x²', (x) => ops.div(x, ops.add(ops.square(x), 1))],
    ['matmul with its transpose', (x) => ops.matmul(x, x, { transposeB: true })],
  ];
  const values = [
    [0.3, -1.2, 2.5],
    [-0.7, 1.1, 0.05],
  ];
  const weights = [
    [1, -2, 0.5],
    [0.25, 3, -1],
  ];

  it.each(cases)('%s: values and gradients', (_, f) => {
    const run = (dtype: 'float32' | 'float64'): { y: number[]; g: number[] } => {
      const x = tensor(values, { dtype });
      const y = f(x);
      const w = y.shape.length === 2 && y.shape[1] === 3 ? tensor(weights, { dtype }) : ops.full(y.shape, 0.5, dtype);
      const g = grad((t: Tensor) => ops.sum(ops.mul(f(t), w)))(x) as Tensor;
      expect(y.dtype).toBe(dtype);
      expect(g.dtype).toBe(dtype);
      return { y: Array.from(y.data), g: Array.from(g.data) };
    };
    const single = run('float32');
    const double = run('float64');
    const close = (a: number[], b: number[]): void =>
      a.forEach((v, i) => {
        expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(b[i]!));
      });
    close(single.y, double.y);
    close(single.g, double.g);
  });
});

describe('linear', () => {
  it('equals add(matmul(x, W, { transposeB: true }), b) to the last bit, float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor(
        Array.from({ length: 2 * 3 * 5 }, (_, i) => Math.sin(i)),
        { shape: [2, 3, 5], dtype },
      );
      const w = tensor(
        Array.from({ length: 4 * 5 }, (_, i) => Math.cos(i)),
        { shape: [4, 5], dtype },
      );
      const b = tensor([0.1, -0.2, 0.3, 0.7], { dtype });
      const fused = ops.linear(x, w, b);
      const plain = ops.add(ops.matmul(x, w, { transposeB: true }), b);
      expect(fused.shape).toEqual([2, 3, 4]);
      expect(Array.from(fused.data)).toEqual(Array.from(plain.data));
    }
  });

  it('its first-order pullback gives the gradients of the recorded pullback to the last bit (0–2 leading axes, with and without bias, both backends)', () => {
    const values = (n: number, phase: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(3 * i + phase));
    const grads = (shape: number[], withBias: boolean, dtype: 'float32' | 'float64', createGraph: boolean): number[][] => {
      const x = tensor(
        values(
          shape.reduce((a, b) => a * b, 1),
          0,
        ),
        { shape, dtype, requiresGrad: true },
      );
      const w = tensor(values(6 * 5, 1), { shape: [6, 5], dtype, requiresGrad: true });
      const b = withBias ? tensor(values(6, 2), { dtype, requiresGrad: true }) : null;
      const y = ops.linear(x, w, b);
      // A seed that is not all ones, so every row and column weighs differently.
      ops.sum(ops.mul(y, tensor(values(y.size, 3), { shape: y.shape, dtype }))).backward(undefined, { createGraph });
      return [x, w, ...(b ? [b] : [])].map((t) => Array.from(t.grad!.data));
    };
    const previous = getGemmBackend();
    for (const backend of ['wasm', 'js'] as const) {
      setGemmBackend(backend);
      try {
        for (const shape of [[5], [7, 5], [2, 3, 5], [9, 5]]) {
          for (const withBias of [true, false]) {
            for (const dtype of ['float32', 'float64'] as const) {
              expect(grads(shape, withBias, dtype, false)).toEqual(grads(shape, withBias, dtype, true));
            }
          }
        }
      } finally {
        setGemmBackend(previous);
      }
    }
  });
});

// ---- NaN propagation over the op table ---------------------------------------------------------
// A diverged value must stay visible: with one input all NaN, every output element computed from
// it is NaN (as PyTorch and JAX), and its gradient is never a finite 0 that would make a NaN
// input look healthy. The cotangent of an op that routes its input (relu, max, maximum) passes
// to the NaN it came from, as PyTorch's; other gradients are NaN. Exceptions, by the math: x⁰ = 1
// and 1ʸ = 1 for any NaN (IEEE pow); ops that also write zeros or other inputs (pad, stack,
// scatterAdd) have NaN only where the input landed; slicing ops may drop elements (their
// gradient is 0 there, correctly).

/** Ops whose every output element, and every input element's gradient, involve every NaN input. */
const DENSE = new Set<string>([
  'add',
  'sub',
  'mul',
  'div',
  'neg',
  'square',
  'exp',
  'log',
  'sqrt',
  'abs',
  'tanh',
  'tanhDerivative',
  'sigmoid',
  'sigmoidDerivative',
  'relu',
  'softplus',
  'maximum',
  'minimum',
  'sum',
  'mean',
  'max',
  'min',
  'logSumExp',
  'softmax',
  'logSoftmax',
  'prod',
  'var',
  'variance',
  'std',
  'norm',
  'cumsum',
  'cumprod',
  'logCumSumExp',
  'sumTo',
  'linear',
  'transpose',
  'broadcastTo',
  'expandDims',
  'squeeze',
  'cast',
  'tile',
  'flip',
  'split',
  'chunk',
  'unstack',
  'unsqueeze',
  'flatten',
  ...['tan', 'asin', 'acos', 'atan', 'atan2', 'asinh', 'acosh', 'atanh', 'erf', 'expm1', 'log1p', 'log2', 'log10', 'logSigmoid'],
  ...['reciprocal', 'rsqrt', 'squaredDifference', 'remainder', 'fmod', 'silu', 'mish', 'softsign', 'gelu', 'geluErf', 'geluTanh'],
  ...['leakyRelu', 'elu', 'selu', 'hardTanh', 'relu6', 'clamp', 'clip'],
]);

describe('NaN propagation over the op table', () => {
  it.each(table.map((r) => [r.name, r] as const))('%s', (_, r) => {
    const samples = fc.sample(
      r.cases.chain(({ shapes, attrs }) => fc.record({ attrs: fc.constant(attrs), inputs: fc.tuple(...shapes.map((s, i) => plainIn(s, r.domains[i]!))) })),
      { seed: 13, numRuns: 6 },
    );
    for (const { attrs, inputs } of samples) {
      for (let k = 0; k < r.arity; k++) {
        const xs = inputs.map((p, i) =>
          i === k
            ? tensor(
                p.values.map(() => NaN),
                { shape: p.shape },
              )
            : // a partner of exactly 0 makes mul's gradient a true 0 (∂(xy)/∂x = y): keep partners non-zero
              toTensor({ shape: p.shape, values: p.values.map((v) => (v === 0 ? 0.5 : v)) }),
        );
        const f = r.fn(attrs);
        const out = f(...xs);
        const values = Array.from(out.data);
        const context = `${r.name}, NaN input ${k} of shapes ${JSON.stringify(inputs.map((p) => p.shape))}`;
        if (r.op === 'pow') {
          // NaN everywhere except x⁰ = 1 and 1ʸ = 1
          const other = xs[1 - k]!;
          expect(
            values.filter((v) => !Number.isNaN(v) && v !== 1),
            context,
          ).toEqual([]);
          if (other.data.every((v) => v !== (k === 0 ? 0 : 1))) expect(values.every(Number.isNaN), context).toBe(true);
        } else if (DENSE.has(r.op)) {
          expect(values.every(Number.isNaN), `${context}: ${values}`).toBe(true);
        } else if (xs[k]!.size > 0 && out.size > 0 && !['slice', 'gather', 'scatterAdd', 'where'].includes(r.op)) {
          expect(values.some(Number.isNaN), context).toBe(true);
        }
        if (!DENSE.has(r.op) || out.size === 0) continue;
        const leaves = xs.map((x) => x.requireGrad());
        const g = grad((...ys: Tensor[]) => ops.sum(f(...ys)), { argnums: k })(...leaves) as Tensor;
        const zeros = Array.from(g.data).filter((v) => v === 0);
        if (r.op === 'pow') continue; // dx = 0 where y = 0 is the rule (x⁰ is constant)
        expect(zeros, `${context}: the gradient at a NaN input is a finite 0: ${Array.from(g.data)}`).toEqual([]);
      }
    }
  });
});
