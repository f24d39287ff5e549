/** `semslice readapt` (issue 13, item 3): bad input exits 2 with nothing written; a small run writes its outputs. */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/engine/backend/index.js';
import { runCli } from './run-cli.js';

describe('cli: semslice readapt', function () {
  this.timeout(120_000);
  let dir: string;
  let model: string;
  const base = () => ['readapt', '--model', model, '--data', 'synthetic', '--backend', 'cpu', '--count', '30', '--epochs', '1', '--test-limit', '100'];

  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    dir = await mkdtemp(join(tmpdir(), 'semslice-readapt-'));
    model = join(dir, 'model');
    const r = await runCli(['train', '--model', 'mlp', '--data', 'synthetic', '--epochs', '10', '--lr', '0.003', '--backend', 'cpu', '--out', model]);
    assert.equal(r.code, 0, r.err);
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown workload', ['--workload', 'fgsn', '--method', 'critical'], /--workload takes one of fgsm, pgd, mutant.*Did you mean "fgsm"/],
    ['an unknown method', ['--workload', 'fgsm', '--method', 'critcal'], /--method takes one of critical, full, last-layer, deeparc, random, got "critcal". Did you mean "critical"/],
    ['an eps outside (0, 1]', ['--workload', 'fgsm', '--eps', '3'], /--eps takes a number in \(0, 1\], got "3"/],
    ['a drop outside (0, 1)', ['--workload', 'mutant', '--drop', '1.5'], /--drop takes a number in \(0, 1\), got "1.5"/],
    ['a bad --protect-max-drop', ['--workload', 'fgsm', '--protect', '1', '--protect-max-drop', '-1'], /--protect-max-drop takes a number in \[0, 1\], got "-1"/],
    ['a bad --theta', ['--workload', 'fgsm', '--theta', '1.5'], /--theta takes a number in \(0, 1\] or auto, got "1.5"/],
    ['--eps with a mutant', ['--workload', 'mutant', '--eps', '0.3'], /--eps applies to --workload fgsm or --workload pgd, not --workload mutant/],
    ['zero epochs', ['--workload', 'fgsm', '--epochs', '0'], /--epochs takes an integer >= 1/],
    ['a bad --slice-classes', ['--workload', 'fgsm', '--slice-classes', 'some'], /--slice-classes takes one of all, present/],
    ['a missing --workload', [], /required option '--workload <name>'/],
    ['a --count beyond what the data gives', ['--workload', 'fgsm', '--count', '100000'], /--count 100000 asks for more samples than synthetic has: [\s\S]*hint: Pass --count \d+ or less, or a smaller --clean-ratio/],
    ['a mutant --count beyond the training images', ['--workload', 'mutant', '--count', '100000'], /--count 100000 asks for more samples than synthetic has: the [\d,]+ training images give at most [\d,]+ new samples at 4 clean per new one/],
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

  it('a missing model folder: exit 2, nothing written', async () => {
    const out = join(dir, 'out-missing');
    const r = await runCli(['readapt', '--model', join(dir, 'nope'), '--data', 'synthetic', '--workload', 'fgsm', '--backend', 'cpu', '--out', out]);
    assert.equal(r.code, 2, r.err);
    assert.equal(existsSync(out), false);
  });

  it('fgsm + critical and mutant + full write the model, manifest and per-epoch table and print before/after', async () => {
    const out = join(dir, 'run-fgsm');
    const r = await runCli([...base(), '--workload', 'fgsm', '--eps', '0.5', '--method', 'critical', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /new-sample accuracy \(held out\)/);
    assert.match(r.out, /per-class clean accuracy change/);
    assert.match(r.out, /parameters trainable/);
    assert.match(r.out, /frozen weights bit-identical/);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.method, 'critical');
    assert.equal(manifest.result.frozenIdentical, true);
    assert.ok(manifest.frozen.weights.length > 0);
    assert.equal(manifest.slice.choice.rule, 'auto', 'no --slice: sliced by the policy');
    assert.match(r.err, /slicing the model by the slice policy/);
    const csv = (await readFile(join(out, 'epochs.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv.length, 1 + 2, 'header, epoch 0, epoch 1');
    assert.ok(existsSync(join(out, 'model', 'model.json')));
    const out2 = join(dir, 'run-mutant');
    const m = await runCli([...base(), '--workload', 'mutant', '--drop', '0.2', '--method', 'full', '--out', out2]);
    assert.equal(m.code, 0, m.err);
    assert.equal(JSON.parse(await readFile(join(out2, 'manifest.json'), 'utf8')).workload.workload, 'mutant');
  });
});
