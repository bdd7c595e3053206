// The generator produces the variety the other fuzz files rely on: every op, fan-out,
// broadcasting, batched and transposed matmuls, every form of axis argument, deep chains.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { programArb } from './generate.ts';
import { inputsOf, lossOf } from './interpret.ts';
import { BINARY, REDUCE, SHAPE_OPS, SOFTMAX, UNARY, operandsOf, printProgram } from './program.ts';
import { SCAN } from './program.ts';
import type { Instr, Program } from './program.ts';
import { LAYOUT_OPS } from './program.ts';
import { elementwisePrimitives } from '../../src/internal.ts';
import { CALL_OPS } from './calls.ts';
import { SEED, announce } from './params.ts';
import { innerSize } from './shapes.ts';

announce('generator.test.ts');

// Every instruction kind, and every elementwise primitive by name (the generic kind names one).
const ALL_OPS: string[] = [
  ...new Set(['input', 'const', ...UNARY, ...BINARY, 'where', ...REDUCE, ...SOFTMAX, 'matmul', ...SHAPE_OPS, ...elementwisePrimitives().map((p) => p.name)]),
];
ALL_OPS.push(...LAYOUT_OPS);
ALL_OPS.push(...SCAN);
ALL_OPS.push(...CALL_OPS.filter((name) => !ALL_OPS.includes(name)));
const opOf = (instr: Instr): string => (instr.op === 'elementwise' || instr.op === 'call' ? instr.name : instr.op);

// 1500 programs: every recipe kind (one per op family, and the shared elementwise and scan kinds) is drawn often enough.
const programs = fc.sample(programArb(), { numRuns: 1500, seed: SEED });

function hasFanOut(p: Program): boolean {
  const uses = new Map<number, number>();
  for (const instr of p.instrs) for (const v of operandsOf(instr)) uses.set(v, (uses.get(v) ?? 0) + 1);
  return [...uses].some(([v, n]) => n >= 2 && p.instrs[v]!.op !== 'const');
}

function broadcasts(instr: Instr, p: Program): boolean {
  if (!(BINARY as readonly string[]).includes(instr.op) && instr.op !== 'where') return false;
  const shapes = operandsOf(instr).map((v) => p.shapes[v]!.join());
  return new Set(shapes).size > 1;
}

/** Longest chain of instructions from an input to a value. */
function depth(p: Program): number {
  const d: number[] = [];
  p.instrs.forEach((instr, i) => {
    d[i] = 1 + Math.max(0, ...operandsOf(instr).map((v) => d[v]!));
  });
  return Math.max(...d);
}

const rankOf = (p: Program, v: number): number => p.shapes[v]!.length;
/** A matmul operand's batch axes, or 'vector' for a 1-D one. */
const batchOf = (p: Program, v: number): string => (rankOf(p, v) >= 2 ? p.shapes[v]!.slice(0, -2).join() : 'vector');
const someInstr =
  (test: (instr: Instr, p: Program) => boolean) =>
  (p: Program): boolean =>
    p.instrs.some((instr) => test(instr, p));
const matmulWith = (test: (m: Extract<Instr, { op: 'matmul' }>, p: Program) => boolean) => someInstr((i, p) => i.op === 'matmul' && test(i, p));
const reduceWith = (test: (axis: number | number[] | undefined, keepDims: boolean) => boolean) =>
  someInstr((i) => (i.op === 'sum' || i.op === 'mean' || i.op === 'max' || i.op === 'min' || i.op === 'logSumExp') && test(i.axis, i.keepDims));

const callWith = (name: string, test: (attrs: Extract<Instr, { op: 'call' }>['attrs']) => boolean) =>
  someInstr((i) => i.op === 'call' && i.name === name && test(i.attrs));

function repeatsAnIndex(i: Extract<Instr, { op: 'gather' }>, p: Program): boolean {
  const shape = p.shapes[i.args[0]]!;
  const n = shape[(i.axis + shape.length) % shape.length]!;
  return new Set(i.indices.map((k) => (k < 0 ? k + n : k))).size < i.indices.length;
}

const inputSize = (p: Program): number => p.inputs.reduce((n, x) => n + x.values.length, 0);

/**
 * Features the checks rely on, with the least number of programs (of 1500) that must show each.
 * The minimums are about a third of what the generator gives on average (printed), so that no
 * seed fails by chance.
 */
const FEATURES: [name: string, has: (p: Program) => boolean, least: number][] = [
  ['fan-out: a value used twice or more', hasFanOut, 250],
  ['broadcasting: operands of different shapes', someInstr(broadcasts), 250],
  ['a number literal operand', someInstr((i) => 'args' in i && (i.args as unknown[]).some((a) => typeof a === 'object')), 50],
  ['batched matmul (an operand of rank 3)', matmulWith((m, p) => Math.max(rankOf(p, m.args[0]), rankOf(p, m.args[1])) >= 3), 10],
  [
    'matmul with broadcast batch axes',
    matmulWith((m, p) => ![batchOf(p, m.args[0]), batchOf(p, m.args[1])].includes('vector') && batchOf(p, m.args[0]) !== batchOf(p, m.args[1])),
    5,
  ],
  ['matmul transposeA on a matrix', matmulWith((m, p) => m.transposeA && rankOf(p, m.args[0]) >= 2), 10],
  ['matmul transposeB on a matrix', matmulWith((m, p) => m.transposeB && rankOf(p, m.args[1]) >= 2), 10],
  ['matmul with a vector operand', matmulWith((m, p) => rankOf(p, m.args[0]) === 1 || rankOf(p, m.args[1]) === 1), 10],
  ["matmul summing 4 or more terms (gemm's unrolled loops)", matmulWith((m, p) => innerSize(p.shapes[m.args[0]]!, m.transposeA) >= 4), 10],
  ['reduction over all axes', reduceWith((a) => a === undefined), 20],
  ['reduction over a negative axis', reduceWith((a) => typeof a === 'number' && a < 0), 20],
  ['reduction over several axes', reduceWith((a) => Array.isArray(a) && a.length >= 2), 10],
  ['reduction over no axes (axis=[])', reduceWith((a) => Array.isArray(a) && a.length === 0), 1],
  ['reduction with keepDims', reduceWith((_, k) => k), 20],
  ['gather with a repeated index', someInstr((i, p) => i.op === 'gather' && repeatsAnIndex(i, p)), 10],
  ['gather with a negative index', someInstr((i) => i.op === 'gather' && i.indices.some((k) => k < 0)), 10],
  ['gather with 2-D indices', someInstr((i) => i.op === 'gather' && i.indexShape.length === 2), 10],
  ['concat of three', someInstr((i) => i.op === 'concat' && i.args.length === 3), 10],
  ['slice with a negative begin', someInstr((i) => i.op === 'slice' && i.begin.some((b) => b < 0)), 10],
  ['reshape with an inferred size (−1)', someInstr((i) => i.op === 'reshape' && i.shape.includes(-1)), 10],
  ['transpose without perm', someInstr((i) => i.op === 'transpose' && i.perm === undefined), 5],
  ...(['1', '2', 'inf', 'fro'] as const).map((ord): [string, (p: Program) => boolean, number] => [
    `norm with ord ${ord}`,
    callWith('norm', (a) => String(a.ord) === ord),
    5,
  ]),
  ['gather with batchDims', callWith('gather', (a) => a.batchDims !== undefined), 10],
  ['topk of the smallest', callWith('topk', (a) => a.largest === false), 5],
  ["gelu with approximate 'tanh'", callWith('gelu', (a) => a.approximate === 'tanh'), 5],
  [
    'clamp or clip with a tensor bound',
    someInstr((i) => i.op === 'call' && (i.name === 'clamp' || i.name === 'clip') && i.args.slice(1).some((a) => typeof a === 'number')),
    10,
  ],
  ['clamp or clip with one bound left out', callWith('clamp', (a) => a.without !== undefined), 5],
  ['split into sizes', callWith('split', (a) => Array.isArray(a.sections)), 5],
  ['repeat with a count per element', callWith('repeat', (a) => Array.isArray(a.repeats)), 5],
  ['scatter with a number src', someInstr((i) => i.op === 'call' && i.name === 'scatter' && typeof i.args[1] === 'object'), 5],
  ['a chain of 10 or more instructions', (p) => depth(p) >= 10, 50],
  ['at most 4 deep', (p) => depth(p) <= 4, 10],
  ['at most 8 input elements (elementwise checks)', (p) => inputSize(p) <= 8, 100],
  ['more than 16 input elements', (p) => inputSize(p) > 16, 10],
];

describe('the program generator', () => {
  it('uses every op, many times', () => {
    const counts = new Map<string, number>(ALL_OPS.map((op) => [op, 0]));
    for (const p of programs) for (const instr of p.instrs) counts.set(opOf(instr), (counts.get(opOf(instr)) ?? Number.NaN) + 1);
    console.info(`[fuzz] op counts over ${programs.length} programs: ${[...counts].map(([op, n]) => `${op} ${n}`).join(', ')}`);
    for (const [op, n] of counts) expect(n, op).toBeGreaterThanOrEqual(20);
  });

  it('produces fan-out, broadcasting, every matmul layout and axis form, deep and small programs', () => {
    const found = FEATURES.map(([name, has, least]) => ({ name, programs: programs.filter(has).length, least }));
    console.info(`[fuzz] programs (of ${programs.length}) with: ${found.map((f) => `${f.name} ${f.programs}`).join('; ')}`);
    for (const f of found) expect(f.programs, f.name).toBeGreaterThanOrEqual(f.least);
  });

  it('gives programs whose loss is finite and moderate in float64', () => {
    for (const p of programs) {
      const loss = lossOf(p)(...inputsOf(p)).item();
      if (!(Math.abs(loss) < 1e4)) throw new Error(`loss ${loss} for\n${printProgram(p, true)}`);
    }
  });
});
