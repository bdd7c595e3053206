import { describe, expect, it } from 'vitest';
import { BackpropReferenceError, backpropReference } from '../../src/reference/index.ts';
import type { RefBatch, RefNetwork, RefOptions } from '../../src/reference/index.ts';
import { cloneNetwork } from './support.ts';

// A valid 3-4-2 network and batch of 2; each case below breaks exactly one thing.
function validNet(): RefNetwork {
  return {
    sizes: [3, 4, 2],
    weights: [new Float64Array(12).fill(0.1), new Float64Array(8).fill(-0.2)],
    biases: [new Float64Array(4), null],
    activations: ['tanh', 'sigmoid'],
  };
}
function validBatch(): RefBatch {
  return { x: new Float64Array(6).fill(0.5), y: new Float64Array(4).fill(1), size: 2 };
}

type Case = { name: string; net?: (n: RefNetwork) => void; batch?: (b: RefBatch) => void; options?: unknown; message: string };

const cases: Case[] = [
  {
    name: 'weight matrix of the wrong length',
    net: (n) => (n.weights[1] = new Float64Array(12)),
    message: 'backpropReference: weights[1] has length 12 but layer sizes [4, 2] need [2, 4] = 8 entries',
  },
  {
    name: 'weights given as a plain array',
    net: (n) => ((n.weights as unknown[])[0] = new Array(12).fill(0)),
    message: 'backpropReference: weights[0] is an array of length 12 but expected a Float64Array of shape [4, 3] = 12 entries',
  },
  {
    name: 'one weight matrix too few',
    net: (n) => n.weights.pop(),
    message: 'backpropReference: weights has length 1 but sizes [3, 4, 2] need 2 (one per layer after the input)',
  },
  {
    name: 'a single layer size',
    net: (n) => (n.sizes = [3]),
    message: 'backpropReference: sizes is [3] but expected an array of at least 2 layer sizes (input and output)',
  },
  {
    name: 'a zero layer size',
    net: (n) => (n.sizes[1] = 0),
    message: 'backpropReference: sizes[1] is 0 but layer sizes must be integers ≥ 1',
  },
  {
    name: 'bias of the wrong length',
    net: (n) => (n.biases[0] = new Float64Array(3)),
    message: 'backpropReference: biases[0] has length 3 but layer 2 has 4 neurons; expected length 4 or null',
  },
  {
    name: 'unknown activation',
    net: (n) => ((n.activations as string[])[1] = 'softmax'),
    message: "backpropReference: activations[1] is 'softmax' but expected one of 'sigmoid', 'tanh', 'relu', 'identity'",
  },
  {
    name: 'empty batch',
    batch: (b) => (b.size = 0),
    message: 'backpropReference: batch.size is 0 but expected an integer ≥ 1',
  },
  {
    name: 'x with the wrong number of entries',
    batch: (b) => (b.x = new Float64Array(5)),
    message: 'backpropReference: batch.x has length 5 but batch.size = 2 and sizes[0] = 3 need [2, 3] = 6 entries (one example per row)',
  },
  {
    name: 'y for a different output width',
    batch: (b) => (b.y = new Float64Array(6)),
    message: 'backpropReference: batch.y has length 6 but batch.size = 2 and sizes[2] = 2 need [2, 2] = 4 entries (one example per row)',
  },
  {
    name: 'unknown cost',
    options: { cost: 'mse' },
    message: "backpropReference: options.cost is 'mse' but expected one of 'quadratic', 'crossEntropy'",
  },
  {
    name: 'unknown reduction',
    options: { cost: 'quadratic', reduction: 'avg' },
    message: "backpropReference: options.reduction is 'avg' but expected 'mean', 'sum' or undefined (mean)",
  },
  {
    name: 'negative λ',
    options: { cost: 'quadratic', l2: { lambda: -1, convention: 'unscaled' } },
    message: 'backpropReference: options.l2.lambda is -1 but expected a finite number ≥ 0',
  },
  {
    name: "'trainingSet' without n",
    options: { cost: 'quadratic', l2: { lambda: 0.1, convention: 'trainingSet' } },
    message: "backpropReference: options.l2.trainingSetSize is undefined but the 'trainingSet' convention needs an integer ≥ 1 (the n in λ/(2n))",
  },
  {
    name: 'unknown L2 convention',
    options: { cost: 'quadratic', l2: { lambda: 0.1, convention: 'perExample' } },
    message: "backpropReference: options.l2.convention is 'perExample' but expected 'unscaled' or 'trainingSet'",
  },
];

describe('backpropReference input validation', () => {
  it.each(cases)('$name', ({ net: breakNet, batch: breakBatch, options, message }) => {
    const net = validNet();
    const batch = validBatch();
    breakNet?.(net);
    breakBatch?.(batch);
    const opts = (options ?? { cost: 'quadratic' }) as RefOptions;
    const before = { net: cloneNetwork(net), batch: structuredClone(batch), opts: structuredClone(opts) };

    let thrown: unknown;
    try {
      backpropReference(net, batch, opts);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(BackpropReferenceError);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe('BackpropReferenceError');
    expect((thrown as Error).message).toBe(message);
    expect(net).toEqual(before.net);
    expect(batch).toEqual(before.batch);
    expect(opts).toEqual(before.opts);
  });

  it('the valid baseline passes and leaves its inputs unchanged', () => {
    const net = validNet();
    const batch = validBatch();
    const before = { net: cloneNetwork(net), batch: structuredClone(batch) };
    const result = backpropReference(net, batch, { cost: 'crossEntropy', l2: { lambda: 0.3, convention: 'unscaled' } });
    expect(net).toEqual(before.net);
    expect(batch).toEqual(before.batch);
    expect(result.input).not.toBe(batch.x);
  });
});
