// A user-defined layer: SiLU (x·σ(x)) as a custom op with its own pullback, inside a Module with
// a learnable gain, composed with the built-in Linear in a Sequential and trained a few steps.
// gradcheck checks the op to second order; a wrong pullback is caught and pinpointed.
// Run: pnpm tsx examples/custom-layer.ts
import { add, defineOp, gradcheck, mul, ones, sigmoid, sub, tensor } from '@pullback/autograd';
import type { Tensor } from '@pullback/autograd';
import { Linear, Module, Rng, SGD, Sequential, quadraticCost } from '@pullback/nn';

// y = x σ(x)  =>  dx = dy (σ(x) + x σ(x)(1 − σ(x))) = dy σ(x) (1 + x σ(−x))
const silu = defineOp('silu', (x) => ({
  output: mul(x, sigmoid(x)),
  pullback: (dy) => [mul(dy, mul(sigmoid(x), add(mul(x, sigmoid(x.neg())), 1)))],
}));

// The same op with the x σ(−x) term dropped from its derivative.
const wrongSilu = defineOp('silu (wrong)', (x) => ({
  output: mul(x, sigmoid(x)),
  pullback: (dy) => [mul(dy, sigmoid(x))],
}));

/** y = g ⊙ silu(x), with a learnable gain g per feature. */
class GatedSiLU extends Module {
  readonly gain: Tensor;
  constructor(features: number) {
    super();
    this.gain = this.registerParameter('gain', ones([features]));
  }
  forward(x: Tensor): Tensor {
    return mul(silu(x), this.gain);
  }
}

const x0 = tensor([
  [-2, -0.5, 0.25],
  [1.5, 3, -4],
]);
const first = gradcheck(silu, [x0], { secondOrder: true });
console.log(`silu: gradcheck to second order ${first.ok ? 'passed' : 'FAILED'} (${first.checks} comparisons)`);
const wrong = gradcheck(wrongSilu, [x0]);
console.log(`silu (wrong): gradcheck ${wrong.ok ? 'passed' : 'FAILED'}\n${wrong.message}\n`);

// The custom layer composes with the built-ins, and trains.
const rng = new Rng(7);
const model = new Sequential(new Linear(3, 8, { rng, init: 'glorot' }), new GatedSiLU(8), new Linear(8, 1, { rng, init: 'glorot' }));
console.log(
  'parameters:',
  model
    .namedParameters()
    .map(([name, p]) => `${name} [${p.shape.join(', ')}]`)
    .join(', '),
);
const xs = tensor(Array.from({ length: 32 }, () => [rng.normal(), rng.normal(), rng.normal()]));
const ys = tensor(Array.from({ length: 32 }, (_, i) => [Math.sin(xs.data[3 * i]!) + 0.5 * xs.data[3 * i + 1]!]));
const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
for (let step = 0; step <= 200; step++) {
  optimizer.zeroGrad();
  const loss = quadraticCost(model.call(xs), ys);
  loss.backward();
  optimizer.step();
  if (step % 50 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(5)}`);
}
// The whole model's gradient with respect to its input, by gradcheck, as a final check.
const whole = gradcheck((x: Tensor) => sub(model.call(x), 0), [tensor([[0.3, -0.2, 0.9]])]);
console.log(`model as a function of its input: gradcheck ${whole.ok ? 'passed' : 'FAILED'}`);
