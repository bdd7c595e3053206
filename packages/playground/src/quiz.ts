import type { StepView } from './engine.ts';

/** `${step}:${input}`: the key of one quiz question (one local derivative of one step). */
export const questionKey = (step: StepView, input: number): string => `${step.index}:${input}`;

/** True when quiz mode asks for input `i`'s local derivative at this step and it is not answered yet. */
export function isAsked(step: StepView, i: number, quiz: boolean, solved: ReadonlySet<string>): boolean {
  const inp = step.inputs[i]!;
  return quiz && inp.sent !== null && inp.local !== null && !solved.has(questionKey(step, i));
}

/**
 * The formula of the local derivative gives the answer away (`1 − tanh²(n)`): in quiz mode it is
 * shown only once every question of the step is answered.
 */
export function showsFormula(step: StepView, quiz: boolean, solved: ReadonlySet<string>): boolean {
  return !step.inputs.some((_, i) => isAsked(step, i, quiz, solved));
}
