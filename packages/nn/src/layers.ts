import {
  DTypeError,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  formatShape,
  greater,
  linear,
  matmul,
  onesLike,
  relu,
  sigmoid,
  sigmoidDerivative,
  softmax,
  tanh,
  tanhDerivative,
} from '@pullback/autograd';
import type { DType } from '@pullback/autograd';
import { glorotUniform, heNormal, normal, scaledNormal, zerosInit } from './init.ts';
import { checkBoolean, checkChoice, checkDType, checkInteger, checkOptions, checkSize, checkTensor, describe } from './internal/check.ts';
import { Module } from './module.ts';
import { resolveRng } from './random.ts';
import type { Rng } from './random.ts';

/**
 * How a Linear layer draws W and b:
 * - 'normal': W, b ~ N(0, 1) (Nielsen ch. 1);
 * - 'scaledNormal': W ~ N(0, 1/n_in), b ~ N(0, 1) (Nielsen ch. 3);
 * - 'glorot': W ~ Glorot uniform, b = 0;
 * - 'he': W ~ He normal, b = 0.
 */
export type InitScheme = 'normal' | 'scaledNormal' | 'glorot' | 'he';
export const INIT_SCHEMES: readonly InitScheme[] = ['normal', 'scaledNormal', 'glorot', 'he'];

export interface LinearOptions {
  /** Add a bias b (default true). */
  bias?: boolean;
  /** Initialisation scheme (default 'normal'). */
  init?: InitScheme;
  /** Generator to draw from; or give `seed`; neither: the `manualSeed` generator. */
  rng?: Rng;
  seed?: number;
  dtype?: DType;
}

const LINEAR_OPTIONS: readonly (keyof LinearOptions)[] = ['bias', 'init', 'rng', 'seed', 'dtype'];

/**
 * A fully connected layer: z = W a + b for one example, y = x Wᵀ + b for a batch x of shape
 * [batch, in]. W has shape [out, in] — Nielsen's w^l_{jk}: row j is a neuron of this layer,
 * column k a neuron of the previous one — and b has shape [out].
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const fn = 'Linear';
    checkInteger(fn, 'inFeatures', inFeatures, 1);
    checkInteger(fn, 'outFeatures', outFeatures, 1);
    checkSize(fn, 'a weight of shape', [outFeatures, inFeatures]);
    const o = checkOptions<LinearOptions>(fn, options, LINEAR_OPTIONS);
    const init = checkChoice(fn, 'init', o.init ?? 'normal', INIT_SCHEMES);
    const dtype = checkDType(fn, o.dtype ?? 'float64');
    const hasBias = checkBoolean(fn, 'bias', o.bias ?? true);
    const rng = resolveRng(fn, o);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const shape = [outFeatures, inFeatures];
    // The weight is drawn before the bias, so a seed fixes both.
    const w =
      init === 'normal'
        ? normal(shape, rng, 1, dtype)
        : init === 'scaledNormal'
          ? scaledNormal(shape, rng, dtype)
          : init === 'glorot'
            ? glorotUniform(shape, rng, dtype)
            : heNormal(shape, rng, dtype);
    this.weight = this.registerParameter('weight', w);
    if (hasBias) {
      const b = init === 'normal' || init === 'scaledNormal' ? normal([outFeatures], rng, 1, dtype) : zerosInit([outFeatures], dtype);
      this.bias = this.registerParameter('bias', b);
    } else {
      this.bias = null;
    }
  }

  /** y = x Wᵀ + b for x of shape [..., in] (a single example [in] gives [out]): one fused `linear` op. */
  forward(x: Tensor): Tensor {
    this.checkInput('Linear.forward', x);
    return linear(x, this.weight, this.bias);
  }

  /**
   * The same y, bit for bit, recorded as the equation reads: a matmul (w a) and then an add (+ b),
   * two nodes instead of one, so that traces can name each term. Slower: for explaining, not training.
   */
  forwardExplicit(x: Tensor): Tensor {
    this.checkInput('Linear.forwardExplicit', x);
    const y = matmul(x, this.weight, { transposeB: true });
    return this.bias === null ? y : add(y, this.bias);
  }

  private checkInput(fn: string, x: Tensor): void {
    checkTensor(fn, 'input', x);
    if (x.shape.length === 0 || x.shape[x.shape.length - 1] !== this.inFeatures) {
      throw new ShapeError(
        fn,
        `input has shape ${formatShape(x.shape)}; expected [batch, ${this.inFeatures}] or [${this.inFeatures}] (the last axis must be the layer's ${this.inFeatures} input features)`,
      );
    }
    if (x.dtype !== this.weight.dtype) {
      throw new DTypeError(
        fn,
        `input has dtype ${x.dtype} but the layer's weight has dtype ${this.weight.dtype}; cast the input with .cast('${this.weight.dtype}')`,
      );
    }
  }
}

/** Names of the elementwise activations a = f(z). */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'identity';
export const ACTIVATION_NAMES: readonly ActivationName[] = ['sigmoid', 'tanh', 'relu', 'identity'];

/** Per activation: the class name its errors carry, f and f'. */
const ELEMENTWISE: Record<ActivationName, { name: string; f: (z: Tensor) => Tensor; df: (z: Tensor) => Tensor }> = {
  sigmoid: { name: 'Sigmoid', f: sigmoid, df: sigmoidDerivative },
  tanh: { name: 'Tanh', f: tanh, df: tanhDerivative },
  relu: { name: 'ReLU', f: relu, df: (z) => greater(z, 0) },
  identity: { name: 'Identity', f: (z) => z, df: onesLike },
};

/**
 * An elementwise activation a = f(z), which also knows f'(z) (for BP1/BP2: δ = (…) ⊙ f'(z)).
 * Each subclass only names its `kind`; f and f' come from that kind's row of ELEMENTWISE.
 */
export abstract class ElementwiseActivation extends Module {
  abstract readonly kind: ActivationName;
  /** a = f(z) elementwise. */
  forward(z: Tensor): Tensor {
    const { name, f } = ELEMENTWISE[this.kind];
    return f(checkTensor(`${name}.forward`, 'input', z));
  }
  /** f'(z) elementwise. */
  derivative(z: Tensor): Tensor {
    const { name, df } = ELEMENTWISE[this.kind];
    return df(checkTensor(`${name}.derivative`, 'input', z));
  }
}

/** a = σ(z) = 1 / (1 + e^{−z}); σ'(z) = σ(z)(1 − σ(z)). */
export class Sigmoid extends ElementwiseActivation {
  readonly kind = 'sigmoid';
}

/** a = tanh z; tanh'(z) = sech² z. */
export class Tanh extends ElementwiseActivation {
  readonly kind = 'tanh';
}

/** a = max(z, 0); relu'(z) = [z > 0] (0 at z = 0, as PyTorch). */
export class ReLU extends ElementwiseActivation {
  readonly kind = 'relu';
}

/** a = z (returns the same tensor); derivative 1. */
export class Identity extends ElementwiseActivation {
  readonly kind = 'identity';
}

/** a_j = e^{z_j} / Σ_k e^{z_k} along `axis` (default last). Not elementwise: no `derivative`. */
export class Softmax extends Module {
  readonly kind = 'softmax';
  readonly axis: number;
  constructor(axis = -1) {
    super();
    if (!Number.isInteger(axis)) throw new ValueError('Softmax', `axis must be an integer, got ${describe(axis)}`);
    this.axis = axis;
  }
  forward(z: Tensor): Tensor {
    return softmax(checkTensor('Softmax.forward', 'input', z), this.axis);
  }
}

/** The activation layer for a name: 'sigmoid' → new Sigmoid(), ..., 'softmax' → new Softmax(). */
export function activationLayer(name: ActivationName | 'softmax'): ElementwiseActivation | Softmax {
  switch (checkChoice('activationLayer', 'activation', name, [...ACTIVATION_NAMES, 'softmax'] as const)) {
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'relu':
      return new ReLU();
    case 'identity':
      return new Identity();
    case 'softmax':
      return new Softmax();
  }
}

/** y = f_n(… f_2(f_1(x))): the modules applied in order; children are named '0', '1', .... */
export class Sequential extends Module {
  readonly modules: readonly Module[];
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new ValueError('Sequential', `argument ${i} must be a Module, got ${describe(m)}`);
    });
    this.modules = modules.map((m, i) => this.registerModule(String(i), m));
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.modules) y = m.call(y);
    return y;
  }
}
