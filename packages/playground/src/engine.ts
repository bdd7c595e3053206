import { Scalar, explain, scalar } from '@pullback/autograd';
import type { Node, Trace } from '@pullback/autograd';
import type { Algebra } from './evaluate.ts';
import { checkNodeCount } from './limits.ts';
import { evaluate } from './evaluate.ts';
import type { Program } from './parser.ts';

const scalarAlgebra: Algebra<Scalar> = {
  // A literal is a constant leaf named by its text, so the graph shows `0.5` rather than `leaf#7`.
  constant: (v, text) => new Scalar(v, text),
  neg: (x) => x.neg(),
  binary(op, a, b) {
    switch (op) {
      case '+':
        return a.add(b);
      case '-':
        return a.sub(b);
      case '*':
        return a.mul(b);
      case '/':
        return a.div(b);
      case '^':
        return a.pow(b);
    }
  },
  call(fn, x) {
    switch (fn) {
      case 'tanh':
        return x.tanh();
      case 'exp':
        return x.exp();
      case 'log':
        return x.log();
      case 'relu':
        return x.relu();
      case 'sigmoid':
        return x.sigmoid();
      case 'sqrt':
        return x.sqrt();
      case 'abs':
        return x.abs();
      case 'sin':
        return x.sin();
      case 'cos':
        return x.cos();
      case 'sinh':
        return x.sinh();
      case 'cosh':
        return x.cosh();
    }
  },
  // Name an op's result after its line (`z1 = ...`); a leaf keeps its own name.
  bind: (name, x) => (x.inputs !== null && x.name === undefined ? x.named(name) : x),
};

export interface GraphBuild {
  output: Scalar;
  /** One differentiable leaf per variable, shared by every use (fan-out adds up in `.grad`). */
  leaves: Map<string, Scalar>;
  bound: Map<string, Scalar>;
}

/**
 * Build the program's graph on the engine. `equations` tags named nodes (variables or lines) with
 * the BP1–BP4 equation their cotangent computes; explain() reports the tag at that step.
 */
export function buildGraph(program: Program, values: ReadonlyMap<string, number>, equations: Readonly<Record<string, string>> = {}): GraphBuild {
  const leaves = new Map<string, Scalar>();
  for (const name of program.variables) {
    const v = values.get(name);
    if (v === undefined) throw new Error(`buildGraph: no value for the variable '${name}'`);
    leaves.set(name, scalar(v, name));
  }
  const { output, bound } = evaluate(program, leaves, scalarAlgebra);
  checkNodeCount(countNodes(output));
  for (const [name, equation] of Object.entries(equations)) {
    const node = leaves.get(name) ?? bound.get(name);
    if (node) node.attrs = { ...node.attrs, equation };
  }
  return { output, leaves, bound };
}

/** Every distinct node of the graph of `output`, constants included (iterative). */
function allNodes(output: Node): Node[] {
  const seen = new Set<Node>([output]);
  const stack: Node[] = [output];
  while (stack.length) {
    for (const x of stack.pop()!.inputs ?? []) {
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(x);
    }
  }
  return [...seen];
}

export const countNodes = (output: Node): number => allNodes(output).length;

export interface StepInput {
  label: string;
  nodeId: string;
  /** ∂(this step's node)/∂(input), from the engine; null where it has none. */
  local: number | null;
  /** The cotangent sent to this input; null for a constant. */
  sent: number | null;
}

/** One step of the backward pass, as plain data for the page. */
export interface StepView {
  index: number;
  /** `n<id>`: the node's id in toDot's output, and so the <title> of its group in the SVG. */
  nodeId: string;
  label: string;
  op: string;
  leaf: boolean;
  equation: string | null;
  value: number;
  /** The total cotangent ∂output/∂node arriving at this step. */
  cotangent: number;
  formula: string;
  inputs: StepInput[];
}

/** An intermediate node (an op's result) with the gradient ∂output/∂node the backward pass gave it. */
export interface NodeGrad {
  label: string;
  nodeId: string;
  op: string;
  value: number;
  grad: number;
}

export interface Analysis {
  graph: GraphBuild;
  value: number;
  /** Null when the output depends on no variable (a constant): there is no backward pass. */
  trace: Trace | null;
  steps: StepView[];
  /** ∂output/∂variable, read from each leaf's `.grad` after `backward()`. */
  grads: Map<string, number>;
  /** The intermediate nodes, in the order the backward pass visits them, with their `.grad`. */
  nodeGrads: NodeGrad[];
}

const num = (x: Node | null): number | null => (x === null ? null : (x as Scalar).data);

function stepViews(trace: Trace): StepView[] {
  return trace.steps.map((s) => ({
    index: s.index,
    nodeId: `n${s.node.id}`,
    label: s.label,
    op: s.node.inputs === null ? 'leaf' : s.op,
    leaf: s.node.inputs === null,
    equation: s.equation ?? null,
    value: (s.value as Scalar).data,
    cotangent: (s.cotangent as Scalar).data,
    formula: s.formula,
    inputs: s.inputs.map((i) => ({ label: i.label, nodeId: `n${i.node.id}`, local: num(i.local), sent: num(i.cotangent) })),
  }));
}

/** Build, trace (explain) and differentiate (backward) the program at these values. */
export function analyze(program: Program, values: ReadonlyMap<string, number>, equations: Readonly<Record<string, string>> = {}): Analysis {
  const graph = buildGraph(program, values, equations);
  const { output } = graph;
  const grads = new Map<string, number>();
  if (!output.requiresGrad) {
    for (const name of graph.leaves.keys()) grads.set(name, 0);
    return { graph, value: output.data, trace: null, steps: [], grads, nodeGrads: [] };
  }
  const trace = explain(output);
  // Keep every node's total cotangent as its .grad, so the drawn graph can show it on each node.
  for (const n of allNodes(output)) if (n.inputs !== null) n.retainsGrad = true;
  output.backward({ retainGraph: true });
  for (const [name, leaf] of graph.leaves) grads.set(name, leaf.grad);
  const nodeGrads = trace.steps
    .filter((s) => s.node.inputs !== null)
    .map((s) => ({
      label: s.label,
      nodeId: `n${s.node.id}`,
      op: s.op,
      value: (s.node as Scalar).data,
      grad: (s.node as Scalar).gradScalar?.data ?? Number.NaN,
    }));
  return { graph, value: output.data, trace, steps: stepViews(trace), grads, nodeGrads };
}
