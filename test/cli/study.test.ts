import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getStudy, cellId, runStudy } from '../../src/engine/studies/index.js';
import { runCli } from './run-cli.js';

const SLURM_TASK_1 = { SLURM_ARRAY_JOB_ID: '812', SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '1', SLURM_ARRAY_TASK_STEP: '1' };

describe('cli: study run --shard auto, study plan, study merge refusals', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'semslice-study-cli-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--shard auto in a Slurm array task says which engine and shard it used (--dry-run writes nothing)', async () => {
    const out = join(dir, 'x');
    const r = await runCli(['study', 'run', 'fidelity', '--preset', 'small', '--shard', 'auto', '--out', out, '--dry-run'], SLURM_TASK_1);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /shard 1\/2 from Slurm array job 812, task 1 \(SLURM_ARRAY_JOB_ID=812, SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_COUNT=2, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_MAX=1, SLURM_ARRAY_TASK_STEP=1\): 1 cell ->/);
    assert.match(r.out, new RegExp(`\\n  cell 1 ${cellId(getStudy('fidelity').grid('small')[1]!)}\\n`));
    assert.match(r.out, /dry run: nothing was run or written/);
    assert.equal(existsSync(out), false);
    const k8s = await runCli(['study', 'run', 'fidelity', '--shard', 'auto', '--shards', '3', '--out', out, '--dry-run'], { JOB_COMPLETION_INDEX: '2' });
    assert.equal(k8s.code, 0, k8s.err);
    assert.match(k8s.out, /shard 2\/3 from Kubernetes indexed Job \(JOB_COMPLETION_INDEX=2\), count from --shards: 0 cells/);
  });

  it('--shard auto refuses, exit 2, naming the variables and giving the fix in flags', async () => {
    const none = await runCli(['study', 'run', 'fidelity', '--shard', 'auto', '--out', join(dir, 'x')], { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '' });
    assert.equal(none.code, 2);
    assert.match(none.err, /^error: shard auto: no batch engine's shard variables are set \(SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX\)/);
    assert.match(none.err, /hint: .*sbatch --array=0-3.*--shard K\/N\.\n$/);
    const k8s = await runCli(['study', 'run', 'fidelity', '--shard', 'auto', '--out', join(dir, 'x')], { JOB_COMPLETION_INDEX: '1', SEMSLICE_SHARD_COUNT: '' });
    assert.equal(k8s.code, 2);
    assert.match(k8s.err, /JOB_COMPLETION_INDEX gives the shard index but not the number of shards \(.*\) \(seen: JOB_COMPLETION_INDEX=1\)/);
    assert.match(k8s.err, /hint: Set SEMSLICE_SHARD_COUNT in the pod's env to the Job's completions, or pass --shards N\./);
    const past = await runCli(['study', 'run', 'fidelity', '--shard', 'auto', '--shards', '2', '--out', join(dir, 'x')], { ...SLURM_TASK_1, SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MAX: '2' });
    assert.equal(past.code, 2);
    assert.match(past.err, /ids reach 2/);
    assert.match(past.err, /hint: Submit the tasks as sbatch --array=0-1 .* or change --shards N\./);
    const stray = await runCli(['study', 'run', 'fidelity', '--shard', '0/2', '--shards', '2', '--out', join(dir, 'x')]);
    assert.equal(stray.code, 2);
    assert.match(stray.err, /--shards 2 goes with --shard auto/);
    const bad = await runCli(['study', 'run', 'fidelity', '--shard', 'some', '--out', join(dir, 'x')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--shard takes K\/N .* or auto, got "some"/);
    assert.equal(existsSync(join(dir, 'x')), false);
  });

  it('study plan prints cells per shard and the expected wall time per shard from a timings file', async () => {
    const ids = getStudy('restructure').grid('small').map(cellId);
    assert.ok(ids.length >= 3, `restructure small has ${ids.length} cells`);
    // Cell i took i + 1 seconds; the last cell is left out of the file (it counts as the mean timed cell).
    const secs = ids.slice(0, -1).map((_, i) => i + 1);
    writeFileSync(join(dir, 'timings.csv'), ['index,cell,seconds', ...ids.slice(0, -1).map((id, i) => `${i},${JSON.stringify(id)},${secs[i]!.toFixed(3)}`)].join('\n') + '\n');
    const r = await runCli(['study', 'plan', 'restructure', '--preset', 'small', '--shards', '2', '--timings', dir]);
    assert.equal(r.code, 0, r.err);
    const mean = secs.reduce((a, b) => a + b, 0) / secs.length;
    const expect = [0, 1].map((k) => ids.map((_, i) => (i % 2 === k ? (secs[i] ?? mean) : 0)).reduce((a, b) => a + b, 0));
    assert.match(r.out, new RegExp(`study restructure, preset small: ${ids.length} cells over 2 shards`));
    for (const k of [0, 1]) {
      const n = ids.filter((_, i) => i % 2 === k).length;
      const timed = ids.slice(0, -1).filter((_, i) => i % 2 === k).length;
      assert.match(r.out, new RegExp(`\\n  ${k}/2 +${n} +${timed} +${expect[k]!.toFixed(1)} s\\n`), r.out);
    }
    assert.match(r.out, new RegExp(`${ids.length - 1} of ${ids.length} cells timed \\(an untimed cell counts as the mean timed cell\\); one machine: ${(expect[0]! + expect[1]!).toFixed(1)} s; 2 shards at once: ${Math.max(...expect).toFixed(1)} s`));
    const plain = await runCli(['study', 'plan', 'fidelity', '--shards', '2']);
    assert.equal(plain.code, 0, plain.err);
    assert.match(plain.out, /Pass --timings/);
    const missing = await runCli(['study', 'plan', 'fidelity', '--timings', join(dir, 'none.csv')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /none\.csv does not exist/);
  });

  it('study merge of an incomplete set exits 2 naming the missing cells and the shard to rerun', async () => {
    const def = getStudy('restructure');
    // Shard 1/2's folder as a cancelled task leaves it: study.json and no finished cell (nothing is computed here).
    await runStudy({ ...def, run: async () => { throw new Error('not run'); } }, { preset: 'small', shard: { index: 1, count: 2 }, out: join(dir, 's1') }).catch(() => undefined);
    assert.ok(existsSync(join(dir, 's1', 'study.json')));
    const r = await runCli(['study', 'merge', join(dir, 's1'), '--out', join(dir, 'm')]);
    assert.equal(r.code, 2);
    const ids = def.grid('small').map(cellId);
    assert.match(r.err, new RegExp(`^error: ${ids.length} of ${ids.length} cells are not finished in the given folders: shard 0/2 \\(`));
    assert.ok(r.err.includes(ids[1]!), r.err);
    assert.match(r.err, /shard 0\/2 .*: no folder of that shard was given; shard 1\/2 \(/);
    assert.match(r.err, /hint: Rerun those shards .*semslice study run restructure --preset small --shard 0\/2 --out DIR; semslice study run restructure --preset small --shard 1\/2 --out /);
    assert.equal(existsSync(join(dir, 'm')), false);
  });
});
