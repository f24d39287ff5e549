/**
 * Real headless execution: Jupyter nbconvert + the tslab kernel on notebooks that import the built dist/. Skips
 * (with the reason) when Jupyter/tslab are not installed (bash scripts/setup-jupyter.sh) or dist/ is not built.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeNotebook } from '../../src/notebook/execute.js';
import { requireJupyter } from './needs-jupyter.js';
import { joinText, type Ipynb } from '../../src/notebook/ipynb.js';

const FIXTURE = 'test/fixtures/notebooks/display.ipynb';
const VL = 'application/vnd.vegalite.v5+json';

function outputsOf(nb: Ipynb, id: string) {
  const c = nb.cells.find((x) => x.id === id);
  assert.ok(c, `cell ${id} exists`);
  return c.outputs ?? [];
}

describe('notebook/executeNotebook (real Jupyter + tslab)', function () {
  this.timeout(180_000);
  let dir = '';
  before(async function () {
    await requireJupyter(this, ['dist/notebook/index.js', 'dist/magics/index.js']);
    dir = await mkdtemp(join(tmpdir(), 'semslice-exec-test-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the display fixture: chart and table bundles, progress, magics, run metadata, friendly bad-input message', async () => {
    const out = join(dir, 'display.out.ipynb');
    const before = await readFile(FIXTURE, 'utf8');
    const r = await executeNotebook(FIXTURE, { params: { rows: 25 }, out, timeoutS: 120, check: { expectMimes: [VL, 'image/svg+xml', 'text/html', 'application/vnd.semslice.run+json'], allowStderrCells: ['c-bad'] } });
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.equal(await readFile(FIXTURE, 'utf8'), before, 'the input is untouched');
    const nb = JSON.parse(await readFile(out, 'utf8')) as Ipynb;
    assert.equal(nb.nbformat, 4);
    const chart = outputsOf(nb, 'c-chart');
    assert.equal(chart.length, 1, 'one output: the bundle');
    assert.deepEqual(Object.keys(chart[0]!.data!).sort(), ['image/svg+xml', 'text/plain', VL].sort());
    assert.equal(typeof chart[0]!.data![VL], 'object');
    const table = outputsOf(nb, 'c-table')[0]!;
    assert.match(joinText(table.data!['text/html']), /… 5 more rows/, 'rows=25 was injected: 25 - 20 shown');
    assert.match(joinText(outputsOf(nb, 'c-table-last')[0]!.data!['text/plain']), /… 20 more rows/);
    const prog = outputsOf(nb, 'c-progress');
    assert.equal(prog.length, 1, 'progress updated in place: one output holding the final state');
    assert.equal(joinText(prog[0]!.data!['text/plain']), 'work: 10/10 (100%)');
    assert.deepEqual(outputsOf(nb, 'c-enable').map((o) => joinText(o.text)), ['true\n']);
    assert.ok(VL in outputsOf(nb, 'c-vegalite')[0]!.data!, '%%vegalite cell rendered a chart');
    assert.match(joinText(outputsOf(nb, 'c-lsmagic')[0]!.data!['text/html']), /%%slice/);
    assert.equal(joinText(outputsOf(nb, 'c-tagged').at(-1)!.text), 'tagged\n');
    const rich = outputsOf(nb, 'c-rich');
    assert.deepEqual(Object.keys(rich[0]!.data!).sort(), ['image/svg+xml', 'text/plain', VL].sort(), 'a bare last value displays as a full chart bundle');
    assert.equal(joinText(rich[1]!.text), '<Demo>\n');
    const bad = outputsOf(nb, 'c-bad').filter((o) => o.name === 'stderr').map((o) => joinText(o.text)).join('');
    assert.equal(bad, 'error: %%slice: unknown argument "thta". Did you mean "theta"?\n  hint: Allowed arguments of %%slice: model, data, metric, method, theta, k, tau, limit, as.\n');
  });

  it('shows a wrong model path as a readable message and hint, no stack trace', async function () {
    if (!existsSync('dist/index.js')) this.skip();
    const r = await executeNotebook('test/fixtures/notebooks/bad-input.ipynb', { out: join(dir, 'bad.out.ipynb'), timeoutS: 120 });
    assert.equal(r.ok, false);
    const stderr = outputsOf(r.notebook, 'c-bad-model').filter((o) => o.name === 'stderr').map((o) => joinText(o.text)).join('');
    assert.match(stderr, /^error: .*models\/does-not-exist.*\n  hint: .+\n$/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(r.problems.map((p) => p.split(':')[0]), ['cell 2 (c-bad-model)']);
  });

  it('rejects an unknown parameter before starting a kernel', async () => {
    await assert.rejects(executeNotebook(FIXTURE, { params: { rowz: 1 }, out: join(dir, 'x.ipynb') }), /Unknown parameter "rowz". Did you mean "rows"\?/);
    await assert.rejects(executeNotebook(FIXTURE, { out: FIXTURE }), /is the input file/);
  });
});

describe('notebooks/ (real Jupyter + tslab, small parameters)', function () {
  this.timeout(240_000);
  let dir = '';
  const expectMimes = [VL, 'image/svg+xml', 'text/html', 'application/vnd.semslice.run+json'];
  before(async function () {
    await requireJupyter(this, ['dist/index.js']);
    dir = await mkdtemp(join(tmpdir(), 'semslice-notebooks-test-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Keep the executed notebook for the browser test, which renders its report (test/report/browser.test.ts). */
  async function keep(file: string, name: string): Promise<void> {
    await mkdir('test-artifacts/executed', { recursive: true });
    await copyFile(file, join('test-artifacts/executed', name));
  }

  it('00-quickstart runs clean: table, charts, %%slice magic, run metadata', async () => {
    const r = await executeNotebook('notebooks/00-quickstart.ipynb', {
      params: { profileSamples: 300, evalSamples: 500 }, out: join(dir, '00.ipynb'), timeoutS: 300, check: { expectMimes },
    });
    assert.deepEqual(r.problems, []);
    const magicOut = outputsOf(r.notebook, 'magic-slice');
    assert.ok(magicOut.some((o) => o.data && VL in o.data && 'image/svg+xml' in o.data), '%%slice showed the critical-neurons chart');
    assert.ok(magicOut.some((o) => o.data && /Slice \(semantic, metric=avg, theta=0.9/.test(joinText(o.data['text/plain']))), '%%slice args reached the engine');
    const meta = outputsOf(r.notebook, 'meta')[0]!.data!['application/vnd.semslice.run+json'] as { format: string; models: unknown[] };
    assert.equal(meta.format, 'semslice.run');
    assert.equal(meta.models.length, 1);
    await keep(r.out, '00-quickstart.ipynb');
  });

  it('01-slicing-fidelity runs clean: curves, comparison table, per-class charts', async () => {
    const fashion = existsSync('/usr/share/datasets/fashion-mnist');
    const r = await executeNotebook('notebooks/01-slicing-fidelity.ipynb', {
      params: { datasets: fashion ? 'mnist,fashion-mnist' : 'mnist', trainSamples: 1500, profileSamples: 300, evalSamples: 500 },
      out: join(dir, '01.ipynb'), timeoutS: 300, check: { expectMimes },
    });
    assert.deepEqual(r.problems, []);
    const n = fashion ? 2 : 1;
    assert.equal(outputsOf(r.notebook, 'curves').length, n, 'one fidelity chart per dataset');
    assert.equal(outputsOf(r.notebook, 'perclass').length, n, 'one per-class chart per dataset');
    assert.match(joinText(outputsOf(r.notebook, 'compare')[0]!.data!['text/html']), /diff_pts/);
    assert.equal(outputsOf(r.notebook, 'carve-damage').filter((o) => o.data?.['application/vnd.vegalite.v5+json']).length, n, 'one damage matrix per dataset');
    const area = outputsOf(r.notebook, 'area');
    assert.match(joinText(area[0]!.data!['text/html']), /mean_diff_pts/, 'the areas between curves as a table');
    assert.match(area.map((o) => joinText(o.text ?? o.data?.['text/plain'] ?? '')).join(''), /semantic vs low-activation over CR [0-9.]+-[0-9.]+%: (semantic ahead|semantic behind|no difference the seeds agree on)/);
    await keep(r.out, '01-slicing-fidelity.ipynb');
  });

  it('02-restructuring runs clean: every pruner x pre-step, curves per pruner, NI bars, class damage, the model reloaded, %%restructure', async () => {
    const r = await executeNotebook('notebooks/02-restructuring.ipynb', {
      params: { trainSamples: 2000, baseEpochs: 1, testCount: 300, steps: 5 }, out: join(dir, '02.ipynb'), timeoutS: 400, check: { expectMimes },
    });
    assert.deepEqual(r.problems, []);
    assert.equal(outputsOf(r.notebook, 'curves').filter((o) => o.data?.[VL]).length, 4, 'one curve chart per pruner');
    assert.equal(outputsOf(r.notebook, 'ni').filter((o) => o.data?.[VL]).length, 1);
    const equal = outputsOf(r.notebook, 'equal-cr');
    assert.match(joinText(equal[0]!.data!['text/html']), /acc_at_50_pct[\s\S]*arithmetic_saving/, 'accuracy at equal CR and NI beside its arithmetic');
    assert.match(equal.map((o) => joinText(o.text ?? o.data?.['text/plain'] ?? '')).join(''), /arithmetic predicts|NI cannot be compared here/);
    assert.equal(outputsOf(r.notebook, 'damage').filter((o) => o.data?.[VL]).length, 1);
    const runs = joinText(outputsOf(r.notebook, 'runs')[0]!.data!['text/plain']);
    for (const p of ['lamp', 'global', 'uniform-plus', 'erk']) for (const pre of ['none', 'slice', 'random']) assert.match(runs, new RegExp(`${p}\\s+${pre}\\s+\\d+`), `${pre} + ${p} ran`);
    assert.match(joinText(outputsOf(r.notebook, 'save').map((o) => joinText(o.text ?? o.data?.['text/plain'] ?? '')).join('')), /reloaded model accuracy equals MA: true/);
    assert.equal(outputsOf(r.notebook, 'magic').filter((o) => o.data?.[VL]).length, 3, '%%restructure showed curves, NI bars and class damage');
    await keep(r.out, '02-restructuring.ipynb');
  });

});
