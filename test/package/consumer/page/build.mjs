// Bundles this page with Vite (whose path the test passes: the workspace's own vite, nothing is
// installed here) for production, into ./dist, with the installed packages in a chunk of their own
// as apps usually do, and unminified so that the page's lines stay apart.
import { fileURLToPath, pathToFileURL } from 'node:url';

const [vitePath] = process.argv.slice(2);
const { build } = await import(pathToFileURL(vitePath).href);
await build({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } } },
  },
});
