// Node-only additions (file system, gzip). Import from '@pullback/nn/node'; everything in
// '@pullback/nn' stays usable in a browser.
export { loadMnist, findMnistDir } from './data/mnist-node.ts';
export type { Mnist, MnistOptions, MnistSplit } from './data/mnist-node.ts';
