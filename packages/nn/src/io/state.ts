// The one place where saved tensors are written into a module: everything is checked first, so a
// failed load leaves every parameter as it was.
import { DTypeError, ShapeError, ValueError, formatShape } from '@pullback/autograd';
import type { DType, Tensor } from '@pullback/autograd';
import { Module } from '../module.ts';
import { describe, sameShape } from '../internal/check.ts';

/** A saved tensor: its dtype, shape and row-major values. */
export interface SavedTensor {
  dtype: DType;
  shape: number[];
  data: ArrayLike<number>;
}

export function checkModule(fn: string, module: unknown): Module {
  if (!(module instanceof Module)) throw new ValueError(fn, `expected a Module, got ${describe(module)}`);
  return module;
}

/** `a, b, c` (at most `max` listed). */
function list(names: readonly string[], max = 8): string {
  const shown = names
    .slice(0, max)
    .map((n) => `'${n}'`)
    .join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * Copy `saved` into the module's parameters (in place, so optimizers keep their references) after
 * checking that the names match exactly and every dtype and shape agrees.
 */
export function assignParameters(fn: string, module: Module, saved: ReadonlyMap<string, SavedTensor>): void {
  const params = new Map<string, Tensor>(module.namedParameters());
  const missing = [...params.keys()].filter((n) => !saved.has(n));
  const extra = [...saved.keys()].filter((n) => !params.has(n));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`missing ${list(missing)}`);
    if (extra.length > 0) parts.push(`unexpected ${list(extra)}`);
    throw new ValueError(fn, `the saved tensors do not match the module's parameters: ${parts.join('; ')}`);
  }
  for (const [name, p] of params) {
    const s = saved.get(name)!;
    if (s.dtype !== p.dtype) throw new DTypeError(fn, `'${name}' was saved as ${s.dtype} but the parameter is ${p.dtype}`);
    if (!sameShape(s.shape, p.shape)) {
      throw new ShapeError(fn, `'${name}' was saved with shape ${formatShape(s.shape)} but the parameter has shape ${formatShape(p.shape)}`);
    }
    if (s.data.length !== p.size) throw new ValueError(fn, `'${name}' has ${s.data.length} values for shape ${formatShape(s.shape)}`);
  }
  for (const [name, p] of params) {
    p.data.set(saved.get(name)!.data);
    p.markModified();
  }
}
