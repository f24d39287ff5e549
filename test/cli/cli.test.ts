import { strict as assert } from 'node:assert';
import { mkdtemp, mkdir, readFile, rm, writeFile, truncate, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend/index.js';
import { buildModel, saveModel } from '../../src/engine/models/index.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);

/** An IDX ubyte file: magic, dims, data. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

function assertCleanError(r: { code: number; err: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code 2 expected, got ${r.code}; stderr: ${r.err}`);
  assert.match(r.err, pattern);
  assert.doesNotMatch(r.err, /\n\s+at .+:\d+:\d+/, `no stack trace expected: ${r.err}`);
}

describe('cli', function () {
  let dir: string;
  let mnistModel: string;
  let tinyModel: string;

  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    dir = await mkdtemp(join(tmpdir(), 'semslice-cli-'));
    mnistModel = join(dir, 'lenet5');
    tinyModel = join(dir, 'mlp-8x8');
    const m1 = buildModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    await saveModel(m1, mnistModel);
    m1.dispose();
    const m2 = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 10, seed: 1 });
    await saveModel(m2, tinyModel);
    m2.dispose();
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('--help lists every command, and each command has --help', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['train', 'slice', 'info', 'data']) assert.match(r.out, new RegExp(`\\b${c}\\b`));
    for (const c of [['train'], ['slice'], ['info'], ['data', 'list']]) {
      const h = await runCli([...c, '--help']);
      assert.equal(h.code, 0, c.join(' '));
      assert.match(h.out, /Usage: semslice/);
    }
  });

  it('unknown model and dataset names: one clear line, exit 2', async () => {
    assertCleanError(await runCli(['train', '--model', 'lenet', '--out', join(dir, 'x')]), /Unknown model "lenet". Did you mean "lenet5"\?/);
    assertCleanError(await runCli(['train', '--model', 'mlp', '--data', 'mnsit', '--out', join(dir, 'y')]), /Unknown dataset "mnsit"/);
  });

  it('a bad option value is a usage error (exit 2)', async () => {
    const r = await runCli(['train', '--model', 'mlp', '--epochs', 'two', '--out', join(dir, 'z')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--epochs takes an integer/);
  });

  it('info prints layers, sites and parameter count', async () => {
    const r = await runCli(['info', mnistModel]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /109,386 parameters/);
    assert.match(r.out, /fc1\s+dense\s+128/);
    assert.match(r.out, /fc2\s+dense\s+64/);
    assert.doesNotMatch(r.out, /logits\s+dense/);
  });

  it('corrupt model.json and truncated weights: clear errors naming the file', async () => {
    const bad = join(dir, 'bad-json');
    await mkdir(bad);
    await writeFile(join(bad, 'model.json'), '{"modelTopology": ');
    assertCleanError(await runCli(['info', bad]), /model\.json/);
    const cut = join(dir, 'cut');
    await mkdir(cut);
    for (const f of await readdir(mnistModel)) await writeFile(join(cut, f), await readFile(join(mnistModel, f)));
    await truncate(join(cut, 'weights.bin'), 1000);
    assertCleanError(await runCli(['info', cut]), /weights/i);
    assertCleanError(await runCli(['info', join(dir, 'missing')]), /missing/);
  });

  it('data that does not fit the model: clear error', async () => {
    assertCleanError(await runCli(['slice', '--model', tinyModel, '--data', 'mnist', '--limit', '50']), /shape/i);
  });

  it('labels out of range in a dataset: clear error', async () => {
    const data = join(dir, 'fmnist');
    await mkdir(data);
    const n = 20;
    const labels = new Uint8Array(n).map((_, i) => (i === 7 ? 12 : i % 10));
    const images = new Uint8Array(n * 784).fill(3);
    await writeFile(join(data, 'train-images-idx3-ubyte.gz'), gzipSync(idx([n, 28, 28], images)));
    await writeFile(join(data, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([n], labels)));
    await writeFile(join(data, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([n, 28, 28], images)));
    await writeFile(join(data, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx([n], labels)));
    const r = await runCli(['slice', '--model', mnistModel, '--data', 'fashion-mnist'], { SEMSLICE_DATA_DIR: data });
    assertCleanError(r, /label/i);
    assert.match(r.err, /12/);
  });

  it('never overwrites an existing output folder without --force', async () => {
    const out = join(dir, 'existing');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'mine');
    assertCleanError(await runCli(['train', '--model', 'mlp', '--data', 'synthetic', '--out', out]), /already holds files semslice did not write \(keep\.txt\)/);
    assert.equal(await readFile(join(out, 'keep.txt'), 'utf8'), 'mine');
  });

  it('train then slice on synthetic data writes a model and a slice, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const out = join(dir, 'trained');
    const t = await runCli(['train', '--model', 'mlp', '--data', 'synthetic', '--epochs', '10', '--lr', '0.003', '--out', out, '--backend', 'cpu']);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /test accuracy/);
    const sliceFile = join(dir, 's.json');
    const s = await runCli(['slice', '--model', out, '--data', 'synthetic', '--theta', '0.9', '--evaluate', '--out', sliceFile, '--backend', 'cpu']);
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, /fc1\s+dense\s+128\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+/);
    assert.match(s.out, /semantic component/);
    assert.match(s.out, /CR \d+\.\d%/);
    const json = JSON.parse(await readFile(sliceFile, 'utf8'));
    assert.equal(json.format, 'semslice.slice');
    assertCleanError(await runCli(['slice', '--model', out, '--data', 'synthetic', '--theta', '1.5', '--backend', 'cpu']), /theta/);
    assert.equal(tf.memory().numTensors, before);
  });

  it('the installed launcher runs the built CLI (bin/semslice.js)', async function () {
    const { stdout } = await run(process.execPath, ['bin/semslice.js', '--help']).catch((e) => {
      if (/not built/.test(String(e.stderr))) this.skip();
      throw e;
    });
    assert.match(stdout, /Usage: semslice/);
  });
});

describe('cli report and run', function () {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'semslice-cli-report-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('report writes one HTML file from a notebook; bad notebooks are clear errors and write nothing', async () => {
    const nb = join(dir, 'nb.ipynb');
    await writeFile(nb, JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: {},
      cells: [{ cell_type: 'markdown', id: 'a', metadata: {}, source: ['# Hello report'] },
        { cell_type: 'code', id: 'b', metadata: {}, source: ['1+1'], outputs: [{ output_type: 'stream', name: 'stdout', text: ['2\n'] }], execution_count: null }],
    }));
    const out = join(dir, 'nb.html');
    const r = await runCli(['report', nb, '-o', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(await readFile(out, 'utf8'), /Hello report/);
    const bad = join(dir, 'bad.ipynb');
    await writeFile(bad, 'not json at all');
    const badOut = join(dir, 'bad.html');
    assertCleanError(await runCli(['report', bad, '-o', badOut]), /JSON/);
    await assert.rejects(readFile(badOut), /ENOENT/);
    assertCleanError(await runCli(['report', nb, '-o', nb]), /input/);
  });

  it('run rejects an unknown parameter name before starting Jupyter', async function () {
    const r = await runCli(['run', 'notebooks/01-slicing-fidelity.ipynb', '--param', 'thetta=0.9', '--out', join(dir, 'x.ipynb')]);
    if (/Install Jupyter/.test(r.err)) this.skip();
    assertCleanError(r, /thetta/);
  });
});
