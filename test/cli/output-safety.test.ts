/**
 * Issue 10, points 9-13: outputs are never lost (--force replaces only what semslice wrote), output problems fail
 * before the work, SEMSLICE_BACKEND is honoured, and flags that would silently change or void a run are errors.
 */
import { strict as assert } from 'node:assert';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, backendInfo } from '../../src/engine/backend/index.js';
import { buildModel, saveModel } from '../../src/engine/models/index.js';
import { runCli } from './run-cli.js';

function assertCleanError(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code 2 expected, got ${r.code}; stderr: ${r.err}`);
  assert.match(r.err, pattern);
  assert.doesNotMatch(r.err, /\n\s+at .+:\d+:\d+/, `no stack trace expected: ${r.err}`);
  assert.doesNotMatch(r.err, /unexpected/);
}

const TRAIN = ['train', '--model', 'mlp', '--data', 'synthetic', '--epochs', '1', '--backend', 'cpu'];

describe('cli: outputs and silent wrong runs (issue 10, points 9-13)', function () {
  this.timeout(120_000);
  let dir: string;
  let model: string;
  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    dir = await mkdtemp(join(tmpdir(), 'semslice-out-'));
    model = join(dir, 'model');
    const r = await runCli([...TRAIN, '--epochs', '10', '--lr', '0.003', '--out', model]);
    assert.equal(r.code, 0, r.err);
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('9: train --force never deletes a user\'s files in the folder, nor changes its mode', async () => {
    const out = join(dir, 'thesis');
    await mkdir(join(out, 'sub'), { recursive: true });
    await writeFile(join(out, 'thesis.txt'), 'chapter 1');
    await writeFile(join(out, 'sub', 'data.csv'), 'a,b\n1,2\n');
    await chmod(out, 0o755);
    const r = await runCli([...TRAIN, '--out', out, '--force']);
    assertCleanError(r, /semslice did not write \(sub\/, thesis\.txt\)[\s\S]*hint: Choose another --out \(a new or empty folder\); --force replaces only/);
    assert.doesNotMatch(r.out, /training/, 'refused before training');
    assert.equal(await readFile(join(out, 'thesis.txt'), 'utf8'), 'chapter 1');
    assert.equal(await readFile(join(out, 'sub', 'data.csv'), 'utf8'), 'a,b\n1,2\n');
    assert.equal((await stat(out)).mode & 0o777, 0o755);
  });

  it('9: train --force replaces a model folder semslice wrote, in place, keeping its mode', async () => {
    const out = join(dir, 'again');
    assert.equal((await runCli([...TRAIN, '--out', out])).code, 0);
    assert.equal((await stat(out)).mode & 0o777, 0o755 & ~process.umask(), 'a new folder gets the default mode, not 700');
    await chmod(out, 0o750);
    assertCleanError(await runCli([...TRAIN, '--out', out]), /already holds a saved model[\s\S]*Pass --force/);
    const r = await runCli([...TRAIN, '--seed', '3', '--out', out, '--force']);
    assert.equal(r.code, 0, r.err);
    assert.equal((await stat(out)).mode & 0o777, 0o750);
    assert.equal(JSON.parse(await readFile(join(out, 'model.json'), 'utf8')).userDefinedMetadata.semslice.seed, 3);
  });

  it('9: the API refuses the same way (saveModel with force: true)', async () => {
    const out = join(dir, 'api');
    await mkdir(out);
    await writeFile(join(out, 'notes.md'), 'mine');
    const m = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 10, seed: 1 });
    try {
      await assert.rejects(saveModel(m, out, { force: true }), (e: Error & { code?: string; hint?: string }) =>
        e.code === 'OUTPUT_NOT_OURS' && /notes\.md/.test(e.message) && /force: true/.test(e.hint ?? ''));
    } finally {
      m.dispose();
    }
    assert.equal(await readFile(join(out, 'notes.md'), 'utf8'), 'mine');
  });

  it('10: report -o a file of the user\'s is refused with or without --force (and the hint never offers --force); --force replaces a report semslice wrote', async () => {
    const nb = join(dir, 'nb.ipynb');
    await writeFile(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', id: 'a', metadata: {}, source: ['# Hi'] }] }));
    const mine = join(dir, 'mine.html');
    await writeFile(mine, '<p>my own page</p>');
    for (const force of [[], ['--force']]) {
      const r = await runCli(['report', nb, '-o', mine, ...force]);
      assertCleanError(r, /already exists and is not a file semslice wrote[\s\S]*hint: Choose another --out/);
      assert.doesNotMatch(r.err, /Pass --force/);
    }
    assert.equal(await readFile(mine, 'utf8'), '<p>my own page</p>');
    const ours = join(dir, 'ours.html');
    assert.equal((await runCli(['report', nb, '-o', ours])).code, 0);
    assertCleanError(await runCli(['report', nb, '-o', ours]), /already holds a report semslice wrote[\s\S]*Pass --force/);
    assert.equal((await runCli(['report', nb, '-o', ours, '--force'])).code, 0);
  });

  it('10: train --out an existing file says it must be a folder (not "pass --force")', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const r = await runCli([...TRAIN, '--out', file, '--force']);
    assertCleanError(r, /is a file; a model is saved as a folder/);
    assert.doesNotMatch(r.err, /Pass --force/);
    assert.equal(await readFile(file, 'utf8'), 'x');
  });

  it('10: slice --out a file of the user\'s is refused, with or without --force; --force replaces only a file semslice wrote', async () => {
    const other = join(dir, 'other.json');
    await writeFile(other, '{"mine": true}');
    assertCleanError(await runCli(['slice', '--model', model, '--data', 'synthetic', '--out', other]), /already exists and is not a file semslice wrote[\s\S]*another --out/);
    assertCleanError(await runCli(['slice', '--model', model, '--data', 'synthetic', '--out', other, '--force']), /is not a file semslice wrote/);
    assert.equal(await readFile(other, 'utf8'), '{"mine": true}');
  });

  it('11: an unwritable --out fails before training or slicing, exit 2, no stack trace', async () => {
    const t = await runCli([...TRAIN, '--out', '/proc/semslice-test/model']);
    assertCleanError(t, /Cannot write \/proc\/semslice-test\/model[\s\S]*hint: Choose another --out in a folder you can write to/);
    assert.doesNotMatch(t.out, /training/);
    const s = await runCli(['slice', '--model', model, '--data', 'synthetic', '--out', '/proc/semslice-test.json']);
    assertCleanError(s, /Cannot write \/proc\/semslice-test\.json/);
    assert.doesNotMatch(s.out, /slice:/);
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    assertCleanError(await runCli([...TRAIN, '--out', join(file, 'model')]), /plain-file is a file, not a folder/);
  });

  it('12: the CLI honours SEMSLICE_BACKEND (a bad value is an error; cpu runs cpu)', async () => {
    const bad = await runCli(['train', '--model', 'mlp', '--data', 'synthetic', '--out', join(dir, 'b')], { SEMSLICE_BACKEND: 'bogus' });
    assertCleanError(bad, /SEMSLICE_BACKEND is "bogus"[\s\S]*--backend/);
    assertCleanError(await runCli(['info', model, '--backend', 'wsam']), /--backend takes one of auto, tensorflow, webgpu, wasm, cpu, got "wsam". Did you mean "wasm"/);
    await initBackend({ backend: 'wasm', quiet: true });
    try {
      const r = await runCli(['info', model], { SEMSLICE_BACKEND: 'cpu' });
      assert.equal(r.code, 0, r.err);
      assert.equal(backendInfo()?.name, 'cpu');
    } finally {
      await initBackend({ backend: 'cpu', quiet: true });
    }
  });

  it('13: --split must be train or test; --k with the semantic method and --theta with top-k are errors', async () => {
    assertCleanError(await runCli(['slice', '--model', model, '--data', 'synthetic', '--split', 'validation']), /--split takes one of train, test, got "validation"/);
    assertCleanError(await runCli(['slice', '--model', model, '--data', 'synthetic', '--split', 'tset']), /Did you mean "test"/);
    assertCleanError(await runCli(['slice', '--model', model, '--data', 'synthetic', '--k', '50']), /--k 50 has no effect with --method semantic[\s\S]*hint: Pass --theta/);
    assertCleanError(await runCli(['slice', '--model', model, '--data', 'synthetic', '--method', 'global-topk', '--theta', '0.9']), /--theta 0.9 has no effect/);
  });

  it('13: data of another dataset than the model was trained on, and a degenerate model, are named', async () => {
    const other = join(dir, 'trained-on-mnist');
    const m = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 10, seed: 1 });
    await saveModel(m, other, { metadata: { data: 'mnist' } });
    m.dispose();
    assertCleanError(await runCli(['slice', '--model', other, '--data', 'synthetic', '--all-samples']),
      /trained on mnist \(its metadata\), but --data is synthetic[\s\S]*Pass --data mnist, or --any-data/);
    const zero = join(dir, 'zero');
    const z = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 10, seed: 1 });
    const zeros = z.getWeights().map((w) => tf.zerosLike(w));
    z.setWeights(zeros);
    tf.dispose(zeros);
    await saveModel(z, zero);
    z.dispose();
    const r = await runCli(['slice', '--model', zero, '--data', 'synthetic', '--all-samples']);
    assertCleanError(r, /is degenerate: it predicts class "class0" for all \d+ samples/);
    assert.doesNotMatch(r.out, /CR/);
  });
});
