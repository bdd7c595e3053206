import { GraphError } from './errors.ts';
import type { Node } from './tape.ts';

/**
 * The steps of a fused op's node, recorded afresh from its inputs with the op's composite form
 * (e.g. linear as matmul then add): the same value up to rounding, for traces and pictures that
 * name each step. The fused node itself is left as it is.
 */
export function expandComposite(node: Node): Node {
  const composite = node.primitive.composite;
  if (composite === null || node.inputs === null) {
    throw new GraphError('expandComposite', `'${node.op}' has no composite form to expand (only fused ops such as linear and quadraticCost have one)`);
  }
  return composite(node.inputs as never[], node.attrs) as Node;
}
