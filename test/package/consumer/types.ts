// A TypeScript consumer, type-checked against the shipped .d.ts files (strict; NodeNext and
// Bundler resolution) by test/package/pack-install.test.ts. Never run.
import { type AnomalyError, type Tensor, detectAnomaly, grad, log, sum, tensor } from '@pullback/autograd';
import { useThreads } from '@pullback/autograd/node';
import { Adam, MLP, quadraticCost } from '@pullback/nn';
import { type RefNetwork, backpropReference } from '@pullback/nn/reference';

const model = new MLP([2, 4, 1], { activation: 'tanh', seed: 1 });
const x: Tensor = tensor([[0, 1]]);
const cost: Tensor = quadraticCost(model.call(x), tensor([[1]]));
cost.backward();
new Adam(model.parameters(), { lr: 0.01 }).step();
const g = grad((t: Tensor) => sum(t.mul(t)))(tensor([1, 2]));
const threads: number = useThreads(2);
const net: RefNetwork = { sizes: [1, 1], weights: [new Float64Array(1)], biases: [null], activations: ['sigmoid'] };
const ref: number = backpropReference(net, { x: new Float64Array(1), y: new Float64Array(1), size: 1 }, { cost: 'quadratic' }).cost;
const site = (e: AnomalyError): string => e.site;
detectAnomaly(() => log(x));

// The types are real, not `any`: each of these is an error.
// @ts-expect-error a Tensor is not a number
const notANumber: number = tensor([1]);
// @ts-expect-error MLP takes layer sizes, not a string
new MLP('2-4-1');
// @ts-expect-error 'softsign' is not an activation
new MLP([2, 1], { activation: 'softsign' });

export { g, threads, ref, site, notANumber };
