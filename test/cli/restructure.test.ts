import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend/index.js';
import { synthetic } from '../../src/engine/data/index.js';
import { buildModel, loadModel, saveModel } from '../../src/engine/models/index.js';
import { evaluate, train } from '../../src/engine/train/index.js';
import { MAINTENANCE_DEFAULTS } from '../../src/engine/maintenance/index.js';
import { runCli } from './run-cli.js';

const exists = (p: string) => access(p).then(() => true, () => false);

function assertCleanError(r: { code: number; err: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code 2 expected, got ${r.code}; stderr: ${r.err}`);
  assert.match(r.err, pattern);
  assert.doesNotMatch(r.err, /\n\s+at .+:\d+:\d+/, `no stack trace expected: ${r.err}`);
}

describe('cli restructure', function () {
  let dir: string;
  let modelDir: string;
  let otherDir: string;
  let sliceFile: string;
  const common = ['--data', 'synthetic', '--backend', 'cpu'];

  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    dir = await mkdtemp(join(tmpdir(), 'semslice-cli-restructure-'));
    modelDir = join(dir, 'mlp');
    otherDir = join(dir, 'mlp-wider');
    sliceFile = join(dir, 'mlp.slice.json');
    const { train: trainData } = await synthetic();
    const m = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 10, seed: 1, width: 0.25 });
    await train(m, trainData, { epochs: 8, batchSize: 16, learningRate: 0.01, seed: 1 });
    await saveModel(m, modelDir);
    m.dispose();
    const o = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 10, seed: 1, width: 0.5 });
    await saveModel(o, otherDir);
    o.dispose();
    const s = await runCli(['slice', '--model', modelDir, ...common, '--theta', '0.8', '--out', sliceFile]);
    assert.equal(s.code, 0, s.err);
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('bad input exits 2 with one clear line and writes nothing', async () => {
    const out = join(dir, 'bad');
    const base = ['restructure', '--model', modelDir, ...common, '--out', out];
    assertCleanError(await runCli([...base, '--target-cr', '1.5']), /--target-cr takes a number in \(0, 1\), got "1\.5"/);
    assertCleanError(await runCli([...base, '--target-cr', '0']), /--target-cr takes a number in \(0, 1\), got "0"/);
    assertCleanError(await runCli([...base, '--pruner', 'lmap']), /--pruner takes one of lamp, global, uniform-plus, erk, got "lmap"/);
    assertCleanError(await runCli([...base, '--pre', 'slcie']), /--pre takes one of .*slice.*Did you mean "slice"/);
    assertCleanError(await runCli([...base, '--pre', 'deeparc']), /method "deeparc" does not apply to model .*DeepArc[\s\S]*Pass --pre as one of the methods that apply to it: (?=[^\n]*\bnone\b)(?=[^\n]*\bslice\b)(?=[^\n]*\brandom\b)[a-z, -]+\.$/m);
    assertCleanError(await runCli([...base, '--lr', '-1']), /--lr takes a positive number, got "-1"/);
    assertCleanError(await runCli([...base, '--protect-max-drop', '-1']), /--protect-max-drop takes a number in \[0, 1\], got "-1"/);
    // A slice of another model (same sites, other widths).
    assertCleanError(await runCli(['restructure', '--model', otherDir, ...common, '--slice', sliceFile, '--out', out]),
      /slice was made for another model: its sites are fc1\(32\), fc2\(16\), model "[^"]+" has fc1\(64\), fc2\(32\)/);
    // A model without a Dense or Conv2D kernel.
    const empty = tf.sequential({ name: 'no-kernels', layers: [tf.layers.flatten({ inputShape: [8, 8, 1], name: 'flatten' }), tf.layers.activation({ activation: 'softmax', name: 'softmax' })] });
    const emptyDir = join(dir, 'no-kernels');
    await saveModel(empty, emptyDir);
    empty.dispose();
    assertCleanError(await runCli(['restructure', '--model', emptyDir, ...common, '--out', out]), /has no Dense or Conv2D kernel to prune/);
    assert.equal(await exists(out), false, 'nothing written');
  });

  it('a small run writes a loadable model, the manifest and the per-iteration table, and prints the summary', async () => {
    const before = tf.memory().numTensors;
    const out = join(dir, 'ok');
    const r = await runCli(['restructure', '--model', modelDir, ...common, '--slice', sliceFile, '--pruner', 'global', '--target-cr', '0.6',
      '--max-drop', '0.3', '--steps', '3', '--batch-size', '16', '--seed', '2', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /parameters\s+\d+\s+\d+/);
    assert.match(r.out, /non-zero \(live\) weights/);
    assert.match(r.out, /per-class accuracy drop \(points\):/);
    assert.match(r.out, /pre slice, pruner global: NI \d+, CR \d+\.\d%/);
    assert.match(r.err, /iteration 0: CR/);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.kind, 'semslice-restructure');
    assert.equal(manifest.method, 'slice');
    assert.equal(manifest.slice.origin, 'this-model');
    assert.equal(manifest.slice.choice.rule, 'given');
    assert.equal(manifest.pruner, 'global');
    assert.equal(manifest.seed, 2);
    assert.deepEqual(manifest.schedule.fineTune, { steps: 3, batchSize: 16, learningRate: MAINTENANCE_DEFAULTS.restructure.fineTune.learningRate, workers: 'auto' });
    assert.ok(Object.values(manifest.neuronsRemoved as Record<string, number[]>).some((x) => x.length > 0), 'the slice removed neurons');
    const csv = (await readFile(join(out, 'iterations.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'iteration,cr,accuracy,testAccuracy,perClass,liveParams,seconds');
    assert.equal(csv.length - 1, manifest.iterations.length);
    assert.equal(csv.length - 1, manifest.result.ni + 1, csv.join('\n') + JSON.stringify(manifest.result));
    // The model folder loads, is smaller than the original, and its accuracy is the reported MA.
    const loaded = await loadModel(join(out, 'model'));
    const original = await loadModel(modelDir);
    assert.ok(loaded.countParams() < original.countParams());
    const printed = /parameters\s+(\d+)\s+(\d+)/.exec(r.out)!;
    assert.equal(Number(printed[1]), original.countParams());
    assert.equal(Number(printed[2]), loaded.countParams(), 'the summary prints the saved model\'s parameter count');
    assert.equal(manifest.model.params, original.countParams());
    const { test } = await synthetic();
    assert.equal((await evaluate(loaded, test, { confusion: false })).accuracy, manifest.result.ma);
    if (manifest.result.reached) assert.ok(manifest.result.cr >= 0.6);
    loaded.dispose();
    original.dispose();
    assert.equal(tf.memory().numTensors, before);
    // JSON table; an existing --out is refused without --force.
    const j = await runCli(['restructure', '--model', modelDir, ...common, '--pre', 'none', '--pruner', 'erk', '--target-cr', '0.3', '--max-drop', '0.5', '--steps', '0', '--table', 'json', '--out', join(dir, 'ok-json')]);
    assert.equal(j.code, 0, j.err);
    const rows = JSON.parse(await readFile(join(dir, 'ok-json', 'iterations.json'), 'utf8'));
    assert.ok(rows.length >= 2 && rows[0].iteration === 0 && rows[0].cr === 0, 'pre none starts at CR 0');
    assertCleanError(await runCli(['restructure', '--model', modelDir, ...common, '--out', out]), /already/);
  });

  it('without --slice, --pre slice slices the model by the slice policy and records the choice', async () => {
    const out = join(dir, 'policy');
    const r = await runCli(['restructure', '--model', modelDir, ...common, '--target-cr', '0.5', '--max-drop', '0.5', '--steps', '1', '--theta', 'auto', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /slicing the model by the slice policy \(theta auto\)/);
    assert.match(r.out, /slice: theta [\d.]+ \(auto\)/);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.slice.choice.rule, 'auto');
    assert.ok(manifest.data.validation.size > 0, 'theta chosen on a validation split of the training data');
  });

  it('a broken --protect contract exits 3 after writing the outputs and saying so', async () => {
    const out = join(dir, 'protect');
    const r = await runCli(['restructure', '--model', modelDir, ...common, '--target-cr', '0.9', '--max-drop', '1', '--steps', '0',
      '--protect', '0,1,2,3,4,5,6,7,8,9', '--protect-max-drop', '0', '--out', out]);
    assert.equal(r.code, 3, `exit code 3 expected; stderr: ${r.err}`);
    assert.match(r.err, /Per-class retention broken: class \d lost [01]\.\d{4}/);
    assert.match(r.err, /the outputs above were written; exit code 3/);
    assert.match(r.out, /wrote .*model, manifest\.json, iterations\.csv/);
    for (const f of ['model/model.json', 'manifest.json', 'iterations.csv']) assert.ok(await exists(join(out, f)), f);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.ok(manifest.result.cr >= 0.9, 'max-drop 1 lets the run reach the target');
    // A kept contract exits 0.
    const ok = await runCli(['restructure', '--model', modelDir, ...common, '--target-cr', '0.2', '--max-drop', '1', '--steps', '0',
      '--protect', '0', '--protect-max-drop', '1', '--out', join(dir, 'protect-ok')]);
    assert.equal(ok.code, 0, ok.err);
  });
});
