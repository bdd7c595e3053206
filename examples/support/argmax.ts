import type { Tensor } from '@pullback/autograd';

/** Index of the largest entry of each row of a [n, k] tensor. */
export function argmax(x: Tensor): number[] {
  const [n, k] = x.shape as [number, number];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (x.data[i * k + j]! > x.data[i * k + best]!) best = j;
    out.push(best);
  }
  return out;
}
