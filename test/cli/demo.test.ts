import { strict as assert } from 'node:assert';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { formatDemoResult, runDemo } from '../../src/cli/demo/run-demo.js';
import { executeNotebook, findJupyter } from '../../src/notebook/execute.js';
import * as ss from '../../src/index.js';

describe('semslice demo (tiny parameters)', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'semslice-demo-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('trains, slices, sweeps, and writes a notebook with chart and table outputs plus its report; the second run reuses the model', async () => {
    const base = tf.memory().numTensors;
    const opts = { outDir: join(dir, 'out'), modelDir: join(dir, 'model'), trainSamples: 2000, epochs: 2, profilePerClass: 30, evalSamples: 300, progress: false, backend: 'wasm' };
    const first = await runDemo(opts);
    assert.equal(first.trained, true);
    const nb = JSON.parse(await readFile(first.notebook, 'utf8'));
    assert.equal(nb.nbformat, 4);
    assert.equal(nb.metadata.kernelspec.name, 'tslab');
    const outputs = nb.cells.flatMap((c: { outputs?: unknown[] }) => c.outputs ?? []) as Array<{ output_type: string; data?: Record<string, unknown>; name?: string }>;
    const charts = outputs.filter((o) => o.data?.['application/vnd.vegalite.v5+json']);
    assert.ok(charts.length >= 6, `charts: ${charts.length}`);
    assert.ok(charts.every((o) => o.data?.['image/svg+xml']), 'every chart carries its SVG');
    assert.ok(outputs.filter((o) => o.data?.['text/html']).length >= 2, 'tables');
    assert.ok(outputs.some((o) => o.data?.['application/vnd.semslice.run+json']), 'run metadata');
    assert.ok(!outputs.some((o) => o.name === 'stderr'), 'no stderr');
    // Issue 10, point 7: one profile serves the slice and the sweep.
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').map((c: { source: string | string[] }) => [c.source].flat().join('')).join('\n');
    assert.equal(code.match(/ss\.profile\(/g)?.length, 1, 'profiled once');
    assert.doesNotMatch(code, /ss\.slice\(|profileData: profileData/, 'neither the slice nor the sweep profiles again');
    assert.match(code, /ss\.fidelitySweep\([^)]*stats: stats/);
    const html = await readFile(first.report, 'utf8');
    assert.match(html, /<html/i);
    assert.match(html, /Slice fidelity/);
    assert.doesNotMatch(html, /<td[^>]*>null<\/td>/, 'empty table cells are empty, not "null"');
    assert.equal(tf.memory().numTensors, base, 'no tensors leaked');
    // Issue 10, point 7: the terminal gets the headline results, not only two paths.
    const text = formatDemoResult(first);
    assert.match(text, /^model trained; test accuracy \d+\.\d\d%$/m);
    assert.match(text, /^slice \(taylor, theta 0\.95\): CR \d+\.\d\d%, accuracy of the masked model \d+\.\d\d%$/m);
    assert.match(text, /^ {2}taylor\b.*category-topk/m);
    assert.ok(first.slice.cr > 0 && first.slice.cr < 1 && first.slice.accuracy > 0);
    // Issue 13: a re-adaptation section, critical neurons against every weight, on the same FGSM images.
    assert.deepEqual(first.readapt.map((x) => x.method), ['critical', 'full']);
    assert.ok(first.readapt[0]!.trainable < first.readapt[1]!.trainable && first.readapt[1]!.trainable === first.readapt[1]!.total);
    assert.ok(first.readapt.every((x) => x.newAfter > x.newBefore), 'both learn the adversarial images');
    assert.match(text, /^re-adaptation to FGSM images/m);
    assert.match(code, /ss\.compareReadapt\(/);
    // Issue 12: the restructuring section (pruner alone and after the slice's neuron removal, one budget).
    assert.match(text, /^restructuring \(lamp, target CR 90\.00% within 1 point; slice theta [\d.]+ by the slice policy\):$/m);
    assert.match(text, /^ {2}none \+ lamp: NI \d+, CR \d+\.\d\d%, accuracy \d+\.\d\d%/m);
    assert.match(text, /^ {2}slice \+ lamp: NI \d+, CR \d+\.\d\d%, accuracy \d+\.\d\d%/m);
    assert.deepEqual(first.restructure.map((x) => x.method), ['none + lamp', 'slice + lamp']);
    assert.ok(first.restructureTheta !== null && ss.THETA_GRID.includes(first.restructureTheta), 'the restructuring slice comes from the slice policy');
    assert.match(code, /ss\.compareRestructure\(model/);
    // Issue 14: the incremental section (digits 0-4, then 5-9; naive, replay 10%, ours on one budget).
    assert.deepEqual(first.incremental.runs.map((x) => x.method), ['naive', 'replay-10%', 'ours']);
    const oursInc = first.incremental.runs[2]!;
    assert.ok(oursInc.identical && oursInc.oldAfter === oursInc.oldBefore, 'ours keeps task A bit-identical');
    assert.ok(!first.incremental.runs[0]!.identical && first.incremental.runs[0]!.oldAfter < first.incremental.runs[0]!.oldBefore, 'naive forgets');
    assert.ok(oursInc.newAfter > 0.5, `ours learns task B: ${oursInc.newAfter}`);
    assert.match(text, /^incremental development \(LeNet-5 knows digits 0-4 and learns 5-9; .*theta [\d.]+\):$/m);
    assert.match(text, /^ {2}ours: task A \d+\.\d\d% -> \d+\.\d\d% \(logits bit-identical\), task B \d+\.\d\d%, all ten classes \d+\.\d\d%$/m);
    assert.match(code, /ss\.compareExtend\(modelA/);
    // One copy: the notebook's code is what ran (no hidden program beside it): every call above is in its cells.
    assert.doesNotMatch(code, /[^.\w]restructure\(|readaptWorkload|extendCompare/);
    console.log(text.split('\n').filter((l) => /incremental|task A/.test(l)).join('\n'));

    await mkdir('test-artifacts/executed', { recursive: true });
    await copyFile(first.notebook, 'test-artifacts/executed/demo.ipynb'); // the browser test renders its report

    // Written two folders below the repo, where the notebook's import "../../dist/index.js" resolves.
    const second = await runDemo({ ...opts, outDir: 'test-artifacts/demo', force: true }); // kept between test runs
    assert.equal(second.trained, false, 'second run reuses the cached model');
    assert.equal(second.accuracy, first.accuracy);
  });

  it('the demo notebook is real: it runs again in Jupyter with the tslab kernel', async function () {
    if (!existsSync('test-artifacts/demo/demo.ipynb') || !existsSync('dist/index.js')) this.skip();
    try {
      await findJupyter();
    } catch (e) {
      console.log(`    skipped: ${(e as Error).message}`);
      this.skip();
    }
    const r = await executeNotebook('test-artifacts/demo/demo.ipynb', { out: 'test-artifacts/demo/demo.run.ipynb', force: true, timeoutS: 300 });
    assert.deepEqual(r.problems, []);
    assert.ok(r.ok);
  });
});
