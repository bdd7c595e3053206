import { REF_ACTIVATIONS } from './activations.ts';
import { REF_COSTS } from './cost.ts';
import { describe, fail, formatShape } from './errors.ts';
import type { RefBatch, RefNetwork, RefOptions } from './types.ts';

const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const quoteAll = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

function checkArray(fn: string, name: string, value: unknown, length: number, sizes: number[]): void {
  if (!Array.isArray(value)) fail(fn, `${name} is ${describe(value)} but expected an array with one entry per layer after the input`);
  if (value.length !== length) {
    fail(fn, `${name} has length ${value.length} but sizes ${formatShape(sizes)} need ${length} (one per layer after the input)`);
  }
}

/** Checks the shapes and names of a RefNetwork; throws BackpropReferenceError prefixed with fn. */
export function validateNetwork(fn: string, net: RefNetwork): void {
  if (typeof net !== 'object' || net === null) fail(fn, `net is ${describe(net)} but expected a RefNetwork object`);
  const { sizes } = net;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    fail(fn, `sizes is ${describe(sizes)} but expected an array of at least 2 layer sizes (input and output)`);
  }
  sizes.forEach((n, i) => {
    if (!isPositiveInteger(n)) fail(fn, `sizes[${i}] is ${describe(n)} but layer sizes must be integers ≥ 1`);
  });
  const depth = sizes.length - 1;
  checkArray(fn, 'weights', net.weights, depth, sizes);
  checkArray(fn, 'biases', net.biases, depth, sizes);
  checkArray(fn, 'activations', net.activations, depth, sizes);
  for (let i = 0; i < depth; i++) {
    const nIn = sizes[i]!;
    const nOut = sizes[i + 1]!;
    const w: unknown = net.weights[i];
    const shape = `${formatShape([nOut, nIn])} = ${nOut * nIn} entries`;
    if (!(w instanceof Float64Array)) fail(fn, `weights[${i}] is ${describe(w)} but expected a Float64Array of shape ${shape}`);
    if (w.length !== nOut * nIn) {
      fail(fn, `weights[${i}] has length ${w.length} but layer sizes ${formatShape([nIn, nOut])} need ${shape}`);
    }
    const b: unknown = net.biases[i];
    if (b !== null && !(b instanceof Float64Array)) {
      fail(fn, `biases[${i}] is ${describe(b)} but expected a Float64Array of length ${nOut} or null (bias-free layer)`);
    }
    if (b !== null && b.length !== nOut) {
      fail(fn, `biases[${i}] has length ${b.length} but layer ${i + 2} has ${nOut} neurons; expected length ${nOut} or null`);
    }
    const f: unknown = net.activations[i];
    if (!REF_ACTIVATIONS.includes(f as never)) {
      fail(fn, `activations[${i}] is ${describe(f)} but expected one of ${quoteAll(REF_ACTIVATIONS)}`);
    }
  }
}

/** Checks a batch against an already validated network. */
export function validateBatch(fn: string, net: RefNetwork, batch: RefBatch): void {
  if (typeof batch !== 'object' || batch === null) fail(fn, `batch is ${describe(batch)} but expected a RefBatch object`);
  const m: unknown = batch.size;
  if (!isPositiveInteger(m)) fail(fn, `batch.size is ${describe(m)} but expected an integer ≥ 1`);
  checkRows(fn, 'batch.x', batch.x, m, net.sizes[0]!, 'sizes[0]');
  checkRows(fn, 'batch.y', batch.y, m, net.sizes[net.sizes.length - 1]!, `sizes[${net.sizes.length - 1}]`);
}

function checkRows(fn: string, name: string, v: unknown, m: number, n: number, sizeName: string): void {
  const need = `batch.size = ${m} and ${sizeName} = ${n} need ${formatShape([m, n])} = ${m * n} entries (one example per row)`;
  if (!(v instanceof Float64Array)) fail(fn, `${name} is ${describe(v)} but ${need} in a Float64Array`);
  if (v.length !== m * n) fail(fn, `${name} has length ${v.length} but ${need}`);
}

/** Checks a single example (x, y) against an already validated network. */
export function validateExample(fn: string, net: RefNetwork, x: Float64Array, y: Float64Array): void {
  const nIn = net.sizes[0]!;
  const nOut = net.sizes[net.sizes.length - 1]!;
  if (!(x instanceof Float64Array) || x.length !== nIn) {
    fail(fn, `x is ${describe(x)} but sizes[0] = ${nIn} needs a Float64Array of length ${nIn}`);
  }
  if (!(y instanceof Float64Array) || y.length !== nOut) {
    fail(fn, `y is ${describe(y)} but sizes[${net.sizes.length - 1}] = ${nOut} needs a Float64Array of length ${nOut}`);
  }
}

/** Checks cost name, reduction and the L2 settings. */
export function validateOptions(fn: string, options: RefOptions): void {
  if (typeof options !== 'object' || options === null) fail(fn, `options is ${describe(options)} but expected a RefOptions object`);
  if (!REF_COSTS.includes(options.cost)) fail(fn, `options.cost is ${describe(options.cost)} but expected one of ${quoteAll(REF_COSTS)}`);
  const { reduction, l2 } = options;
  if (reduction !== undefined && reduction !== 'mean' && reduction !== 'sum') {
    fail(fn, `options.reduction is ${describe(reduction)} but expected 'mean', 'sum' or undefined (mean)`);
  }
  if (l2 === undefined) return;
  if (typeof l2 !== 'object' || l2 === null) fail(fn, `options.l2 is ${describe(l2)} but expected a RefL2 object or undefined`);
  if (typeof l2.lambda !== 'number' || !Number.isFinite(l2.lambda) || l2.lambda < 0) {
    fail(fn, `options.l2.lambda is ${describe(l2.lambda)} but expected a finite number ≥ 0`);
  }
  if ((l2.convention as string) === 'batch') fail(fn, `options.l2.convention 'batch' is now called 'unscaled' ((λ/2)·ΣW², not divided by m or n)`);
  if (l2.convention !== 'unscaled' && l2.convention !== 'trainingSet') {
    fail(fn, `options.l2.convention is ${describe(l2.convention)} but expected 'unscaled' or 'trainingSet'`);
  }
  if (l2.convention === 'trainingSet' && !isPositiveInteger(l2.trainingSetSize)) {
    fail(fn, `options.l2.trainingSetSize is ${describe(l2.trainingSetSize)} but the 'trainingSet' convention needs an integer ≥ 1 (the n in λ/(2n))`);
  }
}
