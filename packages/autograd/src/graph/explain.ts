import { GraphError } from '../errors.ts';
import { Node, noGrad, runBackward } from '../tape.ts';
import { Tensor } from '../tensor.ts';
import { Scalar } from '../scalar.ts';
import { full } from '../create.ts';
import { isUserOp } from '../custom.ts';
import { checkNode, label, shapeLabel, summarize } from './walk.ts';

/** Local derivative of each built-in op, as the trace prints it (x, y are the inputs, z the output). */
const FORMULAS: Record<string, string> = {
  add: '∂z/∂x = 1, ∂z/∂y = 1',
  sub: '∂z/∂x = 1, ∂z/∂y = −1',
  mul: '∂z/∂x = y, ∂z/∂y = x',
  div: '∂z/∂x = 1/y, ∂z/∂y = −x/y²',
  neg: '∂z/∂x = −1',
  pow: '∂z/∂x = y·x^(y−1) (0 where y = 0), ∂z/∂y = z·ln x (0 where x = 0, y ≥ 0)',
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

const ELEMENTWISE = new Set([
  'add',
  'sub',
  'mul',
  'div',
  'neg',
  'pow',
  'exp',
  'log',
  'sqrt',
  'abs',
  'tanh',
  'cosh',
  'sinh',
  'sigmoid',
  'sigmoidDerivative',
  'tanhDerivative',
  'relu',
  'softplus',
  'maximum',
  'minimum',
]);

/**
 * What a caller knows about a node that the engine does not: a symbol to print instead of its
 * label ('z^2'), an equation the step evaluates, a heading grouping consecutive steps, and a name
 * for the cotangent arriving at it ('δ^2 / m'). Every field is optional.
 */
export interface Annotation {
  symbol?: string;
  equation?: string;
  group?: string;
  cotangent?: string;
}

export interface ExplainOptions {
  /** Cotangent to start from; required for a non-scalar output (default: 1 for a scalar). */
  seed?: Node;
  /** Called once per node met (steps and their inputs); return undefined to leave it as it is. */
  annotate?: (node: Node) => Annotation | undefined;
  /** A line printed under the header of every rendering (and kept in JSON). */
  note?: string;
}

export interface TraceInput {
  node: Node;
  /** The input's symbol if annotated, else its label. */
  label: string;
  /** The cotangent sent to this input (null: none, e.g. a constant). */
  cotangent: Node | null;
  /** The local derivative ∂z/∂input where it is elementwise (null otherwise). */
  local: Node | null;
}

export interface TraceStep {
  index: number;
  node: Node;
  /** The node's symbol if annotated, else its label (`n`, `mul#12`). */
  label: string;
  op: string;
  shape: string;
  value: Node;
  /** The total cotangent ∂(output)/∂(this node) arriving here. */
  cotangent: Node;
  formula: string;
  inputs: TraceInput[];
  /** The equation this step evaluates: from `annotate`, else a node's `attrs.equation`. */
  equation?: string;
  /** The symbol given by `annotate`. */
  symbol?: string;
  /** The heading this step is grouped under. */
  group?: string;
  /** A name for the cotangent ('δ^2 / m'). */
  cotangentLabel?: string;
}

/** A run of consecutive steps under one heading; `steps` are step indices (1-based). */
export interface TraceGroup {
  name: string;
  steps: number[];
}

export interface Trace {
  output: Node;
  steps: TraceStep[];
  /** Consecutive runs of steps with the same `group`, in trace order (empty without groups). */
  groups: TraceGroup[];
  note?: string;
  toText(): string;
  toMarkdown(): string;
  toJSON(): unknown;
}

function localDerivative(node: Node, index: number): Node | null {
  // Keyed on the built-in op's name, so a user's defineOp('mul', …) (any algebra) is never probed as one
  if (!ELEMENTWISE.has(node.op) || isUserOp(node) || node.pullback === null) return null;
  const input = node.inputs![index]!;
  const ones = node instanceof Scalar ? new Scalar(1) : full((node as Tensor).shape, 1, (node as Tensor).dtype);
  const needs = node.inputs!.map((_, i) => i === index);
  const sent = noGrad(() => node.pullback!(ones, needs, node))[index];
  if (!sent) return null;
  // Only meaningful when the input was not broadcast (then it is ∂z/∂x elementwise).
  if (input instanceof Tensor && sent instanceof Tensor && sent.size !== input.size) return null;
  return sent;
}

/**
 * The backward pass from `output`, as an ordered list of steps in the order the pass visits the
 * nodes (reverse topological order; a leaf comes once all its consumers have sent their share):
 * each node reached, its op, its local derivative (formula, and value where elementwise), the
 * cotangent arriving and the cotangents sent to each input. `annotate` adds symbols, equation tags
 * and group headings to the rendering without touching the numbers. The graph is retained, so
 * `backward()` still works afterwards; `.grad` is not touched. `explain(output, seed)` is short
 * for `explain(output, { seed })`.
 */
export function explain(output: Node, options: ExplainOptions | Node = {}): Trace {
  checkNode('explain', output, 'the output');
  if (!output.requiresGrad) {
    throw new GraphError('explain', `the output does not require grad: nothing was recorded to explain`);
  }
  const o: ExplainOptions = options instanceof Node ? { seed: options } : (options ?? {});
  if (o.annotate !== undefined && typeof o.annotate !== 'function') {
    throw new GraphError('explain', `options.annotate must be a function (node) => { symbol?, equation?, group?, cotangent? } | undefined`);
  }
  const notes = new Map<Node, Annotation | undefined>();
  const note = (node: Node): Annotation | undefined => {
    if (!notes.has(node)) notes.set(node, o.annotate?.(node) ?? undefined);
    return notes.get(node);
  };
  const show = (node: Node): string => note(node)?.symbol ?? label(node);
  const steps: TraceStep[] = [];
  const add = (node: Node, cot: Node, sent: readonly (Node | null)[]): void => {
    const a = note(node);
    const equation = a?.equation ?? (node.attrs && typeof node.attrs.equation === 'string' ? (node.attrs.equation as string) : undefined);
    steps.push({
      index: steps.length + 1,
      node,
      label: show(node),
      op: node.op,
      shape: shapeLabel(node),
      value: node,
      cotangent: cot,
      formula: node.inputs === null ? 'leaf: the cotangent is its gradient' : ((isUserOp(node) ? undefined : FORMULAS[node.op]) ?? 'custom pullback'),
      inputs: (node.inputs ?? []).map((x, i) => ({ node: x, label: show(x), cotangent: sent[i] ?? null, local: localDerivative(node, i) })),
      ...(equation !== undefined && { equation }),
      ...(a?.symbol !== undefined && { symbol: a.symbol }),
      ...(a?.group !== undefined && { group: a.group }),
      ...(a?.cotangent !== undefined && { cotangentLabel: a.cotangent }),
    });
  };
  runBackward({
    fn: 'explain',
    roots: [output],
    seeds: [o.seed as Node],
    accumulate: false,
    retainGraph: true,
    onStep: add,
    onLeaf: (leaf: Node, cot: Node) => add(leaf, cot, []),
  });
  return makeTrace(output, show(output), steps, o.note);
}

function groupsOf(steps: readonly TraceStep[]): TraceGroup[] {
  const groups: TraceGroup[] = [];
  let prev: string | undefined;
  for (const s of steps) {
    if (s.group !== undefined && s.group === prev) groups[groups.length - 1]!.steps.push(s.index);
    else if (s.group !== undefined) groups.push({ name: s.group, steps: [s.index] });
    prev = s.group;
  }
  return groups;
}

/** The steps split into consecutive runs of one group (a run with no group has name undefined). */
function runs(steps: readonly TraceStep[]): { name: string | undefined; steps: TraceStep[] }[] {
  const out: { name: string | undefined; steps: TraceStep[] }[] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    if (last !== undefined && last.name === s.group) last.steps.push(s);
    else out.push({ name: s.group, steps: [s] });
  }
  return out;
}

function makeTrace(output: Node, outLabel: string, steps: TraceStep[], note: string | undefined): Trace {
  const groups = groupsOf(steps);
  const grouped = groups.length > 0;
  // ∂C/∂(w^2 a^1), not ∂C/∂w^2 a^1, for a symbol with spaces.
  const wrt = (name: string): string => (name.includes(' ') ? `(${name})` : name);
  const cotangentText = (s: TraceStep): string => `${s.cotangentLabel ? `${s.cotangentLabel} = ` : ''}${summarize(s.cotangent)}`;
  const header = `backward pass from ${outLabel} (${shapeLabel(output)}, value ${summarize(output)})`;
  const toText = (): string => {
    const out: string[] = [header];
    if (note) out.push(note);
    for (const run of runs(steps)) {
      if (grouped) out.push(`── ${run.name ?? '(no group)'} ──`);
      for (const s of run.steps) {
        const head = `${String(s.index).padStart(3)}. ${s.label}${s.node.inputs ? ` = ${s.op}(${s.inputs.map((i) => i.label).join(', ')})` : ''}`;
        out.push(`${head}${s.equation ? `   [${s.equation}]` : ''}`);
        out.push(`     value ${summarize(s.value)}   cotangent ∂${outLabel}/∂${wrt(s.label)} = ${cotangentText(s)}`);
        if (s.node.inputs) {
          out.push(`     local: ${s.formula}`);
          for (const i of s.inputs) {
            out.push(`       → ${i.label}: sends ${summarize(i.cotangent)}${i.local ? `   (∂z/∂${wrt(i.label)} = ${summarize(i.local)})` : ''}`);
          }
        }
      }
    }
    return `${out.join('\n')}\n`;
  };
  const toMarkdown = (): string => {
    const table = (rows: readonly TraceStep[]): string[] => [
      '| # | node | op | equation | value | cotangent in | local derivative | sent to inputs |',
      '|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (s) =>
          `| ${s.index} | \`${s.label}\` | ${s.node.inputs ? s.op : 'leaf'} | ${s.equation ?? ''} | ${summarize(s.value)} | ${cotangentText(s)} | ${s.node.inputs ? s.formula : ''} | ${s.inputs.map((i) => `${i.label}: ${summarize(i.cotangent)}`).join('; ')} |`,
      ),
    ];
    const out: string[] = note ? [note, ''] : [];
    if (!grouped) out.push(...table(steps));
    else for (const run of runs(steps)) out.push(`**${run.name ?? '(no group)'}**`, '', ...table(run.steps), '');
    return `${out.join('\n').trimEnd()}\n`;
  };
  const toJSON = () => ({
    output: { label: outLabel, shape: shapeLabel(output) },
    note: note ?? null,
    groups: groups.map((g) => ({ name: g.name, steps: [...g.steps] })),
    steps: steps.map((s) => ({
      index: s.index,
      label: s.label,
      symbol: s.symbol ?? null,
      group: s.group ?? null,
      op: s.node.inputs ? s.op : 'leaf',
      shape: s.shape,
      equation: s.equation ?? null,
      value: summarize(s.value),
      cotangent: summarize(s.cotangent),
      cotangentLabel: s.cotangentLabel ?? null,
      formula: s.node.inputs ? s.formula : null,
      inputs: s.inputs.map((i) => ({ label: i.label, cotangent: summarize(i.cotangent), local: i.local ? summarize(i.local) : null })),
    })),
  });
  return { output, steps, groups, ...(note !== undefined && { note }), toText, toMarkdown, toJSON };
}
