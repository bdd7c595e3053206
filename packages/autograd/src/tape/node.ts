// The node every value on the tape is (Tensor and Scalar extend it), the cut marks that explain
// a missing gradient, version counters for in-place writes, and what a freed node keeps for pictures.
import { LEAF, type Primitive } from '../primitive.ts';
import { modes } from './modes.ts';

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
    if (this._extras === null) this._extras = new NodeExtras();
    return this._extras;
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
  if (modes.inBackward) return;
  let sources: WeakRef<Node>[] | null = null;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i]!;
    const cut = x.cut;
    if (reason === 'noGrad' && cut !== null && cut.reason === 'noGrad' && !x.requiresGrad) {
      // A noGrad result fed to another noGrad op: point at what it was cut from, not at it. A
      // WeakRef keeps its target alive until the current job ends, so one per op made a long
      // evaluation loop under noGrad hold every intermediate tensor (and run slower than recording).
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
