import { ParseError } from '../../src/parser.ts';
import { h } from './dom.ts';

/**
 * Show an error inline: for a syntax error, the offending line with a caret under the column.
 * Pass null to clear it.
 */
export function showError(container: HTMLElement, source: string, error: unknown): void {
  container.replaceChildren();
  container.hidden = error === null;
  if (error === null) return;
  if (error instanceof ParseError) {
    const line = (source.split('\n')[error.line - 1] ?? '').replace(/[\t\r]/g, ' ');
    const caret = `${' '.repeat(Math.max(0, error.column - 1))}^`;
    container.append(
      h('p', { class: 'error-message' }, `Line ${error.line}, column ${error.column}: ${error.reason}`),
      h('pre', { class: 'error-caret', 'aria-hidden': 'true' }, `${line}\n${caret}`),
    );
    container.dataset.column = String(error.column);
    container.dataset.line = String(error.line);
    return;
  }
  delete container.dataset.column;
  delete container.dataset.line;
  container.append(h('p', { class: 'error-message' }, error instanceof Error ? error.message : String(error)));
}
