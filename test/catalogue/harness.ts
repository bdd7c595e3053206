// The catalogue's machinery: what an entry is, and how "the user's state is unchanged" is checked.
// Entries live in the *.entries.ts files beside this one; catalogue.test.ts runs them.
import { DTypeError, GraphError, PullbackError, type Scalar, ShapeError, Tensor, ValueError } from '@pullback/autograd';
import type { Module, Optimizer } from '@pullback/nn';

/** The error classes an entry may expect: the four public ones (nn throws them too). */
export const ERROR_CLASSES = [ShapeError, DTypeError, ValueError, GraphError] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Everything of the user's that a failed call must leave exactly as it was. */
export interface Watch {
  tensors?: readonly Tensor[];
  scalars?: readonly Scalar[];
  /** Every parameter's .data, .grad, dtype and shape, by dotted name. */
  modules?: readonly Module[];
  /** Learning rate and per-parameter state buffers (momentum, moments, step counts). */
  optimizers?: readonly Optimizer<unknown>[];
  /** Buffers handed to a loader (a weight file, an IDX file): a parser must not write into them. */
  bytes?: readonly Uint8Array[];
  /** Plain arrays / objects the user passed (labels, options): JSON-compared. */
  values?: readonly unknown[];
}

/** What part of the contract a known bug breaks (the entry runs as `it.fails` until it is fixed). */
export type Aspect = 'throws' | 'class' | 'prefix' | 'message' | 'unchanged';
export interface Bug {
  breaks: readonly Aspect[];
  /** The bug, in one or two sentences, for the owner. */
  note: string;
}

export interface Entry {
  area: string;
  /** What is wrong with the input. */
  name: string;
  /** The public function the user called; the message must start with `${fn}: `. */
  fn: string;
  error: ErrorClass;
  /** Anchored at `^${fn}: `; names what was wrong and what was expected. */
  message: RegExp;
  /** Fresh user state, then the bad call on it. */
  run: () => { watch: Watch; act: () => unknown };
  bug?: Bug;
}

interface EntryDef<S extends { watch: Watch }> {
  name: string;
  fn: string;
  error: ErrorClass;
  message: RegExp;
  setup: () => S;
  call: (state: S) => unknown;
  bug?: Bug;
}

/** Entries of one area; `setup` builds fresh state for every run, `call` makes the bad call. */
export function area(name: string, defs: readonly EntryDef<any>[]): Entry[] {
  return defs.map((d) => ({
    area: name,
    name: d.name,
    fn: d.fn,
    error: d.error,
    message: d.message,
    ...(d.bug !== undefined && { bug: d.bug }),
    run: () => {
      const state = d.setup();
      return { watch: state.watch, act: () => d.call(state) };
    },
  }));
}

/** Typed helper for one entry: infers the state type from `setup`. */
export function entry<S extends { watch: Watch }>(def: EntryDef<S>): EntryDef<S> {
  return def;
}

// ---- snapshots -----------------------------------------------------------------------------

function tensorState(t: Tensor): unknown {
  const g = t.grad;
  return {
    shape: [...t.shape],
    dtype: t.dtype,
    requiresGrad: t.requiresGrad,
    data: Array.from(t.data),
    grad: g === null ? null : { shape: [...g.shape], dtype: g.dtype, data: Array.from(g.data) },
  };
}

function valueState(v: unknown): unknown {
  if (v instanceof Tensor) return tensorState(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(valueState);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, valueState(x)]));
}

function optimizerState(o: Optimizer<unknown>): unknown {
  const index = new Map(o.params.map((p, i) => [p, i]));
  return {
    lr: o.lr,
    params: o.params.map(tensorState),
    state: [...o.state].map(([p, s]) => [index.get(p), valueState(s)]),
  };
}

/** A deep copy of everything watched, comparable with toEqual (NaN equals NaN, −0 ≠ 0). */
export function snapshot(w: Watch): unknown {
  return {
    tensors: (w.tensors ?? []).map(tensorState),
    scalars: (w.scalars ?? []).map((s) => ({ data: s.data, grad: s.grad })),
    modules: (w.modules ?? []).map((m) => m.namedParameters().map(([n, p]) => [n, tensorState(p)])),
    optimizers: (w.optimizers ?? []).map(optimizerState),
    bytes: (w.bytes ?? []).map((b) => Array.from(b)),
    values: (w.values ?? []).map((v) => JSON.stringify(v)),
  };
}

/** Run the entry once: the error thrown (undefined if none), the state before and after. */
export function attempt(e: Entry): { error: unknown; before: unknown; after: unknown } {
  const { watch, act } = e.run();
  const before = snapshot(watch);
  let error: unknown;
  try {
    act();
  } catch (err) {
    error = err;
  }
  return { error, before, after: snapshot(watch) };
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
}

export function isPullbackError(err: unknown): err is PullbackError {
  return err instanceof PullbackError;
}
