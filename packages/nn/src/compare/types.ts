/** The four fundamental equations of backpropagation (Nielsen ch. 2). */
export type BackpropEquation = 'BP1' | 'BP2' | 'BP3' | 'BP4';

/**
 * How layers and quantities are labelled: Nielsen's w^l, b^l feed INTO layer l (l = 2..L), cost C;
 * UFLDL's W^(l), b^(l) go OUT OF layer l (l = 1..L−1), cost J. δ^l = δ^(l) in both.
 */
export type Notation = 'nielsen' | 'ufldl';

export interface CompareOptions {
  /** C_x = ½‖a^L − y‖² ('quadratic') or −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)] ('crossEntropy'). */
  cost: 'quadratic' | 'crossEntropy';
  /** C = (1/m)·Σ_x C_x ('mean', default) or Σ_x C_x ('sum'). */
  reduction?: 'mean' | 'sum';
  /** L2 on the weights only: + (λ/2)·ΣW² ('unscaled', no division by m or n) or + (λ/(2n))·ΣW² ('trainingSet', n = trainingSetSize). */
  l2?: { lambda: number; convention: 'unscaled' | 'trainingSet'; trainingSetSize?: number };
  /** Relative tolerance (default 1e-10): an entry agrees when |a − b| ≤ atol + rtol·max(|a|, |b|). */
  rtol?: number;
  /** Absolute tolerance (default 1e-12), for entries that should be 0. */
  atol?: number;
  /** Labels in the report (default 'nielsen'). */
  notation?: Notation;
}

/** A matrix written flat (row-major) or nested, one array per row (`[[1, 2], [3, 4]]`). */
export type ManualMatrix = ArrayLike<number> | readonly ArrayLike<number>[];

/**
 * Numbers computed by hand, in Nielsen's layout: gradW[i] is ∂C/∂w^{i+2}, shape [n_l, n_{l−1}]
 * (entry (j, k) = ∂C/∂w^l_{jk}); gradB[i] is ∂C/∂b^{i+2} (null: not checked); delta[i] is the
 * per-example error δ^{x,l} = ∂C_x/∂z^{x,l}, shape [m, n_l] (null: not checked). Matrices may be
 * flat (row-major) or nested rows. Give δ to have a wrong BP1 (output layer) or BP2 (hidden layer)
 * named as such; without it, the error first shows in the BP3/BP4 rows built from δ.
 */
export interface ManualGradients {
  gradW: ManualMatrix[];
  gradB?: (ArrayLike<number> | null)[];
  delta?: (ManualMatrix | null)[];
}

/** The entry of a row that is furthest outside the tolerance (or, if all agree, closest to it). */
export interface WorstEntry {
  /** [example, neuron] for δ, [j, k] for ∂C/∂w, [j] for ∂C/∂b. */
  index: number[];
  /** The value from the first side of the comparison (e.g. the engine). */
  left: number;
  /** The value from the second side (e.g. the reference). */
  right: number;
}

/** One check: one equation at one layer. */
export interface ComparisonRow {
  equation: BackpropEquation;
  /** Nielsen's layer index l (2..L): δ^l, w^l, b^l. */
  layer: number;
  /** With notation 'ufldl': l for δ^(l), l − 1 for W^(l−1), b^(l−1); otherwise null. */
  ufldlLayer: number | null;
  /** 'δ^3', '∂C/∂w^2', or in UFLDL notation 'δ^(3)', '∂J/∂W^(1)'. */
  quantity: string;
  /** max |left − right| over the entries (NaN if any entry is NaN). */
  maxAbs: number;
  /** max |left − right| / max(|left|, |right|), leaving out entries where both are within atol of 0. */
  maxRel: number;
  /** Every entry satisfies |left − right| ≤ atol + rtol·max(|left|, |right|). */
  ok: boolean;
  worst: WorstEntry | null;
}

/** What `toJSON()` returns: the report as plain data. */
export interface BackpropComparisonJSON {
  fn: string;
  sides: [string, string];
  cost: 'quadratic' | 'crossEntropy';
  reduction: 'mean' | 'sum';
  l2: NonNullable<CompareOptions['l2']> | null;
  batchSize: number;
  rtol: number;
  atol: number;
  notation: Notation;
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  rows: ComparisonRow[];
  firstDisagreement: ComparisonRow | null;
  verdict: string;
}
