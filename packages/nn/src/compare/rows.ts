// Builds the report rows: one array comparison per (equation, layer), labelled in either notation.
import { nielsenToUfldl } from '../reference/index.ts';
import type { BackpropEquation, ComparisonRow, Notation, WorstEntry } from './types.ts';

/** Per-layer arrays from one side of a comparison; index i is Nielsen's layer l = i + 2. */
export interface Side {
  delta: (ArrayLike<number> | null)[];
  gradW: ArrayLike<number>[];
  gradB: (ArrayLike<number> | null)[];
}

interface Tolerance {
  rtol: number;
  atol: number;
}

/** The row-major index of flat position p in an array of shape `dims`. */
function unflatten(p: number, dims: readonly number[]): number[] {
  const index = new Array<number>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    index[d] = p % dims[d]!;
    p = Math.floor(p / dims[d]!);
  }
  return index;
}

/**
 * maxAbs, maxRel and ok over the entries, plus the entry with the largest |a − b| / tolerance.
 * Written with `!(x <= y)` so that a NaN on either side counts as a disagreement.
 */
function compareArrays(left: ArrayLike<number>, right: ArrayLike<number>, dims: readonly number[], tol: Tolerance) {
  let maxAbs = 0;
  let maxRel = 0;
  let ok = true;
  let worstRatio = -1;
  let worst: WorstEntry | null = null;
  for (let p = 0; p < left.length; p++) {
    const a = left[p]!;
    const b = right[p]!;
    const diff = Math.abs(a - b);
    const scale = Math.max(Math.abs(a), Math.abs(b));
    // Entries that are both within atol of 0 are left out: 1e-17 vs 2e-17 is agreement, not a 50% error.
    const rel = diff === 0 || scale <= tol.atol ? 0 : diff / scale;
    const allowed = tol.atol + tol.rtol * scale;
    if (!(diff <= allowed)) ok = false;
    if (!(diff <= maxAbs)) maxAbs = Number.isNaN(diff) || Number.isNaN(maxAbs) ? NaN : diff;
    if (!(rel <= maxRel)) maxRel = Number.isNaN(rel) || Number.isNaN(maxRel) ? NaN : rel;
    const ratio = Number.isNaN(diff) ? Infinity : allowed === 0 ? (diff === 0 ? 0 : Infinity) : diff / allowed;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = { index: unflatten(p, dims), left: a, right: b };
    }
  }
  return { maxAbs, maxRel, ok, worst };
}

function label(equation: BackpropEquation, l: number, notation: Notation): { quantity: string; ufldlLayer: number | null } {
  const isDelta = equation === 'BP1' || equation === 'BP2';
  if (notation === 'nielsen') {
    return { quantity: isDelta ? `δ^${l}` : equation === 'BP3' ? `∂C/∂b^${l}` : `∂C/∂w^${l}`, ufldlLayer: null };
  }
  // δ^(l) keeps Nielsen's layer number; the parameters into layer l are UFLDL's W^(l−1), b^(l−1).
  if (isDelta) return { quantity: `δ^(${l})`, ufldlLayer: l };
  const u = nielsenToUfldl(l);
  return { quantity: equation === 'BP3' ? `∂J/∂b^(${u})` : `∂J/∂W^(${u})`, ufldlLayer: u };
}

/**
 * Rows in equation order — BP1 (δ^L), BP2 (δ^l for l = L−1 down to 2), BP3 (∂C/∂b^l), BP4
 * (∂C/∂w^l), the last two also from the output layer backwards — skipping any layer where either
 * side has nothing (a bias-free layer, or a manual quantity left out). `sizes` is [n_1, ..., n_L].
 */
export function buildRows(left: Side, right: Side, sizes: readonly number[], m: number, tol: Tolerance, notation: Notation): ComparisonRow[] {
  const depth = sizes.length - 1;
  const rows: ComparisonRow[] = [];
  const push = (
    equation: BackpropEquation,
    i: number,
    a: ArrayLike<number> | null | undefined,
    b: ArrayLike<number> | null | undefined,
    dims: number[],
  ): void => {
    if (a === null || a === undefined || b === null || b === undefined) return;
    const l = i + 2;
    rows.push({ equation, layer: l, ...label(equation, l, notation), ...compareArrays(a, b, dims, tol) });
  };
  push('BP1', depth - 1, left.delta[depth - 1], right.delta[depth - 1], [m, sizes[depth]!]);
  for (let i = depth - 2; i >= 0; i--) push('BP2', i, left.delta[i], right.delta[i], [m, sizes[i + 1]!]);
  for (let i = depth - 1; i >= 0; i--) push('BP3', i, left.gradB[i], right.gradB[i], [sizes[i + 1]!]);
  for (let i = depth - 1; i >= 0; i--) push('BP4', i, left.gradW[i], right.gradW[i], [sizes[i + 1]!, sizes[i]!]);
  return rows;
}
