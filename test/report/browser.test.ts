/**
 * Browser tests: reports opened from file:// in Debian's headless Chromium (playwright-core). Every chart must be
 * drawn by vega, nothing may be fetched from outside file:/data:, no console errors, and nothing from an untrusted
 * notebook may run. Skips (with a message) when /usr/bin/chromium is absent; CI installs it with
 * `apt-get install -y chromium`.
 *
 * Notebooks checked: the report-*.ipynb chart fixtures, the paths in SEMSLICE_REPORT_NOTEBOOKS (colon-separated),
 * and any *.ipynb in test-artifacts/executed/ (executed real notebooks the CI copies there).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { writeReport } from '../../src/report/index.js';
import { codeCell, display, markdownCell, notebook } from './helpers/notebook.js';

const CHROMIUM = process.env.SEMSLICE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts');
const FIXTURES = resolve('test/fixtures/notebooks');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

/** Notebooks whose reports must render cleanly (add paths here, or drop executed notebooks in test-artifacts/executed). */
export function reportNotebooks(): string[] {
  const list = [join(FIXTURES, 'report-charts.ipynb'), join(FIXTURES, 'report-mime.ipynb')];
  // More from the environment: SEMSLICE_REPORT_NOTEBOOKS=a.ipynb:b.ipynb
  list.push(...(process.env.SEMSLICE_REPORT_NOTEBOOKS ?? '').split(':').filter(Boolean).map((p) => resolve(p)));
  return list;
}

/** Chart outputs in a notebook file, counted independently of the report code. */
function chartOutputs(nbPath: string): number {
  const nb = JSON.parse(readFileSync(nbPath, 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => Object.keys(o.data ?? {}).some((m) => /^application\/vnd\.vega(lite)?\.v\d\+json$/.test(m))).length;
}

interface PageLog { errors: string[]; external: string[]; requests: string[]; dialogs: string[] }

async function openReport(context: BrowserContext, file: string): Promise<{ page: Page; log: PageLog }> {
  const page = await context.newPage();
  const log: PageLog = { errors: [], external: [], requests: [], dialogs: [] };
  page.on('console', (m) => { if (m.type() === 'error') log.errors.push(m.text()); });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('dialog', (d) => { log.dialogs.push(d.message()); void d.dismiss(); });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    log.external.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, log };
}

/** Wait until report.js has settled every chart (it sets data-charts-done); pages without charts have no script. */
async function chartsSettled(page: Page, charts: number): Promise<void> {
  if (charts > 0) await page.waitForSelector('body[data-charts-done]', { timeout: 30000 });
}

describe('report/browser', function () {
  this.timeout(120000);
  let context: BrowserContext | undefined;
  let userDataDir = '';
  const outDir = join(ARTIFACTS, 'reports');

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    (skipping browser tests: ${CHROMIUM} not found; install it with: apt-get install -y chromium)`);
      this.skip();
    }
    const { chromium } = await import('playwright-core');
    userDataDir = mkdtempSync(join(tmpdir(), 'semslice-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS });
    mkdirSync(outDir, { recursive: true });
  });

  after(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Build the report of nbPath, open it, and check every chart rendered with no errors and no network. */
  async function checkReport(nbPath: string): Promise<void> {
      const out = join(outDir, `${basename(nbPath, '.ipynb')}.html`);
      const r = await writeReport(nbPath, out);
      const { page, log } = await openReport(context!, out);
      await chartsSettled(page, r.charts);
      const views = await page.locator('.vega-embed svg.marks').count();
      const rendered = await page.locator('.ss-vega[data-rendered="true"]').count();
      assert.equal(r.charts, chartOutputs(nbPath), `${basename(nbPath)}: every chart output became an interactive chart`);
      assert.equal(views, r.charts, `${basename(nbPath)}: vega views drawn`);
      assert.equal(rendered, r.charts);
      assert.equal(await page.locator('.ss-chart-fallback').count(), 0, 'fallbacks replaced');
      assert.deepEqual(log.errors, [], basename(nbPath));
      assert.deepEqual(log.external, []);
      assert.ok(log.requests.every((u) => u.startsWith('file:') || u.startsWith('data:')), log.requests.join(' '));
      if (basename(nbPath) === 'report-charts.ipynb') {
        assert.equal(r.charts, 3);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      }
      if (basename(nbPath) === 'demo.ipynb') await page.screenshot({ path: join(ARTIFACTS, 'demo-report.png'), fullPage: true });
      await page.close();
  }

  for (const nbPath of reportNotebooks()) {
    it(`renders every chart of ${basename(nbPath)} with no network and no console errors`, () => checkReport(nbPath));
  }

  // The notebook and demo tests (which run earlier) leave their executed notebooks in test-artifacts/executed.
  it('renders the reports of the notebooks executed by this run (test-artifacts/executed)', async function () {
    const executed = join(ARTIFACTS, 'executed');
    const files = existsSync(executed) ? readdirSync(executed).filter((f) => f.endsWith('.ipynb')).sort() : [];
    if (files.length === 0) {
      if (process.env.CI) assert.fail('CI ran no notebook: test-artifacts/executed is empty');
      this.skip();
    }
    for (const f of files) await checkReport(join(executed, f));
  });

  it('shows the SVG fallbacks when scripts are off', async () => {
    const out = join(outDir, 'report-charts.html');
    await writeReport(join(FIXTURES, 'report-charts.ipynb'), out);
    // A persistent context has no browser() to make a second context from: launch a script-less one.
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'semslice-chromium-nojs-'));
    const noJs = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      await p.goto(pathToFileURL(out).href);
      const fallbacks = p.locator('.ss-chart-fallback svg.marks');
      assert.equal(await fallbacks.count(), 3);
      for (let i = 0; i < 3; i++) assert.ok(await fallbacks.nth(i).isVisible(), `fallback ${i} visible`);
      assert.equal(await p.locator('.vega-embed').count(), 0);
    } finally {
      await noJs.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs nothing from an untrusted notebook (scripts, on* handlers, javascript: links, external loads)', async () => {
    const out = join(outDir, 'report-unsafe.html');
    const r = await writeReport(join(FIXTURES, 'report-unsafe.ipynb'), out);
    assert.equal(r.charts, 1, 'the href chart is kept (links stripped), the data.url chart refused');
    const { page, log } = await openReport(context!, out);
    await chartsSettled(page, r.charts);
    assert.deepEqual(log.external, [], 'nothing loaded on open');
    // Give handlers a chance to fire: click what the notebook's handlers were on (not the plain http links: following
    // one is the reader's choice, and the route would record it).
    for (const el of await page.locator('.ss-html div, .ss-html a:not([href^="http"]), details summary, .ss-svg a, .ss-markdown a:not([href^="http"])').all()) {
      await el.click({ force: true, timeout: 1000 }).catch(() => undefined);
    }
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.deepEqual(log.dialogs, []);
    assert.deepEqual(log.external, []);
    // A blocked script, image or fetch would be a CSP violation, reported as a console error.
    assert.deepEqual(log.errors, []);
    const bad = await page.evaluate(() => Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes)
      .filter((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)).map((a) => `${e.tagName}[${a.name}]`)));
    assert.deepEqual(bad, []);
    assert.equal(await page.locator('iframe, object, embed').count(), 0);
    assert.equal(await page.locator('.vega-embed svg.marks').count(), 1);
    assert.equal(await page.locator('.vega-embed a').count(), 0, 'no links in the href chart');
    assert.ok(page.url().startsWith('file:'), 'still on the report (no navigation)');
    await page.close();
  });

  it('detects script execution at all: the same notebook rendered trusted does run its scripts', async () => {
    const out = join(outDir, 'report-unsafe-trusted.html');
    await writeReport(join(FIXTURES, 'report-unsafe.ipynb'), out, { trusted: true });
    const { page, log } = await openReport(context!, out);
    // The fixture's alert() calls ran (its meta refresh may navigate away, so the dialogs are the evidence).
    assert.ok(log.dialogs.length > 0, 'trusted scripts ran');
    await page.close();
  });

  it('lets a trusted notebook run its own scripts, still without network', async () => {
    const nbFile = join(outDir, 'trusted-input.ipynb');
    writeFileSync(nbFile, JSON.stringify(notebook([markdownCell('# Trusted'),
      codeCell('x', [display({ 'text/html': ['<p id="t">before</p><script>document.getElementById("t").textContent = "after"</script>'] })])])));
    const out = join(outDir, 'trusted.html');
    await writeReport(nbFile, out, { trusted: true });
    const { page, log } = await openReport(context!, out);
    assert.equal(await page.locator('#t').textContent(), 'after');
    assert.deepEqual(log.external, []);
    assert.deepEqual(log.errors, []);
    await page.close();
  });
});
