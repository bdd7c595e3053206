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

/** `[2, 3]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
