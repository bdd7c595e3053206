// einsum: sums of products over named indices. Two operands whose indices split into batch,
// contracted and free groups (a batched matrix product) run as transposes, reshapes and matmul;
// anything else (traces and diagonals, sums over an index of one operand, three or more operands)
// runs through one loop, the EINSUM primitive, whose pullback is again an EINSUM:
//   z[out] = Σ Π_k x_k[s_k]  ⇒  dx_k[s_k] = Σ dz[out] Π_{j≠k} x_j[s_j]
// an einsum of the cotangent with the other operands, written to x_k's subscripts. That output
// may repeat an index (x_k = A[i, i]: dA is dz on the diagonal, zeros off it) or name an index
// found in no input (a summed axis of x_k alone: dA broadcasts along it), so the loop allows both.
import { ShapeError, ValueError, formatShape } from '../errors.ts';
import { checkResultSize, checkTensor, given } from '../args.ts';
import { sizeOf, stridesOf } from '../shape.ts';
import { record } from '../tape.ts';
import { Tensor, arrayFor, commonDType } from '../tensor.ts';
import { primitive } from '../primitive.ts';
import { matmul } from './matmul.ts';
import { reshape, transpose } from './shape.ts';

const EINSUM = primitive('einsum', 'dxₖ = einsum of dz with the other operands, onto xₖ’s indices');

interface Spec {
  inputs: string[];
  output: string;
  sizes: Map<string, number>;
}

const LETTER = /^[a-zA-Z]*$/;

/** The spec parsed and checked against the operands: subscripts per operand, output, size per index. */
function parse(fn: string, spec: unknown, operands: readonly Tensor[]): Spec {
  if (typeof spec !== 'string') throw new ValueError(fn, `spec must be a string such as 'ij,jk->ik', got ${given(spec)}`);
  const text = spec.replace(/\s+/g, '');
  if (text.includes('.')) {
    throw new ValueError(fn, `'...' (ellipsis broadcasting) is not supported in '${spec}'; name every axis with a letter, e.g. 'bij,bjk->bik'`);
  }
  const arrow = text.indexOf('->');
  if (arrow !== text.lastIndexOf('->')) throw new ValueError(fn, `spec '${spec}' has more than one '->'`);
  const lhs = arrow >= 0 ? text.slice(0, arrow) : text;
  const inputs = lhs.split(',');
  if (inputs.length !== operands.length) {
    throw new ValueError(fn, `spec '${spec}' names ${inputs.length} operand(s) but ${operands.length} tensor(s) were given`);
  }
  const sizes = new Map<string, number>();
  const counts = new Map<string, number>();
  inputs.forEach((s, k) => {
    const x = operands[k]!;
    if (!LETTER.test(s)) throw new ValueError(fn, `subscripts '${s}' of operand ${k} in '${spec}' must be letters a–z, A–Z`);
    if (s.length !== x.rank) {
      throw new ShapeError(fn, `operand ${k} has shape ${formatShape(x.shape)} (rank ${x.rank}) but its subscripts '${s}' name ${s.length} axes`);
    }
    [...s].forEach((c, axis) => {
      const n = x.shape[axis]!;
      const seen = sizes.get(c);
      if (seen !== undefined && seen !== n) {
        throw new ShapeError(
          fn,
          `index '${c}' has size ${seen} in one place and ${n} in another (operand ${k}, shape ${formatShape(x.shape)}, axis ${axis}); sizes must match`,
        );
      }
      sizes.set(c, n);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    });
  });
  let output: string;
  if (arrow >= 0) {
    output = text.slice(arrow + 2);
    if (!LETTER.test(output)) throw new ValueError(fn, `output subscripts '${output}' in '${spec}' must be letters a–z, A–Z`);
    for (const c of output) {
      if (!sizes.has(c)) throw new ValueError(fn, `output index '${c}' in '${spec}' appears in no operand`);
      if (output.indexOf(c) !== output.lastIndexOf(c)) throw new ValueError(fn, `output index '${c}' repeats in '${spec}'; each output index appears once`);
    }
  } else {
    // NumPy's implicit output: the indices that appear exactly once, in alphabetical order
    output = [...counts.entries()]
      .filter(([, n]) => n === 1)
      .map(([c]) => c)
      .sort()
      .join('');
  }
  return { inputs, output, sizes };
}

/**
 * Strides per index for a tensor with subscripts `s`: an index that repeats gets the sum of its
 * axes' strides, so one step along it walks the diagonal.
 */
function letterStrides(s: string, letters: readonly string[], shape: readonly number[]): number[] {
  const own = stridesOf(shape);
  return letters.map((c) => [...s].reduce((acc, d, axis) => (d === c ? acc + own[axis]! : acc), 0));
}

/** The loop: out[output] = Σ Π_k x_k[inputs_k] over every index, with the output allowed repeated or new indices. */
function einsumLoop(spec: Spec, operands: readonly Tensor[]): Tensor {
  const { inputs, output, sizes } = spec;
  const dtype = operands[0]!.dtype;
  const shape = [...output].map((c) => sizes.get(c)!);
  checkResultSize('einsum', shape);
  const letters = [...new Set([...output, ...inputs.join('')])];
  const extent = letters.map((c) => sizes.get(c)!);
  const out = arrayFor(dtype, sizeOf(shape));
  const os = letterStrides(output, letters, shape);
  const xs = operands.map((x, k) => letterStrides(inputs[k]!, letters, x.shape));
  const data = operands.map((x) => x.data);
  const total = sizeOf(extent);
  const c = new Array<number>(letters.length).fill(0);
  const off = new Array<number>(operands.length).fill(0);
  let o = 0;
  for (let step = 0; step < total; step++) {
    let p = 1;
    for (let k = 0; k < data.length; k++) p *= data[k]![off[k]!]!;
    out[o] = out[o]! + p;
    // odometer over the indices, keeping every offset in step
    for (let d = letters.length - 1; d >= 0; d--) {
      if (++c[d]! < extent[d]!) {
        o += os[d]!;
        for (let k = 0; k < off.length; k++) off[k] = off[k]! + xs[k]![d]!;
        break;
      }
      c[d] = 0;
      o -= os[d]! * (extent[d]! - 1);
      for (let k = 0; k < off.length; k++) off[k] = off[k]! - xs[k]![d]! * (extent[d]! - 1);
    }
  }
  const result = new Tensor(out, shape, dtype);
  return record(
    EINSUM,
    operands,
    result,
    (dz: Tensor, needs) =>
      operands.map((_, k) => {
        if (!needs[k]) return null;
        const others = operands.filter((__, j) => j !== k);
        const subs = inputs.filter((__, j) => j !== k);
        return einsumLoop({ inputs: [output, ...subs], output: inputs[k]!, sizes }, [dz, ...others]);
      }),
    { spec: `${inputs.join(',')}->${output}` },
  );
}

/** Index groups of a two-operand einsum that is a batched matrix product, or null. */
function asMatmul(spec: Spec): { batch: string[]; free: [string[], string[]]; contracted: string[] } | null {
  const [a, b] = spec.inputs as [string, string];
  const out = spec.output;
  const distinct = (s: string) => new Set(s).size === s.length;
  if (!distinct(a) || !distinct(b)) return null;
  // every index of an operand must be in the other operand or in the output (no sum over one operand alone)
  if ([...a].some((c) => !b.includes(c) && !out.includes(c)) || [...b].some((c) => !a.includes(c) && !out.includes(c))) return null;
  const batch = [...out].filter((c) => a.includes(c) && b.includes(c));
  const free: [string[], string[]] = [[...out].filter((c) => a.includes(c) && !b.includes(c)), [...out].filter((c) => b.includes(c) && !a.includes(c))];
  const contracted = [...a].filter((c) => b.includes(c) && !out.includes(c));
  return { batch, free, contracted };
}

/** A and B permuted to [batch, free, contracted] and [batch, contracted, free], one matmul, and permuted to the output order. */
function viaMatmul(spec: Spec, a: Tensor, b: Tensor, g: NonNullable<ReturnType<typeof asMatmul>>): Tensor {
  const [sa, sb] = spec.inputs as [string, string];
  const size = (cs: readonly string[]) => sizeOf(cs.map((c) => spec.sizes.get(c)!));
  const orderA = [...g.batch, ...g.free[0], ...g.contracted];
  const orderB = [...g.batch, ...g.contracted, ...g.free[1]];
  const nb = size(g.batch);
  const A = reshape(
    transpose(
      a,
      orderA.map((c) => sa.indexOf(c)),
    ),
    [nb, size(g.free[0]), size(g.contracted)],
  );
  const B = reshape(
    transpose(
      b,
      orderB.map((c) => sb.indexOf(c)),
    ),
    [nb, size(g.contracted), size(g.free[1])],
  );
  const produced = [...g.batch, ...g.free[0], ...g.free[1]];
  const y = reshape(
    matmul(A, B),
    produced.map((c) => spec.sizes.get(c)!),
  );
  return transpose(
    y,
    [...spec.output].map((c) => produced.indexOf(c)),
  );
}

/**
 * Einstein summation, as np.einsum / torch.einsum: `einsum('ij,jk->ik', a, b)` is a matrix product,
 * `'ii'` a trace, `'ii->i'` a diagonal, `'ij->ji'` a transpose, `'bij,bjk->bik'` a batched product,
 * `'i,j->ij'` an outer product, `'i,ij,j'` a bilinear form. Indices absent from the output are
 * summed; without '->' the output is the indices that appear once, in alphabetical order.
 * Ellipsis ('...') is not supported. Two-operand batched products run on matmul; the rest on a loop
 * whose pullback is again an einsum.
 */
export function einsum(spec: string, ...operands: Tensor[]): Tensor {
  const fn = 'einsum';
  if (operands.length === 0) throw new ValueError(fn, `expected at least one operand after the spec '${String(spec)}'`);
  for (const [k, x] of operands.entries()) checkTensor(fn, `operand ${k}`, x);
  for (const x of operands) commonDType(fn, operands[0]!, x);
  const parsed = parse(fn, spec, operands);
  checkResultSize(
    fn,
    [...parsed.output].map((c) => parsed.sizes.get(c)!),
  );
  if (operands.length === 2) {
    const groups = asMatmul(parsed);
    if (groups !== null && groups.contracted.length > 0) return viaMatmul(parsed, operands[0]!, operands[1]!, groups);
  }
  return einsumLoop(parsed, operands);
}
