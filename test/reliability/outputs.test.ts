/**
 * Reliability: nothing a user owns is ever lost, and what semslice wrote can be replaced (issue 20). Every command
 * that writes follows one output rule (an existing output needs --force, --force replaces only what semslice wrote,
 * links are resolved, the hint offered works); one slice-vs-model rule; flags and notebook parameters checked before
 * any work; the library names the true cause. Each refusal keeps the harness's invariants (exit 2 or a
 * SemsliceError with code and hint, one message naming problem and fix in the caller's terms, no stack, every file of
 * the working folder byte for byte, mode for mode and link for link as it was); each success changes only its output.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ss from '../../src/index.js';
import { initBackend } from '../../src/engine/backend/index.js';
import { fromArrays } from '../../src/engine/data/index.js';
import { executeNotebook, findJupyter } from '../../src/notebook/execute.js';
import { runStudy } from '../../src/engine/studies/index.js';
import { toyStudy } from '../engine/studies/fixtures/toy-study.js';
import { runCli } from '../cli/run-cli.js';
import { expectApiRefusal, expectCliRefusal, expectCliSuccess, leftovers, snapshot, type ApiCase, type CliCase } from './harness.js';

const MD_NOTEBOOK = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', id: 'a', metadata: {}, source: ['# Hi'] }] });

describe('reliability: outputs, slices and checks before work (issue 20)', function () {
  this.timeout(300_000);
  let work = '';
  let jupyter = false;
  const p = (...parts: string[]): string => join(work, ...parts);
  const COMMON = ['--data', 'synthetic', '--backend', 'cpu'];
  const RESTRUCTURE = (out: string, ...extra: string[]): string[] => ['restructure', '--model', p('model'), ...COMMON, '--pruner', 'global', '--target-cr', '0.5',
    '--max-drop', '0.5', '--steps', '2', '--max-iterations', '2', '--theta', '0.8', '--out', out, ...extra];
  const READAPT = (out: string, ...extra: string[]): string[] => ['readapt', '--model', p('model'), ...COMMON, '--workload', 'fgsm', '--count', '20', '--epochs', '1',
    '--theta', '0.8', '--out', out, ...extra];
  const EXTEND = (out: string, ...extra: string[]): string[] => ['extend', '--model', p('model'), ...COMMON, '--old', '0-4', '--new', '5-9', '--epochs', '1',
    '--limit', '100', '--out', out, ...extra];
  const marker = async (dir: string): Promise<{ writer: string; files: string[] }> => JSON.parse(await readFile(join(dir, '.semslice-output.json'), 'utf8'));

  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    work = await mkdtemp(join(tmpdir(), 'semslice-outputs-'));
    for (const [name, seed] of [['model', '1'], ['other-model', '2']] as const) {
      const t = await runCli(['train', '--model', 'mlp', '--data', 'synthetic', '--epochs', '10', '--lr', '0.003', '--seed', seed, '--out', p(name), '--backend', 'cpu']);
      assert.equal(t.code, 0, t.err);
    }
    assert.equal((await runCli(['slice', '--model', p('other-model'), ...COMMON, '--theta', '0.8', '--out', p('other.slice.json')])).code, 0);
    assert.equal((await runCli(['slice', '--model', p('model'), ...COMMON, '--theta', '0.8', '--out', p('mine.slice.json')])).code, 0);
    await writeFile(p('notes.txt'), 'my notes');
    await writeFile(p('mine.html'), '<p>my page</p>');
    await writeFile(p('nb.ipynb'), MD_NOTEBOOK);
    await symlink(p('nb.ipynb'), p('link-to-nb.ipynb'));
    await symlink(p('nb.ipynb'), p('link-to-nb.html'));
    await symlink(p('missing-target.html'), p('dangling.html'));
    await mkdir(p('thesis', 'sub'), { recursive: true });
    await writeFile(p('thesis', 'thesis.txt'), 'chapter 1');
    await writeFile(p('thesis', 'sub', 'data.csv'), 'a,b\n');
    // An all-zero model saved outside semslice: no weights fingerprint, no metadata.
    const zero = ss.models.build('mlp', { inputShape: [8, 8, 1], numClasses: 10, seed: 1 });
    const zeros = zero.getWeights().map((w) => tf.zerosLike(w));
    zero.setWeights(zeros);
    tf.dispose(zeros);
    await mkdir(p('zero-foreign'));
    await zero.save(tf.io.withSaveHandler(async (a) => {
      await writeFile(p('zero-foreign', 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      await writeFile(p('zero-foreign', 'weights.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!)));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    zero.dispose();
    try {
      await findJupyter();
      jupyter = existsSync('dist/index.js');
    } catch {
      jupyter = false;
    }
  });
  after(async () => { if (work) await rm(work, { recursive: true, force: true }); });

  const refuse = (c: CliCase) => expectCliRefusal(c, work);
  const needsJupyter = (ctx: Mocha.Context) => {
    if (!jupyter) {
      console.log('    skipped: Jupyter with the tslab kernel is not here (bash scripts/setup-jupyter.sh)');
      ctx.skip();
    }
  };

  describe('the issue\'s cases', () => {
    it('run --out a file of the user\'s (notes.txt) is refused before Jupyter starts, with or without --force', async () => {
      // PATH without jupyter: a check that ran after Jupyter started would report Jupyter missing instead.
      for (const force of [[], ['--force']]) {
        await refuse({ name: 'run --out notes.txt', args: ['run', p('nb.ipynb'), '--out', p('notes.txt'), ...force], env: { PATH: '/nonexistent' },
          problem: /notes\.txt already exists and is not a file semslice wrote; it is left as it is/, fix: /Choose another --out/ });
      }
      assert.equal(await readFile(p('notes.txt'), 'utf8'), 'my notes');
    });

    it('run --out a link to the input notebook is refused as the input (the link stays a link)', async () => {
      await refuse({ name: 'run --out link', args: ['run', p('nb.ipynb'), '--out', p('link-to-nb.ipynb'), '--force'], env: { PATH: '/nonexistent' },
        problem: /link-to-nb\.ipynb is the input file .*nb\.ipynb \(.*link-to-nb\.ipynb is a link to .*nb\.ipynb\)/, fix: /Choose another --out outside the inputs/ });
      assert.ok((await lstat(p('link-to-nb.ipynb'))).isSymbolicLink());
    });

    it('run gains --force: its own earlier output is refused without it (hint: --force) and replaced with it', async function () {
      needsJupyter(this);
      const out = p('run-out.ipynb');
      await expectCliSuccess(['run', p('nb.ipynb'), '--out', out], work, [out]);
      await refuse({ name: 'run over its own output', args: ['run', p('nb.ipynb'), '--out', out], problem: /run-out\.ipynb already holds a notebook semslice wrote/, fix: /Pass --force to replace it/ });
      await expectCliSuccess(['run', p('nb.ipynb'), '--out', out, '--force'], work, [out]);
      assert.equal(JSON.parse(await readFile(out, 'utf8')).metadata.semslice.writtenBy, 'semslice run');
    });

    for (const [cmd, make, table] of [['restructure', RESTRUCTURE, 'iterations.csv'], ['readapt', READAPT, 'epochs.csv'], ['extend', EXTEND, 'result.json']] as const) {
      it(`${cmd} --out its own earlier output: refused without --force with a true message, replaced with --force (the hint works)`, async () => {
        const out = p(`${cmd}-own`);
        await expectCliSuccess(make(out), work, [out]);
        assert.equal((await marker(out)).writer, cmd);
        await refuse({ name: `${cmd} again`, args: make(out), problem: new RegExp(`${cmd}-own already holds the output of semslice ${cmd} \\((?=[^)]*${table.replace('.', '\\.')})(?=[^)]*model/)`), fix: /Pass --force to replace it, or choose another --out/ });
        const r = await runCli(make(out));
        assert.doesNotMatch(r.err, /did not write/, 'the refusal does not call semslice\'s own files foreign');
        await expectCliSuccess(make(out, '--force'), work, [out]);
        assert.ok(existsSync(join(out, 'model', 'model.json')) && existsSync(join(out, table)));
        assert.deepEqual(await leftovers(work), [], 'no temporary folder left');
      });
    }

    it('report -o an existing file that is not a report: the hint never offers --force, and following it works', async () => {
      await refuse({ name: 'report -o mine.html', args: ['report', p('nb.ipynb'), '-o', p('mine.html')], problem: /mine\.html already exists and is not a file semslice wrote/, fix: /Choose another --out/ });
      const r = await runCli(['report', p('nb.ipynb'), '-o', p('mine.html')]);
      assert.doesNotMatch(r.err, /Pass --force/, 'the hint must agree with the rule: --force never replaces a user\'s file');
      await refuse({ name: 'report -o mine.html --force', args: ['report', p('nb.ipynb'), '-o', p('mine.html'), '--force'], problem: /not a file semslice wrote/, fix: /Choose another --out/ });
      await expectCliSuccess(['report', p('nb.ipynb'), '-o', p('another.html')], work, [p('another.html')]);
      assert.equal(await readFile(p('mine.html'), 'utf8'), '<p>my page</p>');
    });

    it('report -o a link to the input notebook is recognised as the input', async () => {
      await refuse({ name: 'report -o link to input', args: ['report', p('nb.ipynb'), '-o', p('link-to-nb.html'), '--force'],
        problem: /link-to-nb\.html is the input file .*nb\.ipynb \(.*is a link to/, fix: /Choose another --out outside the inputs/ });
    });

    for (const [cmd, make] of [['readapt', READAPT], ['extend', EXTEND], ['restructure', RESTRUCTURE]] as const) {
      it(`${cmd} --slice of another model (same layers) is refused before any work, naming both fingerprints and --allow-foreign-slice`, async () => {
        const theirs = JSON.parse(await readFile(p('other.slice.json'), 'utf8')).fingerprints.model as string;
        const mine = ss.models.modelFingerprint(await ss.models.load(p('model')));
        const c: CliCase = { name: `${cmd} --slice other`, args: make(p(`${cmd}-foreign`), '--slice', p('other.slice.json')),
          problem: new RegExp(`fingerprint ${theirs}.*fingerprint ${mine}`), fix: /--allow-foreign-slice/ };
        await refuse(c);
        const r = await runCli(c.args);
        assert.doesNotMatch(r.err, /^(epoch|iteration|learning|fgsm|slicing)/m, 'refused before any work');
      });
    }

    it('--allow-foreign-slice, the documented override, uses the slice and the manifest records its origin', async () => {
      const out = p('readapt-foreign-ok');
      await expectCliSuccess(READAPT(out, '--slice', p('other.slice.json'), '--allow-foreign-slice'), work, [out]);
      const m = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
      assert.equal(m.slice.origin, 'foreign');
    });

    it('restructure --protect-max-drop -1 is refused before any work, in flag syntax', async () => {
      const c: CliCase = { name: '--protect-max-drop -1', args: RESTRUCTURE(p('rs-pmd'), '--protect', '3', '--protect-max-drop', '-1'),
        problem: /--protect-max-drop takes a number in \[0, 1\], got "-1"/, fix: /\[0, 1\]/ };
      await refuse(c);
      assert.doesNotMatch((await runCli(c.args)).err, /iteration|maxDrop/);
    });

    it('run --param dataset=nosuch (a string outside its declared choices) is refused before Jupyter starts', async () => {
      await refuse({ name: '--param dataset=nosuch', args: ['run', 'notebooks/02-restructuring.ipynb', '--param', 'dataset=nosuch', '--out', p('o.ipynb')], env: { PATH: '/nonexistent' },
        problem: /dataset="nosuch" is not one of mnist, fashion-mnist/, fix: /--param dataset=X with X one of mnist, fashion-mnist/ });
    });

    it('notebook 00 with trainSamples=300 is refused up front, saying what to raise it to', async () => {
      await refuse({ name: '00 trainSamples=300', args: ['run', 'notebooks/00-quickstart.ipynb', '--param', 'trainSamples=300', '--out', p('o.ipynb')], env: { PATH: '/nonexistent' },
        problem: /trainSamples=300 is outside its integer range \[2000, 60000\]/, fix: /--param trainSamples=X with X an integer in \[2000, 60000\]/ });
    });

    it('the API: slice() of data labelled up to 12 for a 10-logit model names the labels, not an empty class', async () => {
      const model = await ss.models.load(p('model'));
      const n = 130;
      const labels = Array.from({ length: n }, (_, i) => (i % 13 === 10 ? 12 : i % 13)); // class 10 empty, labels up to 12
      const data = fromArrays({ name: 'mine', split: 'train', images: new Uint8Array(n * 64).map((_, i) => (i * 7) % 255), labels, sampleShape: [8, 8, 1],
        classNames: Array.from({ length: 13 }, (_, i) => `c${i}`) });
      const c: ApiCase = { name: 'slice of labels 0..12', run: () => ss.slice(model, data), code: 'LABEL_OUT_OF_RANGE',
        problem: /labels up to 12, outside the classes of model "mlp" \(10 logits: labels 0\.\.9\)/, fix: /labelled 0\.\.9|numClasses: 13/ };
      try {
        await expectApiRefusal(c, work);
      } finally {
        model.dispose();
      }
    });

    it('info on an all-zero model without a fingerprint says so (slice refuses it as degenerate)', async () => {
      const r = await runCli(['info', p('zero-foreign'), '--backend', 'cpu']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /every weight of the model in .*zero-foreign is zero: it predicts the same class for every input, so semslice slice refuses it as degenerate/);
      assert.match(r.out, /weights fingerprint: none recorded/);
      await refuse({ name: 'slice of the all-zero model', args: ['slice', '--model', p('zero-foreign'), ...COMMON, '--all-samples'], problem: /is degenerate/, fix: /semslice info|semslice train/ });
    });

    it('CLI hints speak flags: a missing CIFAR-10 folder names SEMSLICE_DATA_DIR, not { dir }', async () => {
      await refuse({ name: 'slice --data cifar10', args: ['slice', '--model', p('model'), '--data', 'cifar10', '--backend', 'cpu'], env: { SEMSLICE_DATA_DIR: '' },
        problem: /CIFAR-10 needs a folder/, fix: /Set SEMSLICE_DATA_DIR to the folder that holds the unpacked binary version/ });
      const list = await runCli(['data', 'list']);
      assert.doesNotMatch(list.out, /\{ ?dir ?\}|\{ ?download/);
    });

    it('the small-sample warning says --bootstrap 20 at the CLI, and --bootstrap 20 works', async () => {
      const r = await runCli(['slice', '--model', p('model'), ...COMMON, '--max-per-class', '5']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /few profiling samples .* or measure with --bootstrap 20/);
      assert.doesNotMatch(r.err, /\{ ?bootstrap/);
      const b = await runCli(['slice', '--model', p('model'), ...COMMON, '--max-per-class', '5', '--bootstrap', '20']);
      assert.equal(b.code, 0, b.err);
      assert.match(b.out, /stability over 20 bootstrap profiles/);
    });

    it('slice prints each progress line once', async () => {
      const r = await runCli(['slice', '--model', p('model'), ...COMMON]);
      assert.equal(r.code, 0, r.err);
      const lines = r.err.split('\n').filter((l) => /slice: 1\/1/.test(l));
      assert.equal(lines.length, 1, r.err);
    });
  });

  describe('the commands that write: more cases', () => {
    it('restructure --out a folder of the user\'s files is refused, with or without --force', async () => {
      for (const force of [[], ['--force']]) {
        await refuse({ name: 'restructure --out thesis', args: RESTRUCTURE(p('thesis'), ...force), problem: /thesis already holds files semslice did not write \(sub\/, thesis\.txt\)/, fix: /Choose another --out \(a new or empty folder\)/ });
      }
    });

    it('restructure --out a file says it writes a folder', async () => {
      await refuse({ name: 'restructure --out notes.txt', args: RESTRUCTURE(p('notes.txt'), '--force'), problem: /notes\.txt is a file; semslice restructure writes a folder/, fix: /never replaces a file with a folder/ });
    });

    it('restructure --out the input model folder is refused, even with --force', async () => {
      await refuse({ name: 'restructure --out its --model', args: RESTRUCTURE(p('model'), '--force'), problem: /The output .*model is the input folder/, fix: /outside the inputs/ });
    });

    it('restructure --out a folder holding its --model (an earlier output) is refused with --force', async () => {
      const out = p('rs-holds-input');
      await expectCliSuccess(RESTRUCTURE(out), work, [out]);
      const args = RESTRUCTURE(out, '--force').map((a) => (a === p('model') ? join(out, 'model') : a));
      await refuse({ name: 'restructure --out the folder of its input', args, problem: /rs-holds-input holds the input folder .*rs-holds-input\/model/, fix: /outside the inputs/ });
    });

    it('restructure --out inside the input model folder is refused', async () => {
      await refuse({ name: 'restructure --out model/sub', args: RESTRUCTURE(p('model', 'sub')), problem: /is inside the input folder/, fix: /outside the inputs/ });
    });

    it('restructure --out a link to its earlier output: --force replaces the folder it points to, the link stays', async () => {
      const real = p('rs-real');
      await expectCliSuccess(RESTRUCTURE(real), work, [real]);
      await symlink(real, p('rs-link'));
      await refuse({ name: 'restructure --out link', args: RESTRUCTURE(p('rs-link')), problem: /rs-link already holds the output of semslice restructure/, fix: /Pass --force/ });
      await expectCliSuccess(RESTRUCTURE(p('rs-link'), '--force', '--table', 'json'), work, [real]);
      assert.equal(await readlink(p('rs-link')), real);
      assert.ok(existsSync(join(real, 'iterations.json')) && !existsSync(join(real, 'iterations.csv')), 'the earlier output is replaced whole, not merged');
    });

    it('an output written before folders carried the marker is recognised by its manifest, and replaced with --force', async () => {
      const out = p('rs-unmarked');
      await expectCliSuccess(RESTRUCTURE(out), work, [out]);
      await rm(join(out, '.semslice-output.json'));
      await refuse({ name: 'restructure over an unmarked output', args: RESTRUCTURE(out), problem: /already holds the output of semslice restructure/, fix: /Pass --force/ });
      await expectCliSuccess(RESTRUCTURE(out, '--force'), work, [out]);
      assert.equal((await marker(out)).writer, 'restructure');
    });

    it('readapt --out a folder of the user\'s files is refused, with or without --force', async () => {
      for (const force of [[], ['--force']]) {
        await refuse({ name: 'readapt --out thesis', args: READAPT(p('thesis'), ...force), problem: /semslice did not write \(sub\/, thesis\.txt\)/, fix: /Choose another --out/ });
      }
    });

    it('readapt --out an earlier restructure output: refused without --force (naming it), replaced whole with it', async () => {
      const out = p('rs-then-ra');
      await expectCliSuccess(RESTRUCTURE(out), work, [out]);
      await refuse({ name: 'readapt over restructure', args: READAPT(out), problem: /already holds the output of semslice restructure/, fix: /Pass --force/ });
      await expectCliSuccess(READAPT(out, '--force'), work, [out]);
      assert.equal((await marker(out)).writer, 'readapt');
      assert.deepEqual((await readdir(out)).sort(), ['.semslice-output.json', 'epochs.csv', 'manifest.json', 'model']);
    });

    it('readapt --out a folder where the user added a file to an earlier output is refused (only that file named)', async () => {
      const out = p('ra-plus-notes');
      await expectCliSuccess(READAPT(out), work, [out]);
      await writeFile(join(out, 'my-notes.md'), 'keep me');
      await refuse({ name: 'readapt --force over a mixed folder', args: READAPT(out, '--force'), problem: /already holds files semslice did not write \(my-notes\.md\)/, fix: /Choose another --out/ });
    });

    it('extend --out a folder of the user\'s files is refused, with or without --force', async () => {
      for (const force of [[], ['--force']]) {
        await refuse({ name: 'extend --out thesis', args: EXTEND(p('thesis'), ...force), problem: /semslice did not write/, fix: /Choose another --out/ });
      }
    });

    it('extend --out its --slice file is refused (a file is not replaced by a folder)', async () => {
      await refuse({ name: 'extend --out the slice', args: EXTEND(p('mine.slice.json'), '--force', '--slice', p('mine.slice.json')), problem: /is the input file|is a file; semslice extend writes a folder/, fix: /Choose another --out/ });
    });

    it('extend with a slice of this model runs, and its output holds only what it lists in its marker', async () => {
      const out = p('ex-given');
      await expectCliSuccess(EXTEND(out, '--slice', p('mine.slice.json'), '--theta', '0.8'), work, [out]);
      const m = await marker(out);
      assert.deepEqual((await readdir(out)).map((e) => (e === 'model' ? 'model/' : e)).sort(), [...m.files].sort());
    });

    it('slice --out a link to an earlier slice file: --force writes the file it points to, the link stays', async () => {
      await symlink(p('mine.slice.json'), p('slice-link.json'));
      await refuse({ name: 'slice --out link', args: ['slice', '--model', p('model'), ...COMMON, '--out', p('slice-link.json')], problem: /already holds a slice file semslice wrote/, fix: /Pass --force/ });
      await expectCliSuccess(['slice', '--model', p('model'), ...COMMON, '--theta', '0.9', '--out', p('slice-link.json'), '--force'], work, [p('mine.slice.json')]);
      assert.ok((await lstat(p('slice-link.json'))).isSymbolicLink());
      assert.equal(JSON.parse(await readFile(p('mine.slice.json'), 'utf8')).params.theta, 0.9);
    });

    it('report -o a link to an earlier report: --force writes the report it points to, the link stays', async () => {
      const real = p('report-real.html');
      await expectCliSuccess(['report', p('nb.ipynb'), '-o', real], work, [real]);
      await symlink(real, p('report-link.html'));
      await refuse({ name: 'report -o link', args: ['report', p('nb.ipynb'), '-o', p('report-link.html')], problem: /already holds a report semslice wrote/, fix: /Pass --force/ });
      await expectCliSuccess(['report', p('nb.ipynb'), '-o', p('report-link.html'), '--force', '--title', 'Again'], work, [real]);
      assert.ok((await lstat(p('report-link.html'))).isSymbolicLink());
      assert.match(await readFile(real, 'utf8'), /Again/);
    });

    it('report -o a slice file semslice wrote is refused without --force, naming what is there', async () => {
      await refuse({ name: 'report -o a slice', args: ['report', p('nb.ipynb'), '-o', p('other.slice.json')], problem: /already holds a slice file semslice wrote/, fix: /Pass --force to replace it, or choose another --out/ });
    });

    it('report -o a link to nothing is refused (it would create a file wherever the link points)', async () => {
      await refuse({ name: 'report -o dangling link', args: ['report', p('nb.ipynb'), '-o', p('dangling.html'), '--force'], problem: /dangling\.html is a symbolic link to .*missing-target\.html, which does not exist/, fix: /Choose another --out/ });
    });

    it('run --out a folder, under /proc, or the input itself is refused before Jupyter starts', async () => {
      const env = { PATH: '/nonexistent' };
      await refuse({ name: 'run --out a folder', args: ['run', p('nb.ipynb'), '--out', p('thesis')], env, problem: /thesis is a folder; the executed notebook is one file/, fix: /Choose another --out that names a file/ });
      await refuse({ name: 'run --out /proc', args: ['run', p('nb.ipynb'), '--out', '/proc/semslice-x.ipynb'], env, problem: /Cannot write \/proc\/semslice-x\.ipynb/, fix: /Choose another --out in a folder you can write to/ });
      await refuse({ name: 'run --out its input', args: ['run', p('nb.ipynb'), '--out', p('nb.ipynb'), '--force'], env, problem: /is the input file/, fix: /outside the inputs/ });
    });

    it('study run --out a folder of the user\'s files is refused, with or without --force', async () => {
      for (const force of [[], ['--force']]) {
        await refuse({ name: 'study run --out thesis', args: ['study', 'run', 'fidelity', '--out', p('thesis'), ...force], problem: /semslice did not write \(sub\/, thesis\.txt\)/, fix: /Choose another --out/ });
      }
    });

    it('study run --out another semslice output needs --force, and study merge never writes into one of its inputs', async () => {
      await refuse({ name: 'study run --out a readapt output', args: ['study', 'run', 'fidelity', '--out', p('readapt-own')], problem: /already holds the output of semslice readapt/, fix: /Pass --force to replace it, or choose another --out/ });
      await refuse({ name: 'study merge --out an input', args: ['study', 'merge', p('readapt-own'), '--out', p('readapt-own'), '--force'], problem: /is the input folder/, fix: /outside the inputs/ });
    });

    it('study merge again into its earlier merge needs no --force; into another semslice output only with --force', async () => {
      await runStudy(toyStudy, { out: p('toy-0'), shard: { index: 0, count: 2 } });
      await runStudy(toyStudy, { out: p('toy-1'), shard: { index: 1, count: 2 } });
      const merge = (out: string, ...extra: string[]) => ['study', 'merge', p('toy-0'), p('toy-1'), '--out', out, ...extra];
      await expectCliSuccess(merge(p('toy-merged')), work, [p('toy-merged')]);
      await expectCliSuccess(merge(p('toy-merged')), work, [p('toy-merged')]);
      await refuse({ name: 'study merge over a restructure output', args: merge(p('restructure-own')), problem: /already holds the output of semslice restructure, not a merge of study "toy"/, fix: /Pass --force/ });
      // A study folder keeps resuming beside the files semslice writes there besides the table: the runner's
      // row-timings.csv and the report bench/study-report.ts writes (the documented place for it).
      await writeFile(p('toy-0/report.md'), '### report\n');
      await writeFile(p('toy-0/row-timings.csv'), 'index,cell,row\n');
      await runStudy(toyStudy, { out: p('toy-0'), shard: { index: 0, count: 2 } });
      assert.equal(await readFile(p('toy-0/report.md'), 'utf8'), '### report\n', 'resuming leaves the report alone');
    });

    it('the API follows the same rule: Slice.save, models.save, executeNotebook', async () => {
      const s = await ss.Slice.load(p('mine.slice.json'));
      const cases: ApiCase[] = [
        { name: 'slice.save over a user file', run: () => s.save(p('notes.txt'), { force: true }), code: 'OUTPUT_NOT_OURS', problem: /notes\.txt already exists and is not a file semslice wrote/, fix: /another path/ },
        { name: 'slice.save over a slice file', run: () => s.save(p('other.slice.json')), code: 'OUTPUT_EXISTS', problem: /already holds a slice file semslice wrote/, fix: /force: true/ },
        { name: 'models.save over a restructure output', run: async () => {
          const m = ss.models.build('mlp', { inputShape: [8, 8, 1], numClasses: 10 });
          try { await ss.models.save(m, p('restructure-own')); } finally { m.dispose(); }
        }, code: 'OUTPUT_EXISTS', problem: /already holds the output of semslice restructure/, fix: /force: true/ },
        { name: 'executeNotebook over a user file', run: () => executeNotebook(p('nb.ipynb'), { out: p('mine.html') }), code: 'OUTPUT_NOT_OURS', problem: /mine\.html already exists/, fix: /another path/ },
      ];
      for (const c of cases) await expectApiRefusal(c, work);
    });

    it('the API: one slice-vs-model rule for Slice.load, damageMatrix and subsetFidelity (with the documented override)', async () => {
      const model = await ss.models.load(p('model'));
      const theirs = await ss.Slice.load(p('other.slice.json'));
      const data = (await ss.data.synthetic()).test;
      const fp = /fingerprint [0-9a-f]{16}, but model "mlp" has fingerprint [0-9a-f]{16}/;
      try {
        const cases: ApiCase[] = [
          { name: 'Slice.load with another model', run: () => ss.Slice.load(p('other.slice.json'), { model }), code: 'SLICE_MODEL_MISMATCH', problem: fp, fix: /allowForeignSlice: true/ },
          { name: 'damageMatrix with another model\'s slice', run: async () => ss.damageMatrix(model, data, theirs), code: 'SLICE_MODEL_MISMATCH', problem: fp, fix: /allowForeignSlice: true/ },
          { name: 'subsetFidelity with another model\'s slice', run: async () => ss.subsetFidelity(model, data, theirs), code: 'SLICE_MODEL_MISMATCH', problem: fp, fix: /allowForeignSlice: true/ },
        ];
        for (const c of cases) await expectApiRefusal(c, work);
        assert.ok(await ss.Slice.load(p('other.slice.json'), { model, allowForeignSlice: true }));
        assert.equal((await ss.damageMatrix(model, data, theirs, { allowForeignSlice: true })).classes.length, 10);
      } finally {
        model.dispose();
      }
    });

    it('every refusal above left the working folder without a temporary file', async () => {
      assert.deepEqual(await leftovers(work), []);
      assert.ok((await snapshot(work)).size > 20);
    });
  });
});
