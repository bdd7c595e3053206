// The backward pass: the reverse topological order, the pass itself (one generic loop over every
// node's pullback) and its options.
import { AnomalyError, GraphError, ValueError, describeValue } from '../errors.ts';
import { modes } from './modes.ts';
import { Node, free } from './node.ts';
import { checkUnchanged } from './record.ts';
import { describeInputs } from './site.ts';

// ---- the backward pass -----------------------------------------------------------------------

let epoch = 0;
let passes = 0;
/** The backward pass running now (0 when none): values record it at creation, see `_ownedBy`. */
export let currentPass = 0;

/** Nodes reachable from `roots` through inputs that require grad, inputs before their consumers. */
export function topologicalOrder(fn: string, roots: readonly Node[]): Node[] {
  const mark = ++epoch;
  const order: Node[] = [];
  const stack: Node[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (root._visit === mark || !root.requiresGrad) continue;
    root._visit = mark;
    stack.push(root);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top]!;
      if (node.freed) {
        throw new GraphError(
          fn,
          `the graph through op '${node.op}' (${node._describe()}) was freed by an earlier backward pass; ` +
            `pass { retainGraph: true } to the first backward() to go through the graph twice`,
        );
      }
      const inputs = node.inputs;
      const i = next[top]!;
      if (inputs !== null && i < inputs.length) {
        next[top] = i + 1;
        const child = inputs[i]!;
        if (child.requiresGrad && child._visit !== mark) {
          child._visit = mark;
          stack.push(child);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        order.push(node);
      }
    }
  }
  return order;
}

export interface BackwardOptions {
  /** Keep the pullbacks so that the graph can be walked again (default false). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order derivatives (default false). */
  createGraph?: boolean;
}

/** True for a plain options object (not a Node, an array or a number): backward's first argument may be one. */
export function isOptions(x: unknown): x is BackwardOptions {
  return typeof x === 'object' && x !== null && !(x instanceof Node) && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

/** backward()'s options: only the known keys, as booleans; a typo must not be ignored. */
export function checkBackwardOptions(options: unknown): BackwardOptions {
  if (options === undefined) return {};
  if (!isOptions(options)) throw new ValueError('backward', `options must be an object like { retainGraph: true }, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (key !== 'retainGraph' && key !== 'createGraph') {
      throw new ValueError('backward', `unknown option ${JSON.stringify(key)}; expected retainGraph or createGraph`);
    }
    if (value !== undefined && typeof value !== 'boolean') throw new ValueError('backward', `option ${key} must be true or false, got ${describeValue(value)}`);
  }
  return options;
}

export interface PassRequest {
  retainGraph?: boolean;
  /**
   * 'auto' (the functional API): record the backward pass when grad mode is on and the graph
   * reaches a leaf that requires grad other than the `wrt` nodes, i.e. when some outer
   * computation (an enclosing grad, or parameters the user will differentiate) can see it.
   */
  createGraph?: boolean | 'auto';
  fn: string;
  roots: readonly Node[];
  seeds: readonly Node[];
  /** Accumulate into leaves' `.grad` (the `backward()` behaviour). */
  accumulate: boolean;
  /** Return the total cotangent reaching each of these nodes (the functional API). */
  wrt?: readonly Node[];
  /** Called after each node's pullback ran: used by traces. */
  onStep?: (node: Node, cotangent: Node, sent: readonly (Node | null)[]) => void;
  /** Called with each leaf and the total cotangent it received: used by traces. */
  onLeaf?: (node: Node, cotangent: Node) => void;
}

/**
 * The one generic reverse pass: walk the recorded nodes in reverse topological order, pull each
 * node's total cotangent back through its pullback, and add (+=) what comes out into its inputs'
 * cotangents, so fan-out needs no special case. Every returned cotangent is checked against its
 * input (and summed back over broadcast axes) by `Node._fit`.
 */
export function runBackward(req: PassRequest): (Node | null)[] {
  const { fn, roots, seeds, accumulate } = req;
  const wrt = req.wrt ?? [];
  const order = topologicalOrder(fn, roots);
  // Only a pass started from inside another pass's pullback can meet pending cotangents.
  const parked = modes.inBackward ? park(order, wrt) : NOTHING_PARKED;
  const results: (Node | null)[] = wrt.map(() => null);
  for (let k = 0; k < wrt.length; k++) wrt[k]!._slot = k;
  let createGraph = req.createGraph ?? false;
  if (createGraph === 'auto') {
    createGraph = modes.grad && order.some((n) => n.inputs === null && n._slot < 0);
  }
  const retain = req.retainGraph ?? createGraph;
  const prevMode = modes.grad;
  const prevInBackward = modes.inBackward;
  modes.grad = createGraph;
  modes.inBackward = true;
  const arrived: Node[] = [];
  const done: Node[] = [];
  // A leaf's first .grad must own its storage, so it is a copy of the cotangent that arrived,
  // unless that cotangent was made by this pass and is held in no other place: then it becomes
  // the .grad as it is (PyTorch steals such gradients too). `holders` counts the places (a
  // pending cotangent, a result, a retained .grad) that hold each cotangent; hooks that see
  // cotangents (traces) turn this off.
  const holders = accumulate && !createGraph && !req.onStep && !req.onLeaf ? new Map<Node, number>() : null;
  const pass = ++passes;
  const prevPass = currentPass;
  currentPass = pass;
  try {
    for (let r = 0; r < roots.length; r++) {
      const root = roots[r]!;
      if (!root.requiresGrad) continue;
      const seed = root._fit(seeds[r], root, -1, fn);
      root._cot = hold(holders, root._cot === null ? seed : root._sum(root._cot, seed));
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      const cot = node._cot;
      node._cot = null;
      if (cot === null) continue;
      let held = false;
      if (node._slot >= 0) {
        results[node._slot] = cot;
        held = true;
      }
      const inputs = node.inputs;
      if (inputs === null || node.retainsGrad) {
        if (accumulate) {
          arrived.push(node, cot);
          held = true;
        }
        if (inputs === null) {
          if (req.onLeaf) req.onLeaf(node, cot);
          continue;
        }
      }
      if (!held && holders !== null) holders.set(cot, holders.get(cot)! - 1);
      checkUnchanged(fn, node);
      const needs = needsOf(inputs);
      const sent = node.pullback!(cot, needs, node);
      if (!Array.isArray(sent) || sent.length !== inputs.length) {
        throw new GraphError(
          fn,
          `the pullback of op '${node.op}' returned ${Array.isArray(sent) ? `${sent.length} cotangents` : typeof sent}; ` +
            `expected an array of ${inputs.length} (one per input, null for none)`,
        );
      }
      const fitted: (Node | null)[] | null = req.onStep ? new Array(inputs.length).fill(null) : null;
      for (let i = 0; i < inputs.length; i++) {
        const c = sent[i];
        if (!needs[i] || c === null || c === undefined) continue;
        const input = inputs[i]!;
        const g = input._fit(c, node, i);
        if (modes.anomaly && !g._isFinite()) {
          throw new AnomalyError(
            node.op,
            `the pullback produced NaN or Inf in the backward pass: the cotangent for input ${i} ` +
              `(${describeInputs([input])}) from an output cotangent that was ${cot._isFinite() ? 'finite' : 'already non-finite'}; ` +
              `op recorded at ${node.site ?? 'unknown location'}`,
            node.op,
            'backward',
            node.site ?? 'unknown location',
          );
        }
        if (fitted !== null) fitted[i] = g;
        input._cot = hold(holders, input._cot === null ? g : input._sum(input._cot, g));
      }
      if (fitted !== null) req.onStep!(node, cot, fitted);
      if (!retain) done.push(node, cot);
    }
    // Only a pass that went through commits: a pullback that throws halfway leaves every .grad
    // as it was and the graph intact, so the user can fix the cause and call backward() again.
    for (let k = 0; k < arrived.length; k += 2) {
      const node = arrived[k]!;
      const cot = arrived[k + 1]!;
      const own = createGraph || (holders !== null && holders.get(cot) === 1 && cot._ownedBy(pass));
      node._grad = node._grad === null ? (own ? cot : cot._copy()) : node._sum(node._grad, cot);
    }
    // done holds (node, cotangent) pairs, consumers first: free inputs first (see free).
    for (let k = done.length - 2; k >= 0; k -= 2) free(done[k]!, done[k + 1]!, order.length);
  } finally {
    modes.grad = prevMode;
    modes.inBackward = prevInBackward;
    currentPass = prevPass;
    for (const node of order) node._cot = null;
    for (const node of wrt) node._slot = -1;
    for (const [node, cot, slot] of parked) {
      node._cot = cot;
      node._slot = slot;
    }
  }
  return results;
}

/** Count one more place holding cotangent `c` (see runBackward). */
function hold(holders: Map<Node, number> | null, c: Node): Node {
  if (holders !== null) holders.set(c, (holders.get(c) ?? 0) + 1);
  return c;
}

const ALL_NEEDED: readonly (readonly boolean[])[] = [[], [true], [true, true], [true, true, true]];
const NOTHING_PARKED: [Node, Node | null, number][] = [];

/** Which inputs want a cotangent; a shared constant in the common case where all of them do. */
function needsOf(inputs: readonly Node[]): readonly boolean[] {
  let all = true;
  for (let i = 0; i < inputs.length; i++) if (!inputs[i]!.requiresGrad) all = false;
  if (all && inputs.length < ALL_NEEDED.length) return ALL_NEEDED[inputs.length]!;
  return inputs.map((x) => x.requiresGrad);
}

/**
 * A pullback may run a pass of its own (a checkpointed op calling vjp to recompute its block),
 * which can reach nodes that still hold the enclosing pass's pending cotangents and result slots.
 * Take those off the nodes for the inner pass; runBackward puts them back when it ends.
 */
function park(order: readonly Node[], wrt: readonly Node[]): [Node, Node | null, number][] {
  const parked: [Node, Node | null, number][] = [];
  for (const list of [order, wrt]) {
    for (const node of list) {
      if (node._cot === null && node._slot < 0) continue;
      parked.push([node, node._cot, node._slot]);
      node._cot = null;
      node._slot = -1;
    }
  }
  return parked;
}
