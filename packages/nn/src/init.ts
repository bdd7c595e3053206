// Weight initialisers. Each fills a new tensor in row-major order from the given Rng, one draw
// per element, so the same seed gives the same numbers on every platform.
import { type Tensor, ValueError, formatShape, zeros } from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import { checkDType, checkPositive, checkShape, describe } from './internal/check.ts';
import { Rng } from './random.ts';

/**
 * Fan-in and fan-out of a weight of `shape`: [out, in] for a Linear weight (Nielsen's w^l_{jk},
 * row j = neuron of this layer, column k = neuron of the previous one), so fanIn = in,
 * fanOut = out; trailing axes multiply both (PyTorch's receptive field); a 1-D [n] has both = n.
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const s = checkShape('fans', shape);
  if (s.length === 0) throw new ValueError('fans', `fan-in and fan-out need at least one axis, got shape []`);
  if (s.length === 1) return { fanIn: s[0]!, fanOut: s[0]! };
  const receptive = s.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: s[1]! * receptive, fanOut: s[0]! * receptive };
}

function fill(fn: string, shape: readonly number[], rng: Rng, dtype: DType, draw: () => number): Tensor {
  const s = checkShape(fn, shape);
  if (!(rng instanceof Rng)) throw new ValueError(fn, `rng must be an Rng (new Rng(seed)), got ${describe(rng)}`);
  const t = zeros(s, checkDType(fn, dtype));
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = draw();
  return t;
}

function fansFor(fn: string, shape: readonly number[]): { fanIn: number; fanOut: number } {
  const s = checkShape(fn, shape);
  if (s.length === 0) throw new ValueError(fn, `needs a shape with at least one axis to compute fan-in, got shape []`);
  const f = fans(s);
  if (f.fanIn === 0 || f.fanOut === 0) {
    throw new ValueError(fn, `shape ${formatShape(s)} has fan-in ${f.fanIn} and fan-out ${f.fanOut}; both must be > 0 to scale the variance`);
  }
  return f;
}

/** w ~ N(0, std²) elementwise; std = 1 is Nielsen's chapter-1 initialisation (weights and biases). */
export function normal(shape: readonly number[], rng: Rng, std = 1, dtype: DType = 'float64'): Tensor {
  checkPositive('normal', 'std', std, true);
  return fill('normal', shape, rng, dtype, () => std * rng.normal());
}

/** w ~ N(0, 1/n_in), n_in = fan-in: Nielsen's chapter-3 "default_weight_initializer". */
export function scaledNormal(shape: readonly number[], rng: Rng, dtype: DType = 'float64'): Tensor {
  const std = 1 / Math.sqrt(fansFor('scaledNormal', shape).fanIn);
  return fill('scaledNormal', shape, rng, dtype, () => std * rng.normal());
}

/** Glorot/Xavier uniform: w ~ U(−a, a), a = √(6 / (fanIn + fanOut)). */
export function glorotUniform(shape: readonly number[], rng: Rng, dtype: DType = 'float64'): Tensor {
  const { fanIn, fanOut } = fansFor('glorotUniform', shape);
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return fill('glorotUniform', shape, rng, dtype, () => rng.uniform(-a, a));
}

/** Glorot/Xavier normal: w ~ N(0, 2 / (fanIn + fanOut)). */
export function glorotNormal(shape: readonly number[], rng: Rng, dtype: DType = 'float64'): Tensor {
  const { fanIn, fanOut } = fansFor('glorotNormal', shape);
  const std = Math.sqrt(2 / (fanIn + fanOut));
  return fill('glorotNormal', shape, rng, dtype, () => std * rng.normal());
}

/** He/Kaiming normal (for ReLU): w ~ N(0, 2 / fanIn). */
export function heNormal(shape: readonly number[], rng: Rng, dtype: DType = 'float64'): Tensor {
  const std = Math.sqrt(2 / fansFor('heNormal', shape).fanIn);
  return fill('heNormal', shape, rng, dtype, () => std * rng.normal());
}

/** He/Kaiming uniform (for ReLU): w ~ U(−a, a), a = √(6 / fanIn). */
export function heUniform(shape: readonly number[], rng: Rng, dtype: DType = 'float64'): Tensor {
  const a = Math.sqrt(6 / fansFor('heUniform', shape).fanIn);
  return fill('heUniform', shape, rng, dtype, () => rng.uniform(-a, a));
}

/** w = 0 (biases of the Glorot/He schemes). Draws nothing from any generator. */
export function zerosInit(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return zeros(checkShape('zerosInit', shape), checkDType('zerosInit', dtype));
}
