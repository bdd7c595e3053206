import { DTypeError, Tensor, ValueError, formatShape, noGrad } from '@pullback/autograd';
import type { TypedArray } from '@pullback/autograd';
import { checkPositive, describe } from '../internal/check.ts';
import { Module } from '../module.ts';

/** What an optimizer updates: a Module's parameters or an explicit list of leaf tensors. */
export type Params = Module | readonly Tensor[];

/** The parameters as a checked array: leaf tensors, each once. Shared with gradientDescentStep. */
export function paramList(fn: string, params: Params): Tensor[] {
  const list = params instanceof Module ? params.parameters() : params;
  if (!Array.isArray(list)) throw new ValueError(fn, `params must be a Module or an array of tensors, got ${describe(params)}`);
  const seen = new Set<Tensor>();
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(fn, `params[${i}] must be a Tensor, got ${describe(p)}`);
    if (!p.isLeaf) throw new ValueError(fn, `params[${i}] is the output of '${p.op}', not a leaf; optimizers update leaf tensors in place`);
    if (seen.has(p)) throw new ValueError(fn, `params[${i}] appears more than once; each parameter would be updated twice`);
    seen.add(p);
  });
  return [...list];
}

/** Why there is nothing to optimize, with what a module must hold for its parameters to be found. */
function emptyParamsMessage(params: Params): string {
  if (!(params instanceof Module)) return 'got an empty parameter list';
  return (
    `got an empty parameter list: no parameters were found in ${params.constructor.name || 'the module'}. ` +
    'A module finds the leaf Tensors with requiresGrad: true and the sub-Modules held in its fields, and those registered with ' +
    'registerParameter / registerModule; a plain array of modules is not searched (register it with registerModules)'
  );
}

/**
 * The (parameter, gradient data) pairs to update, checked before anything is written: params with
 * a null grad are skipped; a grad of another dtype or shape is an error.
 */
export function gradPairs(fn: string, params: readonly Tensor[]): [Tensor, TypedArray][] {
  const out: [Tensor, TypedArray][] = [];
  params.forEach((p, i) => {
    const g = p.grad;
    if (g === null) return;
    if (g.dtype !== p.dtype) throw new DTypeError(fn, `params[${i}] has dtype ${p.dtype} but its grad has dtype ${g.dtype}`);
    if (g.size !== p.size) throw new ValueError(fn, `params[${i}] has shape ${formatShape(p.shape)} but its grad has shape ${formatShape(g.shape)}`);
    out.push([p, g.data]);
  });
  return out;
}

/**
 * Base of the optimizers: holds the parameters, a per-parameter `state` (created at a parameter's
 * first step, as PyTorch) and the learning rate. `step()` reads each `.grad` and updates `.data`
 * in place; parameters whose grad is null are skipped.
 */
export abstract class Optimizer<S> {
  readonly params: readonly Tensor[];
  /** Per-parameter state (momentum buffers, moment estimates, step counts), inspectable. */
  readonly state = new Map<Tensor, S>();
  private learningRate: number;
  private readonly fn: string;

  protected constructor(fn: string, params: Params, lr: number) {
    this.fn = fn;
    this.params = paramList(fn, params);
    if (this.params.length === 0) throw new ValueError(fn, emptyParamsMessage(params));
    this.learningRate = checkPositive(fn, 'learning rate', lr);
  }

  /** The learning rate; setting it (for a schedule) checks it is > 0. */
  get lr(): number {
    return this.learningRate;
  }
  set lr(value: number) {
    this.learningRate = checkPositive(`${this.fn}.lr`, 'learning rate', value);
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    const pairs = gradPairs(`${this.fn}.step`, this.params);
    noGrad(() => {
      for (const [p, g] of pairs) {
        let s = this.state.get(p);
        if (s === undefined) {
          s = this.initState(p);
          this.state.set(p, s);
        }
        this.update(p.data, g, s);
        p.markModified(); // a graph recorded before this step can no longer be pulled back through
      }
    });
  }

  /** Set every parameter's `.grad` to null. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  protected abstract initState(p: Tensor): S;
  /** Update `p` (the parameter's data) in place from the gradient `g`. */
  protected abstract update(p: TypedArray, g: TypedArray, state: S): void;
}
