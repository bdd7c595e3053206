// Ready-made graphs: micrograd's neuron and MLP, each seed's network, a softmax classifier.
// MLP presets use Nielsen's names: w3_12 is w³₁₂, the weight from neuron 2 of layer 2 to neuron 1
// of layer 3; z2_1 and a2_1 are z²₁ and a²₁. Their tags say which of BP1–BP4 the cotangent at
// that node computes (read from explain()'s steps).

export interface Preset {
  id: string;
  title: string;
  note: string;
  source: string;
  values: [string, number][];
  /** Node name → the equation its cotangent computes. */
  equations: Record<string, string>;
}

const BP1 = 'BP1: δᴸ = ∇ₐC ⊙ f′(zᴸ)';
const BP2 = 'BP2: δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ f′(zˡ)';
const BP3 = 'BP3: ∂C/∂bˡⱼ = δˡⱼ';
const BP4 = 'BP4: ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ';
const BP4_DECAY = 'BP4 + weight decay: ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ + λ wˡⱼₖ';

const HIDDEN = ['z2_1 = w2_11*x1 + w2_12*x2 + b2_1', 'z2_2 = w2_21*x1 + w2_22*x2 + b2_2'];
const WEIGHTS = ['w2_11', 'w2_12', 'w2_21', 'w2_22', 'w3_11', 'w3_12'];

/** Tags for the 2-2-1 network: BP1 at the output z, BP2 at the hidden z's, BP3/BP4 at the parameters. */
function mlpTags(options: { biases: boolean; bp1?: string; bp4?: string }): Record<string, string> {
  const tags: Record<string, string> = { z3_1: options.bp1 ?? BP1, z2_1: BP2, z2_2: BP2 };
  for (const w of WEIGHTS) tags[w] = options.bp4 ?? BP4;
  if (options.biases) for (const b of ['b2_1', 'b2_2', 'b3_1']) tags[b] = BP3;
  return tags;
}

const PARAMS: [string, number][] = [
  ['x1', 0.5],
  ['x2', -1.5],
  ['w2_11', 0.8],
  ['w2_12', -0.4],
  ['b2_1', 0.1],
  ['w2_21', 0.3],
  ['w2_22', 0.9],
  ['b2_2', -0.2],
  ['w3_11', -0.7],
  ['w3_12', 1.1],
  ['b3_1', 0.05],
  ['y', 1],
];

export const PRESETS: readonly Preset[] = [
  {
    id: 'neuron',
    title: 'A single neuron (micrograd)',
    note: "micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b), with b chosen so that o = 1/√2.",
    source: 'n = x1*w1 + x2*w2 + b\no = tanh(n)',
    values: [
      ['x1', 2],
      ['x2', 0],
      ['w1', -3],
      ['w2', 1],
      ['b', 6.881373587019543],
    ],
    equations: {},
  },
  {
    id: 'micrograd-mlp',
    title: "micrograd's MLP, small: 2 → 2 tanh → 1 linear",
    note: 'Two tanh neurons feed one linear output; the loss is (out − y)², as in micrograd.',
    source: [...HIDDEN, 'a2_1 = tanh(z2_1)', 'a2_2 = tanh(z2_2)', 'z3_1 = w3_11*a2_1 + w3_12*a2_2 + b3_1', 'C = (z3_1 - y)^2'].join('\n'),
    values: PARAMS,
    equations: mlpTags({ biases: true }),
  },
  {
    id: 'seed-000',
    title: 'Seed 000: sigmoid network, quadratic cost',
    note: 'z^(l+1) = W a + b, a = σ(z), J = ½(a − y)²: the network of seed 000, 2 → 2 → 1.',
    source: [
      ...HIDDEN,
      'a2_1 = sigmoid(z2_1)',
      'a2_2 = sigmoid(z2_2)',
      'z3_1 = w3_11*a2_1 + w3_12*a2_2 + b3_1',
      'a3_1 = sigmoid(z3_1)',
      'C = 0.5*(a3_1 - y)^2',
    ].join('\n'),
    values: PARAMS,
    equations: mlpTags({ biases: true }),
  },
  {
    id: 'seed-002',
    title: 'Seed 002: sigmoid, quadratic cost, weight decay',
    note: 'UFLDL: J = ½(a − y)² + (λ/2)·ΣW² over the weights (not the biases), so ∂J/∂W gains λW.',
    source: [
      ...HIDDEN,
      'a2_1 = sigmoid(z2_1)',
      'a2_2 = sigmoid(z2_2)',
      'z3_1 = w3_11*a2_1 + w3_12*a2_2 + b3_1',
      'a3_1 = sigmoid(z3_1)',
      'C = 0.5*(a3_1 - y)^2 + lambda/2*(w2_11^2 + w2_12^2 + w2_21^2 + w2_22^2 + w3_11^2 + w3_12^2)',
    ].join('\n'),
    values: [...PARAMS, ['lambda', 0.1]],
    equations: mlpTags({ biases: true, bp4: BP4_DECAY }),
  },
  {
    id: 'seed-004',
    title: 'Seed 004: cross-entropy, sigmoid output, no biases',
    note: 'J = −[y ln σ(z) + (1 − y) ln(1 − σ(z))] with z = θa (bias-free); at the output δ = a − y.',
    source: [
      'z2_1 = w2_11*x1 + w2_12*x2',
      'z2_2 = w2_21*x1 + w2_22*x2',
      'a2_1 = sigmoid(z2_1)',
      'a2_2 = sigmoid(z2_2)',
      'z3_1 = w3_11*a2_1 + w3_12*a2_2',
      'a3_1 = sigmoid(z3_1)',
      'J = -(y*log(a3_1) + (1 - y)*log(1 - a3_1))',
    ].join('\n'),
    values: PARAMS.filter(([n]) => !n.startsWith('b')),
    equations: mlpTags({ biases: false, bp1: 'BP1 (sigmoid + cross-entropy): δᴸ = aᴸ − y' }),
  },
  {
    id: 'softmax',
    title: 'Softmax classifier (3 classes, scalar form)',
    note: 'zₖ = wₖ·x + bₖ, pₖ = e^zₖ / Σ e^z, C = −Σ yₖ ln pₖ with a one-hot y; at each zₖ, δ = pₖ − yₖ.',
    source: [
      'z1 = w11*x1 + w12*x2 + b1',
      'z2 = w21*x1 + w22*x2 + b2',
      'z3 = w31*x1 + w32*x2 + b3',
      'e1 = exp(z1)',
      'e2 = exp(z2)',
      'e3 = exp(z3)',
      's = e1 + e2 + e3',
      'C = -(y1*log(e1/s) + y2*log(e2/s) + y3*log(e3/s))',
    ].join('\n'),
    values: [
      ['x1', 1.2],
      ['x2', -0.6],
      ['w11', 0.5],
      ['w12', -0.3],
      ['b1', 0.1],
      ['w21', -0.4],
      ['w22', 0.8],
      ['b2', 0],
      ['w31', 0.2],
      ['w32', 0.6],
      ['b3', -0.1],
      ['y1', 0],
      ['y2', 1],
      ['y3', 0],
    ],
    equations: {
      z1: 'BP1 (softmax + cross-entropy): δ = p − y',
      z2: 'BP1 (softmax + cross-entropy): δ = p − y',
      z3: 'BP1 (softmax + cross-entropy): δ = p − y',
      b1: BP3,
      b2: BP3,
      b3: BP3,
      ...Object.fromEntries(['w11', 'w12', 'w21', 'w22', 'w31', 'w32'].map((w) => [w, BP4])),
    },
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The preset whose source is exactly this text (its BP tags then apply), if any. */
export function presetForSource(source: string): Preset | undefined {
  return PRESETS.find((p) => p.source === source.replace(/\r\n/g, '\n').trim());
}
