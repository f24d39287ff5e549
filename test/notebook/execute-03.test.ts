/**
 * notebooks/03-readaptation.ipynb executed headless (Jupyter + tslab) with small CI parameters; the executed notebook
 * is kept in test-artifacts/executed. Skips (with the reason) when Jupyter/tslab or dist/ are missing, like
 * execute.test.ts.
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
  return outputsOf(nb, id).map((o) => joinText(o.text ?? o.data?.['text/plain'] ?? o.data?.['text/html'] ?? '')).join('');
}

describe('notebooks/03-readaptation (real Jupyter + tslab, small parameters)', function () {
  this.timeout(600_000);
  let dir = '';
  before(async function () {
    await requireJupyter(this);
    dir = await mkdtemp(join(tmpdir(), 'semslice-nb03-test-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs clean: workloads (a class-targeted one with its own slice), image grids, curves per step, the trade-off curve, cost table, checksum proof, %%readapt', async () => {
    const r = await executeNotebook('notebooks/03-readaptation.ipynb', {
      params: { trainSamples: 1500, count: 60, epochs: 1, evalEvery: 5, testCount: 300, ratios: '0,4' }, out: join(dir, '03.ipynb'), timeoutS: 560,
      check: { expectMimes: [VL, 'image/svg+xml', 'text/html', 'application/vnd.semslice.run+json'] },
    });
    assert.deepEqual(r.problems, []);
    assert.match(textOf(r.notebook, 'workloads'), /slice of classes 1, 4, 7: theta/);
    assert.equal(outputsOf(r.notebook, 'examples').filter((o) => o.data?.[VL]).length, 2, 'FGSM and PGD image grids');
    assert.equal(outputsOf(r.notebook, 'curves').filter((o) => o.data?.[VL]).length, 4, 'one curve chart per workload');
    const curves = outputsOf(r.notebook, 'curves').find((o) => o.data?.[VL])!.data![VL] as { spec: { encoding: { x: { title: string } } } };
    assert.equal(curves.spec.encoding.x.title, 'optimiser steps');
    assert.equal(outputsOf(r.notebook, 'tradeoff').filter((o) => o.data?.[VL]).length, 1, 'the trade-off chart');
    assert.match(textOf(r.notebook, 'tradeoff'), /clean_pct/);
    assert.match(textOf(r.notebook, 'checksums'), /bit-identical for every workload and method: true/);
    const table = joinText(outputsOf(r.notebook, 'table')[0]!.data!['text/html']);
    for (const col of ['trainable_pct', 'ms_per_step', 'steps_to_target', 'critical@present']) assert.match(table, new RegExp(col));
    await mkdir('test-artifacts/executed', { recursive: true });
    await copyFile(r.out, join('test-artifacts/executed', '03-readaptation.ipynb'));
  });
});
