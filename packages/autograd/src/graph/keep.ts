import { Scalar } from '../scalar.ts';
import { GraphError } from '../errors.ts';
import { DRAWING_LIMIT, type Drawing, Node, setDrawingKeeper } from '../tape.ts';
import { Tensor } from '../tensor.ts';
import { LeafRef, type Summary, formatSummary, summaryOf } from './walk.ts';

/**
 * A tensor as a picture shows it once its graph was freed: what its box says, without its storage,
 * so that a freed graph kept for a picture costs a few strings per node, not the tensors. A leaf
 * (a parameter, an input) is kept as it is (see LeafRef) and drawn as it is when drawn, with its `.grad`, as
 * micrograd draws its live values; summarising every leaf at each pass would cost more than the
 * pass (an input batch is far larger than the activations).
 */
export interface Sketch {
  readonly id: number;
  readonly op: string;
  readonly name: string | undefined;
  readonly scope: string | null;
  /** The tensor's shape, formatted only when a picture is drawn (a pass sketches every node it frees). */
  readonly dims: readonly number[];
  /** The value's summary; for a leaf, the leaf itself while it lives. */
  readonly value: Summary | LeafRef;
  /** The cotangent a freed node received; null for a leaf (its `.grad` is read when drawn). */
  readonly grad: Summary | null;
  readonly inputs: readonly Drawn[] | null;
}

/** What a picture walks: live nodes, and sketches standing for freed tensors. */
export type Drawn = Node | Sketch;

/** A freed tensor's Drawing also caches the sketch that stands for it, so a value used twice stays one box. */
interface KeptDrawing extends Drawing {
  sketch: Sketch | undefined;
}

/** One sketch per leaf tensor for the leaf's lifetime: no new weak reference at every pass. */
const leafSketches = new WeakMap<Node, Sketch>();

/** A gradient's numbers: a Scalar's value, a tensor's summary (numbers only: formatting waits for a picture). */
const gradOf = (x: Node | number | null): Summary | null =>
  x === null ? null : typeof x === 'number' ? x : x instanceof Scalar ? x.data : x instanceof Tensor ? summaryOf(x) : null;

function sketch(x: Node, value: Summary | LeafRef, grad: Summary | null, inputs: readonly Drawn[] | null): Sketch {
  return { id: x.id, op: x.op, name: x.name, scope: x.scope, dims: (x as Tensor).shape, value, grad, inputs };
}

/** What stands for input `x` in a Drawing: a scalar as it is (it is as small as a sketch), a tensor's sketch. */
function keep(x: Node): Drawn {
  if (x instanceof Scalar) return x;
  const freed = x._drawing as KeptDrawing | null;
  if (freed !== null) {
    freed.sketch ??= sketch(x, summaryOf(x as Tensor), freed.grad as Summary, freed.inputs as Drawn[]);
    return freed.sketch;
  }
  if (x.inputs === null) {
    let s = leafSketches.get(x);
    if (s === undefined) {
      s = sketch(x, new LeafRef(x), null, null);
      leafSketches.set(x, s);
    }
    return s;
  }
  // An op the pass did not free (no cotangent reached it): sketched as it stands.
  return sketch(x, summaryOf(x as Tensor), gradOf(x._grad), x.inputs.map(keep));
}

export function drawingOf(node: Node, cotangent: Node | number): Drawing {
  const inputs = node.inputs ?? [];
  const kept: KeptDrawing = { inputs: inputs.every((x) => x instanceof Scalar) ? inputs : inputs.map(keep), grad: gradOf(cotangent)!, sketch: undefined };
  return kept;
}

setDrawingKeeper(drawingOf);

export function isSketch(x: Drawn): x is Sketch {
  return !(x instanceof Node);
}

/** What `x` was computed from: its recorded inputs, or what a pass kept when it freed them. */
export function inputsOf(x: Drawn): readonly Drawn[] | null {
  if (isSketch(x)) return x.inputs;
  return x.inputs ?? (x._drawing?.inputs as Drawn[] | undefined) ?? null;
}

/** The gradient to show on `x`: its `.grad`, or the cotangent a pass recorded when it freed it. */
export function gradOfDrawn(x: Drawn): string | null {
  let g: Summary | null;
  if (isSketch(x)) {
    g = x.value instanceof LeafRef ? gradOf(x.value.leaf._grad) : x.grad;
  } else {
    g = x._grad !== null ? gradOf(x._grad) : ((x._drawing?.grad as Summary | undefined) ?? null);
  }
  return g === null ? null : formatSummary(g);
}

/**
 * A picture must never pass off part of a graph as all of it: a node whose graph was freed by a
 * pass too big to keep a Drawing (see DRAWING_LIMIT) is an error that says how to get the picture.
 */
export function checkDrawable(fn: string, nodes: readonly Drawn[]): void {
  for (const x of nodes) {
    if (isSketch(x) || !x.freed || x._drawing !== null) continue;
    throw new GraphError(
      fn,
      `the graph through op '${x.op}' (${x._describe()}) was freed by a backward pass over more than ${DRAWING_LIMIT} nodes, too many to keep for a picture; ` +
        `draw it before backward(), or pass { retainGraph: true } to backward()`,
    );
  }
}
