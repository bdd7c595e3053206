import { fmt, h, parseNumber } from './dom.ts';

export interface VariablesEvents {
  /** A value was edited to a valid number. */
  onValue(name: string, value: number): void;
  /** The finite-difference estimate of ∂output/∂name, with the step used. */
  finiteDifference(name: string): { estimate: number; step: number };
}

interface Row {
  input: HTMLInputElement;
  grad: HTMLElement;
  check: HTMLElement;
}

/**
 * The variables table: name, editable value, the engine's gradient and a finite-difference check.
 * Rows are rebuilt only when the set of names changes, so typing in a value keeps its focus.
 */
export class VariablesTable {
  private rows = new Map<string, Row>();
  private names: string[] = [];

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly gradHeader: HTMLElement,
    private readonly events: VariablesEvents,
  ) {}

  update(names: readonly string[], values: ReadonlyMap<string, number>, grads: ReadonlyMap<string, number>, outputLabel: string): void {
    this.gradHeader.textContent = `∂${outputLabel}/∂name (engine)`;
    if (names.join('\n') !== this.names.join('\n')) this.rebuild(names, values);
    for (const [name, row] of this.rows) {
      const v = values.get(name)!;
      if (document.activeElement !== row.input && parseNumber(row.input.value) !== v) row.input.value = String(v);
      const g = grads.get(name) ?? 0;
      row.grad.textContent = fmt(g);
      row.grad.dataset.value = String(g);
      row.grad.title = String(g);
      // An estimate made at other values would now mislead.
      row.check.replaceChildren();
    }
  }

  private rebuild(names: readonly string[], values: ReadonlyMap<string, number>): void {
    this.names = [...names];
    this.rows.clear();
    this.body.replaceChildren();
    for (const name of names) {
      const id = `var-${name}`;
      const input = h('input', {
        id,
        class: 'value',
        type: 'text',
        inputmode: 'decimal',
        autocomplete: 'off',
        spellcheck: 'false',
        value: String(values.get(name)),
        'aria-describedby': `${id}-msg`,
      });
      const msg = h('span', { id: `${id}-msg`, class: 'field-error', role: 'status' });
      const grad = h('td', { class: 'grad' });
      const check = h('div', { class: 'fd', role: 'status' });
      const button = h(
        'button',
        { type: 'button', class: 'fd-button', 'aria-label': `Check the gradient with respect to ${name} by finite differences` },
        'FD check',
      );
      input.addEventListener('input', () => {
        const v = parseNumber(input.value);
        input.toggleAttribute('aria-invalid', v === null);
        msg.textContent = v === null ? 'not a number' : '';
        if (v !== null) this.events.onValue(name, v);
      });
      button.addEventListener('click', () => this.showCheck(name, grad, check));
      this.body.append(
        h('tr', { 'data-name': name }, h('th', { scope: 'row' }, h('label', { for: id }, name)), h('td', {}, input, msg), grad, h('td', {}, button, check)),
      );
      this.rows.set(name, { input, grad, check });
    }
  }

  private showCheck(name: string, grad: HTMLElement, check: HTMLElement): void {
    const engine = Number(grad.dataset.value);
    const { estimate, step } = this.events.finiteDifference(name);
    const rel = Math.abs(estimate - engine) / Math.max(Math.abs(engine), Math.abs(estimate), 1e-300);
    check.replaceChildren(
      h('span', { class: 'fd-estimate', 'data-value': estimate, title: `central difference with h = ${step.toExponential(1)}` }, `≈ ${fmt(estimate)}`),
      h('span', { class: 'fd-error' }, ` (rel. diff ${engine === estimate ? '0' : rel.toExponential(1)})`),
    );
  }
}
