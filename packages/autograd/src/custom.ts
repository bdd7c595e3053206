import { ValueError, describeValue } from './errors.ts';
import type { Primitive } from './primitive.ts';
import { noGrad, record } from './tape.ts';
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

export interface DefineOpOptions {
  /** The local derivative as `explain` and the playground print it, e.g. '∂z/∂x = 3x²'. */
  formula?: string;
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
export function defineOp(name: string, forward: (...inputs: Tensor[]) => OpResult, options: DefineOpOptions = {}): (...inputs: TensorLike[]) => Tensor {
  if (typeof name !== 'string' || name.length === 0) throw new ValueError('defineOp', `the op needs a non-empty name, got ${describeValue(name)}`);
  if (typeof forward !== 'function') throw new ValueError('defineOp', `forward must be a function, got ${describeValue(forward)}`);
  if (options === null || typeof options !== 'object') throw new ValueError('defineOp', `options must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) if (key !== 'formula') throw new ValueError('defineOp', `unknown option '${key}'; expected 'formula'`);
  if (options.formula !== undefined && typeof options.formula !== 'string') {
    throw new ValueError('defineOp', `options.formula must be a string (the local derivative traces print), got ${describeValue(options.formula)}`);
  }
  // The same kind of descriptor as a built-in's, never registered: a user op named 'sigmoid' is not sigmoid.
  const op: Primitive = { name, formula: options.formula ?? 'custom pullback', elementwise: null, firstOrder: null, composite: null, builtin: false };
  return (...args: TensorLike[]): Tensor => {
    const first = args.find((a): a is Tensor => a instanceof Tensor);
    const inputs = args.map((a) => lift(name, a, first?.dtype ?? 'float64'));
    const result = noGrad(() => forward(...inputs));
    if (result === null || typeof result !== 'object' || !(result.output instanceof Tensor) || typeof result.pullback !== 'function') {
      throw new ValueError(name, `the forward of a defineOp op must return { output: Tensor, pullback: function }, got ${describeValue(result)}`);
    }
    const { output, pullback } = result;
    const out = shareData(output, output.shape);
    return record(op, inputs, out, (dy: Tensor, needs) => notOwned(pullback(dy, needs)));
  };
}

/**
 * A user's pullback may keep the tensors it returns (in a cache, a closure), so the pass must not
 * make one of them a `.grad` as it is: marked shared, each is copied before it becomes one.
 */
function notOwned<T>(cotangents: T): T {
  if (Array.isArray(cotangents)) for (const c of cotangents) if (c instanceof Tensor) c._shared = true;
  return cotangents;
}
