import { GraphError, ValueError, describeValue, formatShape } from '../errors.ts';
import { Node, runBackward } from '../tape.ts';
import type { Cut } from '../tape.ts';
import { Scalar } from '../scalar.ts';
import { Tensor } from '../tensor.ts';
import { collect, label } from './walk.ts';

export type NoGradReason =
  | 'does-not-require-grad'
  | 'has-gradient'
  | 'numeric-zero'
  | 'cut-by-detach'
  | 'cut-by-noGrad'
  | 'non-differentiable-op'
  | 'not-on-path'
  | 'graph-freed';

export interface NoGradExplanation {
  reason: NoGradReason;
  /** True when the zero is structural (no path carries a cotangent), false when it is numeric. */
  structural: boolean;
  message: string;
}

function isZero(x: Node): boolean {
  if (x instanceof Scalar) return x.data === 0;
  if (x instanceof Tensor) return x.data.every((v) => v === 0);
  return false;
}

/**
 * Search back from the output through recorded inputs and through cuts (whose sources are held
 * weakly) for `param`; return the first real cut crossed on the way (inherited ones are relays).
 */
function findCut(param: Node, output: Node): { node: Node; cut: Cut } | null {
  const seen = new Set<Node>([output]);
  const queue: [Node, { node: Node; cut: Cut } | null][] = [[output, null]];
  for (let k = 0; k < queue.length; k++) {
    const [node, via] = queue[k]!;
    if (node === param) return via;
    const next: [Node, { node: Node; cut: Cut } | null][] = (node.inputs ?? []).map((x) => [x, via]);
    if (node.cut) {
      const through = via ?? (node.cut.reason === 'inherited' ? null : { node, cut: node.cut });
      for (const ref of node.cut.sources) {
        const src = ref.deref();
        if (src) next.push([src, through]);
      }
    }
    for (const [x, v] of next) {
      if (!seen.has(x)) {
        seen.add(x);
        queue.push([x, v]);
      }
    }
  }
  return null;
}

/**
 * Why `param` gets no (or a zero) gradient from `output`: it does not require grad, it is not on
 * any path to the output, the path is cut by detach()/noGrad()/a non-differentiable op (a
 * structural zero), or a path exists but the cotangent is numerically zero (e.g. a dead relu).
 */
export function whyNoGrad(param: Node, output: Node): NoGradExplanation {
  const fn = 'whyNoGrad';
  if (!(param instanceof Node) || !(output instanceof Node)) {
    throw new ValueError(fn, `expected (param, output) nodes (Tensors or Scalars), got ${describeValue(param)} and ${describeValue(output)}`);
  }
  const name = label(param);
  if (!param.requiresGrad && param.inputs === null) {
    return {
      reason: 'does-not-require-grad',
      structural: true,
      message: `${name} does not require grad: create it with { requiresGrad: true } (or call .requireGrad()) before the forward pass`,
    };
  }
  if (output instanceof Tensor && output.size !== 1) {
    throw new GraphError(
      fn,
      `the output has shape ${formatShape(output.shape)}, not a single element; whyNoGrad explains the gradient of a one-element output such as a loss (sum it, or pick the element you mean)`,
    );
  }
  const nodes = collect([output]);
  // After a backward pass without retainGraph, the path to param may be gone: say so, never 'not-on-path'.
  const freed = nodes.find((n) => n.freed);
  const cannotTell = (f: Node): NoGradExplanation => ({
    reason: 'graph-freed',
    structural: false,
    message: `cannot tell: the graph through op '${f.op}' (${f._describe()}) was freed by an earlier backward pass; pass { retainGraph: true } to that backward() to keep it`,
  });
  if (!nodes.includes(param)) {
    const hit = findCut(param, output);
    if (hit) {
      const where = `${label(hit.node)}${hit.node.site ? ` (recorded at ${hit.node.site})` : ''}`;
      const reason: NoGradReason = hit.cut.reason === 'detach' ? 'cut-by-detach' : hit.cut.reason === 'noGrad' ? 'cut-by-noGrad' : 'non-differentiable-op';
      const how =
        reason === 'cut-by-detach'
          ? `detach() made ${where} a constant`
          : reason === 'cut-by-noGrad'
            ? `'${hit.cut.op}' producing ${where} ran under noGrad(), so it was not recorded`
            : `'${hit.cut.op}' producing ${where} is not differentiable (its output is a constant)`;
      return { reason, structural: true, message: `${name} feeds the output only through a cut: ${how}` };
    }
    if (freed) return cannotTell(freed);
    return { reason: 'not-on-path', structural: true, message: `${name} is not on any path to ${label(output)}: the output was not computed from it` };
  }
  if (freed) return cannotTell(freed);
  const cot = runBackward({ fn, roots: [output], seeds: [undefined as unknown as Node], wrt: [param], accumulate: false, retainGraph: true })[0] ?? null;
  if (cot === null) {
    return { reason: 'not-on-path', structural: true, message: `${name} is on the output's graph but no recorded path to it carries a cotangent` };
  }
  if (isZero(cot)) {
    return {
      reason: 'numeric-zero',
      structural: false,
      message: `${name} is on a recorded path, but the cotangent reaching it is numerically zero (e.g. an inactive relu, a saturated sigmoid, a zero weight or a mask)`,
    };
  }
  return { reason: 'has-gradient', structural: false, message: `${name} gets a non-zero gradient from ${label(output)}` };
}
