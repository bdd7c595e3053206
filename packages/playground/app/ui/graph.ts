import { toDot } from '@pullback/autograd';
import type { Node } from '@pullback/autograd';
import type { StepView } from '../../src/engine.ts';
import { Layout } from './layout.ts';

/**
 * The graph as the engine draws it (toDot, laid out by Graphviz in WebAssembly in a worker, see
 * Layout), then marked up for stepping:
 * each node group's <title> is its DOT id (`n12`), each edge's is `n3->n12`.
 */
export class GraphView {
  private nodes = new Map<string, SVGGElement>();
  private edges = new Map<string, SVGGElement>();
  private readonly layout = new Layout();

  constructor(private readonly container: HTMLElement) {}

  /** Draw the graph; resolves false when a newer render started meanwhile (this one is dropped). */
  async render(output: Node, isCurrent: () => boolean): Promise<boolean> {
    const svg = await this.layout.run(toDot(output));
    if (svg === null || !isCurrent()) return false;
    this.container.innerHTML = svg;
    this.nodes.clear();
    this.edges.clear();
    for (const g of this.container.querySelectorAll<SVGGElement>('g.node')) {
      const id = g.querySelector('title')?.textContent ?? '';
      this.nodes.set(id, g);
      for (const t of g.querySelectorAll('text')) {
        // The "grad" line stays hidden until the backward pass reaches the node.
        if (t.textContent?.startsWith('grad ')) t.classList.add('grad');
        // Every node is a scalar: the shape line says nothing here.
        if (t.textContent === 'scalar') t.classList.add('shape');
      }
    }
    for (const g of this.container.querySelectorAll<SVGGElement>('g.edge')) {
      this.edges.set(g.querySelector('title')?.textContent ?? '', g);
    }
    const svgEl = this.container.querySelector('svg');
    if (svgEl) {
      svgEl.setAttribute('role', 'img');
      svgEl.setAttribute('aria-label', `Computational graph with ${this.nodes.size} nodes`);
    }
    return true;
  }

  /** Mark the nodes the backward pass has reached by step `index` (0: none) and the active one. */
  highlight(steps: readonly StepView[], index: number): void {
    const reached = new Set(steps.slice(0, index).map((s) => s.nodeId));
    for (const [id, g] of this.nodes) {
      g.classList.toggle('reached', reached.has(id));
      g.classList.remove('active');
    }
    for (const g of this.edges.values()) g.classList.remove('active');
    const step = index > 0 ? steps[index - 1] : undefined;
    if (!step) return;
    const g = this.nodes.get(step.nodeId);
    g?.classList.add('active');
    // The cotangent flows from this node back along the edges from its inputs; at a leaf, it
    // arrived (summed) along the edges to its consumers.
    for (const [key, edge] of this.edges) {
      const [from, to] = key.split('->');
      if (step.leaf ? from === step.nodeId : to === step.nodeId) edge.classList.add('active');
    }
    if (g) this.reveal(g);
  }

  // Scroll the graph's own box (never the page) so the active node is in view.
  private reveal(g: SVGGElement): void {
    const box = this.container.getBoundingClientRect();
    const r = g.getBoundingClientRect();
    if (r.left < box.left || r.right > box.right) this.container.scrollLeft += r.left - box.left - (box.width - r.width) / 2;
    if (r.top < box.top || r.bottom > box.bottom) this.container.scrollTop += r.top - box.top - (box.height - r.height) / 2;
  }

  dim(on: boolean): void {
    this.container.classList.toggle('stale', on);
  }
}
