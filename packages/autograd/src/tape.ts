import { AnomalyError, GraphError, ValueError, describeValue } from './errors.ts';

/**
 * An operation's pullback (its vector-Jacobian product): given the cotangent of the output, it
 * returns one cotangent per input (null for "no gradient"). `needs[i]` says whether input i wants
 * one, so a rule can skip work; `node` is the op's output (closures ignore it; ops recorded by the
 * million, like Scalar's, read their inputs from it and share one function instead of allocating a
 * closure per node). Pullbacks are written with differentiable operations, so running them while
 * recording (createGraph) records the backward pass itself.
 */
export type Pullback = PullbackMethod['pullback'];
// A method's parameters are compared bivariantly, so a pullback may declare the cotangent it
// receives by its node's kind (`(dy: Tensor) => ...`, `(dy: Scalar) => ...`) without an `any`.
interface PullbackMethod {
  pullback(cotangent: Node, needs: readonly boolean[], node: Node): readonly (Node | null | undefined)[];
}

let nextId = 1;

/**
 * A value on the tape. Tensors and scalars both extend it; the backward pass below only sees Nodes.
 * A node with `inputs` was produced by a recorded operation; one without is a leaf.
 */
export abstract class Node {
  // The fields every backward pass reads for every node come first, so that they share the
  // node's first cache line: a pass over a large scalar graph is bound by memory, not arithmetic.
  inputs: readonly Node[] | null = null;
  requiresGrad = false;
  _visit = 0;
  /**
   * True once a backward pass without retainGraph released this node's pullback and inputs, so
   * that a loss kept for logging does not keep every intermediate tensor alive.
   */
  freed = false;
  _cot: Node | null = null;
  pullback: Pullback | null = null;
  /** The op that produced this node ('leaf' for inputs and constants). */
  op = 'leaf';
  _grad: Node | null = null;
  _slot = -1;
  readonly id = nextId++;
  /** The attributes below, which most nodes never set: kept out of line so that nodes stay small. */
  _extras: NodeExtras | null = null;

  /** User-given label (`x`, `W1`), used by graph export and error messages. */
  get name(): string | undefined {
    return this._extras?.name;
  }
  set name(name: string | undefined) {
    this._extrasForWrite().name = name;
  }
  /** Extra op attributes worth showing (axis, perm, ...), for graph export and traces. */
  get attrs(): Record<string, unknown> | null {
    return this._extras?.attrs ?? null;
  }
  set attrs(attrs: Record<string, unknown> | null) {
    this._extrasForWrite().attrs = attrs;
  }
  /** Where user code recorded this op (anomaly mode only). */
  get site(): string | undefined {
    return this._extras?.site;
  }
  set site(site: string | undefined) {
    this._extrasForWrite().site = site;
  }
  /** The module scope (e.g. 'mlp/0') the op was recorded in, for collapsing layers in pictures. */
  get scope(): string | null {
    return this._extras?.scope ?? null;
  }
  set scope(scope: string | null) {
    this._extrasForWrite().scope = scope;
  }
  /** Set when this value depends on a tracked one through a cut (detach, noGrad, a comparison). */
  get cut(): Cut | null {
    return this._extras?.cut ?? null;
  }
  set cut(cut: Cut | null) {
    this._extrasForWrite().cut = cut;
  }
  /** True when a non-leaf keeps its `.grad` (retainGrad()). */
  get retainsGrad(): boolean {
    return this._extras?.retainsGrad ?? false;
  }
  set retainsGrad(retains: boolean) {
    this._extrasForWrite().retainsGrad = retains;
  }
  _extrasForWrite(): NodeExtras {
    return (this._extras ??= new NodeExtras());
  }

  /** Ones of this node's shape: the seed for a scalar root. */
  abstract _ones(): Node;
  /** a + b, recorded when grad mode is on. */
  abstract _sum(a: Node, b: Node): Node;
  /**
   * Check (and unbroadcast) a cotangent for this node, returned as input `index` of `consumer`;
   * index −1 is the seed of a pass, whose errors name `pass` (the public function running it).
   */
  abstract _fit(cotangent: unknown, consumer: Node, index: number, pass?: string): Node;
  abstract _isFinite(): boolean;
  /** `[2, 3] float64`, for messages. */
  abstract _describe(): string;
  /** A copy that owns its storage: `.grad` must never alias a cotangent sent elsewhere. */
  abstract _copy(): Node;
  /** True if this value was created by backward pass `pass` and shares its storage with nothing. */
  _ownedBy(_pass: number): boolean {
    return false;
  }

  get isLeaf(): boolean {
    return this.inputs === null && !this.freed;
  }
}

class NodeExtras {
  name: string | undefined = undefined;
  attrs: Record<string, unknown> | null = null;
  site: string | undefined = undefined;
  scope: string | null = null;
  cut: Cut | null = null;
  retainsGrad = false;
}

/** Why a value is cut from the values it was computed from; `sources` are held weakly. */
export interface Cut {
  /** 'inherited': computed without recording from values that were themselves cut. */
  reason: 'detach' | 'noGrad' | 'nondifferentiable' | 'inherited';
  op: string;
  sources: WeakRef<Node>[];
}

/** Mark `out` as cut from `inputs` if any of them is tracked (or itself cut from something tracked). */
export function markCut(reason: Cut['reason'], op: string, inputs: readonly Node[], out: Node): void {
  // Pullbacks run untracked on tracked values all the time; their results are not user values.
  if (inBackward) return;
  let tracked = false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.requiresGrad || inputs[i]!.cut !== null) tracked = true;
  if (tracked) out.cut = { reason, op, sources: inputs.map((x) => new WeakRef(x)) };
}

// ---- grad mode -------------------------------------------------------------------------------

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** The callback of noGrad, withScope, ...: a function, or a ValueError naming `name`. */
function checkCallback(name: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new ValueError(name, `expected a function to run, got ${describeValue(fn)}`);
}

/** Run `fn` without recording: results are constants (PyTorch's no_grad). */
export function noGrad<T>(fn: () => T): T {
  checkCallback('noGrad', fn);
  return withGradMode(false, fn);
}

/** Run `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  checkCallback('enableGrad', fn);
  return withGradMode(true, fn);
}

export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

// ---- anomaly mode ----------------------------------------------------------------------------

let anomaly = false;
/**
 * True while a backward pass runs. The ops inside pullbacks then skip the forward check: a
 * non-finite cotangent is reported once, by the pass, under the op whose pullback produced it
 * (sqrt, not the div inside its pullback).
 */
let inBackward = false;

export function isAnomalyEnabled(): boolean {
  return anomaly;
}

/** True while a backward pass runs (inside pullbacks). */
export function isInBackward(): boolean {
  return inBackward;
}

/**
 * Run `fn` with anomaly detection: the first operation whose output (forward) or whose returned
 * cotangent (backward) holds NaN or ±Inf throws an AnomalyError naming the op, its inputs' shapes
 * and the line of user code that recorded it. Slower: every op captures a stack trace.
 */
export function detectAnomaly<T>(fn: () => T): T {
  checkCallback('detectAnomaly', fn);
  const prev = anomaly;
  anomaly = true;
  try {
    return fn();
  } finally {
    anomaly = prev;
  }
}

/** The first stack frame outside the engine's own source: where user code called the op. */
function userSite(): string {
  const stack = new Error().stack ?? '';
  const lines = stack.split('\n').slice(1);
  for (const line of lines) {
    if (/packages[\\/]autograd[\\/]src[\\/]/.test(line) || line.includes('node:internal')) continue;
    const m = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (m) return m[1]!.replace(/^file:\/\//, '');
  }
  return 'unknown location';
}

function describeInputs(inputs: readonly Node[]): string {
  return inputs.map((n) => (n.name ? `${n.name}: ` : '') + n._describe()).join(', ');
}

// ---- scopes ----------------------------------------------------------------------------------

let scope: string | null = null;

/**
 * Record the ops of `fn` inside a named scope (nested scopes join with '/'). Graph pictures can
 * then collapse a whole layer into one node. Modules use it for their forward pass.
 */
export function withScope<T>(name: string, fn: () => T): T {
  checkCallback('withScope', fn);
  const prev = scope;
  scope = prev === null ? name : `${prev}/${name}`;
  try {
    return fn();
  } finally {
    scope = prev;
  }
}

// ---- recording -------------------------------------------------------------------------------

/**
 * Attach `out` to the tape as the result of `op` on `inputs`, with its pullback. Every operation
 * (built-in or `defineOp`) ends with this call. Nothing is recorded when grad mode is off or no
 * input requires a gradient; `out` is then a constant.
 */
export function record<T extends Node>(op: string, inputs: readonly Node[], out: T, pullback: Pullback, attrs?: Record<string, unknown>): T {
  out.op = op;
  if (attrs) out.attrs = attrs;
  if (anomaly) {
    out.site = userSite();
    if (!inBackward && !out._isFinite() && inputs.every((x) => x._isFinite())) {
      throw new AnomalyError(
        op,
        `produced NaN or Inf in the forward pass from finite inputs (${describeInputs(inputs)}); recorded at ${out.site}`,
        op,
        'forward',
        out.site,
      );
    }
  }
  if (scope !== null) out.scope = scope;
  if (!gradEnabled) {
    markCut('noGrad', op, inputs, out);
    return out;
  }
  let any = false;
  let cut = false;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i]!.requiresGrad) any = true;
    else if (inputs[i]!.cut !== null) cut = true;
  }
  if (!any) {
    if (cut) markCut('inherited', op, inputs, out);
    return out;
  }
  out.requiresGrad = true;
  out.inputs = inputs;
  out.pullback = pullback;
  return out;
}

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
  const parked = inBackward ? park(order, wrt) : NOTHING_PARKED;
  const results: (Node | null)[] = wrt.map(() => null);
  for (let k = 0; k < wrt.length; k++) wrt[k]!._slot = k;
  let createGraph = req.createGraph ?? false;
  if (createGraph === 'auto') {
    createGraph = gradEnabled && order.some((n) => n.inputs === null && n._slot < 0);
  }
  const retain = req.retainGraph ?? createGraph;
  const prevMode = gradEnabled;
  const prevInBackward = inBackward;
  gradEnabled = createGraph;
  inBackward = true;
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
        if (anomaly && !g._isFinite()) {
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
      if (!retain) done.push(node);
    }
    // Only a pass that went through commits: a pullback that throws halfway leaves every .grad
    // as it was and the graph intact, so the user can fix the cause and call backward() again.
    for (let k = 0; k < arrived.length; k += 2) {
      const node = arrived[k]!;
      const cot = arrived[k + 1]!;
      const own = createGraph || (holders !== null && holders.get(cot) === 1 && cot._ownedBy(pass));
      node._grad = node._grad === null ? (own ? cot : cot._copy()) : node._sum(node._grad, cot);
    }
    for (const node of done) {
      node.pullback = null;
      node.inputs = null;
      node.freed = true;
    }
  } finally {
    gradEnabled = prevMode;
    inBackward = prevInBackward;
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
