import { ValueError, enableGrad, expandComposite, explain } from '@pullback/autograd';
import type { Annotation, Node, Tensor, Trace, TraceGroup } from '@pullback/autograd';
import { checkChoice, checkOptions, checkTensor, describe } from '../internal/check.ts';
import { REDUCTIONS, crossEntropyCost, quadraticCost } from '../losses.ts';
import type { Reduction } from '../losses.ts';
import { MLP } from '../mlp.ts';
import type { ForwardTrace } from '../mlp.ts';
import { costSymbols } from './cost-symbols.ts';
import { NOTATIONS, bp1, bp2, bp3, bp4, notation } from './notation.ts';
import type { Notation, NotationName } from './notation.ts';

export interface ExplainBackpropOptions {
  /**
   * 'quadratic' (`quadraticCost`) or 'crossEntropy' (`crossEntropyCost`). Required, as by
   * `compareWithBackprop`: the cost decides δ^L, so it is never guessed.
   */
  cost: 'quadratic' | 'crossEntropy';
  /** 'nielsen' (default: w^l, δ^l, C) or 'ufldl' (W^{(l)} maps layer l to l+1, δ^{(l)}, J). */
  notation?: NotationName;
  /** How the cost reduces over the batch: 'mean' (default) or 'sum'. */
  reduction?: Reduction;
}

/** One heading of the trace: 'cost' (layer null) or 'layer l' (Nielsen's layer number). */
export interface BackpropGroup extends TraceGroup {
  layer: number | null;
  /** The BP equations tagged inside the group, in trace order, e.g. ['BP1', 'BP3', 'BP4']. */
  equations: string[];
}

export interface BackpropTrace extends Trace {
  groups: BackpropGroup[];
  notation: NotationName;
  /** The cost the trace starts from (a 0-d tensor, graph retained). */
  cost: Tensor;
  /** The recorded z^l and a^l (z[i], a[i] belong to layer i + 2). */
  forward: ForwardTrace;
  /** Examples in the batch (1 for a single example of shape [n_1]). */
  batchSize: number;
}

const COSTS = ['quadratic', 'crossEntropy'] as const;

/**
 * The backward pass of `model` on (x, y), grouped by the backprop equations: steps are tagged
 * BP1 (δ^L at z^L), BP2 (δ^l at each hidden z^l), BP3 (each bias) and BP4 (each weight), nodes are
 * printed as z^l, a^l, w^l, ... in the chosen notation, and grouped under 'cost', 'layer L', ...,
 * 'layer 2' in the order the pass visits them. The engine differentiates the batch cost, so with a
 * mean over m examples its cotangent at z^l is ∂C/∂z^l = δ^l / m, and the rendering says so.
 * Neither `.grad` nor the parameters are touched.
 */
export function explainBackprop(model: MLP, x: Tensor, y: Tensor, options: ExplainBackpropOptions): BackpropTrace {
  const fn = 'explainBackprop';
  if (!(model instanceof MLP)) throw new ValueError(fn, `model must be an MLP, got ${describe(model)}`);
  checkTensor(fn, 'x', x);
  checkTensor(fn, 'y', y);
  if (options === undefined)
    throw new ValueError(fn, `options { cost: 'quadratic' | 'crossEntropy' } are required (the cost decides δ^L, so it is never guessed)`);
  const o = checkOptions<Partial<ExplainBackpropOptions>>(fn, options, ['cost', 'notation', 'reduction']);
  if (o.cost === undefined) throw new ValueError(fn, `options.cost is required: 'quadratic' or 'crossEntropy' (the cost decides δ^L, so it is never guessed)`);
  const costName = checkChoice(fn, 'cost', o.cost, COSTS);
  const n = notation(checkChoice(fn, 'notation', o.notation ?? 'nielsen', NOTATIONS));
  const reduction = checkChoice(fn, 'reduction', o.reduction ?? 'mean', REDUCTIONS);

  const { forward, cost } = enableGrad(() => {
    // Recorded in the model's scope, as `model.call(x)` would, so that graph pictures of the cost can collapse layers.
    const tr = model.scoped(() => model.forwardTrace(x));
    const out = tr.a[tr.a.length - 1]!;
    return {
      forward: tr,
      cost: costName === 'quadratic' ? (expandComposite(quadraticCost(out, y, { reduction })) as Tensor) : crossEntropyCost(out, y, { reduction }),
    };
  });
  const batchSize = x.shape.length < 2 ? 1 : x.size / x.shape[x.shape.length - 1]!;
  const perExample = reduction === 'mean' && batchSize > 1 ? ' / m' : '';
  const annotations = annotateMlp(model, forward, { x, y, cost }, n, costName, { batched: batchSize > 1, perExample });
  const note = `${n.summary}. ${
    perExample
      ? `Batch of m = ${batchSize} with a mean cost: the engine's cotangent at ${n.generic.z} is ${n.generic.delta} / m.`
      : `The cotangent at ${n.generic.z} is ${n.generic.delta}${batchSize > 1 ? ', one row per example (summed cost)' : ''}.`
  }`;
  const trace = explain(cost, { annotate: (node) => annotations.get(node), note });
  const groups: BackpropGroup[] = trace.groups.map((g) => ({
    name: g.name,
    steps: g.steps,
    layer: g.name.startsWith('layer ') ? Number(g.name.slice(6)) : null,
    equations: g.steps.map((i) => /^BP\d/.exec(trace.steps[i - 1]!.equation ?? '')?.[0]).filter((e): e is string => e !== undefined),
  }));
  return { ...trace, groups, notation: n.name, cost, forward, batchSize };
}

/**
 * Symbols, equations and groups for the nodes of one recorded forward pass. Groups are found from
 * the graph: layer l owns what lies between a^{l−1} and a^l (its matmul, add, activation ops and its
 * parameters), the cost owns what lies above a^L.
 */
function annotateMlp(
  model: MLP,
  tr: ForwardTrace,
  { x, y, cost }: { x: Tensor; y: Tensor; cost: Tensor },
  n: Notation,
  costName: 'quadratic' | 'crossEntropy',
  { batched, perExample }: { batched: boolean; perExample: string },
): Map<Node, Annotation> {
  const out = new Map<Node, Annotation>();
  const set = (node: Node, a: Annotation): void => {
    out.set(node, { ...out.get(node), ...a });
  };
  const depth = model.layers.length;
  const L = depth + 1;
  const kind = (i: number): string => model.activations[i]!.kind;

  // Claim groups top-down, so a node shared by two layers (none in an MLP) goes to the later one.
  const group = new Map<Node, string>();
  const claim = (name: string, top: Node, ...stops: Node[]): void => {
    const stack = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (stops.includes(node) || group.has(node)) continue;
      group.set(node, name);
      for (const input of node.inputs ?? []) stack.push(input);
    }
  };
  // The cost reads a^L, or z^L itself when crossEntropyCost works from the sigmoid's logits.
  claim('cost', cost, tr.a[depth - 1]!, tr.z[depth - 1]!);
  for (let i = depth - 1; i >= 0; i--) claim(`layer ${i + 2}`, tr.a[i]!, i === 0 ? x : tr.a[i - 1]!);
  for (const [node, name] of group) out.set(node, { group: name });

  set(cost, { symbol: n.cost });
  set(x, { symbol: n.a(1) });
  set(y, { symbol: 'y' });
  // Every step of the cost named by the formula it computes (a^L − y, ½‖a^L − y‖², −ln a^L, ...).
  const ends = { cost, aL: tr.a[depth - 1]!, zL: tr.z[depth - 1]!, y, c: n.cost, a: n.a(L), z: n.z(L), batched };
  const names = costSymbols(ends);
  for (const [node, symbol] of names.symbols) if (group.get(node) === 'cost') set(node, { symbol });
  if (names.perExample !== null) set(names.perExample.node, { equation: names.perExample.formula });
  for (let i = depth - 1; i >= 0; i--) {
    const l = i + 2;
    const layer = model.layers[i]!;
    const z = tr.z[i]!;
    const a = tr.a[i]!;
    const delta = `${n.delta(l)}${perExample}`;
    const sum = batched ? `Σ_x ${n.delta(l)}` : n.delta(l);
    const equation = l === L ? bp1(n, L, { activation: kind(i), cost: costName }) : bp2(n, l, kind(i));
    // An identity activation returns z itself: the node is both, and its δ role wins.
    set(z, { symbol: a === z ? `${n.z(l)} = ${n.a(l)}` : n.z(l), equation, cotangent: delta });
    if (a !== z) {
      const incoming = l === L ? `∇_a ${n.cost}` : `(${n.w(l + 1)})ᵀ ${n.delta(l + 1)}`;
      set(a, { symbol: n.a(l), cotangent: `${incoming}${perExample}` });
    }
    set(layer.weight, { symbol: n.w(l), equation: bp4(n, l), cotangent: `${sum} (${n.a(l - 1)})ᵀ${perExample}` });
    if (layer.bias !== null) {
      set(layer.bias, { symbol: n.b(l), equation: bp3(n, l), cotangent: `${sum}${perExample}` });
      const product = z.inputs?.[0];
      if (product !== undefined && z.inputs?.[1] === layer.bias) set(product, { symbol: n.product(l), cotangent: delta });
    }
  }
  return out;
}
