// What a link (or a paste) can make the page do is bounded: Graphviz's layout grows much faster
// than the graph (x+x+…+x with 130 terms kept it busy 16–66 s), so the page refuses texts and
// graphs far beyond the presets (at most 260 characters and 54 nodes) with a message, and lays
// out in a worker that is stopped after LAYOUT_TIMEOUT_MS.

export const MAX_SOURCE_CHARS = 2_000;
export const MAX_NODES = 100;
export const LAYOUT_TIMEOUT_MS = 8_000;

/** A request beyond the playground's limits; its message is shown in the page. */
export class LimitError extends Error {
  override name = 'LimitError';
}

export function checkSourceSize(source: string): void {
  if (source.length > MAX_SOURCE_CHARS) {
    throw new LimitError(
      `this expression is ${source.length.toLocaleString('en')} characters long; the playground takes at most ${MAX_SOURCE_CHARS.toLocaleString('en')}`,
    );
  }
}

export function checkNodeCount(count: number): void {
  if (count > MAX_NODES) {
    throw new LimitError(`this graph has ${count} nodes; the playground draws and steps through at most ${MAX_NODES} (the presets have up to 54)`);
  }
}
