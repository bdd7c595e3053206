// Bad inputs to the tape: backward(), Tensor's gradient API, defineOp pullbacks, the functional
// transforms (grad, vjp, jvp, jacobian, hvp, hessian, gradcheck) and the graph tools (explain,
// whyNoGrad, toDot). A failed backward pass must leave every leaf's .grad as it was.
import {
  DTypeError,
  GraphError,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  cast,
  defineOp,
  explain,
  gradcheck,
  exp,
  grad,
  hessian,
  hvp,
  jacobian,
  jvp,
  mul,
  noGrad,
  reshape,
  sum,
  tensor,
  toDot,
  valueAndGrad,
  vjp,
  whyNoGrad,
} from '@pullback/autograd';
import { quadraticCost } from '@pullback/nn';
import { area, entry } from './harness.ts';
import { constant, leaf, m23, trained } from './fixtures.ts';

const sumOfSquares = (x: Tensor) => sum(mul(x, x));

/** A custom op whose pullback is `bad`; the forward is y = 2x. */
function brokenOp(name: string, bad: (dy: Tensor) => (Tensor | null)[]) {
  return defineOp(name, (x: Tensor) => ({ output: mul(x, 2), pullback: (dy) => bad(dy) }));
}

export const backwardPass = area('backward', [
  entry({
    name: "a model's [2, 2] output without a seed",
    fn: 'backward',
    error: GraphError,
    message: /^backward: the output has shape \[2, 2\], not a single element; pass a seed cotangent of that shape/,
    setup: () => {
      const t = trained([3, 2]);
      return { watch: { modules: [t.model], optimizers: [t.opt] }, ...t };
    },
    call: ({ model, x }) => model.call(x).backward(),
  }),
  entry({
    name: 'a seed of the wrong shape',
    fn: 'backward',
    error: ShapeError,
    message: /^backward: the seed cotangent has shape \[3\]; expected the output's shape \[2, 3\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => mul(x, 2).backward(tensor([1, 1, 1])),
  }),
  entry({
    name: 'a float32 seed for a float64 output',
    fn: 'backward',
    error: DTypeError,
    message: /^backward: the seed cotangent has dtype float32; expected float64 like the output/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) =>
      mul(x, 2).backward(
        tensor(
          [
            [1, 1, 1],
            [1, 1, 1],
          ],
          { dtype: 'float32' },
        ),
      ),
  }),
  entry({
    name: 'a second backward through a freed graph',
    fn: 'backward',
    error: GraphError,
    message: /^backward: the graph through op 'quadraticCost' \(\[\] float64\) was freed by an earlier backward pass; pass \{ retainGraph: true \}/,
    setup: () => {
      const t = trained([3, 2], 'sgd');
      t.model.zeroGrad();
      const loss = quadraticCost(t.model.call(t.x), t.y);
      loss.backward();
      return { watch: { modules: [t.model], optimizers: [t.opt] }, loss };
    },
    call: ({ loss }) => loss.backward(),
  }),
  entry({
    name: 'a constant output (nothing requires grad)',
    fn: 'backward',
    error: GraphError,
    message: /^backward: this tensor \(\[2\] float64\) does not require grad/,
    setup: () => {
      const x = constant([1, 2]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => mul(x, 3).backward(),
  }),
  entry({
    name: 'assigning a gradient of the wrong shape',
    fn: 'Tensor.grad',
    error: ShapeError,
    message: /^Tensor\.grad: a gradient must be a tensor of shape \[2, 3\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => {
      x.grad = tensor([1, 2, 3]);
    },
  }),
  entry({
    name: 'assigning a float32 gradient to a float64 tensor',
    fn: 'Tensor.grad',
    error: DTypeError,
    message: /^Tensor\.grad: .*float32.*float64/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => {
      x.grad = tensor(
        [
          [1, 1, 1],
          [1, 1, 1],
        ],
        { dtype: 'float32' },
      );
    },
  }),
  entry({
    name: 'marking an op output as a leaf',
    fn: 'Tensor.requireGrad',
    error: GraphError,
    message: /^Tensor\.requireGrad: only leaves can be marked; this tensor is the output of 'mul'\. Use detach\(\) first/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => mul(x, 2).requireGrad(),
  }),
  entry({
    name: 'a non-function',
    fn: 'noGrad',
    error: ValueError,
    message: /^noGrad: expected a function/,
    setup: () => ({ watch: {} }),
    call: () => noGrad(3 as never),
  }),
]);

export const customOps = area('defineOp', [
  entry({
    name: 'a pullback returning two cotangents for one input',
    fn: 'backward',
    error: GraphError,
    message: /^backward: the pullback of op 'doubled' returned 2 cotangents; expected an array of 1 \(one per input, null for none\)/,
    setup: () => {
      const w = m23();
      return { watch: { tensors: [w] }, w };
    },
    call: ({ w }) => sum(brokenOp('doubled', (dy) => [dy, dy])(w)).backward(),
  }),
  entry({
    name: 'a pullback returning a float32 cotangent for a float64 input',
    fn: 'toSingle',
    error: DTypeError,
    message: /^toSingle: the cotangent that op 'toSingle' returned for input 0 has dtype float32; expected float64 like the input/,
    setup: () => {
      const w = m23();
      return { watch: { tensors: [w] }, w };
    },
    call: ({ w }) => sum(brokenOp('toSingle', (dy) => [cast(dy, 'float32')])(w)).backward(),
  }),
  entry({
    name: 'a pullback returning a cotangent of higher rank than the output',
    fn: 'lifted',
    error: ShapeError,
    message: /^lifted: the cotangent that op 'lifted' returned for input 0 has shape \[1, 2, 3\]; expected the input's shape \[2, 3\]/,
    setup: () => {
      const w = m23();
      return { watch: { tensors: [w] }, w };
    },
    call: ({ w }) => sum(brokenOp('lifted', (dy) => [reshape(dy, [1, 2, 3])])(w)).backward(),
  }),
  entry({
    name: 'a wrong-shaped cotangent on one branch after the other branch reached its leaf',
    fn: 'flat',
    error: ShapeError,
    message: /^flat: the cotangent that op 'flat' returned for input 0 has shape \[4\]; expected the input's shape \[2\]/,
    setup: () => {
      const a = leaf([1, 2]);
      const b = leaf([3, 4]);
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => sum(add(brokenOp('flat', () => [tensor([1, 2, 3, 4])])(b), mul(a, 2))).backward(),
  }),
]);

export const functional = area('functional', [
  entry({
    name: 'argnums naming a fourth argument of two',
    fn: 'grad',
    error: ValueError,
    message: /^grad: argnums \[0,3\] names argument 3, but the function was called with 2 argument\(s\)/,
    setup: () => {
      const a = m23();
      const b = m23();
      return { watch: { tensors: [a, b] }, a, b };
    },
    call: ({ a, b }) => grad((p: Tensor, q: Tensor) => sum(mul(p, q)), { argnums: [0, 3] })(a, b),
  }),
  entry({
    name: 'a negative argnums',
    fn: 'grad',
    error: ValueError,
    message: /^grad: argnums -1 names argument -1, but the function was called with 1 argument\(s\)/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: ({ a }) => grad(sumOfSquares, { argnums: -1 })(a),
  }),
  entry({
    name: 'argnums given as a string',
    fn: 'grad',
    error: ValueError,
    message: /^grad: argnums .*integer/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: ({ a }) => grad(sumOfSquares, { argnums: '0' as never })(a),
  }),
  entry({
    name: 'hasAux with a function returning a bare tensor',
    fn: 'valueAndGrad',
    error: ValueError,
    message: /^valueAndGrad: with \{ hasAux: true \} the function must return \[value, aux\], got Tensor/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: ({ a }) => valueAndGrad(sumOfSquares as never, { hasAux: true })(a),
  }),
  entry({
    name: 'a non-function',
    fn: 'vjp',
    error: ValueError,
    message: /^vjp: expected a function, got number 3/,
    setup: () => {
      const a = m23();
      return { watch: { tensors: [a] }, a };
    },
    call: ({ a }) => vjp(3 as never, a),
  }),
  entry({
    name: 'a [1, 3] tangent for a [3] primal',
    fn: 'jvp',
    error: ShapeError,
    message: /^jvp: tangent leaf 0 has shape \[1, 3\]; expected the primal's shape \[3\]/,
    setup: () => {
      const x = leaf([1, 2, 3]);
      const t = constant([[1, 0, 0]]);
      return { watch: { tensors: [x, t] }, x, t };
    },
    call: ({ x, t }) => jvp((p: Tensor) => mul(p, 2), [x], [t]),
  }),
  entry({
    name: 'fewer tangents than primals',
    fn: 'jvp',
    error: ValueError,
    message: /^jvp: primals and tangents must be arrays of equal length/,
    setup: () => {
      const x = leaf([1, 2, 3]);
      const y = leaf([1, 2, 3]);
      return { watch: { tensors: [x, y] }, x, y };
    },
    call: ({ x, y }) => jvp((p: Tensor, q: Tensor) => mul(p, q), [x, y], [x] as never),
  }),
  entry({
    name: 'a pair of tangents for one tensor primal',
    fn: 'jvp',
    error: ValueError,
    message: /^jvp: tangents must have the structure of the primals/,
    setup: () => {
      const x = leaf([1, 2, 3]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => jvp((p: Tensor) => mul(p, 2), [x], [[x, x]] as never),
  }),
  entry({
    name: 'argnums past the arguments',
    fn: 'jacobian',
    error: ValueError,
    message: /^jacobian: argnums 1 names argument 1, but the function was called with 1 argument\(s\)/,
    setup: () => {
      const x = leaf([1, 2]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => jacobian((p: Tensor) => mul(p, 2), { argnums: 1 })(x),
  }),
  entry({
    name: 'a non-function',
    fn: 'jacobian',
    error: ValueError,
    message: /^jacobian: expected a function, got number 3/,
    setup: () => {
      const x = leaf([1, 2]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => jacobian(3 as never)(x),
  }),
  entry({
    name: 'a direction of the wrong shape',
    fn: 'hvp',
    error: ShapeError,
    message: /^hvp: v leaf 0 has shape \[2\]; expected \[3\]/,
    setup: () => {
      const x = leaf([1, 2, 3]);
      const v = constant([1, 0]);
      return { watch: { tensors: [x, v] }, x, v };
    },
    call: ({ x, v }) => hvp(sumOfSquares, [x], [v]),
  }),
  entry({
    name: 'a function with a non-scalar output',
    fn: 'hessian',
    error: ShapeError,
    message: /^hessian: .*single-element.*\[3\]/,
    setup: () => {
      const x = leaf([1, 2, 3]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => hessian((p: Tensor) => mul(p, 2))(x),
  }),
  entry({
    name: 'a central-difference step of 0',
    fn: 'gradcheck',
    error: ValueError,
    message: /^gradcheck: eps must be .*> 0.*got 0/,
    setup: () => {
      const x = leaf([0.5]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => gradcheck(exp, x, { eps: 0 }),
  }),
]);

export const graphTools = area('graph tools', [
  entry({
    name: 'a [2, 3] output without a seed',
    fn: 'explain',
    error: GraphError,
    message: /^explain: .*\[2, 3\].*seed/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => explain(mul(x, 2)),
  }),
  entry({
    name: 'a seed of the wrong shape',
    fn: 'explain',
    error: ShapeError,
    message: /^explain: .*\[2\].*\[2, 3\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => explain(mul(x, 2), tensor([1, 1])),
  }),
  entry({
    name: 'an output that does not require grad',
    fn: 'explain',
    error: GraphError,
    message: /^explain: the output does not require grad: nothing was recorded to explain/,
    setup: () => {
      const x = constant([1, 2]);
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => explain(sum(x)),
  }),
  entry({
    name: 'an output whose graph was freed',
    fn: 'explain',
    error: GraphError,
    message: /^explain: the graph through op 'sum' \(\[\] float64\) was freed by an earlier backward pass/,
    setup: () => {
      const x = m23();
      const y = sumOfSquares(x);
      y.backward();
      return { watch: { tensors: [x] }, y };
    },
    call: ({ y }) => explain(y),
  }),
  entry({
    name: 'null as the parameter',
    fn: 'whyNoGrad',
    error: ValueError,
    message: /^whyNoGrad: expected \(param, output\) nodes/,
    setup: () => {
      const x = m23();
      const y = sumOfSquares(x);
      return { watch: { tensors: [x] }, y };
    },
    call: ({ y }) => whyNoGrad(null as never, y),
  }),
  entry({
    name: 'a non-scalar output',
    fn: 'whyNoGrad',
    error: GraphError,
    message: /^whyNoGrad: .*\[2, 3\]/,
    setup: () => {
      const x = m23();
      return { watch: { tensors: [x] }, x };
    },
    call: ({ x }) => whyNoGrad(x, mul(x, 2)),
  }),
  entry({
    name: 'a number instead of a node',
    fn: 'toDot',
    error: ValueError,
    message: /^toDot: .*expected a (Node|Tensor)/,
    setup: () => ({ watch: {} }),
    call: () => toDot(3 as never),
  }),
]);
