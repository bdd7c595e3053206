import { ValueError } from '@pullback/autograd';
import type { DType, Tensor } from '@pullback/autograd';
import { checkBoolean, checkChoice, checkDType, checkOptions, describe } from './internal/check.ts';
import { ACTIVATION_NAMES, INIT_SCHEMES, Linear, activationLayer } from './layers.ts';
import type { ActivationName, ElementwiseActivation, InitScheme, LinearOptions, Softmax } from './layers.ts';
import { Module } from './module.ts';
import { resolveRng } from './random.ts';
import type { Rng } from './random.ts';

export interface MLPOptions {
  /** Hidden-layer activation f (default 'sigmoid', as Nielsen). It does not apply to the output layer. */
  activation?: ActivationName;
  /**
   * Output-layer activation (default 'identity': a^L = z^L, logits, as torchvision's MLP, so that
   * `softmaxCrossEntropy` and regression see an unsquashed output whatever `activation` is).
   * Nielsen's all-sigmoid network is `{ outputActivation: 'sigmoid' }`.
   */
  outputActivation?: ActivationName | 'softmax';
  /** Biases on every layer (default true). */
  bias?: boolean;
  /** Initialisation of every Linear layer (default 'normal'). */
  init?: InitScheme;
  /** One generator for all layers, drawn layer by layer; or a `seed`. */
  rng?: Rng;
  seed?: number;
  dtype?: DType;
}

const MLP_OPTIONS: readonly (keyof MLPOptions)[] = ['activation', 'outputActivation', 'bias', 'init', 'rng', 'seed', 'dtype'];

/** What `forwardTrace` records: z[i], a[i] belong to layer i (Nielsen's layer l = i + 2). */
export interface ForwardTrace {
  /** Weighted inputs z^l = w^l a^{l−1} + b^l. */
  z: Tensor[];
  /** Activations a^l = f(z^l); the last one is the output. The input a^1 = x is not included. */
  a: Tensor[];
}

/**
 * A fully connected network in Nielsen's notation: for sizes [n_1, ..., n_L],
 * z^l = w^l a^{l−1} + b^l and a^l = f(z^l) for l = 2..L−1, with a^1 = x; the output layer applies
 * `outputActivation` (linear unless given), so Nielsen's network is
 * `new MLP([784, 30, 10], { activation: 'sigmoid', outputActivation: 'sigmoid' })`.
 * `layers[i]` is w^{i+2}, b^{i+2} (a Linear, weight [n_{i+2}, n_{i+1}]) and `activations[i]` its f.
 * Parameters are named 'layers.0.weight', 'layers.0.bias', 'layers.1.weight', ....
 */
export class MLP extends Module {
  readonly sizes: readonly number[];
  readonly layers: readonly Linear[];
  readonly activations: readonly (ElementwiseActivation | Softmax)[];

  constructor(sizes: readonly number[], options: MLPOptions = {}) {
    super();
    const fn = 'MLP';
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((n) => Number.isSafeInteger(n) && n >= 1)) {
      throw new ValueError(
        fn,
        `sizes must list at least two positive integers (input, ..., output), e.g. [784, 30, 10]; got ${Array.isArray(sizes) ? `[${sizes.join(', ')}]` : describe(sizes)}`,
      );
    }
    const o = checkOptions<MLPOptions>(fn, options, MLP_OPTIONS);
    const activation = checkChoice(fn, 'activation', o.activation ?? 'sigmoid', ACTIVATION_NAMES);
    const output = checkChoice(fn, 'outputActivation', o.outputActivation ?? 'identity', [...ACTIVATION_NAMES, 'softmax'] as const);
    checkChoice(fn, 'init', o.init ?? 'normal', INIT_SCHEMES);
    checkDType(fn, o.dtype ?? 'float64');
    checkBoolean(fn, 'bias', o.bias ?? true);
    const rng = resolveRng(fn, o);
    this.sizes = [...sizes];
    // Unset options stay undefined, so each Linear applies its own defaults.
    const layerOptions: LinearOptions = { rng, bias: o.bias, init: o.init, dtype: o.dtype };
    const layers: Linear[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) layers.push(new Linear(sizes[i]!, sizes[i + 1]!, layerOptions));
    this.layers = this.registerModules('layers', layers);
    this.activations = layers.map((_, i) => activationLayer(i === layers.length - 1 ? output : activation));
  }

  /** a^L for x of shape [batch, n_1] (or [n_1]). */
  forward(x: Tensor): Tensor {
    let a = x;
    for (let i = 0; i < this.layers.length; i++) a = this.activations[i]!.call(this.layers[i]!.call(a));
    return a;
  }

  /**
   * The forward pass keeping every z^l and a^l, with each z^l recorded as w^l a^{l−1} then + b^l
   * (`Linear.forwardExplicit`) so that traces can name both terms; the values equal `forward`'s.
   */
  forwardTrace(x: Tensor): ForwardTrace {
    const z: Tensor[] = [];
    const a: Tensor[] = [];
    let prev = x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i]!;
      const zi = layer.scoped(() => layer.forwardExplicit(prev));
      prev = this.activations[i]!.call(zi);
      z.push(zi);
      a.push(prev);
    }
    return { z, a };
  }
}
