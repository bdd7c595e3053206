import { Scalar } from '../scalar.ts';
import { GraphError } from '../errors.ts';
import { DRAWING_LIMIT, type Drawing, Node, currentPass, setDrawingKeeper } from '../tape.ts';
import { shapeLabel, summarize } from './walk.ts';

/**
 * A tensor as a picture shows it once its graph was freed: what its box says, without its storage,
 * so that a freed graph kept for a picture costs a few strings per node, not the tensors.
 */
export interface Sketch {
  readonly id: number;
  readonly op: string;
  readonly name: string | undefined;
  readonly scope: string | null;
  readonly shape: string;
  readonly value: string;
  /** The gradient (leaf) or cotangent (freed node) it had when sketched; null if none. */
  readonly grad: number | string | null;
  readonly inputs: readonly Drawn[] | null;
}

/** What a picture walks: live nodes, and sketches standing for freed tensors. */
export type Drawn = Node | Sketch;

// One sketch per tensor per pass, so that an input used twice stays one box.
let sketches = new WeakMap<Node, Sketch>();
let sketchPass = -1;

const gradOf = (x: Node | number | null): number | string | null =>
  x === null ? null : typeof x === 'number' ? x : x instanceof Scalar ? x.data : summarize(x);

/** A scalar is as small as its sketch and holds no storage: it is kept as it is. */
function keep(x: Node): Drawn {
  if (x instanceof Scalar) return x;
  if (currentPass !== sketchPass) {
    sketches = new WeakMap();
    sketchPass = currentPass;
  }
  let s = sketches.get(x);
  if (s === undefined) {
    const freed = x._drawing;
    s = {
      id: x.id,
      op: x.op,
      name: x.name,
      scope: x.scope,
      shape: shapeLabel(x),
      value: summarize(x),
      grad: freed !== null ? freed.grad : gradOf(x._grad),
      inputs: freed !== null ? (freed.inputs as Drawn[]) : (x.inputs?.map(keep) ?? null),
    };
    sketches.set(x, s);
  }
  return s;
}

export function drawingOf(node: Node, cotangent: Node | number): Drawing {
  const inputs = node.inputs ?? [];
  return { inputs: inputs.every((x) => x instanceof Scalar) ? inputs : inputs.map(keep), grad: gradOf(cotangent)! };
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
export function gradOfDrawn(x: Drawn): number | string | null {
  if (isSketch(x)) return x.grad;
  return x._grad !== null ? gradOf(x._grad) : (x._drawing?.grad ?? null);
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
