// Runs a Program on the engine. The generator inferred every value's shape on its own, so the
// interpreter doubles as a shape oracle: an op whose output shape disagrees fails loudly.
import * as ops from '../../src/index.ts';
import { add, concat, mul, reshape, sum, tensor } from '../../src/index.ts';
import type { DType, Tensor } from '../../src/index.ts';
import { elementwisePrimitives } from '../../src/internal.ts';
import { callNamed } from './calls.ts';
import { printInstr } from './program.ts';
import type { Instr, Operand, Plain, Program } from './program.ts';

function toTensor(x: Plain, dtype: DType): Tensor {
  return tensor(x.values, { shape: x.shape, dtype });
}

/** The program's input tensors (fresh constants; transforms make their own differentiable copies). */
export function inputsOf(p: Program, dtype: DType = 'float64'): Tensor[] {
  return p.inputs.map((x) => toTensor(x, dtype));
}

function apply(instr: Instr, v: (a: Operand) => Tensor | number, inputs: readonly Tensor[], dtype: DType): Tensor {
  const t = (a: number): Tensor => v(a) as Tensor;
  switch (instr.op) {
    case 'input':
      return inputs[instr.index]!;
    case 'const':
      return toTensor(instr.value, dtype);
    case 'exp':
    case 'log':
    case 'sqrt':
    case 'tanh':
    case 'sigmoid':
    case 'softplus':
    case 'neg':
    case 'square':
    case 'relu':
    case 'abs':
      return ops[instr.op](t(instr.args[0]));
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow':
    case 'maximum':
    case 'minimum':
      return ops[instr.op](v(instr.args[0]), v(instr.args[1]));
    case 'where':
      return ops.where(t(instr.args[0]), v(instr.args[1]), v(instr.args[2]));
    case 'sum':
    case 'mean':
    case 'max':
    case 'min':
    case 'logSumExp':
      return ops[instr.op](t(instr.args[0]), instr.axis, instr.keepDims);
    case 'softmax':
    case 'logSoftmax':
      return instr.axis === undefined ? ops[instr.op](t(instr.args[0])) : ops[instr.op](t(instr.args[0]), instr.axis);
    case 'cumsum':
    case 'cumprod':
    case 'logCumSumExp':
      return ops[instr.op](t(instr.args[0]), instr.axis);
    case 'matmul':
      return ops.matmul(t(instr.args[0]), t(instr.args[1]), { transposeA: instr.transposeA, transposeB: instr.transposeB });
    case 'reshape':
      return ops.reshape(t(instr.args[0]), instr.shape);
    case 'transpose':
      return ops.transpose(t(instr.args[0]), instr.perm);
    case 'slice':
      return ops.slice(t(instr.args[0]), instr.begin, instr.end);
    case 'concat':
      return ops.concat(instr.args.map(t), instr.axis);
    case 'gather':
      return ops.gather(t(instr.args[0]), tensor(instr.indices, { shape: instr.indexShape }), instr.axis);
    case 'broadcastTo':
      return ops.broadcastTo(t(instr.args[0]), instr.shape);
    case 'flip':
      return ops.flip(t(instr.args[0]), instr.axis);
    case 'tile':
      return ops.tile(t(instr.args[0]), instr.reps);
    case 'pad':
      return ops.pad(t(instr.args[0]), instr.before, instr.after, { mode: instr.mode, value: instr.value });
    case 'takeAlongAxis':
      return ops.takeAlongAxis(t(instr.args[0]), tensor(instr.indices, { shape: instr.indexShape }), instr.axis);
    case 'einsum':
      return ops.einsum(instr.spec, ...instr.args.map(t));
    case 'elementwise': {
      const fn = primitiveNamed(instr.name).elementwise.fn as (...args: (Tensor | number)[]) => Tensor;
      return fn(...instr.args.map(v));
    }
    case 'call':
      return callNamed(instr.name)(instr.args.map(v), instr.attrs);
  }
}

function primitiveNamed(name: string) {
  const p = elementwisePrimitives().find((q) => q.name === name);
  if (p === undefined) throw new Error(`fuzz: no elementwise primitive named '${name}'`);
  return p;
}

/** Every value of the program on `inputs` (which fix the dtype). */
export function evaluate(p: Program, inputs: readonly Tensor[]): Tensor[] {
  const dtype = inputs[0]?.dtype ?? 'float64';
  const values: Tensor[] = [];
  const v = (a: Operand): Tensor | number => (typeof a === 'number' ? values[a]! : a.literal);
  p.instrs.forEach((instr, i) => {
    const out = apply(instr, v, inputs, dtype);
    const want = p.shapes[i]!;
    if (out.shape.join() !== want.join() || out.dtype !== dtype) {
      throw new Error(`shape oracle: ${printInstr(p, i)} gave shape [${out.shape.join(', ')}] ${out.dtype}; expected [${want.join(', ')}] ${dtype}`);
    }
    values.push(out);
  });
  return values;
}

/** The scalar loss Σₖ sum(v[sinks[k]] ⊙ wₖ): reaches every value, so every op's pullback runs. */
export function lossOf(p: Program): (...xs: Tensor[]) => Tensor {
  return (...xs) => {
    const values = evaluate(p, xs);
    const dtype = xs[0]!.dtype;
    return p.sinks.map((s, k) => sum(mul(values[s]!, toTensor(p.weights[k]!, dtype)))).reduce((acc, term) => add(acc, term));
  };
}

/** The sinks flattened and joined into one vector: a non-scalar output for jvp / vjp. */
export function sinksOf(p: Program): (...xs: Tensor[]) => Tensor {
  return (...xs) => {
    const values = evaluate(p, xs);
    return concat(
      p.sinks.map((s) => reshape(values[s]!, [-1])),
      0,
    );
  };
}
