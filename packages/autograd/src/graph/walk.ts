import { ValueError, describeValue } from '../errors.ts';
import { Node } from '../tape.ts';
import { Tensor } from '../tensor.ts';
import { Scalar } from '../scalar.ts';
import type { Sketch } from './keep.ts';

/** A node of the graph (a Tensor or a Scalar), or a ValueError naming `fn`. */
export function checkNode(fn: string, x: unknown, what = 'the root'): Node {
  if (!(x instanceof Node)) throw new ValueError(fn, `expected a Node (a Tensor or a Scalar) as ${what}, got ${describeValue(x)}`);
  return x;
}

/** Every node reachable from `roots` through recorded inputs (or `inputsOf`), inputs first (iterative). */
export function collect<T extends object = Node>(
  roots: readonly T[],
  inputsOf: (x: T) => readonly T[] | null = (x) => (x as unknown as Node).inputs as readonly T[] | null,
): T[] {
  const seen = new Set<T>();
  const order: T[] = [];
  const stack: [T, number][] = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push([r, 0]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const inputs = inputsOf(top[0]) ?? [];
      if (top[1] < inputs.length) {
        const child = inputs[top[1]++]!;
        if (!seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(top[0]);
      }
    }
  }
  return order;
}

export function fmt(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** A tensor's value as a picture shows it: the number, the few entries, or mean, min and max. */
export type Summary = number | readonly number[] | { readonly mean: number; readonly min: number; readonly max: number };

/**
 * A leaf a picture shows as it is when drawn. Held strongly, not by a WeakRef: a WeakRef keeps its
 * target alive until the current job ends, so one per training step (each batch is a new leaf) held
 * every batch of a synchronous training loop. A kept picture keeps its leaves, as a kept graph does.
 */
export class LeafRef {
  constructor(readonly leaf: Node) {}
}

/** The numbers of a summary, computed in one pass; formatting waits until something is shown. */
export function summaryOf(x: Tensor, limit = 6): Summary {
  const data = x.data;
  if (x.size === 1) return data[0]!;
  if (x.size <= limit) return Array.from(data);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { mean: sum / x.size, min, max };
}

export function formatSummary(s: Summary): string {
  if (typeof s === 'number') return fmt(s);
  if (Array.isArray(s)) return `[${s.map(fmt).join(', ')}]`;
  const m = s as Exclude<Summary, number | readonly number[]>;
  return `mean ${fmt(m.mean)}, min ${fmt(m.min)}, max ${fmt(m.max)}`;
}

/** A short value: the number, a small array, or a summary (mean, min, max) for big tensors. */
export function summarize(x: Node | Sketch | null | undefined, limit = 6): string {
  if (x === null || x === undefined) return '—';
  if (!(x instanceof Node)) {
    if (!(x.value instanceof LeafRef)) return formatSummary(x.value);
    return summarize(x.value.leaf, limit);
  }
  if (x instanceof Scalar) return fmt(x.data);
  if (x instanceof Tensor) return formatSummary(summaryOf(x, limit));
  return '?';
}

export function shapeLabel(x: Node | Sketch): string {
  if (!(x instanceof Node)) return `[${x.dims.join(', ')}]`;
  return x instanceof Tensor ? `[${x.shape.join(', ')}]` : 'scalar';
}

/** The user's name if any, else the op and id (`mul#12`), else `leaf#3`. */
export function label(x: Node | Sketch): string {
  return x.name ?? `${x.op}#${x.id}`;
}

/** A name as one line of plain text: line breaks and other control characters shown as escapes (`\n`). */
export function printable(s: string): string {
  return s.replace(/\p{Cc}|\u2028|\u2029/gu, (c) => JSON.stringify(c).slice(1, -1));
}

/**
 * A name as a Markdown table cell: a code span (no markup inside is live) fenced by more backticks
 * than the name holds, with `|` escaped (GFM splits cells on it even inside code).
 */
export function markdownCode(s: string): string {
  const text = printable(s).replace(/\|/g, '\\|');
  const fence = '`'.repeat(Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
