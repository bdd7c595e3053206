// User state for the catalogue's entries: tensors that already hold a gradient, a small model
// with an optimizer that has taken a step, saved weight files. Every call builds it afresh.
import { type Tensor, square, sum, tensor } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import { Adam, MLP, SGD, quadraticCost, saveJson, saveSafetensors } from '@pullback/nn';
import type { MLPOptions } from '@pullback/nn';

type Nested = number | Nested[];

/** A differentiable leaf that already holds a gradient (2x, from Σx²), so a failed call can be seen to touch it. */
export function leaf(data: Nested, dtype: DType = 'float64'): Tensor {
  const t = tensor(data, { requiresGrad: true, dtype });
  sum(square(t)).backward();
  return t;
}

/** The [2, 3] leaf most entries start from. */
export const m23 = (): Tensor =>
  leaf([
    [1, 2, 3],
    [4, 5, 6],
  ]);

/** A plain constant tensor. */
export function constant(data: Nested, dtype: DType = 'float64'): Tensor {
  return tensor(data, { dtype });
}

/** [rows, cols] of deterministic values in (−0.5, 0.5). */
export function matrix(rows: number, cols: number, dtype: DType = 'float64'): Tensor {
  return tensor(
    Array.from({ length: rows * cols }, (_, i) => ((i * 7) % 11) / 11 - 0.5),
    { shape: [rows, cols], dtype },
  );
}

export interface Trained {
  model: MLP;
  opt: SGD | Adam;
  x: Tensor;
  y: Tensor;
}

/**
 * An MLP whose optimizer has taken one step (so its state holds buffers), with fresh gradients
 * from a second backward pass left on every parameter.
 */
export function trained(sizes: number[] = [3, 4, 2], optimizer: 'sgd' | 'adam' = 'adam', options: MLPOptions = {}): Trained {
  const model = new MLP(sizes, { seed: 7, ...options });
  const dtype = options.dtype ?? 'float64';
  const opt = optimizer === 'sgd' ? new SGD(model, { lr: 0.1, momentum: 0.9 }) : new Adam(model, { lr: 0.01 });
  const x = matrix(2, sizes[0]!, dtype);
  const y = tensor(
    Array.from({ length: 2 * sizes[sizes.length - 1]! }, (_, i) => i % 2),
    { shape: [2, sizes[sizes.length - 1]!], dtype },
  );
  quadraticCost(model.call(x), y).backward();
  opt.step();
  model.zeroGrad();
  quadraticCost(model.call(x), y).backward();
  return { model, opt, x, y };
}

/** A model and its own weights saved as safetensors bytes and as JSON. */
export function saved(sizes: number[] = [3, 2], options: MLPOptions = {}): { model: MLP; bytes: Uint8Array; json: string } {
  const source = new MLP(sizes, { seed: 11, ...options });
  return { model: new MLP(sizes, { seed: 12, ...options }), bytes: saveSafetensors(source), json: saveJson(source) };
}

/** A safetensors file with `header` (an object or raw JSON text) and `data` bytes. */
export function safetensorsFile(header: object | string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** The header (parsed) and data section of a safetensors file. */
export function splitSafetensors(bytes: Uint8Array): { header: Record<string, any>; data: Uint8Array } {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}

/** An IDX file: magic 0x00 0x00 <type> <rank>, big-endian sizes, then one byte per value (uint8). */
export function idxUint8(shape: number[], values: number[]): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length);
  const dv = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    dv.setUint32(4 + 4 * i, d, false);
  });
  out.set(values, header);
  return out;
}
