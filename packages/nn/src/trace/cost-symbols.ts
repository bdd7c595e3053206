// Names for the steps of the cost in a backprop trace, read off the recorded graph from a^L (or
// z^L, when crossEntropyCost works from the sigmoid's logits) up to C, so that every step reads as
// the formula it computes:
//   quadratic      C_x = ½‖a^L − y‖²
//   cross-entropy  C_x = Σ_j −y ln a^L − (1 − y) ln(1 − a^L), with −ln a^L = softplus(−z^L)
// and C = (Σ_x C_x) / m for a batch mean.
import { Tensor } from '@pullback/autograd';
import type { Node } from '@pullback/autograd';

/** The engine's own op of that name: built-in names are unique, and a defineOp op is never built in. */
function isBuiltin(node: Node, name: string): boolean {
  return node.primitive.builtin && node.op === name;
}

export interface CostEnds {
  /** The cost C (the trace's root). */
  cost: Node;
  aL: Node;
  zL: Node;
  y: Node;
  /** Printed C (or J), a^L and z^L in the trace's notation. */
  c: string;
  a: string;
  z: string;
  /** True for a batch [m, n_L]: the cost reduces C_x over the examples. */
  batched: boolean;
}

/** A compound expression in parentheses, so that it can be multiplied or negated. */
const wrap = (s: string): string => (/^[^ ]+$/.test(s) || /^\(.*\)$/.test(s) ? s : `(${s})`);

/** A one-element constant leaf's value, or null. */
function constantValue(node: Node): number | null {
  if (!(node instanceof Tensor) || node.inputs !== null || node.requiresGrad || node.size !== 1) return null;
  return node.data[0]!;
}

/** Whether `node` is an unrecorded constant equal to 1 − y entry by entry. */
function isOneMinus(node: Node, y: Node): boolean {
  if (!(node instanceof Tensor) || !(y instanceof Tensor) || node.inputs !== null || node.size !== y.size) return false;
  return node.data.every((v, i) => v === 1 - y.data[i]!);
}

/** The symbol of every node between the cost and a^L / z^L / y, and the formula of C_x. */
export interface CostNames {
  symbols: Map<Node, string>;
  /** The per-example cost node and its formula ('C_x = ½ ‖a^3 − y‖²'), or null for one example. */
  perExample: { node: Node; formula: string } | null;
}

/** Symbols for every node between the cost and a^L / z^L / y, keyed by node. */
export function costSymbols(ends: CostEnds): CostNames {
  const out = new Map<Node, string>();
  const { aL, zL, y, a, z } = ends;
  const memo = new Map<Node, string>();
  const sym = (node: Node): string => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    const s = describe(node);
    memo.set(node, s);
    return s;
  };
  const describe = (node: Node): string => {
    if (node === aL) return a;
    if (node === zL) return z;
    if (node === y) return 'y';
    const c = constantValue(node);
    if (c !== null) return c === 0.5 ? '½' : String(c);
    // 1 − y is computed from constants only, so it is recorded as a value, not as an op.
    if (isOneMinus(node, y)) return '1 − y';
    const [p, q] = node.inputs ?? [];
    if (p === undefined) return node.op;
    switch (node.op) {
      case 'sub':
        return `${sym(p)} − ${q === undefined ? '' : sym(q)}`;
      case 'add': {
        const r = q === undefined ? '' : sym(q);
        return r.startsWith('−') ? `${sym(p)} − ${r.slice(1)}` : `${sym(p)} + ${r}`;
      }
      case 'neg':
        return `−${wrap(sym(p))}`;
      case 'mul': {
        if (q === p) return `${wrap(sym(p))}²`;
        const l = sym(p);
        const r = q === undefined ? '' : sym(q);
        if (r.startsWith('−')) return `−${wrap(l)} ${r.slice(1)}`;
        return constantValue(q ?? p) !== null ? `${r} ${l}` : `${wrap(l)} ${wrap(r)}`;
      }
      case 'softplus':
        // softplus(−z) = −ln σ(z) = −ln a, softplus(z) = −ln(1 − σ(z)) = −ln(1 − a).
        if (isBuiltin(p, 'neg') && p.inputs?.[0] === zL) return `−ln ${a}`;
        if (p === zL) return `−ln(1 − ${a})`;
        return `softplus(${sym(p)})`;
      case 'clampedLog':
      case 'log':
        return `ln ${wrap(sym(p))}`;
      case 'sum': {
        const inner = sym(p);
        const square = isBuiltin(p, 'mul') && p.inputs?.[0] === p.inputs?.[1] && p.inputs?.[0] !== undefined;
        return square ? `‖${sym(p.inputs![0]!)}‖²` : `Σ_j ${wrap(inner)}`;
      }
      default:
        return `${node.op}(${(node.inputs ?? []).map(sym).join(', ')})`;
    }
  };
  // C = div(Σ_x C_x, m) for a mean, sum(C_x) for a sum; for one example C is C_x itself.
  let top: Node = ends.cost;
  if (isBuiltin(top, 'div') && top.inputs?.[1] !== undefined && constantValue(top.inputs[1]) !== null) {
    out.set(top.inputs[1], 'm');
    memo.set(top.inputs[1], 'm');
    top = top.inputs[0]!;
    if (top !== ends.cost && ends.batched) out.set(top, `Σ_x ${ends.c}_x`);
  }
  const perExample = ends.batched && isBuiltin(top, 'sum') && top.inputs?.[0] !== undefined ? top.inputs[0] : null;
  const walk = (node: Node): void => {
    if (node === aL || node === zL || node === y || out.has(node) || node === ends.cost) return;
    out.set(node, sym(node));
    for (const input of node.inputs ?? []) walk(input);
  };
  if (perExample === null) {
    for (const input of top.inputs ?? []) walk(input);
    return { symbols: out, perExample: null };
  }
  const formula = `${ends.c}_x = ${sym(perExample)}`;
  for (const input of perExample.inputs ?? []) walk(input);
  out.set(perExample, `${ends.c}_x`);
  return { symbols: out, perExample: { node: perExample, formula } };
}
