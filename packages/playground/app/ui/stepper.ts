import type { StepView } from '../../src/engine.ts';
import { closeEnough } from '../../src/numbers.ts';
import { isAsked, questionKey, showsFormula } from '../../src/quiz.ts';
import { fmt, h } from './dom.ts';

export interface StepContext {
  steps: readonly StepView[];
  /** 0: the forward pass is done, the backward pass not started; k: step k (1-based). */
  index: number;
  outputLabel: string;
  outputValue: number;
  quiz: boolean;
  /** `${step}:${input}` keys of quiz questions answered right. */
  solved: Set<string>;
  /** The number a typed answer stands for (it may be an expression); throws when it is not one. */
  evaluateAnswer(text: string): number;
  /** Called after a right answer, to redraw. */
  onSolved(): void;
}

const ROLES = ['x', 'y'];

function intro(ctx: StepContext): HTMLElement {
  const out = ctx.outputLabel;
  return h(
    'div',
    {},
    h('h3', { id: 'step-title' }, `Forward pass: ${out} = ${fmt(ctx.outputValue)}`),
    ctx.steps.length === 0
      ? h('p', {}, `${out} depends on no variable: there is no backward pass to step through.`)
      : h('p', {}, `The backward pass starts at ${out} with the cotangent ∂${out}/∂${out} = 1 and visits ${ctx.steps.length} nodes. Press Next (or →).`),
  );
}

function quizCell(ctx: StepContext, step: StepView, i: number, key: string): HTMLElement {
  const name = `∂${step.label}/∂${step.inputs[i]!.label}`;
  const id = `quiz-${step.index}-${i}`;
  const field = h('input', {
    id,
    class: 'quiz-answer',
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': `${id}-verdict`,
  });
  const verdict = h('span', { id: `${id}-verdict`, class: 'verdict', role: 'status' });
  const form = h('form', { class: 'quiz' }, h('label', { for: id }, `${name} =`), field, h('button', { type: 'submit' }, 'Check'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    let answer: number;
    try {
      answer = ctx.evaluateAnswer(field.value);
    } catch (e) {
      verdict.textContent = `✗ ${e instanceof Error ? e.message.replace(/^\w+: /, '') : String(e)}`;
      verdict.className = 'verdict wrong';
      return;
    }
    if (closeEnough(answer, step.inputs[i]!.local!)) {
      ctx.solved.add(key);
      ctx.onSolved();
    } else {
      verdict.textContent = `✗ ${fmt(answer)} is not it: try again`;
      verdict.className = 'verdict wrong';
      field.setAttribute('aria-invalid', 'true');
    }
  });
  return h('div', {}, form, verdict);
}

function inputsTable(ctx: StepContext, step: StepView): HTMLElement {
  const rows = step.inputs.map((inp, i) => {
    const key = questionKey(step, i);
    const role = step.inputs.length > 1 ? `${ROLES[i] ?? `#${i + 1}`} = ` : 'x = ';
    const constant = inp.sent === null;
    const asked = isAsked(step, i, ctx.quiz, ctx.solved);
    const local = constant
      ? h('td', {}, 'constant')
      : asked
        ? h('td', {}, quizCell(ctx, step, i, key))
        : h(
            'td',
            { class: 'local', 'data-value': inp.local ?? '' },
            fmt(inp.local),
            ctx.quiz && ctx.solved.has(key) ? h('span', { class: 'verdict right' }, ' ✓ right') : null,
          );
    const sent = h('td', { class: 'sent', 'data-value': inp.sent ?? '' }, constant ? 'no cotangent' : asked ? '?' : fmt(inp.sent));
    return h('tr', {}, h('th', { scope: 'row' }, role, h('code', {}, inp.label)), local, sent);
  });
  return h(
    'table',
    { class: 'inputs' },
    h('caption', {}, 'Sent to each input: the cotangent arriving × the local derivative'),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'input'), h('th', { scope: 'col' }, `local ∂${step.label}/∂input`), h('th', { scope: 'col' }, 'cotangent sent')),
    ),
    h('tbody', {}, ...rows),
  );
}

/** The active step: node, equation tag, value, arriving cotangent, local derivatives, what it sends. */
export function renderStep(container: HTMLElement, ctx: StepContext): void {
  container.replaceChildren();
  const step = ctx.index > 0 ? ctx.steps[ctx.index - 1] : undefined;
  if (!step) {
    container.append(intro(ctx));
    return;
  }
  const out = ctx.outputLabel;
  const head = step.leaf ? `${step.label} (a leaf)` : `${step.label} = ${step.op}(${step.inputs.map((i) => i.label).join(', ')})`;
  const parts = [
    h('h3', { id: 'step-title' }, `Step ${step.index} of ${ctx.steps.length}: `, h('code', {}, head)),
    step.equation ? h('p', { class: 'equation' }, step.equation) : null,
    h(
      'dl',
      {},
      h('dt', {}, 'value'),
      h('dd', { class: 'value', 'data-value': step.value }, fmt(step.value)),
      h('dt', {}, `cotangent arriving, ∂${out}/∂${step.label}`),
      h('dd', { class: 'cotangent', 'data-value': step.cotangent }, fmt(step.cotangent)),
      step.leaf ? null : h('dt', {}, 'local derivative'),
      step.leaf
        ? null
        : showsFormula(step, ctx.quiz, ctx.solved)
          ? h('dd', { class: 'formula' }, step.formula)
          : h('dd', { class: 'formula hidden-answer' }, 'hidden until you answer below'),
    ),
    step.leaf
      ? h('p', {}, `A leaf: the cotangents from all its uses have been added up, so ∂${out}/∂${step.label} = ${fmt(step.cotangent)} is its gradient.`)
      : inputsTable(ctx, step),
  ];
  // DOM append() would print a null as the text "null".
  container.append(...parts.filter((p): p is HTMLElement => p !== null));
}
