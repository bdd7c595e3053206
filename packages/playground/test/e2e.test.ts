// The playground in a real browser: headless Chromium (a system one if installed, else the one the
// npm package @sparticuz/chromium ships; see test/support/chromium.ts) driven by playwright-core,
// against a fresh production build served by `vite preview` on a free port. It checks what the page shows
// against the engine run here in Node. In-page code is passed as strings: this file is also
// typechecked by the root tsconfig, which has no DOM types.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explain, scalar } from '@pullback/autograd';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumLaunch, chromiumLaunch } from '../../../test/support/chromium.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'test', 'out');
// Tests write only to the ignored test/out/; `pnpm screenshot` asks for the README's copy explicitly.
const SCREENSHOT = process.env.PULLBACK_UPDATE_SCREENSHOT === '1' ? join(ROOT, 'screenshot.png') : join(OUT, 'screenshot.png');

let setupError: Error | null = null;
let server: PreviewServer | null = null;
let context: BrowserContext | null = null;
let page: Page;
let origin = '';
const tempDirs: string[] = [];
const requests: string[] = [];
const pageErrors: string[] = [];

/** Every test starts here: a missing browser fails each one with the fix, never skips. */
function ready(): Page {
  if (setupError) throw setupError;
  return page;
}

async function settle(p: Page, status: 'ready' | 'error' = 'ready'): Promise<void> {
  await p.waitForSelector(`body[data-status="${status}"]`, { timeout: 10_000 });
}

async function openPage(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const p = await context!.newPage();
  await p.setViewportSize(viewport);
  p.on('request', (r) => requests.push(r.url()));
  p.on('pageerror', (e) => pageErrors.push(e.message));
  p.on('console', (m) => (m.type() === 'error' ? pageErrors.push(m.text()) : undefined));
  await p.goto(url);
  await settle(p);
  return p;
}

/** The values the tests type in for tanh(w1*x1 + w2*x2 + b), and the same expression on the engine in Node. */
const TYPED = { x1: 0.5, w1: -1.25, x2: 2, w2: 0.75, b: 0.125 };
function typedOnEngine() {
  const leaves = Object.fromEntries(Object.entries(TYPED).map(([n, v]) => [n, scalar(v, n)])) as Record<keyof typeof TYPED, ReturnType<typeof scalar>>;
  return { leaves, out: leaves.w1.mul(leaves.x1).add(leaves.w2.mul(leaves.x2)).add(leaves.b).tanh() };
}

const dataValue = async (p: Page, selector: string): Promise<number> => Number(await p.getAttribute(selector, 'data-value'));
const stepCount = (p: Page) => p.textContent('#step-count');

beforeAll(async () => {
  let browser: ChromiumLaunch;
  try {
    browser = await chromiumLaunch();
  } catch (e) {
    setupError = e instanceof Error ? e : new Error(String(e));
    return;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'pullback-playground-dist-'));
  const profile = mkdtempSync(join(tmpdir(), 'pullback-playground-profile-'));
  tempDirs.push(outDir, profile);
  const configFile = join(ROOT, 'vite.config.ts');
  await build({ root: ROOT, configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await preview({ root: ROOT, configFile, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  origin = new URL(server.resolvedUrls!.local[0]!).origin;
  context = await chromium.launchPersistentContext(profile, { executablePath: browser.executablePath, headless: true, args: browser.args });
  for (const p of context.pages()) await p.close();
  page = await openPage(`${origin}/`);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('playground in Chromium', () => {
  it('opens on the single-neuron preset with its graph drawn', async () => {
    const p = ready();
    expect(await p.inputValue('#preset')).toBe('neuron');
    expect(await p.locator('#graph svg g.node').count()).toBe(10);
    expect(await p.textContent('#output-value')).toBe('o = 0.707107');
  });

  it('draws a typed expression, and its gradients match the engine run in Node', async () => {
    const p = ready();
    await p.fill('#source', 'tanh(w1*x1 + w2*x2 + b)');
    await settle(p);
    for (const [name, v] of Object.entries(TYPED)) {
      await p.fill(`#var-${name}`, String(v));
      await settle(p);
    }
    const { leaves, out } = typedOnEngine();
    out.backward();
    expect(await dataValue(p, '#output-value')).toBe(out.data);
    for (const [name, leaf] of Object.entries(leaves)) {
      const cell = `#variables tr[data-name="${name}"] td.grad`;
      expect(await dataValue(p, cell), `∂out/∂${name}`).toBe(leaf.grad);
      // What is printed (six significant digits) reads back to the same gradient.
      expect(Number(await p.textContent(cell))).toBeCloseTo(leaf.grad, 5);
    }
  });

  it('steps the backward pass with the keyboard, showing the cotangent explain() computes', async () => {
    const p = ready();
    const trace = explain(typedOnEngine().out);
    await p.focus('#next');
    expect(await stepCount(p)).toBe(`Step 0 of ${trace.steps.length}`);
    for (const s of trace.steps) {
      await p.keyboard.press('ArrowRight');
      expect(await stepCount(p)).toBe(`Step ${s.index} of ${trace.steps.length}`);
      expect(await dataValue(p, '#step dd.cotangent'), `step ${s.index} (${s.op})`).toBe((s.cotangent as ReturnType<typeof scalar>).data);
      expect(await p.locator('#graph g.node.active').count()).toBe(1);
      if (s.node.inputs === null) expect(await p.textContent('#graph g.node.active')).toContain(s.label);
      else expect(await p.locator('#graph g.edge.active').count()).toBe(s.inputs.length);
    }
    await p.keyboard.press('ArrowRight'); // past the end: stays
    expect(await stepCount(p)).toBe(`Step ${trace.steps.length} of ${trace.steps.length}`);
    await p.keyboard.press('ArrowLeft');
    expect(await stepCount(p)).toBe(`Step ${trace.steps.length - 1} of ${trace.steps.length}`);
    await p.keyboard.press('Home');
    expect(await stepCount(p)).toBe(`Step 0 of ${trace.steps.length}`);
    // Nothing of the backward pass shows on the graph before it starts.
    expect(await p.locator('#graph g.node.reached').count()).toBe(0);
  });

  it('quiz mode hides the local derivative and checks typed answers (numbers or expressions)', async () => {
    const p = ready();
    await p.check('#quiz');
    await p.click('#next'); // step 1: the tanh at the output
    const z = -1.25 * 0.5 + 0.75 * 2 + 0.125;
    const sech2 = 1 / Math.cosh(z) ** 2;
    expect(await p.locator('#step td.local').count()).toBe(0);
    expect(await p.textContent('#step td.sent')).toBe('?');
    const answer = p.locator('#step input.quiz-answer').first();
    await answer.fill('0.5');
    await answer.press('Enter');
    await expect.poll(() => p.textContent('#step .verdict.wrong')).toContain('✗ 0.5 is not it');
    await answer.fill('1 - tanh(w1*x1 + w2*x2 + b)^2');
    await answer.press('Enter');
    await expect.poll(() => p.textContent('#step .verdict.right')).toContain('✓ right');
    expect(await dataValue(p, '#step td.local')).toBeCloseTo(sech2, 14);
    // A plain number right to 1e-6 relative passes too: step 2 is an add, whose local derivatives are 1.
    await p.click('#next');
    const inputs = p.locator('#step input.quiz-answer');
    expect(await inputs.count()).toBe(2);
    await inputs.first().fill(String(1 + 4e-7));
    await inputs.first().press('Enter');
    await expect.poll(() => p.locator('#step .verdict.right').count()).toBe(1);
    await p.uncheck('#quiz');
    expect(await p.locator('#step input.quiz-answer').count()).toBe(0);
  });

  it('checks a gradient by central differences on click', async () => {
    const p = ready();
    await p.click('#variables tr[data-name="w1"] button.fd-button');
    const engine = await dataValue(p, '#variables tr[data-name="w1"] td.grad');
    const estimate = await dataValue(p, '#variables tr[data-name="w1"] .fd-estimate');
    expect(Math.abs(estimate - engine)).toBeLessThan(1e-6 * Math.abs(engine));
  });

  it('shows a syntax error inline with a caret under the column, keeping the page', async () => {
    const p = ready();
    await p.fill('#source', 'tanh(w1*x1 + )');
    await settle(p, 'error');
    expect(await p.isVisible('#source-error')).toBe(true);
    expect(await p.getAttribute('#source-error', 'data-column')).toBe('14');
    expect(await p.textContent('#source-error .error-message')).toBe("Line 1, column 14: expected a number, a name or '(' but found ')'");
    expect(await p.textContent('#source-error pre')).toBe(`tanh(w1*x1 + )\n${' '.repeat(13)}^`);
    expect(await p.getAttribute('#source', 'aria-invalid')).toBe('true');
    // The last good graph stays, dimmed.
    expect(await p.locator('#graph.stale svg').count()).toBe(1);
    await p.fill('#source', 'tanh(w1*x1 + b)');
    await settle(p);
    expect(await p.isHidden('#source-error')).toBe(true);
  });

  it('keeps a keyboard focus order through the controls', async () => {
    const p = ready();
    await p.focus('#preset');
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await p.keyboard.press('Tab');
      order.push(String(await p.evaluate('document.activeElement.id || document.activeElement.className')));
    }
    // The table keeps the order the values were given in (the neuron preset's: x1 before w1).
    expect(order).toEqual(['source', 'var-x1', 'fd-button', 'var-w1']);
  });

  it('restores the expression and values from the URL hash', async () => {
    const p = ready();
    await p.selectOption('#preset', 'seed-002');
    await settle(p);
    await p.fill('#var-lambda', '0.25');
    await settle(p);
    const url = p.url();
    expect(new URL(url).hash).toMatch(/^#expr=z2_1%20%3D%20w2_11\*x1/);
    expect(new URL(url).hash).toContain('&lambda=0.25');
    const source = await p.inputValue('#source');
    const output = await p.textContent('#output-value');
    const restored = await openPage(url);
    expect(await restored.inputValue('#source')).toBe(source);
    expect(await restored.inputValue('#var-lambda')).toBe('0.25');
    expect(await restored.inputValue('#preset')).toBe('seed-002');
    expect(await restored.textContent('#output-value')).toBe(output);
    // The BP tags come back with the preset's text.
    await restored.click('#next');
    await restored.click('#next');
    await restored.click('#last');
    expect(await restored.locator('#step').textContent()).toMatch(/BP[1-4]/);
    await restored.close();
  });

  it('is readable at phone width (375 px): no sideways scrolling of the page', async () => {
    const p = ready();
    const phone = await openPage(p.url(), { width: 375, height: 812 });
    for (let i = 0; i < 6; i++) await phone.click('#next');
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
    mkdirSync(OUT, { recursive: true });
    await phone.screenshot({ path: join(OUT, 'phone-375.png'), fullPage: true });
    await phone.close();
  });

  it('saves the README screenshot: the single neuron, mid-way through its backward pass', async () => {
    ready();
    const p = await openPage(`${origin}/`, { width: 1280, height: 1000 });
    for (let i = 0; i < 4; i++) await p.click('#next');
    expect(await p.textContent('#step h3')).toContain('Step 4 of 10');
    await p.mouse.move(0, 0);
    await p.evaluate('window.scrollTo(0, 0)');
    mkdirSync(OUT, { recursive: true });
    await p.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    await p.close();
  });

  it('made no request outside the local server, and no page errors', () => {
    ready();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('a link to a huge expression is refused at once with a message, and the tab keeps answering', async () => {
    ready();
    // x+x+…+x with 130 terms: it kept Graphviz busy 16–66 s on the page's thread.
    const terms = Array.from({ length: 130 }, () => 'x').join('+');
    const p = await context!.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    const t0 = Date.now();
    await p.goto(`${origin}/#expr=${encodeURIComponent(terms)}&x=1`);
    await settle(p, 'error');
    expect(await p.textContent('#source-error')).toContain('this graph has 130 nodes; the playground draws and steps through at most 100');
    // The page answers (its main thread is free) and the wait was short.
    expect(await p.evaluate('1 + 1')).toBe(2);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // A text beyond the length limit is refused too, before parsing.
    await p.fill('#source', `${'x+'.repeat(1500)}x`);
    await expect.poll(() => p.textContent('#source-error')).toContain('this expression is 3,001 characters long');
    // A good expression draws again (in the layout worker).
    await p.fill('#source', 'o = tanh(x*x)');
    await settle(p);
    expect(await p.locator('#graph svg g.node').count()).toBe(3);
    await p.close();
  });

  it('quiz mode hides the local derivative’s formula until answered; intermediate nodes are listed with gradients', async () => {
    ready();
    const p = await openPage(`${origin}/`);
    const rows = p.locator('#node-grads tbody tr');
    expect(await rows.count()).toBe(5);
    expect(await rows.first().locator('code').textContent()).toBe('o');
    expect(Number(await rows.nth(1).locator('td.grad').getAttribute('data-value'))).toBeCloseTo(0.5, 12);
    await p.check('#quiz');
    await p.click('#next'); // o = tanh(n)
    expect(await p.textContent('#step dd.formula')).toBe('hidden until you answer below');
    const answer = p.locator('#step input.quiz-answer').first();
    await answer.fill('1 - tanh(n)^2');
    await answer.press('Enter');
    await expect.poll(() => p.textContent('#step dd.formula')).toContain('tanh');
    await p.close();
  });
});
