// The state of a program being generated: its instructions, each value's inferred shape and a
// static bound on its magnitude, and the choice of operands. The per-op recipes are in recipes-*.ts.
import type { Attrs, BinaryOp, Instr, Operand, Plain, Program, UnaryOp } from './program.ts';
import { operandsOf } from './program.ts';
import type { Rng } from './rng.ts';
import { broadcast, sizeOf } from './shapes.ts';

/** No value has more elements than this: keeps elementwise checks and the whole run small. */
export const MAX_SIZE = 27;
export const MAX_RANK = 4;
/**
 * Operands whose magnitude bound exceeds this are first scaled by a power of 2 (exact in both
 * dtypes), so that chains of mul / matmul / pow cannot overflow or lose all precision.
 */
const LIMIT = 8;

/**
 * Emits one op (with the instructions that keep its operands in its domain) from fast-check's
 * two operand choices, or returns false when no earlier value fits.
 */
export type Recipe = (b: Builder, pick: number, partner: number) => boolean;

/**
 * One recipe kind for a family of ops: each step applies `reps` of them in a chain (every link
 * after the first on the most recent fitting value), so each member is drawn about as often as an
 * op with a kind of its own while the other kinds keep their share of draws. A member that does
 * not fit the value is retried with another (up to three tries).
 */
export const family =
  (members: readonly Recipe[], reps: number): Recipe =>
  (b, pick, partner) => {
    let applied = false;
    for (let rep = 0; rep < reps; rep++) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const member = members[b.rng.int(members.length)]!;
        if (member(b, rep === 0 ? pick : 0, partner + 7919 * rep)) {
          applied = true;
          break;
        }
      }
    }
    return applied;
  };

export class Builder {
  readonly instrs: Instr[] = [];
  readonly shapes: number[][] = [];
  readonly inputs: Plain[] = [];
  /** |value| ≤ bound, by interval arithmetic over the recipes (loose, but safe). */
  private readonly bounds: number[] = [];
  /** Values computed from inputs: the candidates for operands (constants are not). */
  private readonly pool: number[] = [];
  rng: Rng;

  constructor(rng: Rng) {
    this.rng = rng;
  }

  shape(v: number): number[] {
    return this.shapes[v]!;
  }

  bound(v: Operand): number {
    return typeof v === 'number' ? this.bounds[v]! : Math.abs(v.literal);
  }

  emit(instr: Instr, shape: number[], bound: number): number {
    this.instrs.push(instr);
    this.shapes.push(shape);
    this.bounds.push(bound);
    if (instr.op !== 'const') this.pool.push(this.instrs.length - 1);
    return this.instrs.length - 1;
  }

  input(shape: number[]): number {
    const index = this.inputs.length;
    this.inputs.push({ shape, values: this.rng.lattice(sizeOf(shape)) });
    return this.emit({ op: 'input', index }, shape, 2);
  }

  /** The shape of an operand (a number literal is 0-d). */
  shapeOf(a: Operand): number[] {
    return typeof a === 'number' ? this.shape(a) : [];
  }

  unary(op: UnaryOp, x: number, bound: number): number {
    return this.emit({ op, args: [x] }, this.shape(x), bound);
  }

  binary(op: BinaryOp, x: Operand, y: Operand, bound: number): number {
    return this.emit({ op, args: [x, y] }, broadcast(this.shapeOf(x), this.shapeOf(y))!, bound);
  }

  /** A primitive by name (see recipes-elementwise.ts `generic`). */
  elementwise(name: string, args: Operand[], bound: number): number {
    const shape = args.map((a) => this.shapeOf(a)).reduce((acc, s) => broadcast(acc, s)!);
    return this.emit({ op: 'elementwise', name, args }, shape, bound);
  }

  /** An op of the adapter table (calls.ts) by name; the recipe gives the result's shape and bound. */
  call(name: string, args: Operand[], attrs: Attrs, shape: number[], bound: number): number {
    return this.emit({ op: 'call', name, args, attrs }, shape, bound);
  }

  constant(shape: number[], values: number[]): number {
    return this.emit({ op: 'const', value: { shape, values } }, shape, Math.max(0, ...values.map(Math.abs)));
  }

  /** `v` itself, or v·2⁻ᵏ when its bound is over LIMIT. */
  tame(v: number): number {
    const b = this.bounds[v]!;
    if (b <= LIMIT) return v;
    const factor = 2 ** -Math.ceil(Math.log2(b / LIMIT));
    return this.emit({ op: 'mul', args: [v, { literal: factor }] }, this.shape(v), b * factor);
  }

  /**
   * An earlier value whose shape passes `fits` (tamed), or null. `raw` is fast-check's choice:
   * even picks the most recent fitting value (deep chains), odd any of them (fan-out); it shrinks
   * to 0, the most recent.
   */
  pick(raw: number, fits: (shape: number[]) => boolean = () => true): number | null {
    const fitting = this.pool.filter((v) => fits(this.shape(v)));
    if (fitting.length === 0) return null;
    const v = raw % 2 === 0 ? fitting[fitting.length - 1]! : fitting[(raw >> 1) % fitting.length]!;
    return this.tame(v);
  }

  /**
   * A second operand that broadcasts with `shape`: an earlier value, a new input of a related
   * shape (axes dropped, set to 1, or one prepended), or (with `literal`) a number.
   */
  partner(raw: number, shape: number[], literal: number | null): Operand {
    const r = raw % 8;
    if (r === 0 && literal !== null) return { literal };
    if (r <= 3) {
      const fits = (s: number[]): boolean => {
        const out = broadcast(shape, s);
        return out !== null && sizeOf(out) <= MAX_SIZE && out.length <= MAX_RANK;
      };
      const v = this.pick(raw >> 3, fits);
      if (v !== null) return v;
    }
    return this.input(this.relatedShape(shape, true));
  }

  /** A shape that broadcasts with `shape`; `grow` allows one that enlarges the result. */
  relatedShape(shape: number[], grow: boolean): number[] {
    const { rng } = this;
    switch (rng.int(grow ? 4 : 3)) {
      case 0:
        return [...shape];
      case 1:
        return shape.map((d) => (rng.coin() ? 1 : d));
      case 2:
        return shape.slice(rng.between(1, Math.max(1, shape.length))).map((d) => (rng.coin(0.3) ? 1 : d));
      default: {
        const d = rng.between(2, 3);
        if (shape.length >= MAX_RANK || sizeOf(shape) * d > MAX_SIZE) return [...shape];
        return [d, ...shape.map((s) => (rng.coin(0.3) ? 1 : s))];
      }
    }
  }

  /** Constants of `shape` whose entries are ±c (random signs). */
  signs(shape: number[], c: number): number {
    return this.constant(
      shape,
      Array.from({ length: sizeOf(shape) }, () => (this.rng.coin() ? c : -c)),
    );
  }

  finish(): Program {
    const used = new Set(this.instrs.flatMap(operandsOf));
    const sinks = this.pool.filter((v) => !used.has(v));
    const weights = sinks.map((s) => ({ shape: this.shape(s), values: this.rng.weights(sizeOf(this.shape(s))) }));
    return { inputs: this.inputs, instrs: this.instrs, shapes: this.shapes, sinks, weights };
  }
}
