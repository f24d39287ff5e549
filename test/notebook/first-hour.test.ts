/**
 * Issue 10, points 1-3, in a real tslab kernel: a chart as a cell's last value displays as a chart; `ss.show(a);
 * ss.show(b);` without await keeps both outputs; profile/train without initBackend run on initBackend's choice (not
 * tfjs's cpu fallback) and tfjs's "install tfjs-node" banner never appears.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
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

function allText(nb: Ipynb): string {
  return nb.cells.flatMap((c) => c.outputs ?? []).map((o) => joinText(o.text ?? o.data?.['text/plain'] ?? '')).join('\n');
}

describe('notebook: the first hour in tslab (issue 10, points 1-3)', function () {
  this.timeout(240_000);
  let dir = '';
  let nb: Ipynb;
  before(async function () {
    await requireJupyter(this);
    dir = await mkdtemp(join(tmpdir(), 'semslice-first-hour-'));
    const r = await executeNotebook('test/fixtures/notebooks/first-hour.ipynb', { out: join(dir, 'out.ipynb'), timeoutS: 180 });
    assert.deepEqual(r.problems, []);
    nb = r.notebook;
  });
  after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('1: a chart that is a cell\'s last value displays as a chart, not as its spec', () => {
    const outs = outputsOf(nb, 'c-last-chart');
    assert.equal(outs.length, 1, JSON.stringify(outs).slice(0, 300));
    assert.equal(outs[0]!.output_type, 'display_data');
    assert.ok(VL in outs[0]!.data! && 'image/svg+xml' in outs[0]!.data!);
    assert.equal(outs.filter((o) => o.output_type === 'stream').length, 0, 'no spec printed as text');
  });

  it('2: un-awaited ss.show calls keep their outputs, in order, and print no Promise', () => {
    const outs = outputsOf(nb, 'c-unawaited');
    const charts = outs.filter((o) => o.data && VL in o.data);
    assert.deepEqual(charts.map((o) => (o.data![VL] as { title: string }).title), ['first', 'second']);
    assert.ok(charts.every((o) => 'image/svg+xml' in o.data!));
    assert.doesNotMatch(allText(nb), /Promise \{/);
  });

  it('a user\'s own console.log of an object is left alone', () => {
    assert.match(joinText(outputsOf(nb, 'c-user-log')[0]!.text!), /mark: 'bar'/);
  });

  it('3: profile/train without initBackend run on the backend initBackend would choose, with no tfjs banner', () => {
    const text = joinText(outputsOf(nb, 'c-backend').map((o) => joinText(o.text ?? '')).join(''));
    assert.match(text, /backend after profile: (wasm|tensorflow)\n/);
    assert.match(text, /semslice: backend: (wasm|tensorflow) \(/, 'the choice is reported once');
    assert.doesNotMatch(allText(nb), /looks like you are running TensorFlow\.js in Node/);
  });
});
