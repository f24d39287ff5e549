/** `semslice train --classes` and `semslice extend` (issue 14, item 6): bad input exits 2 with nothing written; a run writes its outputs. */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/engine/backend/index.js';
import { runCli } from './run-cli.js';

describe('cli: semslice extend', function () {
  this.timeout(180_000);
  let dir: string;
  let model: string;
  const base = () => ['extend', '--model', model, '--data', 'synthetic', '--backend', 'cpu', '--epochs', '1', '--limit', '200', '--test-limit', '200'];

  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    dir = await mkdtemp(join(tmpdir(), 'semslice-extend-'));
    model = join(dir, 'model');
    const r = await runCli(['train', '--model', 'mlp', '--data', 'synthetic', '--classes', '0-4', '--epochs', '5', '--lr', '0.003', '--backend', 'cpu', '--out', model]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /of classes 0-4/);
    const meta = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
    assert.equal(meta.modelTopology.config.layers.at(-1).config.units ?? meta.modelTopology.config.layers.at(-2).config.units, 10, 'the full output head');
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  const cases: Array<[string, string[], RegExp]> = [
    ['overlapping class sets', ['--old', '0-4', '--new', '4-9'], /overlap in 4/],
    ['an empty class set', ['--old', '0-4', '--new', ','], /--new ",": the class set is empty/],
    ['a class the model cannot output', ['--old', '0-4', '--new', '5-12'], /the classes 10, 11, 12 are not classes the model can output/],
    ['a malformed class set', ['--old', '0-4', '--new', 'five'], /"five" is not a class number or range/],
    ['an unknown method', ['--old', '0-4', '--new', '5-9', '--method', 'ourz'], /--method takes one of .*Did you mean "ours"/],
    ['a replay share outside (0, 1]', ['--old', '0-4', '--new', '5-9', '--method', 'replay', '--replay', '2'], /--replay takes a number in \(0, 1\], got "2"/],
    ['a --min-free of 1', ['--old', '0-4', '--new', '5-9', '--min-free', '1'], /--min-free takes a number in \[0, 1\), got "1"/],
  ];
  for (const [what, args, pattern] of cases) {
    it(`${what}: exit 2, a clear error, nothing written`, async () => {
      const out = join(dir, `out-${what.replace(/\W+/g, '-')}`);
      const r = await runCli([...base(), ...args, '--out', out]);
      assert.equal(r.code, 2, `exit 2 expected, got ${r.code}: ${r.err}`);
      assert.match(r.err, pattern);
      assert.doesNotMatch(r.err, /\n\s+at .+:\d+:\d+/, 'no stack trace');
      assert.equal(existsSync(out), false, 'nothing written');
    });
  }

  it('ours writes the grown model, both slices and the result; prints before/after, the checksum verdict and capacity', async () => {
    const out = join(dir, 'run-ours');
    const r = await runCli([...base(), '--old', '0-4', '--new', '5-9', '--method', 'ours', '--theta', '0.6', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /task-IL old/);
    assert.match(r.out, /class-IL all/);
    assert.match(r.out, /logits on \d+ test images: bit-identical/);
    assert.match(r.out, /capacity left: /);
    for (const f of ['model/model.json', 'slice-old.json', 'slice-new.json', 'result.json']) assert.ok(existsSync(join(out, f)), f);
    const res = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
    assert.equal(res.method, 'ours');
    assert.equal(res.oldLogitsIdentical, true);
    assert.ok(res.frozen.weights.length > 0);
  });

  it('by default slices the old task with taylor and theta auto: the choice is printed and written to result.json', async () => {
    const out = join(dir, 'run-auto');
    const r = await runCli([...base(), '--old', '0-4', '--new', '5-9', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /old task's slice: theta 0\.\d+ \(auto: masked [\d.]+% vs unmasked [\d.]+% on \d+ held-out images/);
    assert.match(r.out, /slices \(taylor\): old task theta 0\.\d+ \(auto\), new task theta 0\.\d+ \(auto\)/);
    const res = JSON.parse(await readFile(join(out, 'result.json'), 'utf8'));
    assert.equal(res.sliceChoice.old.rule, 'auto');
    assert.equal(res.slice.choice.metric, 'taylor');
    assert.equal(res.slice.params.theta, res.sliceChoice.old.theta);
    assert.equal(res.sliceChoice.old.minFree, 0.25, 'the capacity condition of the defaults');
    assert.ok(res.sliceChoice.old.masked >= res.sliceChoice.old.unmasked - 0.01 || res.sliceChoice.old.withinTolerance === false);
    const bad = await runCli([...base(), '--old', '0-4', '--new', '5-9', '--theta', 'often', '--out', join(dir, 'bad-theta')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--theta takes a number in \(0, 1\] or auto/);
  });
});
