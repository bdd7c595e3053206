/**
 * micrograd's data: 100 points on two interleaving half circles with noise 0.1 (as sklearn's
 * make_moons), labels −1 (upper) and +1 (lower). The noise is drawn from `random` (Box–Muller).
 */
export function twoMoons(random: () => number): { X: [number, number][]; Y: number[] } {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const X: [number, number][] = [];
  const Y: number[] = [];
  for (let i = 0; i < 100; i++) {
    const upper = i < 50;
    const t = Math.PI * (upper ? i / 49 : (i - 50) / 49);
    const [x, y] = upper ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    X.push([x + 0.1 * gauss(), y + 0.1 * gauss()]);
    Y.push(upper ? -1 : 1);
  }
  return { X, Y };
}
