/**
 * A study as a Slurm array job, for real: a one-node Slurm cluster (test/scaleout/slurm-cluster.ts) runs the small
 * preset of a registered study through scripts/slurm/submit.sh (an array of 2 plus a dependent merge), and the merged
 * table must equal one unsharded run's byte for byte. Then an array task is killed after its first cell: the merge
 * job is cancelled, a merge by hand refuses naming the missing cell and the task, and the resubmitted task keeps the
 * finished cell. Skips (with the reason) where Slurm is not installed or the test is not root.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planShards, readRecords, type StudyManifest } from '../../src/engine/studies/index.js';
import { SlurmCluster, slurmUnavailable } from './slurm-cluster.js';
import { holdAfterCells, taskPids } from './task-control.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'semslice.js');
const SUBMIT = join(ROOT, 'scripts', 'slurm', 'submit.sh');
/**
 * The study: the cheapest small preset with three or more cells (restructure: 3 cells, about 6 s on 2 cores), so
 * that task 0 of an array of 2 holds two cells and can be killed between them.
 */
const STUDY = 'restructure';
/** What the array script pins, so that the unsharded reference trains like the shards do. */
const RUN_ENV = { SEMSLICE_BACKEND: 'wasm', SEMSLICE_TRAIN_WORKERS: '2' };

/** Builds dist/ when it is missing or older than a source file (the scripts run bin/semslice.js, as a user does). */
function ensureBuilt(): void {
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true })
    .reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(ROOT, 'src'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm run build failed:\n${r.stdout}${r.stderr}`);
}

const manifest = (dir: string): StudyManifest => JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as StudyManifest;

describe('scale-out: a study as a Slurm array job on a one-node cluster', function () {
  this.timeout(900_000);
  let cluster: SlurmCluster | undefined;
  let work: string;
  let reference: Buffer;

  /** scripts/slurm/submit.sh with these arguments; returns the array and merge job ids it printed. */
  const submit = (args: string[]): { array: string; merge: string; out: string } => {
    const r = spawnSync('bash', [SUBMIT, ...args], { cwd: work, env: { ...cluster!.env, ...RUN_ENV }, encoding: 'utf8' });
    assert.equal(r.status, 0, `submit.sh failed:\n${r.stdout}${r.stderr}`);
    const array = /^array job: (\d+)/m.exec(r.stdout)?.[1];
    const merge = /^merge job: (\d+)/m.exec(r.stdout)?.[1];
    assert.ok(array && merge, r.stdout);
    return { array, merge, out: r.stdout };
  };
  const log = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : `(no ${file})`);
  const logs = (out: string): string => readdirSync(join(out, 'logs')).map((f) => `--- ${f}\n${log(join(out, 'logs', f))}`).join('\n');

  before(async function () {
    const why = slurmUnavailable();
    if (why) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
    ensureBuilt();
    const t0 = Date.now();
    cluster = await SlurmCluster.start();
    console.log(`    one-node Slurm cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${cluster.dir})`);
    work = mkdtempSync(join(tmpdir(), 'semslice-slurm-work-'));
    const t1 = Date.now();
    const one = spawnSync(process.execPath, [CLI, 'study', 'run', STUDY, '--preset', 'small', '--out', join(work, 'one')], { env: { ...cluster.env, ...RUN_ENV }, encoding: 'utf8' });
    assert.equal(one.status, 0, one.stdout + one.stderr);
    console.log(`    unsharded reference run (${STUDY}, small): ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    reference = readFileSync(join(work, 'one', 'results.csv'));
  });

  after(async () => {
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('an array of 2 plus the dependent merge writes the same results.csv bytes as one unsharded run', async () => {
    const out = join(work, 'a');
    const t0 = Date.now();
    const s = submit(['--study', STUDY, '--preset', 'small', '--shards', '2', '--out', out, '--', '--cpus-per-task=1']);
    const merge = await cluster!.finished(s.merge, 600_000);
    console.log(`    array of 2 + merge, submit to merged table: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(merge.state, 'COMPLETED', logs(out));
    for (const k of [0, 1]) {
      assert.equal(cluster!.job(`${s.array}_${k}`)?.state, 'COMPLETED', logs(out));
      const m = manifest(join(out, `shard-${k}`));
      assert.deepEqual(m.shard, { index: k, count: 2 });
      assert.equal(m.origin?.engine, 'slurm');
      assert.equal(m.origin?.variables['SLURM_ARRAY_JOB_ID'], s.array);
      assert.equal(m.origin?.variables['SLURM_ARRAY_TASK_ID'], String(k));
      assert.match(log(join(out, 'logs', `shard-${k}-job-${s.array}.out`)), new RegExp(`shard ${k}/2 from Slurm array job ${s.array}, task ${k} `));
    }
    const merged = readFileSync(join(out, 'merged', 'results.csv'));
    assert.ok(merged.equals(reference), `merged table differs from the unsharded one:\n${merged.toString().slice(0, 400)}\n---\n${reference.toString().slice(0, 400)}`);
    assert.equal(manifest(join(out, 'merged')).origin, undefined);
    assert.deepEqual(manifest(join(out, 'merged')).shard, { index: 0, count: 1 });
  });

  it('a task killed after its first cell: the merge is refused naming the cell and task; the resubmitted task keeps that cell', async () => {
    const shard0 = planShards(STUDY, { preset: 'small', count: 2 })[0]!.cells;
    assert.ok(shard0.length >= 2, `${STUDY}'s small preset gives shard 0/2 only ${shard0.length} cell(s): choose a study with 3 or more small cells for this test`);
    const out = join(work, 'b');
    const dir0 = join(out, 'shard-0');
    const s = submit(['--study', STUDY, '--preset', 'small', '--shards', '2', '--out', out, '--', '--cpus-per-task=1']);
    const pids = await holdAfterCells(s.array, 0, dir0, 1);
    const jsonl = readFileSync(join(dir0, 'results.jsonl'), 'utf8');
    const cancel = cluster!.run('scancel', [`${s.array}_0`]);
    assert.equal(cancel.status, 0, cancel.stderr);
    assert.equal((await cluster!.finished(`${s.array}_0`, 120_000)).state, 'CANCELLED');
    await cluster!.until(() => taskPids(s.array, 0).length === 0, 30_000, `the processes of task ${s.array}_0 (${pids.join(', ')}) to end`);
    assert.equal((await cluster!.finished(`${s.array}_1`, 600_000)).state, 'COMPLETED', logs(out));
    const merge = await cluster!.finished(s.merge, 120_000);
    assert.equal(merge.state, 'CANCELLED', `the merge job should be cancelled once a task it depends on is (${merge.reason})`);
    assert.equal(merge.reason, 'DependencyNeverSatisfied');
    assert.equal(readFileSync(join(dir0, 'results.jsonl'), 'utf8'), jsonl, 'the killed task wrote after it was stopped');
    assert.equal(readRecords(dir0).length, 1);
    assert.equal(existsSync(join(out, 'merged')), false);

    // A merge by hand refuses: exit 2, the missing cell, its shard and the array task to resubmit; nothing written.
    const m = spawnSync(process.execPath, [CLI, 'study', 'merge', dir0, join(out, 'shard-1'), '--out', join(out, 'merged')], { env: cluster!.env, encoding: 'utf8' });
    assert.equal(m.status, 2, m.stdout + m.stderr);
    assert.ok(m.stderr.includes(shard0[1]!), m.stderr);
    assert.match(m.stderr, new RegExp(`shard 0/2 \\(cell .*\\) in ${dir0.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, last run by Slurm array job ${s.array}, task 0 `));
    assert.match(m.stderr, /hint: .*resubmit Slurm array task 0 \(sbatch --array=0 /);
    assert.equal(existsSync(join(out, 'merged', 'results.csv')), false);

    // Resubmit task 0 only (the same shard count): it resumes its folder, and a new merge job follows it.
    const r = submit(['--study', STUDY, '--preset', 'small', '--shards', '2', '--out', out, '--tasks', '0', '--', '--cpus-per-task=1']);
    const merge2 = await cluster!.finished(r.merge, 600_000);
    assert.equal(merge2.state, 'COMPLETED', logs(out));
    const taskLog = log(join(out, 'logs', `shard-0-job-${r.array}.out`));
    assert.ok(taskLog.includes(`cell 0 ${shard0[0]}: finished earlier, kept`), taskLog);
    assert.match(taskLog, new RegExp(`\\n${shard0.length - 1} cells? computed, 1 resumed`));
    const after = readFileSync(join(dir0, 'results.jsonl'), 'utf8');
    assert.ok(after.startsWith(jsonl), 'the finished cell\'s line was rewritten');
    assert.deepEqual(readRecords(dir0).map((c) => c.id), shard0, 'each cell of shard 0 once, in order');
    assert.equal(manifest(dir0).origin?.variables['SLURM_ARRAY_JOB_ID'], r.array);
    assert.ok(readFileSync(join(out, 'merged', 'results.csv')).equals(reference), 'merged table after the resubmission differs from the unsharded one');
  });
});
