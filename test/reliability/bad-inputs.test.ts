/**
 * Reliability: bad inputs through the CLI and the API (issue 10). Each answer: exit code 2 (or a SemsliceError with
 * code and hint), one message naming the problem and the fix in the caller's terms, no stack trace, and the working
 * folder byte-for-byte as it was. See harness.ts.
 */
import { strict as assert } from 'node:assert';
import { chmod, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ss from '../../src/index.js';
import { initBackend } from '../../src/engine/backend/index.js';
import { fromArrays } from '../../src/engine/data/index.js';
import { runCli } from '../cli/run-cli.js';
import { inCliTerms } from '../../src/cli/errors.js';
import { alt, opt, say, renderText, API_RENDERER } from '../../src/engine/messages/text.js';
import { expectApiRefusal, expectCliRefusal, type ApiCase, type CliCase } from './harness.js';

describe('reliability: bad inputs through the CLI and the API', function () {
  this.timeout(300_000);
  let work = '';
  const p = (...parts: string[]): string => join(work, ...parts);

  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    work = await mkdtemp(join(tmpdir(), 'semslice-reliability-'));
    const t = await runCli(['train', '--model', 'mlp', '--data', 'synthetic', '--epochs', '10', '--lr', '0.003', '--out', p('model'), '--backend', 'cpu']);
    assert.equal(t.code, 0, t.err);
    await mkdir(p('corrupt'));
    await writeFile(p('corrupt', 'model.json'), '{"modelTopology": ');
    await mkdir(p('cut'));
    for (const f of ['model.json', 'weights.bin']) await writeFile(p('cut', f), await readFile(p('model', f)));
    await truncate(p('cut', 'weights.bin'), 1000);
    const zero = ss.models.build('mlp', { inputShape: [8, 8, 1], numClasses: 10, seed: 1 });
    const zeros = zero.getWeights().map((w) => tf.zerosLike(w));
    zero.setWeights(zeros);
    tf.dispose(zeros);
    await ss.models.save(zero, p('zero'));
    zero.dispose();
    const m = await ss.models.load(p('model'));
    await ss.models.save(m, p('said-mnist'), { metadata: { data: 'mnist' } });
    m.dispose();
    await mkdir(p('thesis', 'sub'), { recursive: true });
    await writeFile(p('thesis', 'thesis.txt'), 'chapter 1');
    await writeFile(p('thesis', 'sub', 'data.csv'), 'a,b\n');
    await chmod(p('thesis'), 0o755);
    await mkdir(p('reshaped'));
    await writeFile(p('reshaped', 'model.json'), (await readFile(p('model', 'model.json'), 'utf8')).replace(/\[null,8,8,1\]/g, '[null,28,28,1]'));
    await writeFile(p('reshaped', 'weights.bin'), await readFile(p('model', 'weights.bin')));
    await writeFile(p('notes.txt'), 'my notes');
    await writeFile(p('mine.html'), '<p>my page</p>');
    await writeFile(p('other.json'), '{"mine": true}');
    await writeFile(p('nb.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', id: 'a', metadata: {}, source: ['# Hi'] }] }));
    await writeFile(p('bad.ipynb'), 'not json at all');
    const slice = await ss.slice(await ss.models.load(p('model')), (await ss.data.synthetic()).train, { theta: 0.9 });
    const json = slice.toJSON() as unknown as Record<string, unknown>;
    await writeFile(p('old-version.slice.json'), JSON.stringify({ ...json, version: 99 }));
    await writeFile(p('bad-field.slice.json'), JSON.stringify({ ...json, params: { ...(json['params'] as object), theta: 'high' } }));
  });
  after(async () => { if (work) await rm(work, { recursive: true, force: true }); });

  const SLICE = (...extra: string[]): string[] => ['slice', '--model', p('model'), '--data', 'synthetic', '--backend', 'cpu', ...extra];
  const TRAIN = (...extra: string[]): string[] => ['train', '--model', 'mlp', '--data', 'synthetic', '--backend', 'cpu', '--out', p('new-model'), ...extra];

  const cli: Array<() => CliCase> = [
    () => ({ name: 'unknown command', args: ['trian'], problem: /unknown command 'trian'/, fix: /Did you mean train|--help/ }),
    () => ({ name: 'unknown model', args: ['train', '--model', 'lenet', '--out', p('x')], problem: /Unknown model "lenet"/, fix: /lenet5/ }),
    () => ({ name: 'unknown dataset', args: TRAIN('--data', 'mnsit'), problem: /Unknown dataset "mnsit"/, fix: /mnist/ }),
    () => ({ name: '--epochs not a number', args: TRAIN('--epochs', 'two'), problem: /--epochs/, fix: /integer >= 1/ }),
    () => ({ name: '--epochs 0', args: TRAIN('--epochs', '0'), problem: /--epochs/, fix: /integer >= 1/ }),
    () => ({ name: '--workers 0', args: TRAIN('--workers', '0'), problem: /--workers/, fix: /positive integer or "auto"/ }),
    () => ({ name: '--lr negative', args: TRAIN('--lr', '-1'), problem: /--lr/, fix: /positive number/ }),
    () => ({ name: '--lr 0', args: TRAIN('--lr', '0'), problem: /--lr/, fix: /positive number/ }),
    () => ({ name: '--batch-size 0', args: TRAIN('--batch-size', '0'), problem: /--batch-size/, fix: /integer >= 1/ }),
    () => ({ name: '--seed -1', args: TRAIN('--seed', '-1'), problem: /--seed/, fix: /integer >= 0/ }),
    () => ({ name: '--limit 1.5', args: TRAIN('--limit', '1.5'), problem: /--limit/, fix: /integer/ }),
    () => ({ name: 'train --force into a folder with the user\'s files', args: ['train', '--model', 'mlp', '--data', 'synthetic', '--out', p('thesis'), '--force'],
      problem: /semslice did not write \(sub\/, thesis\.txt\)/, fix: /another --out/ }),
    () => ({ name: 'train --out an existing file', args: ['train', '--model', 'mlp', '--data', 'synthetic', '--out', p('notes.txt'), '--force'],
      problem: /is a file; a model is saved as a folder/, fix: /another --out/ }),
    () => ({ name: 'train --out a saved model without --force', args: ['train', '--model', 'mlp', '--data', 'synthetic', '--out', p('model')],
      problem: /already holds a saved model/, fix: /--force/ }),
    () => ({ name: 'train --out under /proc', args: ['train', '--model', 'mlp', '--data', 'synthetic', '--out', '/proc/semslice-x/model'],
      problem: /Cannot write/, fix: /another --out/ }),
    () => ({ name: 'train --out under a file', args: ['train', '--model', 'mlp', '--data', 'synthetic', '--out', p('notes.txt', 'model')],
      problem: /is a file, not a folder/, fix: /another --out/ }),
    () => ({ name: 'bad SEMSLICE_BACKEND', args: ['train', '--model', 'mlp', '--data', 'synthetic', '--out', p('new-model')], env: { SEMSLICE_BACKEND: 'bogus' }, problem: /SEMSLICE_BACKEND is "bogus"/, fix: /--backend/ }),
    () => ({ name: 'bad --backend', args: ['info', p('model'), '--backend', 'wsam'], problem: /--backend takes one of/, fix: /Did you mean "wasm"/ }),
    () => ({ name: 'missing model folder', args: ['info', p('nope')], problem: /No model at .*nope/, fix: /folder that holds model\.json/ }),
    () => ({ name: 'a text file as the model', args: ['info', p('notes.txt')], problem: /not valid JSON/, fix: /Re-save the model/ }),
    () => ({ name: 'corrupt model.json', args: SLICE().map((a) => (a === p('model') ? p('corrupt') : a)), problem: /model\.json is not valid JSON/, fix: /Re-save/ }),
    () => ({ name: 'input shape edited in model.json', args: ['info', p('reshaped')], problem: /weights do not fit its layers \(Shape mismatch/, fix: /input shape or a layer size in model\.json does not match weights\.bin/ }),
    () => ({ name: 'truncated weights', args: ['info', p('cut')], problem: /Weights truncated/, fix: /copy it again or re-save/ }),
    () => ({ name: 'data that does not fit the model', args: SLICE().map((a) => (a === 'synthetic' ? 'mnist' : a)).concat(['--limit', '50', '--any-data']),
      problem: /shape \[28, 28, 1\] but the model expects input \[null,8,8,1\]|shape \[28, 28, 1\]/, fix: /dataset that matches the model|reshape/ }),
    () => ({ name: '--split validation', args: SLICE('--split', 'validation'), problem: /--split takes one of train, test, got "validation"/, fix: /train, test/ }),
    () => ({ name: '--split tset', args: SLICE('--split', 'tset'), problem: /--split/, fix: /Did you mean "test"/ }),
    () => ({ name: '--k with the semantic method', args: SLICE('--k', '50'), problem: /--k 50 has no effect with --method semantic/, fix: /--theta/ }),
    () => ({ name: '--theta with a top-k method', args: SLICE('--method', 'global-topk', '--k', '50', '--theta', '0.9'), problem: /--theta 0.9 has no effect/, fix: /--k/ }),
    () => ({ name: 'top-k without --k', args: SLICE('--method', 'category-topk'), problem: /needs --k/, fix: /--k 50/ }),
    () => ({ name: 'unknown method', args: SLICE('--method', 'topk'), problem: /--method takes one of .*got "topk"/, fix: /global-topk|category-topk/ }),
    () => ({ name: 'unknown metric', args: SLICE('--metric', 'tayler'), problem: /--metric takes one of .*got "tayler"/, fix: /Did you mean "taylor"/ }),
    () => ({ name: '--theta 1.5', args: SLICE('--theta', '1.5'), problem: /theta/, fix: /\(0, 1\]|--theta/ }),
    () => ({ name: '--theta 0', args: SLICE('--theta', '0'), problem: /theta/, fix: /\(0, 1\]|--theta/ }),
    () => ({ name: '--theta abc', args: SLICE('--theta', 'abc'), problem: /--theta takes a number/, fix: /number/ }),
    () => ({ name: '--limit 0', args: SLICE('--limit', '0'), problem: /--limit/, fix: /integer >= 1/ }),
    () => ({ name: '--max-per-class 0', args: SLICE('--max-per-class', '0'), problem: /--max-per-class/, fix: /integer >= 1/ }),
    () => ({ name: 'classes missing from the profiled data', args: SLICE('--limit', '5'), problem: /has no samples at all in dataset synthetic\/train \(limited to 5\)/, fix: /Raise --limit/ }),
    () => ({ name: 'slice --out another program\'s file', args: SLICE('--out', p('other.json'), '--force'), problem: /other\.json already exists and is not a file semslice wrote/, fix: /another --out/ }),
    () => ({ name: 'slice --out an existing file', args: SLICE('--out', p('other.json')), problem: /already exists and is not a file semslice wrote/, fix: /another --out/ }),
    () => ({ name: 'slice --out a folder', args: SLICE('--out', p('thesis')), problem: /is a folder; the slice file is one file/, fix: /another --out/ }),
    () => ({ name: 'slice --out under /proc', args: SLICE('--out', '/proc/semslice-x.json'), problem: /Cannot write/, fix: /another --out/ }),
    () => ({ name: 'model trained on other data', args: SLICE().map((a) => (a === p('model') ? p('said-mnist') : a)), problem: /trained on mnist .* but --data is synthetic/, fix: /--data mnist, or --any-data/ }),
    () => ({ name: 'degenerate (all-zero) model', args: SLICE('--all-samples').map((a) => (a === p('model') ? p('zero') : a)), problem: /is degenerate/, fix: /semslice info|semslice train/ }),
    () => ({ name: 'report of a missing notebook', args: ['report', p('missing.ipynb'), '-o', p('r.html')], problem: /No notebook at .*missing\.ipynb/, fix: /an \.ipynb file/ }),
    () => ({ name: 'report of a non-JSON notebook', args: ['report', p('bad.ipynb'), '-o', p('r.html')], problem: /JSON/, fix: /./ }),
    () => ({ name: 'report -o an existing file', args: ['report', p('nb.ipynb'), '-o', p('mine.html')], problem: /already exists and is not a file semslice wrote/, fix: /another --out/ }),
    () => ({ name: 'report -o --force over another file', args: ['report', p('nb.ipynb'), '-o', p('mine.html'), '--force'], problem: /not a file semslice wrote/, fix: /another --out/ }),
    () => ({ name: 'report -o its input', args: ['report', p('nb.ipynb'), '-o', p('nb.ipynb'), '--force'], problem: /is the input file/, fix: /another --out/ }),
    () => ({ name: 'report with an unknown template', args: ['report', p('nb.ipynb'), '-o', p('r.html'), '--template', 'nosuch'], problem: /nosuch/, fix: /default/ }),
    () => ({ name: 'run a missing notebook', args: ['run', p('missing.ipynb'), '--out', p('o.ipynb')], problem: /missing\.ipynb/, fix: /./ }),
    () => ({ name: 'run --param without =', args: ['run', p('nb.ipynb'), '--param', 'theta', '--out', p('o.ipynb')], problem: /--param takes name=value/, fix: /name=value/ }),
    () => ({ name: 'run --param outside the range the notebook declares', args: ['run', 'notebooks/01-slicing-fidelity.ipynb', '--param', 'theta=1.5', '--out', p('o.ipynb')],
      problem: /theta=1\.5 is outside its range \(0, 1\]/, fix: /--param theta=X with X in \(0, 1\]/ }),
    () => ({ name: 'demo --epochs 0', args: ['demo', '--epochs', '0'], problem: /--epochs/, fix: /integer >= 1/ }),
  ];

  for (const [i, make] of cli.entries()) {
    it(`CLI ${i + 1}`, async function () {
      const c = make();
      this.test!.title = `CLI: ${c.name}`;
      await expectCliRefusal(c, work);
    });
  }

  const data = () => ss.data.synthetic({ classes: 10, perClass: 20, seed: 1 });
  const api: Array<() => ApiCase> = [
    () => ({ name: 'models.build of an unknown model', run: async () => ss.models.build('lenet', { inputShape: [28, 28, 1], numClasses: 10 }), code: 'UNKNOWN_MODEL', problem: /"lenet"/, fix: /lenet5/ }),
    () => ({ name: 'models.load of a missing folder', run: () => ss.models.load(p('nope')), code: 'MODEL_NOT_FOUND', problem: /nope/, fix: /model\.json/ }),
    () => ({ name: 'models.load of a corrupt model.json', run: () => ss.models.load(p('corrupt')), code: 'BAD_MODEL_JSON', problem: /not valid JSON/, fix: /Re-save/ }),
    () => ({ name: 'models.load of a model whose input shape was edited', run: () => ss.models.load(p('reshaped')), code: 'BAD_MODEL', problem: /weights do not fit its layers/, fix: /input shape/ }),
    () => ({ name: 'models.load of truncated weights', run: () => ss.models.load(p('cut')), code: 'TRUNCATED_WEIGHTS', problem: /truncated/, fix: /re-save/ }),
    () => ({ name: 'models.save with force into a folder of the user\'s files', run: async () => {
      const m = ss.models.build('mlp', { inputShape: [8, 8, 1], numClasses: 10 });
      try { await ss.models.save(m, p('thesis'), { force: true }); } finally { m.dispose(); }
    }, code: 'OUTPUT_NOT_OURS', problem: /thesis\.txt/, fix: /\{ force: true \} replaces only/ }),
    () => ({ name: 'models.save into a file', run: async () => {
      const m = ss.models.build('mlp', { inputShape: [8, 8, 1], numClasses: 10 });
      try { await ss.models.save(m, p('notes.txt'), { force: true }); } finally { m.dispose(); }
    }, code: 'OUTPUT_NOT_DIR', problem: /is a file/, fix: /another path/ }),
    () => ({ name: 'models.save under /proc', run: async () => {
      const m = ss.models.build('mlp', { inputShape: [8, 8, 1], numClasses: 10 });
      try { await ss.models.save(m, '/proc/semslice-x/model'); } finally { m.dispose(); }
    }, code: 'OUTPUT_NOT_WRITABLE', problem: /Cannot write/, fix: /another path/ }),
    () => ({ name: 'data.load of an unknown dataset', run: () => ss.data.loadDataset('mnsit'), code: 'UNKNOWN_DATASET', problem: /"mnsit"/, fix: /mnist/ }),
    () => ({ name: 'initBackend with a bad name', run: () => ss.initBackend({ backend: 'bogus' as 'auto' }), code: 'BACKEND_UNKNOWN', problem: /"bogus"/, fix: /auto, tensorflow, webgpu, wasm, cpu/ }),
    () => ({ name: 'slice with theta 1.5', run: async () => ss.slice(await ss.models.load(p('model')), (await data()).train, { theta: 1.5 }), code: 'BAD_THETA', problem: /1\.5/, fix: /theta/ }),
    () => ({ name: 'slice with an unknown metric', run: async () => ss.slice(await ss.models.load(p('model')), (await data()).train, { metric: 'tayler' }), code: 'UNKNOWN_METRIC', problem: /"tayler"/, fix: /taylor/ }),
    () => ({ name: 'slice of data missing classes', run: async () => ss.slice(await ss.models.load(p('model')), (await data()).train.take(5)), code: 'NO_SAMPLES', problem: /has no samples at all/, fix: /perClassCap/ }),
    () => ({ name: 'train with a negative learning rate', run: async () => {
      const m = ss.models.build('mlp', { inputShape: [8, 8, 1], numClasses: 10 });
      try { await ss.train(m, (await data()).train, { learningRate: -1 }); } finally { m.dispose(); }
    }, code: 'BAD_TRAIN_OPTIONS', problem: /learningRate/, fix: /learningRate/ }),
    () => ({ name: 'train on data that does not fit the model', run: async () => {
      const m = ss.models.build('mlp', { inputShape: [28, 28, 1], numClasses: 10 });
      try { await ss.train(m, (await data()).train); } finally { m.dispose(); }
    }, code: 'DATA_SHAPE_MISMATCH', problem: /\[8, 8, 1\]/, fix: /model/ }),
    () => ({ name: 'a label of 2.5', run: async () => fromArrays({ name: 'mine', split: 'train', images: new Uint8Array(4 * 4), labels: [0, 1, 2.5, 1], sampleShape: [2, 2, 1], classNames: ['a', 'b', 'c'] }),
      code: 'LABEL_NOT_INTEGER', problem: /2\.5, not an integer/, fix: /whole numbers 0\.\.2/ }),
    () => ({ name: 'a slice file from a newer version', run: () => ss.Slice.load(p('old-version.slice.json')), code: 'UNSUPPORTED_SLICE_VERSION', problem: /99/, fix: /./ }),
  ];

  for (const [i, make] of api.entries()) {
    it(`API ${i + 1}`, async function () {
      const c = make();
      this.test!.title = `API: ${c.name}`;
      await expectApiRefusal(c, work);
    });
  }

  it('option terms are said as flags at the CLI, and in words where the command has no such flag', () => {
    assert.equal(inCliTerms(say`Profile more data of that class, or with ${opt('onlyCorrect', false, 'every sample profiled')}.`),
      'Profile more data of that class, or with --all-samples.');
    assert.equal(inCliTerms(say`Pass e.g. ${opt('learningRate', 1e-3)}.`), 'Pass e.g. --lr 0.001.');
    assert.equal(inCliTerms(say`Pass ${opt('force', true)} to replace it.`), 'Pass --force to replace it.');
    assert.equal(inCliTerms(say`Pass ${opt('theta', 0.95)} or ${opt('backend', 'wasm')}.`), 'Pass --theta 0.95 or --backend wasm.');
    assert.equal(inCliTerms(say`Run ${opt('shard', { index: 1, count: 4 })}.`), 'Run --shard 1/4.');
    assert.equal(inCliTerms(say`Slice it (${alt('slice(model, data)', 'semslice slice --out FILE')}).`), 'Slice it (semslice slice --out FILE).');
    // A command without the flag: the hint says it in words, never naming a flag the command lacks.
    const restructureFlags = new Set(['--model', '--data', '--out', '--force', '--lr']);
    assert.equal(inCliTerms(say`or with ${opt('onlyCorrect', false, 'every sample profiled')}.`, restructureFlags), 'or with every sample profiled.');
    assert.equal(inCliTerms(say`Pass e.g. ${opt('learningRate', 1e-4)}.`, restructureFlags), 'Pass e.g. --lr 0.0001.');
    assert.equal(inCliTerms(say`raise ${opt('maxPerClass', 200)}.`, restructureFlags), 'raise max per class 200.');
    // The API's wording of the same texts.
    assert.equal(renderText(say`Pass e.g. ${opt('learningRate', 1e-3)} or ${opt('backend', 'wasm')}.`, API_RENDERER), 'Pass e.g. { learningRate: 0.001 } or { backend: "wasm" }.');
  });

  it('covers at least 40 bad inputs', () => {
    assert.ok(cli.length + api.length >= 40, `${cli.length + api.length}`);
  });
});
