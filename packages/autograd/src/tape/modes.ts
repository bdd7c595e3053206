// The modes that change what recording does: grad mode (noGrad), anomaly detection, the module
// scope ops are recorded in, and whether a backward pass is running.
import { ValueError, describeValue } from '../errors.ts';

/** The current modes, read by record and the backward pass (one object, so every module sees writes). */
export const modes = {
  grad: true,
  anomaly: false,
  /**
   * True while a backward pass runs. The ops inside pullbacks then skip the forward check: a
   * non-finite cotangent is reported once, by the pass, under the op whose pullback produced it
   * (sqrt, not the div inside its pullback).
   */
  inBackward: false,
  scope: null as string | null,
};

// ---- grad mode -------------------------------------------------------------------------------

export function isGradEnabled(): boolean {
  return modes.grad;
}

/** The callback of noGrad, withScope, ...: a function, or a ValueError naming `name`. */
function checkCallback(name: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new ValueError(name, `expected a function to run, got ${describeValue(fn)}`);
}

/** Run `fn` without recording: results are constants (PyTorch's no_grad). */
export function noGrad<T>(fn: () => T): T {
  checkCallback('noGrad', fn);
  return withGradMode(false, fn);
}

/** Run `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  checkCallback('enableGrad', fn);
  return withGradMode(true, fn);
}

export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = modes.grad;
  modes.grad = enabled;
  try {
    return fn();
  } finally {
    modes.grad = prev;
  }
}

// ---- anomaly mode ----------------------------------------------------------------------------

export function isAnomalyEnabled(): boolean {
  return modes.anomaly;
}

/** True while a backward pass runs (inside pullbacks). */
export function isInBackward(): boolean {
  return modes.inBackward;
}

/**
 * Run `fn` with anomaly detection: the first operation whose output (forward) or whose returned
 * cotangent (backward) holds NaN or ±Inf throws an AnomalyError naming the op, its inputs' shapes
 * and the line of user code that recorded it. Slower: every op captures a stack trace.
 */
export function detectAnomaly<T>(fn: () => T): T {
  checkCallback('detectAnomaly', fn);
  const prev = modes.anomaly;
  modes.anomaly = true;
  try {
    return fn();
  } finally {
    modes.anomaly = prev;
  }
}

/**
 * Where the engine's code lives, to tell its stack frames from the caller's. Unbundled, this module
 * is `tape.ts` (source) or `tape.js` (the installed package's dist/), and every engine module sits
 * in its folder or below; a bundler renames the file, and then the engine is that one file (a
 * library chunk, or a dev server's pre-bundled dependency). Null where import.meta.url is missing.
 */
// ---- scopes ----------------------------------------------------------------------------------

/**
 * Record the ops of `fn` inside a named scope (nested scopes join with '/'). Graph pictures can
 * then collapse a whole layer into one node. Modules use it for their forward pass.
 */
export function withScope<T>(name: string, fn: () => T): T {
  checkCallback('withScope', fn);
  const prev = modes.scope;
  modes.scope = prev === null ? name : `${prev}/${name}`;
  try {
    return fn();
  } finally {
    modes.scope = prev;
  }
}
