/** Thrown by the closed-form reference for invalid input; the message starts with the public function name. */
export class BackpropReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackpropReferenceError';
  }
}

/** Throws `fn: message`, so every error names the public entry point that was called. */
export function fail(fn: string, message: string): never {
  throw new BackpropReferenceError(`${fn}: ${message}`);
}

/** Shapes print as `[2, 3]`, never `2,3`. */
export function formatShape(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

/** A short, readable rendering of an arbitrary (possibly wrong-typed) value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return value.length <= 8 ? `[${value.map(describe).join(', ')}]` : `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}
