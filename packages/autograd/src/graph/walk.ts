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

/** A short value: the number, a small array, or a summary (mean, min, max) for big tensors. */
export function summarize(x: Node | Sketch | null | undefined, limit = 6): string {
  if (x === null || x === undefined) return '—';
  if (!(x instanceof Node)) return x.value;
  if (x instanceof Scalar) return fmt(x.data);
  if (x instanceof Tensor) {
    if (x.size === 1) return fmt(x.data[0]!);
    if (x.size <= limit) return `[${Array.from(x.data, fmt).join(', ')}]`;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    return `mean ${fmt(sum / x.size)}, min ${fmt(min)}, max ${fmt(max)}`;
  }
  return '?';
}

export function shapeLabel(x: Node | Sketch): string {
  if (!(x instanceof Node)) return x.shape;
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
