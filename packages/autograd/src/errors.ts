/** Base class of every error the engine throws; `fn` is the public function that threw. */
export class PullbackError extends Error {
  readonly fn: string;
  constructor(fn: string, message: string) {
    super(`${fn}: ${message}`);
    this.fn = fn;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the rule of the operation (broadcasting, matmul, reshape, ...). */
export class ShapeError extends PullbackError {}

/** Mixed or unsupported dtypes. */
export class DTypeError extends PullbackError {}

/** A bad argument: a non-integer axis, an index out of range, ragged data, a bad option. */
export class ValueError extends PullbackError {}

/** Misuse of the tape: a freed graph, a missing seed, a wrong pullback from a custom op. */
export class GraphError extends PullbackError {}

/** Raised in anomaly mode by the first operation that produced NaN or ±Inf. */
export class AnomalyError extends PullbackError {
  readonly op: string;
  readonly pass: 'forward' | 'backward';
  readonly site: string;
  constructor(fn: string, message: string, op: string, pass: 'forward' | 'backward', site: string) {
    super(fn, message);
    this.op = op;
    this.pass = pass;
    this.site = site;
  }
}

/** `[2, 3]`, `[]` for a scalar; an entry that is not a number is quoted (`["6"]`), never printed like one. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.map((d: unknown) => (typeof d === 'number' ? String(d) : (JSON.stringify(d) ?? String(d)))).join(', ')}]`;
}

/**
 * A value the user passed where a number was expected, as a message shows it: a number as is,
 * anything else with its type (`"6" (a string)`), so that a message never contradicts itself.
 */
export function formatValue(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return `${JSON.stringify(x)} (a string)`;
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) {
    let json: string | undefined;
    try {
      json = JSON.stringify(x);
    } catch {
      json = undefined;
    }
    return json !== undefined && json.length <= 40 ? `${json} (an array)` : 'an array';
  }
  if (typeof x === 'object') return `a ${(x as object).constructor?.name ?? 'object'}`;
  if (typeof x === 'function') return 'a function';
  return `${String(x)} (a ${typeof x})`;
}

/** What the user passed, after "got" or "is": `number 3`, `null`, `an array`, `Tensor`. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return `${typeof x} ${String(x)}`;
}
