import type { NodeGrad } from '../../src/engine.ts';
import { fmt, h } from './dom.ts';

/** The intermediate nodes' table: each op's result, its value and its gradient ∂output/∂node. */
export function renderNodeGrads(body: HTMLTableSectionElement, header: HTMLElement, nodes: readonly NodeGrad[], outputLabel: string): void {
  header.textContent = `∂${outputLabel}/∂node (engine)`;
  body.replaceChildren(
    ...nodes.map((n) =>
      h(
        'tr',
        { 'data-node': n.nodeId },
        h('th', { scope: 'row' }, h('code', {}, n.label)),
        h('td', {}, n.op),
        h('td', { class: 'value', 'data-value': n.value, title: String(n.value) }, fmt(n.value)),
        h('td', { class: 'grad', 'data-value': n.grad, title: String(n.grad) }, fmt(n.grad)),
      ),
    ),
  );
}
