import { GraphError } from '../errors.ts';
import { noGrad, runBackward } from '../tape.ts';
import type { Node } from '../tape.ts';
import { Tensor } from '../tensor.ts';
import { Scalar } from '../scalar.ts';
import { full } from '../create.ts';
import { label, shapeLabel, summarize } from './walk.ts';

/** Local derivative of each built-in op, as the trace prints it (x, y are the inputs, z the output). */
const FORMULAS: Record<string, string> = {
  add: '∂z/∂x = 1, ∂z/∂y = 1',
  sub: '∂z/∂x = 1, ∂z/∂y = −1',
  mul: '∂z/∂x = y, ∂z/∂y = x',
  div: '∂z/∂x = 1/y, ∂z/∂y = −x/y²',
  neg: '∂z/∂x = −1',
  pow: '∂z/∂x = y·x^(y−1), ∂z/∂y = z·ln x',
  exp: '∂z/∂x = eˣ',
  log: '∂z/∂x = 1/x',
  sqrt: '∂z/∂x = 1/(2√x)',
  abs: '∂z/∂x = sign(x)',
  tanh: '∂z/∂x = sech²x = 1 − tanh²x',
  cosh: '∂z/∂x = sinh x',
  sinh: '∂z/∂x = cosh x',
  sigmoid: "∂z/∂x = σ'(x) = σ(x)σ(−x)",
  sigmoidDerivative: "∂z/∂x = σ''(x)",
  tanhDerivative: '∂z/∂x = −2 sech²x tanh x',
  relu: '∂z/∂x = [x > 0]',
  softplus: '∂z/∂x = σ(x)',
  maximum: '∂z/∂x = [x > y], ∂z/∂y = [y > x] (½ each at ties)',
  minimum: '∂z/∂x = [x < y], ∂z/∂y = [y < x] (½ each at ties)',
  where: '∂z/∂x = [cond], ∂z/∂y = [¬cond]',
  sum: 'dx = dz broadcast over the summed axes',
  max: 'dx = dz at the argmax (shared among ties)',
  min: 'dx = dz at the argmin (shared among ties)',
  logSumExp: 'dx = dz · softmax(x)',
  matmul: 'Z = XY  ⇒  dX = dZ Yᵀ, dY = Xᵀ dZ',
  transpose: 'dx = transpose(dz) back',
  reshape: 'dx = reshape(dz) back',
  broadcastTo: 'dx = dz summed over the broadcast axes',
  slice: 'dx = dz padded with zeros',
  pad: 'dx = the middle of dz',
  concat: 'dxᵢ = the slice of dz that xᵢ filled',
  gather: 'dx = dz scattered (added) back at the indices',
  scatterAdd: 'du = gather(dz)',
  cast: 'dx = dz cast back',
  identity: 'dx = dz',
};

const ELEMENTWISE = new Set(['add', 'sub', 'mul', 'div', 'neg', 'pow', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'cosh', 'sinh', 'sigmoid', 'sigmoidDerivative', 'tanhDerivative', 'relu', 'softplus', 'maximum', 'minimum']);

export interface TraceInput {
  node: Node;
  label: string;
  /** The cotangent sent to this input (null: none, e.g. a constant). */
  cotangent: Node | null;
  /** The local derivative ∂z/∂input where it is elementwise (null otherwise). */
  local: Node | null;
}

export interface TraceStep {
  index: number;
  node: Node;
  label: string;
  op: string;
  shape: string;
  value: Node;
  /** The total cotangent ∂(output)/∂(this node) arriving here. */
  cotangent: Node;
  formula: string;
  inputs: TraceInput[];
  /** Equation tag for MLP graphs (BP1–BP4), if the node carries a role. */
  equation?: string;
}

export interface Trace {
  output: Node;
  steps: TraceStep[];
  toText(): string;
  toMarkdown(): string;
  toJSON(): unknown;
}

function localDerivative(node: Node, index: number): Node | null {
  if (!ELEMENTWISE.has(node.op) || node.pullback === null) return null;
  const input = node.inputs![index]!;
  const ones = node instanceof Scalar ? new Scalar(1) : full((node as Tensor).shape, 1, (node as Tensor).dtype);
  const needs = node.inputs!.map((_, i) => i === index);
  const sent = noGrad(() => node.pullback!(ones, needs))[index];
  if (!sent) return null;
  // Only meaningful when the input was not broadcast (then it is ∂z/∂x elementwise).
  if (input instanceof Tensor && sent instanceof Tensor && sent.size !== input.size) return null;
  return sent;
}

/**
 * The backward pass from `output`, as an ordered list of steps: each node reached, its op, its
 * local derivative (formula, and value where elementwise), the cotangent arriving and the
 * cotangents sent to each input. The graph is retained, so `backward()` still works afterwards;
 * `.grad` is not touched.
 */
export function explain(output: Node, seed?: Node): Trace {
  if (!output.requiresGrad) {
    throw new GraphError('explain', `the output does not require grad: nothing was recorded to explain`);
  }
  const steps: TraceStep[] = [];
  const add = (node: Node, cot: Node, sent: readonly (Node | null)[]): void => {
    steps.push({
      index: steps.length + 1,
      node,
      label: label(node),
      op: node.op,
      shape: shapeLabel(node),
      value: node,
      cotangent: cot,
      formula: node.inputs === null ? 'leaf: the cotangent is its gradient' : FORMULAS[node.op] ?? 'custom pullback',
      inputs: (node.inputs ?? []).map((x, i) => ({ node: x, label: label(x), cotangent: sent[i] ?? null, local: localDerivative(node, i) })),
      ...(node.attrs && typeof node.attrs['equation'] === 'string' ? { equation: node.attrs['equation'] as string } : {}),
    });
  };
  const leaves: [Node, Node][] = [];
  runBackward({
    fn: 'explain',
    roots: [output],
    seeds: [seed as Node],
    accumulate: false,
    retainGraph: true,
    onStep: add,
    onLeaf: (leaf: Node, cot: Node) => leaves.push([leaf, cot]),
  });
  for (const [leaf, cot] of leaves) add(leaf, cot, []);
  steps.forEach((s, i) => (s.index = i + 1));
  return makeTrace(output, steps);
}

function makeTrace(output: Node, steps: TraceStep[]): Trace {
  const toText = (): string => {
    const out: string[] = [`backward pass from ${label(output)} (${shapeLabel(output)}, value ${summarize(output)})`];
    for (const s of steps) {
      const head = `${String(s.index).padStart(3)}. ${s.label}${s.node.inputs ? ` = ${s.op}(${s.inputs.map((i) => i.label).join(', ')})` : ''}`;
      out.push(`${head}${s.equation ? `   [${s.equation}]` : ''}`);
      out.push(`     value ${summarize(s.value)}   cotangent ∂out/∂${s.label} = ${summarize(s.cotangent)}`);
      if (s.node.inputs) {
        out.push(`     local: ${s.formula}`);
        for (const i of s.inputs) {
          out.push(`       → ${i.label}: sends ${summarize(i.cotangent)}${i.local ? `   (∂z/∂${i.label} = ${summarize(i.local)})` : ''}`);
        }
      }
    }
    return out.join('\n') + '\n';
  };
  const toMarkdown = (): string => {
    const head = '| # | node | op | equation | value | cotangent in | local derivative | sent to inputs |\n|---|---|---|---|---|---|---|---|';
    const body = steps.map((s) =>
      `| ${s.index} | \`${s.label}\` | ${s.node.inputs ? s.op : 'leaf'} | ${s.equation ?? ''} | ${summarize(s.value)} | ${summarize(s.cotangent)} | ${s.node.inputs ? s.formula : ''} | ${s.inputs.map((i) => `${i.label}: ${summarize(i.cotangent)}`).join('; ')} |`,
    );
    return [head, ...body].join('\n') + '\n';
  };
  const toJSON = () => ({
    output: { label: label(output), shape: shapeLabel(output) },
    steps: steps.map((s) => ({
      index: s.index,
      label: s.label,
      op: s.node.inputs ? s.op : 'leaf',
      shape: s.shape,
      equation: s.equation ?? null,
      value: summarize(s.value),
      cotangent: summarize(s.cotangent),
      formula: s.node.inputs ? s.formula : null,
      inputs: s.inputs.map((i) => ({ label: i.label, cotangent: summarize(i.cotangent), local: i.local ? summarize(i.local) : null })),
    })),
  });
  return { output, steps, toText, toMarkdown, toJSON };
}
