// Bad files: safetensors and JSON weight files that are truncated, malformed or written for another
// model, and IDX files. Every failed load must leave the model's parameters (and the file's bytes)
// exactly as they were.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DTypeError, ShapeError, ValueError } from '@pullback/autograd';
import { MLP, decodeSafetensors, loadJson, loadSafetensors, readIdx, safetensorsMetadata, saveSafetensors } from '@pullback/nn';
import { loadMnist } from '@pullback/nn/node';
import { area, entry } from './harness.ts';
import { idxUint8, safetensorsFile, saved, splitSafetensors } from './fixtures.ts';

/** The saved file of an MLP [3, 2] (weight [2, 3] then bias [2], F64), edited by `edit`. */
function editedFile(edit: (header: Record<string, any>, data: Uint8Array) => { header: object | string; data: Uint8Array }) {
  const s = saved();
  const { header, data } = splitSafetensors(s.bytes);
  const out = edit(header, data);
  return { model: s.model, bytes: safetensorsFile(out.header, out.data) };
}

/**
 * A directory holding a small MNIST (3 train and 2 test images of 2×2 pixels) whose test labels
 * file is `labelsGz`, gzipped bytes as written (one fixed directory per entry, rewritten each run).
 */
function mnistWithLabels(entryName: string, labelsGz: Uint8Array): string {
  const dir = join(tmpdir(), 'pullback-catalogue-mnist', entryName);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxUint8([3, 2, 2], [0, 51, 102, 255, 1, 2, 3, 4, 5, 6, 7, 8]));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxUint8([3], [5, 0, 4]));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxUint8([2, 2, 2], [255, 0, 0, 255, 10, 20, 30, 40]));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), labelsGz);
  return dir;
}

export const safetensors = area('safetensors', [
  entry({
    name: 'a file cut inside its header',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: truncated file: the header claims \d+ bytes but only 12 follow the length/,
    setup: () => {
      const s = saved();
      const bytes = s.bytes.slice(0, 20);
      return { watch: { modules: [s.model], bytes: [bytes] }, ...s, bytes };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'a file cut inside its data',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: truncated file: tensor 'layers\.0\.bias' ends at byte 64 of the data section, which has 60/,
    setup: () => {
      const s = saved();
      const bytes = s.bytes.slice(0, s.bytes.length - 4);
      return { watch: { modules: [s.model], bytes: [bytes] }, ...s, bytes };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'a header length of more than 4 GiB',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: bad header: its length is 4294967\d+ bytes, but a safetensors header may have at most 100000000/,
    setup: () => {
      const s = saved();
      const bytes = s.bytes.slice();
      new DataView(bytes.buffer).setUint32(4, 1, true);
      return { watch: { modules: [s.model], bytes: [bytes] }, ...s, bytes };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'a header that is not JSON',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: bad header: not valid UTF-8 JSON/,
    setup: () => {
      const f = editedFile((_, data) => ({ header: '{"layers.0.weight": {"dtype": "F64",', data }));
      return { watch: { modules: [f.model], bytes: [f.bytes] }, ...f };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'weights saved from a wider network',
    fn: 'loadSafetensors',
    error: ShapeError,
    message: /^loadSafetensors: 'layers\.0\.weight' was saved with shape \[2, 3\] but the parameter has shape \[4, 3\]/,
    setup: () => {
      const s = saved();
      const model = new MLP([3, 4], { seed: 1 });
      return { watch: { modules: [model], bytes: [s.bytes] }, model, bytes: s.bytes };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'weights saved from a shallower network (missing names)',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: the saved tensors do not match the module's parameters: missing 'layers\.1\.weight', 'layers\.1\.bias'/,
    setup: () => {
      const s = saved();
      const model = new MLP([3, 2, 2], { seed: 1 });
      return { watch: { modules: [model], bytes: [s.bytes] }, model, bytes: s.bytes };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'a bias in the file for a model without biases (an extra name)',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: the saved tensors do not match the module's parameters: unexpected 'layers\.0\.bias'/,
    setup: () => {
      const s = saved();
      const model = new MLP([3, 2], { seed: 1, bias: false });
      return { watch: { modules: [model], bytes: [s.bytes] }, model, bytes: s.bytes };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'an F64 file into a float32 model',
    fn: 'loadSafetensors',
    error: DTypeError,
    message: /^loadSafetensors: 'layers\.0\.weight' was saved as float64 but the parameter is float32/,
    setup: () => {
      const s = saved();
      const model = new MLP([3, 2], { seed: 1, dtype: 'float32' });
      return { watch: { modules: [model], bytes: [s.bytes] }, model, bytes: s.bytes };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'a parameter stored as I64',
    fn: 'loadSafetensors',
    error: DTypeError,
    message: /^loadSafetensors: 'layers\.0\.bias' has dtype I64; parameters load from F64 \(float64\) or F32 \(float32\) only/,
    setup: () => {
      const f = editedFile((h, data) => ({ header: { ...h, 'layers.0.bias': { ...h['layers.0.bias'], dtype: 'I64' } }, data }));
      return { watch: { modules: [f.model], bytes: [f.bytes] }, ...f };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'a header shape that disagrees with the byte count',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: bad header: tensor 'layers\.0\.weight' has 48 bytes but shape \[3, 3\] of F64 needs 72/,
    setup: () => {
      const f = editedFile((h, data) => ({ header: { ...h, 'layers.0.weight': { ...h['layers.0.weight'], shape: [3, 3] } }, data }));
      return { watch: { modules: [f.model], bytes: [f.bytes] }, ...f };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'four stray bytes after the last tensor',
    fn: 'decodeSafetensors',
    error: ValueError,
    message: /^decodeSafetensors: size mismatch: the tensors fill 64 bytes but the data section has 68/,
    setup: () => {
      const s = saved();
      const bytes = new Uint8Array([...s.bytes, 1, 2, 3, 4]);
      return { watch: { bytes: [bytes] }, bytes };
    },
    call: ({ bytes }) => decodeSafetensors(bytes),
  }),
  entry({
    name: 'a dtype named "constructor" (an Object.prototype member)',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: bad header: tensor 'layers\.0\.bias' has unsupported dtype "constructor"; expected one of F64, F32/,
    setup: () => {
      const f = editedFile((h, data) => ({ header: { ...h, 'layers.0.bias': { ...h['layers.0.bias'], dtype: 'constructor' } }, data }));
      return { watch: { modules: [f.model], bytes: [f.bytes] }, ...f };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'an array as __metadata__',
    fn: 'safetensorsMetadata',
    error: ValueError,
    message: /^safetensorsMetadata: bad header: __metadata__ must be an object of string values, got an array/,
    setup: () => {
      const f = editedFile((h, data) => ({ header: { __metadata__: ['format', 'pt'], ...h }, data }));
      return { watch: { bytes: [f.bytes] }, ...f };
    },
    call: ({ bytes }) => safetensorsMetadata(bytes),
  }),
  entry({
    name: '64 tensors pointing at the same bytes (rejected before any is copied)',
    fn: 'loadSafetensors',
    error: ValueError,
    message: /^loadSafetensors: bad header: tensor 't1' starts at byte 0 but the previous tensor ends at 32768 \(gaps and overlaps are not allowed\)/,
    setup: () => {
      const header: Record<string, object> = {};
      for (let i = 0; i < 64; i++) header[`t${i}`] = { dtype: 'F64', shape: [4096], data_offsets: [0, 32768] };
      const s = saved();
      const bytes = safetensorsFile(header, new Uint8Array(64 * 32768));
      return { watch: { modules: [s.model], bytes: [bytes] }, model: s.model, bytes };
    },
    call: ({ model, bytes }) => loadSafetensors(model, bytes),
  }),
  entry({
    name: 'an array as metadata',
    fn: 'saveSafetensors',
    error: ValueError,
    message: /^saveSafetensors: metadata must be an object of string values, got an array/,
    setup: () => {
      const s = saved();
      const metadata = ['format', 'pt'];
      return { watch: { modules: [s.model], values: [metadata] }, model: s.model, metadata };
    },
    call: ({ model, metadata }) => saveSafetensors(model, { metadata: metadata as never }),
  }),
]);

export const json = area('json', [
  entry({
    name: 'a weight saved transposed ([3, 2] for [2, 3])',
    fn: 'loadJson',
    error: ShapeError,
    message: /^loadJson: 'layers\.0\.weight' was saved with shape \[3, 2\] but the parameter has shape \[2, 3\]/,
    setup: () => {
      const s = saved();
      const doc = JSON.parse(s.json);
      doc.tensors['layers.0.weight'].shape = [3, 2];
      return { watch: { modules: [s.model], values: [doc] }, model: s.model, doc };
    },
    call: ({ model, doc }) => loadJson(model, doc),
  }),
  entry({
    name: 'a file cut in the middle',
    fn: 'loadJson',
    error: ValueError,
    message: /^loadJson: not valid JSON: /,
    setup: () => {
      const s = saved();
      return { watch: { modules: [s.model] }, model: s.model, text: s.json.slice(0, s.json.length / 2) };
    },
    call: ({ model, text }) => loadJson(model, text),
  }),
  entry({
    name: 'null among the values',
    fn: 'loadJson',
    error: ValueError,
    message: /^loadJson: tensor 'layers\.0\.bias': value null at position 1 is not a number/,
    setup: () => {
      const s = saved();
      const doc = JSON.parse(s.json);
      doc.tensors['layers.0.bias'].data[1] = null;
      return { watch: { modules: [s.model], values: [doc] }, model: s.model, doc };
    },
    call: ({ model, doc }) => loadJson(model, doc),
  }),
  entry({
    name: 'one value too few',
    fn: 'loadJson',
    error: ValueError,
    message: /^loadJson: tensor 'layers\.0\.weight': 5 values for shape \[2, 3\], expected 6/,
    setup: () => {
      const s = saved();
      const doc = JSON.parse(s.json);
      doc.tensors['layers.0.weight'].data.pop();
      return { watch: { modules: [s.model], values: [doc] }, model: s.model, doc };
    },
    call: ({ model, doc }) => loadJson(model, doc),
  }),
  entry({
    name: 'an array instead of the document',
    fn: 'loadJson',
    error: ValueError,
    message: /^loadJson: expected an object as written by saveJson/,
    setup: () => {
      const s = saved();
      return { watch: { modules: [s.model] }, model: s.model };
    },
    call: ({ model }) => loadJson(model, '[1, 2, 3]'),
  }),
  entry({
    name: 'the string "constructor" among the values (an Object.prototype member, once loaded as NaN)',
    fn: 'loadJson',
    error: ValueError,
    message: /^loadJson: tensor 'layers\.0\.bias': value "constructor" at position 0 is not a number/,
    setup: () => {
      const s = saved();
      const doc = JSON.parse(s.json);
      doc.tensors['layers.0.bias'].data[0] = 'constructor';
      return { watch: { modules: [s.model], values: [doc] }, model: s.model, doc };
    },
    call: ({ model, doc }) => loadJson(model, doc),
  }),
  entry({
    name: 'a hole in a sparse data array (once loaded as 0)',
    fn: 'loadJson',
    error: ValueError,
    message: /^loadJson: tensor 'layers\.0\.bias': data has a hole at position 1 \(a sparse array\)/,
    setup: () => {
      const s = saved();
      const doc = JSON.parse(s.json);
      delete doc.tensors['layers.0.bias'].data[1];
      return { watch: { modules: [s.model], values: [doc] }, model: s.model, doc };
    },
    call: ({ model, doc }) => loadJson(model, doc),
  }),
  entry({
    name: 'a document whose fields are inherited, not its own',
    fn: 'loadJson',
    error: ValueError,
    message: /^loadJson: format is undefined, expected 'pullback-parameters'/,
    setup: () => {
      const s = saved();
      const doc = Object.create(JSON.parse(s.json)) as object;
      return { watch: { modules: [s.model] }, model: s.model, doc };
    },
    call: ({ model, doc }) => loadJson(model, doc),
  }),
]);

export const idx = area('idx', [
  entry({
    name: 'a PNG signature instead of the IDX magic',
    fn: 'readIdx',
    error: ValueError,
    message: /^readIdx: bad magic number 0x89504e47; an IDX file starts with 0x00 0x00, a type code/,
    setup: () => {
      const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      return { watch: { bytes: [bytes] }, bytes };
    },
    call: ({ bytes }) => readIdx(bytes),
  }),
  entry({
    name: 'a labels file cut short',
    fn: 'readIdx',
    error: ValueError,
    message: /^readIdx: truncated file: shape \[10\] of uint8 needs 18 bytes \(header 8 \+ data 10\), got 13/,
    setup: () => {
      const bytes = idxUint8([10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).slice(0, 13);
      return { watch: { bytes: [bytes] }, bytes };
    },
    call: ({ bytes }) => readIdx(bytes),
  }),
  entry({
    name: 'a rank-3 header cut after two sizes',
    fn: 'readIdx',
    error: ValueError,
    message: /^readIdx: truncated file: the header of a rank-3 IDX file needs 16 bytes, got 12/,
    setup: () => {
      const bytes = idxUint8([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]).slice(0, 12);
      return { watch: { bytes: [bytes] }, bytes };
    },
    call: ({ bytes }) => readIdx(bytes),
  }),
  entry({
    name: 'sizes whose product overflows any file',
    fn: 'readIdx',
    error: ValueError,
    message: /^readIdx: truncated file: shape \[4294967295, 4294967295\] of uint8 needs \d+ bytes .*got 12/,
    setup: () => {
      const bytes = idxUint8([0xffffffff, 0xffffffff], []);
      return { watch: { bytes: [bytes] }, bytes };
    },
    call: ({ bytes }) => readIdx(bytes),
  }),
  entry({
    name: 'a gzipped labels file that inflates past the size its header declares (a decompression bomb)',
    fn: 'loadMnist',
    error: ValueError,
    message: /^loadMnist: \S*t10k-labels-idx1-ubyte\.gz inflates to more than the 18 bytes its IDX header declares \(shape \[10\] of uint8\)/,
    setup: () => {
      const bomb = new Uint8Array(8 + 2 ** 20);
      bomb.set(idxUint8([10], []));
      const dir = mnistWithLabels('bomb', gzipSync(bomb));
      return { watch: {}, dir };
    },
    call: ({ dir }) => loadMnist(dir),
  }),
  entry({
    name: 'a gzipped labels file that inflates short of the size its header declares',
    fn: 'loadMnist',
    error: ValueError,
    message: /^loadMnist: \S*t10k-labels-idx1-ubyte\.gz inflates to 12 bytes, fewer than the 18 bytes its IDX header declares/,
    setup: () => {
      const dir = mnistWithLabels('short', gzipSync(idxUint8([10], [1, 2, 3, 4])));
      return { watch: {}, dir };
    },
    call: ({ dir }) => loadMnist(dir),
  }),
  entry({
    name: 'a corrupt gzip stream',
    fn: 'loadMnist',
    error: ValueError,
    message: /^loadMnist: \S*t10k-labels-idx1-ubyte\.gz is not a valid gzip file: /,
    setup: () => {
      const dir = mnistWithLabels('corrupt', new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
      return { watch: {}, dir };
    },
    call: ({ dir }) => loadMnist(dir),
  }),
]);
