import { describe, expect, it } from 'vitest';
import { ParseError, parseProgram } from '../src/parser.ts';
import type { Expr } from '../src/parser.ts';
import { evaluateNumber } from '../src/numbers.ts';

const calc = (source: string, values: Record<string, number> = {}): number => evaluateNumber(parseProgram(source), new Map(Object.entries(values)));

/** The expression fully parenthesized, to see the tree the parser built. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'name':
      return e.name;
    case 'unary':
      return `(${e.op}${show(e.arg)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call':
      return `${e.fn}(${show(e.arg)})`;
  }
}
const tree = (source: string): string => show(parseProgram(source).output);

function parseError(source: string): ParseError {
  try {
    parseProgram(source);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`expected a ParseError for ${JSON.stringify(source)}`);
}

describe('parseProgram: precedence', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))', 7],
    ['(1 + 2) * 3', '((1 + 2) * 3)', 9],
    ['2 * 3 ^ 2', '(2 * (3 ^ 2))', 18],
    ['-2 ^ 2', '(-(2 ^ 2))', -4],
    ['2 ^ -1', '(2 ^ (-1))', 0.5],
    ['-x * y', '((-x) * y)', -6],
    ['x - -y', '(x - (-y))', 5],
    ['1 + tanh(0) * 4', '(1 + (tanh(0) * 4))', 1],
  ])('%s parses as %s', (source, expected, value) => {
    expect(tree(source)).toBe(expected);
    expect(calc(source, { x: 2, y: 3 })).toBe(value);
  });

  it('keeps + − and * / left-associative', () => {
    expect(tree('10 - 4 - 3')).toBe('((10 - 4) - 3)');
    expect(calc('10 - 4 - 3')).toBe(3);
    expect(tree('8 / 4 / 2')).toBe('((8 / 4) / 2)');
    expect(calc('8 / 4 / 2')).toBe(1);
  });

  it('makes ^ right-associative: 2^3^2 = 2^(3^2) = 512', () => {
    expect(tree('2^3^2')).toBe('(2 ^ (3 ^ 2))');
    expect(calc('2^3^2')).toBe(512);
    expect(calc('(2^3)^2')).toBe(64);
    expect(tree('a^-b^c')).toBe('(a ^ (-(b ^ c)))');
  });

  it('reads numbers, textbook operators and every function', () => {
    expect(calc('.5 + 1e-3 + 2.5E2')).toBe(250.501);
    expect(calc('3 − 1 × 2 · 1 ÷ 1')).toBe(1);
    expect(calc('2 ** 3')).toBe(8);
    expect(calc('sigmoid(0) + relu(-1) + relu(2) + sqrt(9) + abs(-4) + log(exp(2)) + tanh(0)')).toBeCloseTo(0.5 + 0 + 2 + 3 + 4 + 2 + 0, 14);
    expect(calc('sin(0.5)^2 + cos(0.5)^2 + cosh(1)^2 - sinh(1)^2')).toBeCloseTo(2, 14);
  });
});

describe('parseProgram: lines and names', () => {
  it('takes name = expr lines, the last one being the output', () => {
    const p = parseProgram('n = x1*w1 + b\no = tanh(n)');
    expect(p.bindings.map((b) => b.name)).toEqual(['n']);
    expect(p.outputName).toBe('o');
    expect(p.variables).toEqual(['x1', 'w1', 'b']);
    expect(calc('n = x1*w1 + b\no = tanh(n)', { x1: 2, w1: -3, b: 6 })).toBe(Math.tanh(0));
  });

  it('accepts ; as a separator, blank lines, and newlines inside parentheses', () => {
    expect(calc('a = 2; b = a * 3\n\n(a +\n b)')).toBe(8);
    expect(parseProgram('a = 2; a').outputName).toBeNull();
  });

  it('lists free names in order of first use, not the defined ones', () => {
    expect(parseProgram('z = w*x + b; a = sigmoid(z); C = 0.5*(a - y)^2').variables).toEqual(['w', 'x', 'b', 'y']);
  });
});

describe('parseProgram: errors carry the line and column', () => {
  it.each([
    ['tanh(w1*x1 + )', 1, 14, /expected a number, a name or '\(' but found '\)'/],
    ['2 +* 3', 1, 4, /found '\*'/],
    ['(1 + 2', 1, 7, /missing '\)' to close the '\(' at column 1/],
    ['tanh(x', 1, 7, /missing '\)' to close the '\(' at column 5/],
    ['1 + 2)', 1, 6, /there is no '\(' to close/],
    ['foo(1)', 1, 1, /unknown function 'foo'/],
    ['tanh + 1', 1, 1, /'tanh' is a function: write tanh\(...\)/],
    ['2 $ 3', 1, 3, /unexpected character '\$'/],
    ['2 x', 1, 3, /an operator is missing/],
    ['   ', 1, 4, /empty/],
    ['a = 1 +\nb = a\nb', 1, 8, /found the end of the line/],
    ['a = x\nb = a * * 2\nb', 2, 9, /found '\*'/],
    ['a = 1; a = 2; a', 1, 8, /'a' is already defined/],
    ['y = x + z; z = 1; y', 1, 12, /'z' is used before this line defines it/],
    ['x + 1\ny', 1, 1, /only the last line can be a bare expression/],
    ['exp = 2; exp', 1, 1, /'exp' is a function name/],
    ['a b = 1', 1, 3, /an operator is missing/],
  ])('%j fails at line %i, column %i', (source, line, column, reason) => {
    const e = parseError(source);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.reason).toMatch(reason);
    expect(e.message).toBe(`parseProgram: ${e.reason} (line ${line}, column ${column})`);
  });

  it('points the offset at the same character as the line and column', () => {
    const source = 'a = 1\nb = (a + 2 * )';
    const e = parseError(source);
    expect([e.line, e.column]).toEqual([2, 14]);
    expect(source[e.offset]).toBe(')');
  });
});
