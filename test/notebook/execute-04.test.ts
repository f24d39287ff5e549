/**
 * notebooks/04-incremental.ipynb executed headless (Jupyter + tslab) with its small CI parameters; the executed
 * notebook is kept in test-artifacts/executed, whose HTML report test/report/browser.test.ts renders in Chromium.
 * Skips (with the reason) when Jupyter/tslab or dist/ are missing, like execute.test.ts.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeNotebook } from '../../src/notebook/execute.js';
import { requireJupyter } from './needs-jupyter.js';
import { joinText, type Ipynb } from '../../src/notebook/ipynb.js';

const VL = 'application/vnd.vegalite.v5+json';

function outputsOf(nb: Ipynb, id: string) {
  const c = nb.cells.find((x) => x.id === id);
  assert.ok(c, `cell ${id} exists`);
  return c.outputs ?? [];
}

function textOf(nb: Ipynb, id: string): string {
  return outputsOf(nb, id).map((o) => joinText(o.text ?? o.data?.['text/plain'] ?? '')).join('');
}

describe('notebooks/04-incremental (real Jupyter + tslab, small parameters)', function () {
  this.timeout(600_000);
  let dir = '';
  before(async function () {
    await requireJupyter(this);
    dir = await mkdtemp(join(tmpdir(), 'semslice-nb04-test-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs clean: theta choice, every method, forgetting chart, task A against task B over theta, the capacity rule, capacity chart, checksum proof, split-MNIST, %%extend', async () => {
    const r = await executeNotebook('notebooks/04-incremental.ipynb', {
      params: { perTask: 1500, epochsA: 3, epochsB: 2, testCount: 500, thetaList: '0.5, 0.9', seqPerTask: 400, seqEpochs: 2 },
      out: join(dir, '04.ipynb'), timeoutS: 560, check: { expectMimes: [VL, 'image/svg+xml', 'text/html', 'application/vnd.semslice.run+json'] },
    });
    assert.deepEqual(r.problems, []);
    const nb = r.notebook;
    assert.match(textOf(nb, 'slice'), /theta 0\.\d+: task A masked [\d.]+% vs unmasked [\d.]+%/);
    const html = (id: string): string => outputsOf(nb, id).filter((o) => o.data?.['text/html']).map((o) => joinText(o.data!['text/html'])).join('');
    const summary = html('extend');
    for (const m of ['naive', 'replay-5%', 'replay-10%', 'replay-100%', 'ewc', 'deeparc', 'ours', 'ours+replay-10%']) assert.ok(summary.includes(`>${m}<`), `summary row ${m}`);
    assert.equal(outputsOf(nb, 'forgetting').filter((o) => o.data?.[VL]).length, 1, 'the forgetting chart');
    assert.equal(outputsOf(nb, 'theta-curve').filter((o) => o.data?.[VL]).length, 1, 'task A against task B over theta');
    assert.match(html('theta-curve'), /ours θ=0\.5/);
    assert.match(html('capacity-rule'), /auto, minFree 0\.25/);
    assert.match(html('capacity-rule'), /auto, minFree 0</);
    for (const m of ['naive (task heads)', 'naive (shared head)', 'ours']) assert.ok(html('sequence').includes(`>${m}<`), `split-MNIST row ${m}`);
    assert.equal(outputsOf(nb, 'capacity').filter((o) => o.data?.[VL]).length, 1, 'the capacity chart');
    assert.match(textOf(nb, 'checksums'), /bit-identical for ours and ours\+replay: true/);
    assert.match(html('sequence'), /classIL_avg/);
    assert.match(textOf(nb, 'magic'), /%%extend ran 2 methods; ours kept task A bit-identical: true/);
    assert.ok(outputsOf(nb, 'magic').some((o) => o.data?.[VL]), '%%extend showed its charts');
    await mkdir('test-artifacts/executed', { recursive: true });
    await copyFile(r.out, join('test-artifacts/executed', '04-incremental.ipynb'));
  });
});
