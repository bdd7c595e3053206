import { AnomalyError, GraphError, ValueError, describeValue } from './errors.ts';
import { LEAF, type Primitive } from './primitive.ts';

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
  /** The descriptor of the op that produced this node (LEAF for inputs and constants). */
  primitive: Primitive = LEAF;
  _grad: Node | null = null;
  _slot = -1;
  readonly id = nextId++;
  /**
   * When this value's contents were last written in place (0: never), on the clock of `id`: a
   * node recorded before the write has a smaller id, so `version > id` says "changed since".
   */
  _version = 0;
  /** The attributes below, which most nodes never set: kept out of line so that nodes stay small. */
  _extras: NodeExtras | null = null;
  /** What a picture of the graph still needs once a pass freed this node (see `free`). */
  _drawing: Drawing | null = null;

  /** The name of the op that produced this node ('leaf' for inputs and constants). */
  get op(): string {
    return this.primitive.name;
  }

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
  /**
   * A cheap fingerprint of the contents (a few entries; every entry in anomaly mode), for
   * catching raw writes that bypass `markModified`; 0 for values that cannot be written raw.
   */
  _fingerprint(_all: boolean): number {
    return 0;
  }
  /** True if this value was created by backward pass `pass` and shares its storage with nothing. */
  _ownedBy(_pass: number): boolean {
    return false;
  }

  get isLeaf(): boolean {
    return this.inputs === null && !this.freed;
  }
}

/** Record that `node`'s contents were just written in place (see `Node._version`). */
export function bumpVersion(node: Node): void {
  node._version = nextId++;
}

class NodeExtras {
  name: string | undefined = undefined;
  attrs: Record<string, unknown> | null = null;
  site: string | undefined = undefined;
  scope: string | null = null;
  cut: Cut | null = null;
  retainsGrad = false;
  /** The fingerprints of the inputs and the output when the op was recorded (see checkUnchanged). */
  fingerprint = 0;
  /** The WeakRef cuts hold to this node (see weakRefTo). */
  weakSelf: WeakRef<Node> | undefined = undefined;
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
  let sources: WeakRef<Node>[] | null = null;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i]!;
    const cut = x.cut;
    if (reason === 'noGrad' && cut !== null && cut.reason === 'noGrad' && !x.requiresGrad) {
      // A noGrad result fed to another noGrad op: point at what it was cut from, not at it. A
      // WeakRef keeps its target alive until the current job ends, so one per op made a long
      // evaluation loop under noGrad hold every intermediate tensor (2× slower than recording).
      sources ??= [];
      for (const s of cut.sources) sources.push(s);
    } else if (x.requiresGrad || cut !== null) {
      sources ??= [];
      sources.push(weakRefTo(x));
    }
  }
  if (sources !== null) out.cut = { reason, op, sources };
}

/** One WeakRef per node, made once: a parameter used by every op of an evaluation loop needs one. */
function weakRefTo(node: Node): WeakRef<Node> {
  const extras = node._extrasForWrite();
  extras.weakSelf ??= new WeakRef(node);
  return extras.weakSelf;
}

/**
 * What `free` keeps of a node for pictures of the graph (toDot, toMermaid, toSvg after backward):
 * what the node was computed from, as small stand-ins that do not hold the inputs' storage, and
 * the cotangent it received (a number for scalars, a summary's numbers for tensors).
 */
export interface Drawing {
  readonly inputs: readonly object[];
  readonly grad: number | object;
}

/**
 * Builds a node's Drawing; installed by the graph module (graph/keep.ts), which knows tensors and
 * scalars: the tape cannot import them without an import cycle.
 */
let keepDrawing: ((node: Node, cotangent: Node | number) => Drawing) | null = null;

export function setDrawingKeeper(keep: (node: Node, cotangent: Node | number) => Drawing): void {
  keepDrawing = keep;
}

/**
 * Passes over more nodes than this keep no Drawing: such a graph is too big to draw, and keeping
 * one for every node of a large scalar graph would cost the pass its speed and the memory the
 * freeing is for. Pictures of such a freed graph are an error that says how to get them.
 */
export const DRAWING_LIMIT = 10_000;

/**
 * Release a node's pullback and inputs after a pass without retainGraph (of `passSize` nodes), so
 * that a loss kept for logging does not keep every intermediate tensor alive; a Drawing of it is
 * kept for pictures. Passes free inputs before their consumers, so a consumer's Drawing can reuse
 * its inputs' ones.
 */
export function free(node: Node, cotangent: Node | number, passSize: number): void {
  if (keepDrawing !== null && passSize <= DRAWING_LIMIT) node._drawing = keepDrawing(node, cotangent);
  node.pullback = null;
  node.inputs = null;
  node.freed = true;
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

/**
 * Where the engine's code lives, to tell its stack frames from the caller's. Unbundled, this module
 * is `tape.ts` (source) or `tape.js` (the installed package's dist/), and every engine module sits
 * in its folder or below; a bundler renames the file, and then the engine is that one file (a
 * library chunk, or a dev server's pre-bundled dependency). Null where import.meta.url is missing.
 */
const ENGINE: { path: string; folder: boolean } | null = engineLocation();

function engineLocation(): { path: string; folder: boolean } | null {
  const url: unknown = import.meta.url;
  if (typeof url !== 'string') return null;
  const path = locationPath(url);
  const slash = path.lastIndexOf('/');
  return /^tape\.[cm]?[jt]s$/.test(path.slice(slash + 1)) ? { path: path.slice(0, slash + 1), folder: true } : { path, folder: false };
}

/** A file URL, path or http URL as a comparable path: no scheme for files, no query or hash, `/` separators. */
function locationPath(location: string): string {
  let path = location.replace(/[?#].*$/, '');
  if (path.startsWith('file://')) {
    path = path.slice('file://'.length).replace(/^\/([A-Za-z]:)/, '$1');
    try {
      path = decodeURIComponent(path);
    } catch {
      // not percent-encoded after all: compare it as it is
    }
  }
  return path.replaceAll('\\', '/');
}

/**
 * The first stack frame outside the engine: where user code called the op. Frames read
 * `at fn (where:line:col)` or `at where:line:col` (V8) and `fn@where:line:col` (Firefox, Safari).
 */
function userSite(): string {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m || line.includes('node:internal')) continue;
    const where = m[1]!.replace(/^[^/\\]*?@/, '');
    const path = locationPath(where);
    if (ENGINE !== null && (ENGINE.folder ? path.startsWith(ENGINE.path) : path === ENGINE.path)) continue;
    return `${where.replace(/^file:\/\//, '')}:${m[2]}:${m[3]}`;
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
export function record<T extends Node>(primitive: Primitive, inputs: readonly Node[], out: T, pullback: Pullback, attrs?: Record<string, unknown>): T {
  out.primitive = primitive;
  const op = primitive.name;
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
  const f = fingerprintOf(out, inputs);
  if (f !== 0) out._extrasForWrite().fingerprint = f;
  return out;
}

/** The op's values as its pullback will read them: its inputs and its output. */
function fingerprintOf(out: Node, inputs: readonly Node[]): number {
  let f = out._fingerprint(anomaly);
  if (f === 0) return 0; // a Scalar op: its values can only change through Scalar.data, which bumps the version
  for (let i = 0; i < inputs.length; i++) f = (f * 31 + inputs[i]!._fingerprint(anomaly)) % 4294967311;
  return f;
}

/**
 * Before a pullback reads the values its op saw: throw if one of them was written since. Writes
 * through the API (`markModified`, optimizers, `Scalar.data`) bump a version: one integer compare
 * per value. Raw writes into `.data` change the fingerprint: a few sampled entries in normal mode
 * (so `y.data[0] = 100` or a whole-array update is caught), every entry under detectAnomaly.
 */
export function checkUnchanged(fn: string, node: Node): void {
  const inputs = node.inputs!;
  let changed: Node | null = node._version > node.id ? node : null;
  for (let i = 0; i < inputs.length && changed === null; i++) if (inputs[i]!._version > node.id) changed = inputs[i]!;
  if (changed !== null) throw modifiedError(fn, node, changed === node ? 'its output' : `its input ${label(changed)}`);
  const saved = node._extras?.fingerprint ?? 0;
  if (saved !== 0 && fingerprintOf(node, inputs) !== saved) {
    throw modifiedError(fn, node, `one of its values (inputs ${inputs.map(label).join(', ')}, or its output) by a raw write into .data`);
  }
}

function label(n: Node): string {
  return n.name !== undefined ? `'${n.name}' (${n._describe()})` : n._describe();
}

function modifiedError(fn: string, node: Node, what: string): GraphError {
  return new GraphError(
    fn,
    `op '${node.op}'${node.site ? ` (recorded at ${node.site})` : ''} needs the values it was computed from, but ${what} was modified in place after it was recorded. ` +
      'Recompute the forward pass after changing values (e.g. call optimizer.step() only after the last backward() of that graph), ' +
      'or write into a copy (tensor(x.data) copies) instead of into a recorded tensor',
  );
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
