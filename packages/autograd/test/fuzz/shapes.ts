// Shape rules written out again, independently of the engine's src/shape.ts: the generator uses
// them to build well-typed programs, and the interpreter checks the engine's shapes against them.

export { sizeOf } from '../support/arbitraries.ts';

/** NumPy broadcasting, or null when the shapes do not broadcast. */
export function broadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[i - (rank - a.length)] ?? 1;
    const db = b[i - (rank - b.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * matmul's result shape (NumPy rules; a 1-D operand is a row / column vector whose axis is then
 * dropped and whose transpose flag is ignored), or null when the operands do not fit.
 */
export function matmulShape(a: readonly number[], b: readonly number[], ta: boolean, tb: boolean): number[] | null {
  if (a.length === 0 || b.length === 0) return null;
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const [ar, ac] = a2.slice(-2) as [number, number];
  const [br, bc] = b2.slice(-2) as [number, number];
  const swapA = ta && a.length > 1;
  const swapB = tb && b.length > 1;
  const [m, k] = swapA ? [ac, ar] : [ar, ac];
  const [kb, n] = swapB ? [bc, br] : [br, bc];
  if (k !== kb) return null;
  const batch = broadcast(a2.slice(0, -2), b2.slice(0, -2));
  if (batch === null) return null;
  const out = [...batch, m, n];
  if (b.length === 1) out.splice(out.length - 1, 1);
  if (a.length === 1) out.splice(out.length - (b.length === 1 ? 1 : 2), 1);
  return out;
}

/** The number of terms each entry of A·B sums: A's last axis, or its second-to-last with transposeA (a 1-D A ignores transposeA). */
export function innerSize(a: readonly number[], ta: boolean): number {
  if (a.length === 1) return a[0]!;
  return ta ? a[a.length - 2]! : a[a.length - 1]!;
}

/** Shape after reducing `axis` (all axes when undefined). */
export function reducedShape(shape: readonly number[], axis: number | number[] | undefined, keepDims: boolean): number[] {
  const r = shape.length;
  const axes = axis === undefined ? shape.map((_, i) => i) : (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + r : a));
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}
