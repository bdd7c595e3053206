// A plain JavaScript consumer of the installed tarballs (no TypeScript, no loader): trains an MLP
// on XOR, checks its gradients against the closed-form BP1–BP4 of '@pullback/nn/reference', runs a
// product on two threads ('@pullback/autograd/node') and catches a NaN with detectAnomaly.
// Prints one JSON object for test/package/pack-install.test.ts to check.
import { AnomalyError, detectAnomaly, log, matmul, setGemmBackend, tensor } from '@pullback/autograd';
import { useThreads } from '@pullback/autograd/node';
import { Adam, MLP, quadraticCost } from '@pullback/nn';
import { backpropReference } from '@pullback/nn/reference';

const result = {};

// (1) XOR with a 2-8-1 tanh/sigmoid MLP, full batch, Adam.
const x = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const y = tensor([[0], [1], [1], [0]]);
const model = new MLP([2, 8, 1], { activation: 'tanh', outputActivation: 'sigmoid', init: 'glorot', seed: 3 });
const optimizer = new Adam(model.parameters(), { lr: 0.05 });
let loss = Number.NaN;
for (let step = 0; step < 500; step++) {
  optimizer.zeroGrad();
  const cost = quadraticCost(model.call(x), y);
  cost.backward();
  optimizer.step();
  loss = cost.item();
}
const predictions = Array.from(model.call(x).data, (p) => (p > 0.5 ? 1 : 0));
result.xor = { loss, predictions };

// (2) The engine's gradients against the closed form (sigmoid network, quadratic cost, mean).
const small = new MLP([2, 3, 2], { outputActivation: 'sigmoid', seed: 1 });
small.zeroGrad();
quadraticCost(
  small.call(x),
  tensor([
    [1, 0],
    [0, 1],
    [0, 1],
    [1, 0],
  ]),
).backward();
const reference = backpropReference(
  {
    sizes: [2, 3, 2],
    weights: small.layers.map((l) => Float64Array.from(l.weight.data)),
    biases: small.layers.map((l) => Float64Array.from(l.bias.data)),
    activations: ['sigmoid', 'sigmoid'],
  },
  { x: Float64Array.from(x.data), y: Float64Array.from([1, 0, 0, 1, 0, 1, 1, 0]), size: 4 },
  { cost: 'quadratic' },
);
let maxDiff = 0;
small.layers.forEach((layer, i) => {
  const ref = reference.layers[i];
  for (const [j, g] of layer.weight.grad.data.entries()) maxDiff = Math.max(maxDiff, Math.abs(g - ref.gradW[j]));
  for (const [j, g] of layer.bias.grad.data.entries()) maxDiff = Math.max(maxDiff, Math.abs(g - ref.gradB[j]));
});
result.referenceMaxDiff = maxDiff;

// (3) One large product on two threads (WebAssembly kernels on shared memory), against one thread.
setGemmBackend('wasm');
const a = tensor(Array.from({ length: 300 }, (_, i) => Array.from({ length: 300 }, (_, j) => Math.sin(i + 2 * j))));
const one = matmul(a, a).data;
result.threads = useThreads(2);
const two = matmul(a, a).data;
useThreads(1);
result.threadsIdentical = one.length === two.length && one.every((v, i) => Object.is(v, two[i]));
let naive = 0; // C[7][11] by the definition
for (let k = 0; k < 300; k++) naive += a.data[7 * 300 + k] * a.data[k * 300 + 11];
result.productError = Math.abs(naive - two[7 * 300 + 11]);

// (4) detectAnomaly names the line of this file that called log on a negative number.
let marked;
/** Returns `value` and remembers this file's line that called it (the line of the op). */
function mark(value) {
  marked = (new Error().stack ?? '').split('\n')[2];
  return value;
}
try {
  detectAnomaly(() => {
    const negative = tensor([2, -1], { requiresGrad: true });
    return log(mark(negative));
  });
  result.anomaly = { thrown: false };
} catch (e) {
  result.anomaly = { thrown: e instanceof AnomalyError, op: e.op, site: e.site, marked };
}

console.log(JSON.stringify(result));
