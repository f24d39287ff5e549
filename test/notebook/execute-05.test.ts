/**
 * notebooks/05-own-models.ipynb executed headless (Jupyter + tslab) with its small defaults: a MobileNet-shaped model
 * (depthwise-separable convolutions, BatchNormalization, ReLU6, a residual Add) through training, slicing, the
 * fidelity sweep and the three strategies. Skips (with the reason) when Jupyter/tslab or dist/ are missing.
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
const textOf = (nb: Ipynb, id: string): string => outputsOf(nb, id).map((o) => joinText(o.text ?? o.data?.['text/plain'] ?? '')).join('');
const charts = (nb: Ipynb, id: string): number => outputsOf(nb, id).filter((o) => o.data?.[VL]).length;

describe('notebooks/05-own-models (real Jupyter + tslab, small defaults)', function () {
  this.timeout(600_000);
  let dir = '';
  before(async function () {
    await requireJupyter(this);
    dir = await mkdtemp(join(tmpdir(), 'semslice-nb05-test-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs clean: mobilenet-small trained, its depthwise layers outside the sites, sliced, swept, restructured, re-adapted, extended', async () => {
    const r = await executeNotebook('notebooks/05-own-models.ipynb', {
      out: join(dir, '05.ipynb'), timeoutS: 560, check: { expectMimes: [VL, 'image/svg+xml', 'text/html', 'application/vnd.semslice.run+json'] },
    });
    assert.deepEqual(r.problems, []);
    const nb = r.notebook;
    const acc = Number(/test accuracy ([\d.]+)%/.exec(textOf(nb, 'train'))?.[1]);
    assert.ok(acc >= 80, `mobilenet-small at the small defaults reaches ${acc}% (BatchNormalization statistics usable)`);
    assert.match(textOf(nb, 'layers'), /sites: stem \(\d+\), block1_pw \(\d+\), block2_pw \(\d+\), sep \(\d+\)/);
    assert.match(textOf(nb, 'slice'), /depthwise filters removed with their input channels: [1-9]\d* parameters/);
    assert.equal(charts(nb, 'sweep'), 1);
    assert.match(textOf(nb, 'sweep'), /semantic vs low-activation: (-?[\d.]+ points mean difference|no common CR range)/);
    assert.ok(charts(nb, 'restructure') >= 1 && /slice/.test(textOf(nb, 'restructure')));
    assert.ok(charts(nb, 'readapt') >= 1 && /critical/.test(textOf(nb, 'readapt')));
    assert.ok(charts(nb, 'extend') >= 1 && /ours/.test(textOf(nb, 'extend')));
    await mkdir('test-artifacts/executed', { recursive: true });
    await copyFile(r.out, join('test-artifacts/executed', '05-own-models.ipynb'));
  });
});
