// micrograd's classic demo with the scalar API: a 2-16-16-1 MLP of Scalars, SVM hinge loss with
// L2, on 100 two-moons points.  Run: pnpm tsx examples/moons.ts [--steps 100]
import { type Scalar, mulberry32, scalar } from '@pullback/autograd';
import { twoMoons } from './support/two-moons.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg('steps', 100);

// One seeded generator draws the data, then the weights, so every run is the same.
const random = mulberry32(1337);
const { X, Y } = twoMoons(random);

class Neuron {
  w: Scalar[];
  b = scalar(0);
  constructor(
    nin: number,
    readonly linear: boolean,
  ) {
    this.w = Array.from({ length: nin }, () => scalar(random() * 2 - 1));
  }
  call(x: (Scalar | number)[]): Scalar {
    let act = this.b as Scalar;
    x.forEach((xi, i) => {
      act = act.add(this.w[i]!.mul(xi));
    });
    return this.linear ? act : act.relu();
  }
  parameters(): Scalar[] {
    return [...this.w, this.b];
  }
}

const sizes = [2, 16, 16, 1];
const layers = sizes.slice(1).map((n, l) => Array.from({ length: n }, () => new Neuron(sizes[l]!, l === sizes.length - 2)));
const parameters = layers.flat().flatMap((n) => n.parameters());
const model = (x: (Scalar | number)[]) => layers.reduce((a, layer) => layer.map((n) => n.call(a)), x)[0] as Scalar;

for (let k = 0; k < steps; k++) {
  const scores = X.map((x) => model(x));
  // max-margin loss, mean over the data, plus α‖θ‖² (micrograd's demo)
  const losses = scores.map((s, i) => s.mul(-Y[i]!).add(1).relu());
  const dataLoss = losses.reduce((a, l) => a.add(l), scalar(0) as Scalar).mul(1 / losses.length);
  const reg = parameters.reduce((a, p) => a.add(p.mul(p)), scalar(0) as Scalar).mul(1e-4);
  const total = dataLoss.add(reg);
  const accuracy = scores.filter((s, i) => s.data > 0 === Y[i]! > 0).length / scores.length;
  for (const p of parameters) p.zeroGrad();
  total.backward();
  const lr = 1 - (0.9 * k) / 100;
  for (const p of parameters) p.data -= lr * p.grad;
  if (k % 10 === 0 || k === steps - 1) console.log(`step ${k} loss ${total.data.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(0)}%`);
}
