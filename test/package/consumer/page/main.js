// A browser page bundled by Vite from the installed tarballs: a gradient through the WebAssembly
// kernels, checked against its closed form, written to the DOM for the test to read.
// tanh is used as a method only: the bundle must keep the op modules that install methods
// (package.json's sideEffects lists them), or A.matmul(B).tanh() would not exist.
import { detectAnomaly, log, setGemmBackend, sum, tensor } from '@pullback/autograd';

setGemmBackend('wasm');
const n = 64;
const A = tensor(
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.cos(i - j) / n)),
  { requiresGrad: true },
);
const B = tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(i * j + 1) / n)));
// L = Σ tanh(A B)  =>  ∂L/∂A = (1 − tanh²(A B)) Bᵀ
sum(A.matmul(B).tanh()).backward();
let maxError = 0;
for (let i = 0; i < n; i++) {
  for (let j = 0; j < n; j++) {
    let expected = 0;
    for (let c = 0; c < n; c++) {
      let z = 0;
      for (let k = 0; k < n; k++) z += A.data[i * n + k] * B.data[k * n + c];
      expected += (1 - Math.tanh(z) ** 2) * B.data[j * n + c];
    }
    maxError = Math.max(maxError, Math.abs(A.grad.data[i * n + j] - expected));
  }
}

// detectAnomaly names this file's line (the library is bundled into a chunk of its own).
let marked = '';
/** Returns `value` and remembers the location that called it (the line of the op). */
function mark(value) {
  marked = (new Error().stack ?? '').split('\n')[2] ?? '';
  return value;
}
let site = '';
try {
  detectAnomaly(() => log(mark(tensor([-1]))));
} catch (e) {
  site = e.site;
}

document.querySelector('#out').textContent = JSON.stringify({ gradient00: A.grad.data[0], maxError, site, marked });
