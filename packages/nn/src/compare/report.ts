import type { ResolvedOptions } from './check.ts';
import type { BackpropComparisonJSON, ComparisonRow } from './types.ts';

/** 3e-16, 1.2e-3, 0: short enough for a table, precise enough to tell 1e-16 from 1e-10. */
function formatError(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  if (x >= 1e-3 && x < 1e4) return String(Number(x.toPrecision(2)));
  return x.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
}

function formatValue(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(12))) : String(x);
}

function joinNames(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export interface ReportContext {
  fn: string;
  sides: [string, string];
  batchSize: number;
  options: ResolvedOptions;
}

/**
 * The outcome of comparing two computations of BP1–BP4, row by row. `firstDisagreement` is the
 * first failing row in equation order (BP1, BP2 from the output layer back, BP3, BP4), or null.
 */
export class BackpropComparison {
  readonly fn: string;
  /** What was compared: ['engine', 'reference'] or ['manual', 'engine']; rows report left vs right. */
  readonly sides: [string, string];
  readonly batchSize: number;
  readonly options: Readonly<ResolvedOptions>;
  readonly rows: readonly ComparisonRow[];
  readonly firstDisagreement: ComparisonRow | null;
  readonly ok: boolean;
  /** Largest maxAbs / maxRel over all rows. */
  readonly maxAbs: number;
  readonly maxRel: number;

  constructor(context: ReportContext, rows: ComparisonRow[]) {
    this.fn = context.fn;
    this.sides = context.sides;
    this.batchSize = context.batchSize;
    this.options = context.options;
    this.rows = rows;
    this.firstDisagreement = rows.find((r) => !r.ok) ?? null;
    this.ok = this.firstDisagreement === null;
    const worst = (key: 'maxAbs' | 'maxRel'): number => rows.reduce((acc, r) => (Number.isNaN(acc) || Number.isNaN(r[key]) ? NaN : Math.max(acc, r[key])), 0);
    this.maxAbs = worst('maxAbs');
    this.maxRel = worst('maxRel');
  }

  /** One line: "all four equations agree to 3e-16" or "first disagreement: BP2 at layer 2 (δ^2), ...". */
  get verdict(): string {
    const bad = this.firstDisagreement;
    if (bad === null) {
      const present = [...new Set(this.rows.map((r) => r.equation))];
      const who = present.length === 4 ? 'all four equations agree' : `${joinNames(present)} ${present.length === 1 ? 'agrees' : 'agree'}`;
      if (this.maxAbs === 0) return `${who} exactly`;
      // maxRel leaves out entries within atol of 0, so it can be 0 while maxAbs is not.
      if (this.maxRel === 0) return `${who} to ${formatError(this.maxAbs)} absolute error (every entry within atol ${this.options.atol} of 0)`;
      return `${who} to ${formatError(this.maxRel)} relative error (largest absolute error ${formatError(this.maxAbs)})`;
    }
    const at =
      bad.worst === null
        ? ''
        : `; worst entry [${bad.worst.index.join(', ')}]: ${this.sides[0]} ${formatValue(bad.worst.left)} vs ${this.sides[1]} ${formatValue(bad.worst.right)}`;
    return `first disagreement: ${bad.equation} at layer ${bad.layer} (${bad.quantity}), max abs error ${formatError(bad.maxAbs)}, max rel error ${formatError(bad.maxRel)}${at}${this.likelyCause(bad)}`;
  }

  /**
   * When δ was not compared, the equation a failing gradient row points to. ∂C/∂b^l is δ^l
   * averaged over the batch (BP3), so the first failing ∂C/∂b^l (from the output back) means δ^l is
   * wrong: BP1 if l = L, BP2 at layer l if ∂C/∂b^{l+1} agrees. ∂C/∂w^l alone cannot tell δ from BP4.
   */
  private likelyCause(bad: ComparisonRow): string {
    if (this.rows.some((r) => r.equation === 'BP1' || r.equation === 'BP2')) return '';
    const l = bad.layer;
    const outputLayer = Math.max(...this.rows.map((r) => r.layer));
    const delta = (k: number): string => (this.options.notation === 'ufldl' ? `δ^(${k})` : `δ^${k}`);
    const bias = (k: number): ComparisonRow | undefined => this.rows.find((r) => r.equation === 'BP3' && r.layer === k);
    const check = ' (pass manual.delta to check δ directly)';
    if (bad.equation === 'BP3') {
      if (l === outputLayer) return `; likely error: BP1 (${delta(l)}), since ${bad.quantity} is ${delta(l)} averaged over the batch (BP3)${check}`;
      if (bias(l + 1)?.ok)
        return `; likely error: BP2 at layer ${l} (${delta(l)}), since ${delta(l + 1)} gives the right ${bias(l + 1)!.quantity} but not ${bad.quantity} (BP3)${check}`;
      return `; likely error: ${delta(l)} (BP1 or BP2 at or above layer ${l})${check}`;
    }
    if (bad.equation === 'BP4' && bias(l)?.ok) return `; ${delta(l)} agrees (BP3 at layer ${l}), so the error is in BP4 itself`;
    return `; ${bad.quantity} is built from ${delta(l)} (BP4): pass manual.delta (or gradB) to tell an error in ${delta(l)} (BP1/BP2) from one in BP4`;
  }

  private header(): string {
    const o = this.options;
    const l2 = o.l2 === null ? '' : `, L2 λ = ${o.l2.lambda} (${o.l2.convention}${o.l2.trainingSetSize === undefined ? '' : `, n = ${o.l2.trainingSetSize}`})`;
    return `${this.fn}: ${this.sides[0]} vs ${this.sides[1]}, ${o.cost} cost (${o.reduction}) over m = ${this.batchSize}${l2}; rtol ${o.rtol}, atol ${o.atol}`;
  }

  private table(): string[][] {
    const ufldl = this.options.notation === 'ufldl';
    const head = ['equation', 'layer', ...(ufldl ? ['UFLDL'] : []), 'quantity', 'max abs err', 'max rel err', 'ok'];
    const body = this.rows.map((r) => [
      r.equation,
      String(r.layer),
      ...(ufldl ? [String(r.ufldlLayer)] : []),
      r.quantity,
      formatError(r.maxAbs),
      formatError(r.maxRel),
      r.ok ? 'ok' : 'FAIL',
    ]);
    return [head, ...body];
  }

  /** An aligned plain-text table and the verdict. */
  toText(): string {
    const table = this.table();
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => [...row[c]!].length)));
    const lines = table.map((row) =>
      row
        .map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length))
        .join('  ')
        .trimEnd(),
    );
    return [this.header(), '', ...lines, '', this.verdict].join('\n');
  }

  /** The same as a Markdown table. */
  toMarkdown(): string {
    const [head, ...body] = this.table();
    const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
    return [`**${this.header()}**`, '', row(head!), row(head!.map(() => '---')), ...body.map(row), '', this.verdict].join('\n');
  }

  /** Plain data (what JSON.stringify writes). */
  toJSON(): BackpropComparisonJSON {
    const o = this.options;
    return {
      fn: this.fn,
      sides: [...this.sides],
      cost: o.cost,
      reduction: o.reduction,
      l2: o.l2 === null ? null : { ...o.l2 },
      batchSize: this.batchSize,
      rtol: o.rtol,
      atol: o.atol,
      notation: o.notation,
      ok: this.ok,
      maxAbs: this.maxAbs,
      maxRel: this.maxRel,
      rows: this.rows.map((r) => ({ ...r, worst: r.worst === null ? null : { ...r.worst, index: [...r.worst.index] } })),
      firstDisagreement: this.firstDisagreement === null ? null : { ...this.firstDisagreement },
      verdict: this.verdict,
    };
  }

  toString(): string {
    return this.toText();
  }
}
