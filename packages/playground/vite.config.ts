import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// A static app: `vite` serves it, `vite build` writes dist/ (relative URLs, so it also works from
// a sub-path or a file server). The engine's TypeScript source is compiled by Vite as it is.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Graphviz in WebAssembly is one ~1.2 MB chunk, loaded on first draw.
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
