// A recursive-descent parser for the playground's little language of scalars:
//
//   program := statement ((';' | newline) statement)*
//   statement := name '=' expr | expr          (the last statement is the output)
//   expr    := term (('+' | '-') term)*         left-associative
//   term    := unary (('*' | '/') unary)*       left-associative
//   unary   := ('-' | '+') unary | power        so -x^2 = -(x^2)
//   power   := primary ('^' unary)?             right-associative: 2^3^2 = 2^(3^2)
//   primary := number | name | fn '(' expr ')' | '(' expr ')'
//
// Positions are 1-based lines and columns, so an error can put a caret under the column.

export const FUNCTIONS = ['tanh', 'exp', 'log', 'relu', 'sigmoid', 'sqrt', 'abs', 'sin', 'cos', 'sinh', 'cosh'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export interface Position {
  /** Index into the source (UTF-16 code units). */
  offset: number;
  line: number;
  column: number;
}

export type Expr =
  | { kind: 'number'; value: number; text: string; at: Position }
  | { kind: 'name'; name: string; at: Position }
  | { kind: 'unary'; op: '-' | '+'; arg: Expr; at: Position }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Expr; right: Expr; at: Position }
  | { kind: 'call'; fn: FunctionName; arg: Expr; at: Position };

export interface Binding {
  name: string;
  value: Expr;
  at: Position;
}

export interface Program {
  /** `name = expr` lines before the output, in order. */
  bindings: Binding[];
  output: Expr;
  /** The output's name when the last line is a binding (`C = ...`), else null. */
  outputName: string | null;
  /** Free names (the inputs and weights), in order of first use. */
  variables: string[];
}

/** A syntax error with the position to point at. */
export class ParseError extends Error {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** The message without the position, for showing under a caret. */
  readonly reason: string;

  constructor(reason: string, at: Position) {
    super(`parseProgram: ${reason} (line ${at.line}, column ${at.column})`);
    this.name = 'ParseError';
    this.reason = reason;
    this.line = at.line;
    this.column = at.column;
    this.offset = at.offset;
  }
}

type TokenKind = 'number' | 'name' | 'op' | 'sep' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  at: Position;
}

// Typographic spellings a learner may paste from a textbook.
const ALIASES: Record<string, string> = { '−': '-', '×': '*', '·': '*', '÷': '/' };
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let i = 0;
  const pos = (offset: number): Position => ({ offset, line, column: offset - lineStart + 1 });
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      // Inside parentheses a newline is only whitespace.
      if (depth === 0) tokens.push({ kind: 'sep', text: '\n', at: pos(i) });
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', text: num[0], at: pos(i) });
      i += num[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], at: pos(i) });
      i += name[0].length;
      continue;
    }
    if (rest.startsWith('**')) {
      tokens.push({ kind: 'op', text: '^', at: pos(i) });
      i += 2;
      continue;
    }
    const op = ALIASES[ch] ?? ch;
    if ('+-*/^()='.includes(op)) {
      if (op === '(') depth++;
      if (op === ')') depth = Math.max(0, depth - 1);
      tokens.push({ kind: 'op', text: op, at: pos(i) });
      i++;
      continue;
    }
    if (ch === ';') {
      tokens.push({ kind: 'sep', text: ';', at: pos(i) });
      i++;
      continue;
    }
    throw new ParseError(`unexpected character '${ch}'`, pos(i));
  }
  tokens.push({ kind: 'end', text: '', at: pos(i) });
  return tokens;
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the input';
  if (t.kind === 'sep') return t.text === ';' ? "';'" : 'the end of the line';
  return `'${t.text}'`;
}

function isFunction(name: string): name is FunctionName {
  return (FUNCTIONS as readonly string[]).includes(name);
}

class Parser {
  private k = 0;
  constructor(private readonly tokens: Token[]) {}

  private get tok(): Token {
    return this.tokens[this.k]!;
  }
  // A method, not the getter, wherever the token is compared after the parser moved on: TS would
  // otherwise keep a narrowing of `this.tok.kind` from before the move.
  private kind(): TokenKind {
    return this.tokens[this.k]!.kind;
  }
  private isOp(text: string): boolean {
    return this.tok.kind === 'op' && this.tok.text === text;
  }

  program(): Program {
    const statements: { name: string | null; value: Expr; at: Position }[] = [];
    while (this.tok.kind !== 'end') {
      if (this.tok.kind === 'sep') {
        this.k++;
        continue;
      }
      const next = this.tokens[this.k + 1]!;
      const at = this.tok.at;
      let name: string | null = null;
      if (this.tok.kind === 'name' && next.kind === 'op' && next.text === '=') {
        name = this.tok.text;
        if (isFunction(name)) throw new ParseError(`'${name}' is a function name: pick another name`, at);
        this.k += 2;
      }
      statements.push({ name, value: this.expr(), at });
      if (this.kind() !== 'sep' && this.kind() !== 'end') {
        const hint = this.isOp(')') ? "there is no '(' to close" : this.isOp('=') ? "only a single name can stand before '='" : 'an operator is missing?';
        throw new ParseError(`unexpected ${describe(this.tok)}: ${hint}`, this.tok.at);
      }
    }
    const last = statements.pop();
    if (last === undefined) throw new ParseError('the expression is empty', this.tok.at);
    const bindings = statements.map((s) => {
      if (s.name === null) throw new ParseError('only the last line can be a bare expression: give this one a name (name = ...)', s.at);
      return { name: s.name, value: s.value, at: s.at };
    });
    if (last.name !== null) bindings.push({ name: last.name, value: last.value, at: last.at });
    return checkNames(bindings, last.value, last.name);
  }

  private expr(): Expr {
    return this.leftAssociative(['+', '-'], () => this.term());
  }

  private term(): Expr {
    return this.leftAssociative(['*', '/'], () => this.unary());
  }

  /** operand (op operand)*, folded to the left: a − b − c = (a − b) − c. */
  private leftAssociative(ops: readonly ('+' | '-' | '*' | '/')[], operand: () => Expr): Expr {
    let left = operand();
    while (ops.some((op) => this.isOp(op))) {
      const at = this.tok.at;
      const op = this.tok.text as (typeof ops)[number];
      this.k++;
      left = { kind: 'binary', op, left, right: operand(), at };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const at = this.tok.at;
      const op = this.tok.text as '-' | '+';
      this.k++;
      return { kind: 'unary', op, arg: this.unary(), at };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    const at = this.tok.at;
    this.k++;
    // The exponent is a unary, which itself recurses into power: right-associative, and 2^-1 works.
    return { kind: 'binary', op: '^', left: base, right: this.unary(), at };
  }

  private primary(): Expr {
    const t = this.tok;
    if (t.kind === 'number') {
      this.k++;
      return { kind: 'number', value: Number(t.text), text: t.text, at: t.at };
    }
    if (t.kind === 'name') {
      this.k++;
      if (this.isOp('(')) {
        if (!isFunction(t.text)) throw new ParseError(`unknown function '${t.text}' (known: ${FUNCTIONS.join(', ')})`, t.at);
        const open = this.tok.at;
        this.k++;
        const arg = this.expr();
        this.close(open);
        return { kind: 'call', fn: t.text, arg, at: t.at };
      }
      if (isFunction(t.text)) throw new ParseError(`'${t.text}' is a function: write ${t.text}(...)`, t.at);
      return { kind: 'name', name: t.text, at: t.at };
    }
    if (this.isOp('(')) {
      this.k++;
      const inner = this.expr();
      this.close(t.at);
      return inner;
    }
    throw new ParseError(`expected a number, a name or '(' but found ${describe(t)}`, t.at);
  }

  private close(open: Position): void {
    if (this.isOp(')')) {
      this.k++;
      return;
    }
    const hint = this.tok.kind === 'end' || this.tok.kind === 'sep' ? '' : ' (an operator is missing?)';
    throw new ParseError(`missing ')' to close the '(' at column ${open.column}, found ${describe(this.tok)}${hint}`, this.tok.at);
  }
}

function freeNames(e: Expr, out: string[]): void {
  switch (e.kind) {
    case 'name':
      out.push(e.name);
      return;
    case 'unary':
    case 'call':
      freeNames(e.arg, out);
      return;
    case 'binary':
      freeNames(e.left, out);
      freeNames(e.right, out);
      return;
    case 'number':
      return;
  }
}

// A name is a variable unless a line defines it; a definition must come before any use.
function checkNames(bindings: Binding[], output: Expr, outputName: string | null): Program {
  const defined = new Set<string>();
  const variables: string[] = [];
  const use = (e: Expr): void => {
    const used: string[] = [];
    freeNames(e, used);
    for (const name of used) if (!defined.has(name) && !variables.includes(name)) variables.push(name);
  };
  for (const b of bindings) {
    use(b.value);
    if (defined.has(b.name)) throw new ParseError(`'${b.name}' is already defined`, b.at);
    if (variables.includes(b.name)) throw new ParseError(`'${b.name}' is used before this line defines it`, b.at);
    defined.add(b.name);
  }
  if (outputName === null) use(output);
  // The output's own line is kept apart: `bindings` are the lines before it.
  return { bindings: outputName === null ? bindings : bindings.slice(0, -1), output, outputName, variables };
}

/** Parse a program of `name = expr` lines ending with the output; throws a ParseError with the line and column. */
export function parseProgram(source: string): Program {
  return new Parser(tokenize(source)).program();
}
