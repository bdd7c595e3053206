import { analyze } from '../src/engine.ts';
import type { Analysis } from '../src/engine.ts';
import { evaluate } from '../src/evaluate.ts';
import { decodeHash, encodeHash } from '../src/hash.ts';
import { LimitError, checkSourceSize } from '../src/limits.ts';
import { finiteDifference, numberAlgebra } from '../src/numbers.ts';
import { ParseError, parseProgram } from '../src/parser.ts';
import type { Program } from '../src/parser.ts';
import { PRESETS, presetById, presetForSource } from '../src/presets.ts';
import type { Preset } from '../src/presets.ts';
import { byId, fmt, h } from './ui/dom.ts';
import { showError } from './ui/error.ts';
import { GraphView } from './ui/graph.ts';
import { renderNodeGrads } from './ui/nodes.ts';
import { renderStep } from './ui/stepper.ts';
import { VariablesTable } from './ui/variables.ts';

/** A new variable starts at 1 until the learner edits it. */
const DEFAULT_VALUE = 1;

const els = {
  preset: byId<HTMLSelectElement>('preset'),
  presetNote: byId('preset-note'),
  source: byId<HTMLTextAreaElement>('source'),
  error: byId('source-error'),
  output: byId<HTMLOutputElement>('output-value'),
  step: byId('step'),
  stepCount: byId('step-count'),
  quiz: byId<HTMLInputElement>('quiz'),
  first: byId<HTMLButtonElement>('first'),
  prev: byId<HTMLButtonElement>('prev'),
  next: byId<HTMLButtonElement>('next'),
  last: byId<HTMLButtonElement>('last'),
  shareUrl: byId<HTMLInputElement>('share-url'),
  share: byId<HTMLButtonElement>('share'),
  shareStatus: byId('share-status'),
};

const state = {
  values: new Map<string, number>(),
  program: null as Program | null,
  analysis: null as Analysis | null,
  step: 0,
  solved: new Set<string>(),
  generation: 0,
  hash: '',
  timer: 0,
};

const graph = new GraphView(byId('graph'));
const variables = new VariablesTable(byId('variables').querySelector('tbody')!, byId('grad-header'), {
  onValue(name, value) {
    state.values.set(name, value);
    void update();
  },
  finiteDifference: (name) => finiteDifference(state.program!, state.values, name),
});

const setStatus = (s: 'pending' | 'ready' | 'error'): void => {
  document.body.dataset.status = s;
};
const outputLabel = (): string => state.program?.outputName ?? 'out';

function fillPresets(): void {
  els.preset.append(h('option', { value: '' }, 'Your own expression'), ...PRESETS.map((p) => h('option', { value: p.id }, p.title)));
}

/** Select the preset whose text is in the editor (none when edited) and return it. */
function syncPreset(): Preset | undefined {
  const preset = presetForSource(els.source.value);
  els.preset.value = preset?.id ?? '';
  els.presetNote.textContent = preset?.note ?? '';
  return preset;
}

/** Parse, analyze on the engine, and redraw everything; the graph last (it is asynchronous). */
async function update(): Promise<void> {
  clearTimeout(state.timer);
  const generation = ++state.generation;
  setStatus('pending');
  const source = els.source.value;
  const preset = syncPreset();
  let analysis: Analysis;
  try {
    checkSourceSize(source);
    const program = parseProgram(source);
    for (const name of program.variables) if (!state.values.has(name)) state.values.set(name, DEFAULT_VALUE);
    analysis = analyze(program, state.values, preset?.equations ?? {});
    state.program = program;
  } catch (e) {
    // Keep the last good graph on screen, dimmed, under the error: never a blank page.
    if (!(e instanceof ParseError || e instanceof LimitError)) console.error(e);
    showError(els.error, source, e);
    els.source.setAttribute('aria-invalid', 'true');
    graph.dim(true);
    setStatus('error');
    return;
  }
  showError(els.error, source, null);
  els.source.removeAttribute('aria-invalid');
  if (state.analysis?.steps.length !== analysis.steps.length) state.solved.clear();
  state.analysis = analysis;
  const program = state.program!;
  els.output.textContent = `${outputLabel()} = ${fmt(analysis.value)}`;
  els.output.dataset.value = String(analysis.value);
  // Table order: the order values were given (a preset's), then new names by first use.
  const names = [...state.values.keys()].filter((n) => program.variables.includes(n));
  variables.update(names, state.values, analysis.grads, outputLabel());
  renderNodeGrads(byId('node-grads').querySelector('tbody')!, byId('node-grad-header'), analysis.nodeGrads, outputLabel());
  writeHash();
  setStep(state.step);
  let drawn: boolean;
  try {
    drawn = await graph.render(analysis.graph.output, () => generation === state.generation);
  } catch (e) {
    showError(els.error, source, new Error(`could not draw the graph: ${e instanceof Error ? e.message : String(e)}`));
    setStatus('error');
    return;
  }
  if (!drawn) return;
  graph.dim(false);
  graph.highlight(analysis.steps, state.step);
  setStatus('ready');
}

function scheduleUpdate(): void {
  setStatus('pending');
  clearTimeout(state.timer);
  state.timer = window.setTimeout(() => void update(), 150);
}

function setStep(k: number): void {
  const steps = state.analysis?.steps ?? [];
  state.step = Math.max(0, Math.min(steps.length, k));
  els.stepCount.textContent = `Step ${state.step} of ${steps.length}`;
  els.first.disabled = els.prev.disabled = state.step === 0;
  els.next.disabled = els.last.disabled = state.step === steps.length;
  renderStep(els.step, {
    steps,
    index: state.step,
    outputLabel: outputLabel(),
    outputValue: state.analysis?.value ?? NaN,
    quiz: els.quiz.checked,
    solved: state.solved,
    evaluateAnswer,
    onSolved: () => {
      setStep(state.step);
      (els.step.querySelector<HTMLInputElement>('.quiz-answer') ?? els.next).focus();
    },
  });
  graph.highlight(steps, state.step);
}

/** A quiz answer: a number or an expression of the variables and named lines, at their values. */
function evaluateAnswer(text: string): number {
  if (text.trim() === '') throw new Error('type a number (or an expression)');
  let answer: Program;
  try {
    answer = parseProgram(text);
  } catch (e) {
    throw e instanceof ParseError ? new Error(`${e.reason} at column ${e.column}`) : e;
  }
  const known = new Map(state.values);
  if (state.program) for (const [name, v] of evaluate(state.program, state.values, numberAlgebra).bound) known.set(name, v);
  const unknown = answer.variables.find((n) => !known.has(n));
  if (unknown !== undefined) throw new Error(`'${unknown}' is not a variable or a named line here`);
  return evaluate(answer, known, numberAlgebra).output;
}

function writeHash(): void {
  const program = state.program;
  if (!program) return;
  const hash = encodeHash({ source: els.source.value, values: [...state.values].filter(([n]) => program.variables.includes(n)) });
  state.hash = hash;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  els.shareUrl.value = location.href;
}

function load(source: string, values: readonly [string, number][]): void {
  els.source.value = source;
  state.values = new Map(values);
  state.step = 0;
  state.solved.clear();
  void update();
}

function loadPreset(id: string): void {
  const preset = presetById(id) ?? PRESETS[0]!;
  load(preset.source, preset.values);
}

function loadFromHash(): boolean {
  const shared = decodeHash(location.hash);
  if (!shared) return false;
  state.hash = location.hash;
  load(shared.source, shared.values);
  return true;
}

function wire(): void {
  els.preset.addEventListener('change', () => {
    if (els.preset.value) loadPreset(els.preset.value);
  });
  els.source.addEventListener('input', scheduleUpdate);
  els.quiz.addEventListener('change', () => setStep(state.step));
  els.first.addEventListener('click', () => setStep(0));
  els.prev.addEventListener('click', () => setStep(state.step - 1));
  els.next.addEventListener('click', () => setStep(state.step + 1));
  els.last.addEventListener('click', () => setStep(Infinity));
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if ((e.target as HTMLElement).closest?.('input, textarea, select, [contenteditable]')) return;
    const to = { ArrowRight: state.step + 1, ArrowLeft: state.step - 1, Home: 0, End: Infinity }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setStep(to);
  });
  els.share.addEventListener('click', async () => {
    els.shareUrl.select();
    try {
      await navigator.clipboard.writeText(els.shareUrl.value);
      els.shareStatus.textContent = 'Link copied.';
    } catch {
      els.shareStatus.textContent = 'Copy the selected link (the clipboard is not available here).';
    }
  });
  window.addEventListener('hashchange', () => {
    if (location.hash !== state.hash) loadFromHash();
  });
}

fillPresets();
wire();
if (!loadFromHash()) loadPreset(PRESETS[0]!.id);
