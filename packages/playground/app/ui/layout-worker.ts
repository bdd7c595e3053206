// Graphviz runs here, off the page's thread: a slow layout cannot freeze the tab, and the page
// can stop it (Worker.terminate) when it takes too long or a newer graph replaces it.
import { instance } from '@viz-js/viz';

const viz = instance();

self.addEventListener('message', async (e: MessageEvent<string>) => {
  try {
    self.postMessage({ svg: (await viz).renderString(e.data, { format: 'svg' }) });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
