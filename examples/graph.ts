// A micrograd-style scalar expression (one tanh neuron), its graph as DOT and SVG, and the
// backward pass step by step; the picture is drawn after backward(), with every gradient, as
// micrograd draws it.  Run: pnpm tsx examples/graph.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { explain, scalar, toDot, toSvg } from '@pullback/autograd';

const x1 = scalar(2, 'x1');
const x2 = scalar(0, 'x2');
const w1 = scalar(-3, 'w1');
const w2 = scalar(1, 'w2');
const b = scalar(6.881373587019543, 'b');
const n = x1.mul(w1).named('x1w1').add(x2.mul(w2).named('x2w2')).add(b).named('n');
const o = n.tanh().named('o');

console.log(explain(o).toText());
o.backward();
console.log(`gradients: x1 ${x1.grad}, w1 ${w1.grad}, x2 ${x2.grad}, w2 ${w2.grad}, b ${b.grad}`);

mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(new URL('./out/graph.dot', import.meta.url), toDot(o));
writeFileSync(new URL('./out/graph.svg', import.meta.url), await toSvg(o));
console.log('wrote examples/out/graph.dot and examples/out/graph.svg');
