import { describe, expect, it } from 'vitest';
import { sum, tensor } from '../src/index.ts';

// Issue 13, item 3: small tensors are carved from a pooled chunk; transferring one tensor's
// buffer (a normal thing to do with a worker) must not empty the others or break later tensors.

const values = Array.from({ length: 20 }, (_, i) => i + 1); // 160 bytes: a pooled size

describe('the small-array pool', () => {
  it("survives a postMessage transfer of one tensor's buffer (MessageChannel)", async () => {
    const a = tensor(values);
    const b = tensor(values);
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<Float64Array>((resolve) => {
      port2.once('message', (m: Float64Array) => resolve(m));
    });
    port1.postMessage(a.data, [a.data.buffer as ArrayBuffer]);
    const got = await received;
    port1.close();
    port2.close();
    expect(Array.from(got)).toEqual(values);
    expect(b.size).toBe(20);
    expect(b.data.length).toBe(20);
    expect(sum(b).item()).toBe(210);
    expect(sum(tensor(values)).item()).toBe(210); // later small tensors still work
  });

  it('survives structuredClone with the buffer in the transfer list', () => {
    const a = tensor(values);
    const b = tensor(values);
    const copy = structuredClone(a.data, { transfer: [a.data.buffer as ArrayBuffer] });
    expect(Array.from(copy)).toEqual(values);
    expect(sum(b).item()).toBe(210);
    expect(sum(tensor(values)).item()).toBe(210);
  });
});
