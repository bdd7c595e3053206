// Modules with hand-chosen parameters for the serialisation tests.
import { type Tensor, tensor } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import { Module } from '../../src/index.ts';

/** A module holding exactly the given named tensors (registered in order). */
export class Bag extends Module {
  constructor(entries: [string, Tensor][]) {
    super();
    for (const [name, t] of entries) this.registerParameter(name, t);
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** A nested module: `inner.weight`, `inner.bias`, `scale`. */
export class Nested extends Module {
  readonly scale: Tensor;
  constructor(values: { w: number[]; b: number[]; s: number[] }, dtype: DType = 'float64') {
    super();
    this.scale = this.registerParameter('scale', tensor(values.s, { dtype }));
    this.registerModule(
      'inner',
      new Bag([
        ['weight', tensor(values.w, { shape: [2, 2], dtype })],
        ['bias', tensor(values.b, { dtype })],
      ]),
    );
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Bit patterns of a tensor's values (so −0 and NaN compare exactly). */
export function bits(t: Tensor): string[] {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const width = t.data.BYTES_PER_ELEMENT;
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += width) out.push(Array.from(bytes.subarray(i, i + width), (b) => b.toString(16).padStart(2, '0')).join(''));
  return out;
}

/** Awkward values: −0, infinities, NaN, subnormals, extremes, a non-terminating binary fraction. */
export const AWKWARD = [-0, Infinity, -Infinity, NaN, 5e-324, -Number.MAX_VALUE, 0.1, 1 / 3, -2.5e-310, 123456789.12345679];
