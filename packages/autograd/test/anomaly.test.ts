import { describe, expect, it } from 'vitest';
import { AnomalyError, detectAnomaly, greater, isAnomalyEnabled, log, mul, sqrt, sum, tensor, where } from '../src/index.ts';
import { thrown } from './support/thrown.ts';

interface Site {
  file: string;
  line: number;
}

/** File and line of a `path:line:column` location (a stack frame or an AnomalyError's site). */
function parseSite(text: string): Site {
  const m = /((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(text.trim());
  if (!m) throw new Error(`not a location: ${text}`);
  return { file: m[1]!.replace(/^file:\/\//, ''), line: Number(m[2]) };
}

let marked: Site | undefined;
/** Returns `value` and remembers where it was called: wrap the op's argument in it, on the op's line. */
function mark<T>(value: T): T {
  const frames = (new Error().stack ?? '').split('\n');
  // frames[0] is the message, [1] is mark() itself, [2] is its caller
  marked = parseSite(frames[2]!);
  return value;
}

function catchAnomaly(fn: () => unknown): AnomalyError {
  const e = thrown(fn);
  if (e instanceof AnomalyError) return e;
  throw e ?? new Error('expected an AnomalyError');
}

describe('detectAnomaly', () => {
  it('names log, the forward pass and the line of the log call for a NaN from finite inputs', () => {
    const err = catchAnomaly(() =>
      detectAnomaly(() => {
        const x = tensor([2, -1], { requiresGrad: true });
        const y = log(mark(x));
        return sum(y);
      }),
    );
    expect(err.op).toBe('log');
    expect(err.pass).toBe('forward');
    expect(err.message).toMatch(/^log: .*forward pass/);
    expect(parseSite(err.site)).toEqual(marked);
    expect(err.site).toContain('anomaly.test.ts');
  });

  it('names sqrt, the backward pass and the line of the sqrt call for an Inf cotangent at 0', () => {
    const err = catchAnomaly(() =>
      detectAnomaly(() => {
        const x = tensor([0, 4], { requiresGrad: true });
        const y = sqrt(mark(x));
        sum(mul(y, 3)).backward();
      }),
    );
    expect(err.op).toBe('sqrt');
    expect(err.pass).toBe('backward');
    expect(err.message).toMatch(/^sqrt: .*backward pass/);
    expect(parseSite(err.site)).toEqual(marked);
  });

  it('finds the where-branch NaN leak, which without anomaly mode silently reaches x.grad', () => {
    // where(x > 0, sqrt(x), 0) at x = 0: the unused branch's pullback computes 0 / 0 (PyTorch and
    // JAX give NaN too; the fix is to make the input safe, e.g. sqrt(where(x > 0, x, 1))).
    const f = (x: ReturnType<typeof tensor>) => sum(where(greater(x, 0), sqrt(x), 0));
    const x = tensor([0, 4], { requiresGrad: true });
    f(x).backward();
    expect(Number.isNaN(x.grad!.data[0])).toBe(true);
    expect(x.grad!.data[1]).toBe(0.25);

    const err = catchAnomaly(() =>
      detectAnomaly(() => {
        const z = tensor([0, 4], { requiresGrad: true });
        const y = where(greater(z, 0), sqrt(mark(z)), 0);
        sum(y).backward();
      }),
    );
    expect(err.op).toBe('sqrt');
    expect(err.pass).toBe('backward');
    expect(parseSite(err.site)).toEqual(marked);
  });

  it('throws nothing without anomaly mode', () => {
    const x = tensor([-1, 0], { requiresGrad: true });
    const y = log(x);
    expect(Number.isNaN(y.data[0])).toBe(true);
    expect(y.data[1]).toBe(-Infinity);
    const z = tensor([0], { requiresGrad: true });
    sum(sqrt(z)).backward();
    expect(z.grad!.data[0]).toBe(Infinity);
  });

  it('does not flag values that were already non-finite, and restores the mode afterwards', () => {
    detectAnomaly(() => {
      expect(isAnomalyEnabled()).toBe(true);
      const x = tensor([Infinity, 1]);
      mul(x, 2); // Inf in, Inf out: not this op's fault
    });
    expect(isAnomalyEnabled()).toBe(false);
    expect(() =>
      detectAnomaly(() => {
        throw new RangeError('boom');
      }),
    ).toThrow(RangeError);
    expect(isAnomalyEnabled()).toBe(false);
  });
});
