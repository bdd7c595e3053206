// A random program as a plain record: a list of instructions over numbered values, the shapes the
// generator inferred for them, and the constants it drew. Everything a failure needs to be read
// and replayed is in here; `printProgram` renders it one instruction per line.

import type { Plain } from '../support/arbitraries.ts';

/** A tensor as plain numbers (the property tests' record). */
export type { Plain };

/** An operand: the index of an earlier value, or a number literal (lifted by the engine). */
export type Operand = number | { literal: number };

export const UNARY = ['exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'softplus', 'neg', 'square', 'relu', 'abs'] as const;
export const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
export const REDUCE = ['sum', 'mean', 'max', 'min', 'logSumExp'] as const;
export const SOFTMAX = ['softmax', 'logSoftmax'] as const;
export const SCAN = ['cumsum', 'cumprod', 'logCumSumExp'] as const;
export const SHAPE_OPS = ['reshape', 'transpose', 'slice', 'concat', 'gather', 'broadcastTo'] as const;
/** The shape and indexing ops of issue #16 with a recipe (recipes-layout.ts). */
export const LAYOUT_OPS = ['flip', 'tile', 'pad', 'takeAlongAxis', 'einsum'] as const;

export type UnaryOp = (typeof UNARY)[number];
export type BinaryOp = (typeof BINARY)[number];
export type ReduceOp = (typeof REDUCE)[number];
export type SoftmaxOp = (typeof SOFTMAX)[number];
export type ScanOp = (typeof SCAN)[number];

/** An attribute of a `call`: plain data, so that a printed program says everything the call did. */
export type Attr = number | string | boolean | readonly number[];
export type Attrs = Readonly<Record<string, Attr>>;

/** Every instruction produces the next value; `args` index earlier values. */
export type Instr =
  | { op: 'input'; index: number }
  | { op: 'const'; value: Plain }
  | { op: UnaryOp; args: [number] }
  | { op: BinaryOp; args: [Operand, Operand] }
  | { op: 'where'; args: [number, Operand, Operand] }
  | { op: ReduceOp; args: [number]; axis: number | number[] | undefined; keepDims: boolean }
  | { op: SoftmaxOp; args: [number]; axis: number | undefined }
  | { op: ScanOp; args: [number]; axis: number }
  | { op: 'matmul'; args: [number, number]; transposeA: boolean; transposeB: boolean }
  | { op: 'reshape'; args: [number]; shape: number[] }
  | { op: 'transpose'; args: [number]; perm: number[] | undefined }
  | { op: 'slice'; args: [number]; begin: number[]; end: (number | undefined)[] }
  | { op: 'concat'; args: number[]; axis: number }
  | { op: 'gather'; args: [number]; axis: number; indices: number[]; indexShape: number[] }
  | { op: 'broadcastTo'; args: [number]; shape: number[] }
  | { op: 'flip'; args: [number]; axis: number[] }
  | { op: 'tile'; args: [number]; reps: number[] }
  | { op: 'pad'; args: [number]; before: number[]; after: number[]; mode: 'reflect' | 'edge' | 'constant'; value: number }
  | { op: 'takeAlongAxis'; args: [number]; axis: number; indices: number[]; indexShape: number[] }
  | { op: 'einsum'; args: number[]; spec: string }
  /** Any elementwise primitive by name (the ones without a recipe of their own: see recipes-elementwise.ts). */
  | { op: 'elementwise'; name: string; args: Operand[] }
  /** Any op of the adapter table in calls.ts by its public name, with its non-tensor arguments as attributes. */
  | { op: 'call'; name: string; args: Operand[]; attrs: Attrs };

export type OpName = Instr['op'];

export interface Program {
  /** Values of the `input` instructions, in order: the arguments of the program's function. */
  inputs: Plain[];
  instrs: Instr[];
  /** The shape the generator inferred for each value; the interpreter checks the engine agrees. */
  shapes: number[][];
  /** Values that no later instruction uses: all of them reach the scalar loss. */
  sinks: number[];
  /** loss = Σₖ sum(v[sinks[k]] ⊙ weights[k]): a fixed random cotangent for every sink. */
  weights: Plain[];
}

/** The indices of the operands of an instruction that are values (not literals). */
export function operandsOf(instr: Instr): number[] {
  if (!('args' in instr)) return [];
  return (instr.args as Operand[]).filter((a): a is number => typeof a === 'number');
}

const fmtShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const fmtOperand = (a: Operand): string => (typeof a === 'number' ? `v${a}` : String(a.literal));
const fmtNumbers = (xs: readonly number[]): string => `[${xs.join(', ')}]`;
const fmtAttr = (a: Attr): string => (typeof a === 'object' ? fmtNumbers(a) : String(a));

function attrsOf(instr: Instr): string[] {
  switch (instr.op) {
    case 'sum':
    case 'mean':
    case 'max':
    case 'min':
    case 'logSumExp':
      return [...(instr.axis === undefined ? [] : [`axis=${JSON.stringify(instr.axis)}`]), ...(instr.keepDims ? ['keepDims'] : [])];
    case 'softmax':
    case 'logSoftmax':
      return instr.axis === undefined ? [] : [`axis=${instr.axis}`];
    case 'cumsum':
    case 'cumprod':
    case 'logCumSumExp':
      return [`axis=${instr.axis}`];
    case 'matmul':
      return [...(instr.transposeA ? ['transposeA'] : []), ...(instr.transposeB ? ['transposeB'] : [])];
    case 'reshape':
    case 'broadcastTo':
      return [fmtShape(instr.shape)];
    case 'transpose':
      return instr.perm === undefined ? [] : [`perm=${fmtShape(instr.perm)}`];
    case 'slice':
      return [`begin=${fmtShape(instr.begin)}`, `end=[${instr.end.map((e) => (e === undefined ? '_' : e)).join(', ')}]`];
    case 'concat':
      return [`axis=${instr.axis}`];
    case 'gather':
      return [`indices=${fmtNumbers(instr.indices)}${instr.indexShape.length > 1 ? ` as ${fmtShape(instr.indexShape)}` : ''}`, `axis=${instr.axis}`];
    case 'flip':
      return [`axis=${fmtShape(instr.axis)}`];
    case 'tile':
      return [`reps=${fmtShape(instr.reps)}`];
    case 'pad':
      return [fmtShape(instr.before), fmtShape(instr.after), `mode=${instr.mode}`, ...(instr.mode === 'constant' ? [`value=${instr.value}`] : [])];
    case 'takeAlongAxis':
      return [`indices=${fmtNumbers(instr.indices)} as ${fmtShape(instr.indexShape)}`, `axis=${instr.axis}`];
    case 'einsum':
      return [`'${instr.spec}'`];
    case 'call':
      return Object.entries(instr.attrs).map(([k, a]) => `${k}=${fmtAttr(a)}`);
    default:
      return [];
  }
}

/** One instruction, e.g. `v3 = matmul(v0, v2, transposeB)  : [2, 2]`. */
export function printInstr(p: Program, i: number): string {
  const instr = p.instrs[i]!;
  const shape = `  : ${fmtShape(p.shapes[i]!)}`;
  if (instr.op === 'input') return `v${i} = input ${instr.index}${shape}`;
  if (instr.op === 'const') return `v${i} = const ${fmtNumbers(instr.value.values)}${shape}`;
  const parts = [...(instr.args as Operand[]).map(fmtOperand), ...attrsOf(instr)];
  return `v${i} = ${instr.op === 'elementwise' || instr.op === 'call' ? instr.name : instr.op}(${parts.join(', ')})${shape}`;
}

/** The whole program, one instruction per line, then the loss; with `values`, the numbers too. */
export function printProgram(p: Program, values = false): string {
  const lines = p.instrs.map((_, i) => printInstr(p, i));
  lines.push(`loss = ${p.sinks.map((s, k) => `sum(v${s} * w${k})`).join(' + ')}`);
  if (values) {
    p.inputs.forEach((x, k) => {
      lines.push(`input ${k} = ${fmtNumbers(x.values)}`);
    });
    p.weights.forEach((w, k) => {
      lines.push(`w${k} = ${fmtNumbers(w.values)}`);
    });
  }
  return lines.join('\n');
}
