// The symbols and equations a backprop trace prints, in two notations. Both number the layers of
// neurons the same way (1 = input, L = output; z, a, δ of layer l mean the same thing); only the
// parameters' superscripts differ (see reference/ufldl.ts):
//   Nielsen  w^l, b^l   feed INTO layer l      (l = 2..L),   z^l = w^l a^{l−1} + b^l
//   UFLDL    W^(l), b^(l) go OUT OF layer l   (l = 1..L−1), z^(l+1) = W^(l) a^(l) + b^(l)
// so Nielsen's w^l is UFLDL's W^(l−1). Every function below takes the Nielsen layer l of the
// neurons concerned.

export type NotationName = 'nielsen' | 'ufldl';
export const NOTATIONS: readonly NotationName[] = ['nielsen', 'ufldl'];

/** What the output activation and cost are, as far as the printed equations care. */
export interface EquationContext {
  /** The activation of the layer concerned: 'sigmoid', 'tanh', 'relu', 'identity' or 'softmax'. */
  activation: string;
  cost: 'quadratic' | 'crossEntropy';
}

export interface Notation {
  name: NotationName;
  /** The cost: C (Nielsen) or J (UFLDL). */
  cost: string;
  z(l: number): string;
  a(l: number): string;
  delta(l: number): string;
  /** The weights feeding layer l (Nielsen w^l, UFLDL W^(l−1)). */
  w(l: number): string;
  /** The biases of layer l (Nielsen b^l, UFLDL b^(l−1)). */
  b(l: number): string;
  /** Layer l's weighted input before the bias: w^l a^{l−1}. */
  product(l: number): string;
  /** f′ applied to z^l, e.g. σ′(z^3). */
  derivative(l: number, activation: string): string;
  /** A one-line statement of the notation, for the trace's header. */
  summary: string;
  /** z and δ of a generic layer l, for prose. */
  generic: { z: string; delta: string };
}

const sup = (l: number): string => (l < 10 ? `^${l}` : `^{${l}}`);
const paren = (l: number): string => `^{(${l})}`;

const NIELSEN: Notation = {
  name: 'nielsen',
  cost: 'C',
  z: (l) => `z${sup(l)}`,
  a: (l) => `a${sup(l)}`,
  delta: (l) => `δ${sup(l)}`,
  w: (l) => `w${sup(l)}`,
  b: (l) => `b${sup(l)}`,
  product: (l) => `w${sup(l)} a${sup(l - 1)}`,
  derivative: (l, f) => `${f === 'sigmoid' ? 'σ' : 'f'}′(z${sup(l)})`,
  generic: { z: 'z^l', delta: 'δ^l' },
  summary: 'Nielsen notation: z^l = w^l a^{l−1} + b^l, a^l = σ(z^l), δ^l = ∂C_x/∂z^l, a^1 = x',
};

const UFLDL: Notation = {
  name: 'ufldl',
  cost: 'J',
  z: (l) => `z${paren(l)}`,
  a: (l) => `a${paren(l)}`,
  delta: (l) => `δ${paren(l)}`,
  w: (l) => `W${paren(l - 1)}`,
  b: (l) => `b${paren(l - 1)}`,
  product: (l) => `W${paren(l - 1)} a${paren(l - 1)}`,
  derivative: (l) => `f′(z${paren(l)})`,
  generic: { z: 'z^{(l)}', delta: 'δ^{(l)}' },
  summary: 'UFLDL notation: z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}, a^{(l)} = f(z^{(l)}), δ^{(l)} = ∂J/∂z^{(l)}, a^{(1)} = x; W^{(l)} maps layer l to l+1',
};

export function notation(name: NotationName): Notation {
  return name === 'ufldl' ? UFLDL : NIELSEN;
}

/** BP1 at the output layer L: δ^L = ∇_a C ⊙ σ′(z^L). */
export function bp1(n: Notation, L: number, ctx: EquationContext): string {
  if (ctx.activation === 'softmax') return `BP1: ${n.delta(L)} = (∂${n.a(L)}/∂${n.z(L)})ᵀ ∇_a ${n.cost}`;
  const exact = ctx.cost === 'crossEntropy' && ctx.activation === 'sigmoid' ? ` = ${n.a(L)} − y` : '';
  return `BP1: ${n.delta(L)} = ∇_a ${n.cost} ⊙ ${n.derivative(L, ctx.activation)}${exact}`;
}

/** BP2 for a hidden layer l: δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ′(z^l). */
export function bp2(n: Notation, l: number, activation: string): string {
  return `BP2: ${n.delta(l)} = ((${n.w(l + 1)})ᵀ ${n.delta(l + 1)}) ⊙ ${n.derivative(l, activation)}`;
}

/** BP3: ∂C/∂b^l = δ^l. */
export function bp3(n: Notation, l: number): string {
  return `BP3: ∂${n.cost}/∂${n.b(l)} = ${n.delta(l)}`;
}

/** BP4: ∂C/∂w^l = δ^l (a^{l−1})ᵀ. */
export function bp4(n: Notation, l: number): string {
  return `BP4: ∂${n.cost}/∂${n.w(l)} = ${n.delta(l)} (${n.a(l - 1)})ᵀ`;
}
