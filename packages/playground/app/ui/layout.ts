import { LAYOUT_TIMEOUT_MS, LimitError } from '../../src/limits.ts';

/**
 * DOT → SVG in a Web Worker, one layout at a time: a new request stops the one in flight (it
 * resolves null), and a layout still running after `timeoutMs` is stopped with a LimitError.
 */
export class Layout {
  private worker: Worker | null = null;
  private cancel: (() => void) | null = null;

  constructor(private readonly timeoutMs = LAYOUT_TIMEOUT_MS) {}

  run(dot: string): Promise<string | null> {
    this.stop();
    if (this.worker === null) this.worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop();
        reject(new LimitError(`laying out this graph took more than ${this.timeoutMs / 1000} s, so it was stopped; the values and the steps are still shown`));
      }, this.timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        worker.removeEventListener('message', onMessage);
        this.cancel = null;
      };
      const onMessage = (e: MessageEvent<{ svg?: string; error?: string }>): void => {
        done();
        if (e.data.svg !== undefined) resolve(e.data.svg);
        else reject(new Error(e.data.error ?? 'the layout failed'));
      };
      this.cancel = () => {
        done();
        resolve(null);
      };
      worker.addEventListener('message', onMessage);
      worker.postMessage(dot);
    });
  }

  /** Stop the layout in flight, if any: Graphviz cannot be interrupted, so its worker is ended. */
  private stop(): void {
    if (this.cancel === null) return;
    this.cancel();
    this.worker?.terminate();
    this.worker = null;
  }
}
