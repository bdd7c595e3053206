import { ValueError, describeValue } from './errors.ts';
import { type Node, noGrad, record } from './tape.ts';
import { Tensor, lift, shareData } from './tensor.ts';
import type { TensorLike } from './tensor.ts';

/** What a custom op's forward returns: its value and, beside it, its pullback. */
export interface OpResult {
  output: Tensor;
  /**
   * Given the output cotangent, one cotangent per input (null for none), each of the input's
   * shape (or of a shape the input was broadcast to; the backward pass sums it back). Write it
   * with engine operations to make the op differentiable to higher order.
   */
  pullback: (cotangent: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];
}

/**
 * Define an operation from its primal and its pullback side by side (ChainRules' rrule):
 *
 *     const cube = defineOp('cube', (x) => {
 *       const y = mul(mul(x, x), x);
 *       // y = x³  =>  dx = 3 x² dy
 *       return { output: y, pullback: (dy) => [mul(dy, mul(mul(x, x), 3))] };
 *     });
 *
 * The forward runs without recording, so only the op itself is on the tape. The result behaves
 * like a built-in op under backward(), grad, noGrad, anomaly mode and the tape's checks: a
 * pullback returning the wrong number of cotangents, or a wrong shape, gets an error naming `name`.
 */
export function defineOp(name: string, forward: (...inputs: Tensor[]) => OpResult): (...inputs: TensorLike[]) => Tensor {
  if (typeof name !== 'string' || name.length === 0) throw new ValueError('defineOp', `the op needs a non-empty name, got ${describeValue(name)}`);
  if (typeof forward !== 'function') throw new ValueError('defineOp', `forward must be a function, got ${describeValue(forward)}`);
  return (...args: TensorLike[]): Tensor => {
    const first = args.find((a): a is Tensor => a instanceof Tensor);
    const inputs = args.map((a) => lift(name, a, first?.dtype ?? 'float64'));
    const result = noGrad(() => forward(...inputs));
    if (result === null || typeof result !== 'object' || !(result.output instanceof Tensor) || typeof result.pullback !== 'function') {
      throw new ValueError(name, `the forward of a defineOp op must return { output: Tensor, pullback: function }, got ${describeValue(result)}`);
    }
    const { output, pullback } = result;
    const out = shareData(output, output.shape);
    const node = record(name, inputs, out, (dy: Tensor, needs) => pullback(dy, needs));
    userOps.add(node);
    return node;
  };
}

/** Outputs of defineOp ops: whatever their name, they are not the built-in op of that name. */
const userOps = new WeakSet<Node>();

/** Whether `node` is the output of a user's defineOp op (tools keyed on built-in ops must skip it). */
export function isUserOp(node: Node): boolean {
  return userOps.has(node);
}
