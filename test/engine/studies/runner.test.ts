import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getStudy, mergeStudies, planShards, readRecords, readTimings, runStudy, shardFromEnvironment, type StudyManifest } from '../../../src/engine/studies/index.js';
import { toyStudy } from './fixtures/toy-study.js';
import { renderText } from '../../../src/engine/messages/text.js';
import type { SemsliceError } from '../../../src/engine/errors.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Runs a TypeScript file in a child node process; resolves with its exit code and output. */
function child(file: string, args: string[], env: Record<string, string> = {}, onStart?: (kill: () => void) => void): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', file, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += String(d); });
    p.stderr.on('data', (d) => { out += String(d); });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
    onStart?.(() => p.kill('SIGKILL'));
  });
}

const isCode = (code: string) => (e: unknown) => (e as { code?: string }).code === code;

describe('engine/studies/runner', function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'semslice-study-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shards run separately and merged give the same table bytes as one run', async () => {
    await runStudy(toyStudy, { out: join(dir, 'all') });
    const a = await runStudy(toyStudy, { out: join(dir, 's0'), shard: { index: 0, count: 2 } });
    const b = await runStudy(toyStudy, { out: join(dir, 's1'), shard: { index: 1, count: 2 } });
    assert.deepEqual(a.computed, [0, 2, 4]);
    assert.deepEqual(b.computed, [1, 3]);
    const t = await mergeStudies([join(dir, 's1'), join(dir, 's0')], join(dir, 'merged'));
    assert.equal(t.numRows(), 10);
    const whole = readFileSync(join(dir, 'all', 'results.csv'), 'utf8');
    assert.equal(readFileSync(join(dir, 'merged', 'results.csv'), 'utf8'), whole);
    assert.match(whole.split('\n')[0]!, /^n,label,power,value,preset,list$/);
    assert.match(whole, /\n3,c3,3,27,,"\[3,4\]"\n/);
  });

  it('wall times a cell reports under `timing` go to row-timings.csv, never into the table, so runs stay byte-identical', async () => {
    let calls = 0;
    const timed = { ...toyStudy, name: 'timed', run: async (p: Record<string, unknown>) => [{ n: p['n'], timing: { seconds: 0.5 + calls++ } }] };
    await runStudy(timed, { out: join(dir, 'a') });
    await runStudy(timed, { out: join(dir, 'b') });
    assert.equal(readFileSync(join(dir, 'a', 'results.csv'), 'utf8'), readFileSync(join(dir, 'b', 'results.csv'), 'utf8'));
    assert.doesNotMatch(readFileSync(join(dir, 'a', 'results.csv'), 'utf8'), /timing|seconds/);
    const t = readFileSync(join(dir, 'b', 'row-timings.csv'), 'utf8').trim().split('\n');
    assert.equal(t[0], 'index,cell,row,seconds');
    assert.equal(t.length, 1 + timed.grid('small').length);
    assert.ok(readRecords(join(dir, 'a'))[0]!.rowTimings![0]!['seconds'] === 0.5);
  });

  it('merge refuses missing cells, another study and a foreign output folder, naming them', async () => {
    await runStudy(toyStudy, { out: join(dir, 's0'), shard: { index: 0, count: 2 } });
    await assert.rejects(mergeStudies([join(dir, 's0')], join(dir, 'm')), (e: Error & { code?: string }) => e.code === 'STUDY_INCOMPLETE' && /2 of 5 cells/.test(e.message) && /n=1,label=c1/.test(e.message));
    await runStudy(toyStudy, { out: join(dir, 'full'), preset: 'full', shard: { index: 1, count: 2 } });
    await assert.rejects(mergeStudies([join(dir, 's0'), join(dir, 'full')], join(dir, 'm')), isCode('STUDY_MISMATCH'));
    writeFileSync(join(dir, 'thesis.txt'), 'mine');
    await runStudy(toyStudy, { out: join(dir, 's1'), shard: { index: 1, count: 2 } });
    await assert.rejects(mergeStudies([join(dir, 's0'), join(dir, 's1')], dir), isCode('OUTPUT_NOT_OURS'));
    assert.equal(readFileSync(join(dir, 'thesis.txt'), 'utf8'), 'mine');
  });

  it('a shard from the environment records its origin; a merge refuses an incomplete set naming cells, shards and the Slurm task', async () => {
    const slurm = (task: number, job: string) => shardFromEnvironment({ SLURM_ARRAY_JOB_ID: job, SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '2' });
    const manifest = (d: string): StudyManifest => JSON.parse(readFileSync(join(d, 'study.json'), 'utf8')) as StudyManifest;
    await runStudy(toyStudy, { out: join(dir, 's0'), shard: slurm(0, '71') });
    assert.deepEqual(manifest(join(dir, 's0')).shard, { index: 0, count: 3 });
    assert.equal(manifest(join(dir, 's0')).origin?.variables['SLURM_ARRAY_JOB_ID'], '71');
    // Shard 1 was cancelled after its first cell (cell 1; cell 4 missing), shard 2 never started (cell 2 missing).
    await runStudy(toyStudy, { out: join(dir, 's1'), shard: slurm(1, '71') });
    const lines = readFileSync(join(dir, 's1', 'results.jsonl'), 'utf8').split('\n');
    writeFileSync(join(dir, 's1', 'results.jsonl'), lines[0] + '\n' + lines[1]!.slice(0, 20));
    const merge = () => mergeStudies([join(dir, 's0'), join(dir, 's1')], join(dir, 'm'));
    await assert.rejects(merge(), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'STUDY_INCOMPLETE');
      assert.match(e.message, /^2 of 5 cells are not finished in the given folders: /);
      assert.match(e.message, new RegExp(`shard 1/3 \\(cell n=4,label=c4\\) in ${join(dir, 's1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, last run by Slurm array job 71, task 1 \\(`));
      assert.match(e.message, /shard 2\/3 \(cell n=2,label=c2\): no folder of that shard was given/);
      // The API's hint names runStudy(), the CLI's the command (alt terms).
      assert.match(e.hint ?? '', /resubmit Slurm array task 1 \(sbatch --array=1 with the same script and a shard count of 3\), or runStudy\("toy", \{ preset: "small", shard: \{ index: 1, count: 3 \}, out: "/);
      const cli = renderText((e as SemsliceError).said.hint, { option: (t) => t.option, alt: (t) => t.cli });
      assert.match(cli, /resubmit Slurm array task 1 \(sbatch --array=1 with the same script and a shard count of 3\), or semslice study run toy --preset small --shard 1\/3 --out /);
      assert.match(cli, /semslice study run toy --preset small --shard 2\/3 --out DIR/);
      return true;
    });
    assert.equal(existsSync(join(dir, 'm')), false, 'nothing written');
    // Resumed by hand (no engine): the origin is that of the latest run, i.e. none; the cut line is dropped, not
    // glued to the next record (cell 4 would be lost again and the merge below refused).
    await runStudy(toyStudy, { out: join(dir, 's1'), shard: { index: 1, count: 3 } });
    assert.equal(manifest(join(dir, 's1')).origin, undefined);
    assert.deepEqual(readFileSync(join(dir, 's1', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { index: number }).index), [1, 4]);
    await runStudy(toyStudy, { out: join(dir, 's2'), shard: slurm(2, '72') });
    await mergeStudies([join(dir, 's0'), join(dir, 's1'), join(dir, 's2')], join(dir, 'm'));
    await runStudy(toyStudy, { out: join(dir, 'one') });
    for (const f of ['results.csv', 'study.json']) assert.equal(readFileSync(join(dir, 'm', f), 'utf8'), readFileSync(join(dir, 'one', f), 'utf8'), f);
  });

  it('plan: cells per shard and expected wall time from timings.csv', async () => {
    const plan = planShards(toyStudy, { preset: 'small', count: 2 });
    assert.deepEqual(plan.map((s) => [s.index, s.cells.length, s.seconds]), [[0, 3, undefined], [1, 2, undefined]]);
    assert.deepEqual(plan[1]!.cells, ['n=1,label=c1', 'n=3,label=c3']);
    writeFileSync(join(dir, 'timings.csv'), 'index,cell,seconds\n0,"n=0,label=c0",1.000\n1,"n=1,label=c1",2.500\n2,"n=2,label=c2",3.000\n3,"n=3,label=c3",0.500\n');
    const timings = readTimings(dir);
    assert.equal(timings.get('n=1,label=c1'), 2.5);
    const timed = planShards(toyStudy, { preset: 'small', count: 2, timings });
    // Cell 4 is not in the file: it counts as the mean timed cell (7 / 4 s).
    assert.deepEqual(timed.map((s) => [s.timed, s.seconds]), [[2, 1 + 3 + 7 / 4], [2, 3]]);
    await runStudy(toyStudy, { out: join(dir, 'run') });
    assert.deepEqual([...readTimings(join(dir, 'run', 'timings.csv')).keys()], planShards(toyStudy, {}).flatMap((s) => s.cells));
    assert.equal(readTimings(join(dir, 'run'), { study: 'toy', preset: 'small' }).size, 5);
    assert.throws(() => readTimings(join(dir, 'run'), { study: 'toy', preset: 'full' }), (e: Error & { code?: string }) => e.code === 'STUDY_MISMATCH' && /study "toy", preset small, not "toy", preset full/.test(e.message));
    assert.throws(() => readTimings(join(dir, 'nope.csv')), isCode('FILE_NOT_FOUND'));
    writeFileSync(join(dir, 'other.csv'), 'a,b\n1,2\n');
    assert.throws(() => readTimings(join(dir, 'other.csv')), (e: Error & { code?: string }) => e.code === 'BAD_TIMINGS_FILE' && /columns cell and seconds/.test(e.message));
    assert.throws(() => planShards(toyStudy, { count: 0 }), isCode('BAD_SHARD'));
  });

  it('refuses a bad shard and a folder holding another shard; nothing written', async () => {
    await assert.rejects(runStudy(toyStudy, { out: join(dir, 'x'), shard: { index: 2, count: 2 } }), isCode('BAD_SHARD'));
    assert.equal(existsSync(join(dir, 'x')), false);
    await runStudy(toyStudy, { out: join(dir, 's0'), shard: { index: 0, count: 2 } });
    const before = readFileSync(join(dir, 's0', 'results.jsonl'), 'utf8');
    await assert.rejects(runStudy(toyStudy, { out: join(dir, 's0'), shard: { index: 1, count: 2 } }), (e: Error & { code?: string }) => e.code === 'STUDY_MISMATCH' && /shard 0\/2/.test(e.message));
    assert.equal(readFileSync(join(dir, 's0', 'results.jsonl'), 'utf8'), before);
    assert.throws(() => getStudy('fidelty'), (e: Error & { code?: string }) => e.code === 'UNKNOWN_STUDY' && /fidelity/.test(e.message));
  });

  it('a run killed after some cells resumes without recomputing any finished cell', async () => {
    const out = join(dir, 'run');
    const log = join(dir, 'computed.log');
    const env = { TOY_LOG: log, TOY_DELAY_MS: '400' };
    // Kill the child once two cells are on disk.
    await child(here('./fixtures/toy-child.ts'), [out], env, (kill) => {
      const t = setInterval(() => {
        if (readRecords(out).length >= 2) { clearInterval(t); kill(); }
      }, 20);
    });
    const finished = readRecords(out).map((r) => r.index);
    assert.ok(finished.length >= 2 && finished.length < 5, `killed after ${finished.length} cells`);
    const second = await child(here('./fixtures/toy-child.ts'), [out], env);
    assert.equal(second.code, 0, second.out);
    const starts = readFileSync(log, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[1]));
    for (const i of finished) assert.equal(starts.filter((s) => s === i).length, 1, `cell ${i} was computed again`);
    assert.deepEqual(readRecords(out).map((r) => r.index).sort(), [0, 1, 2, 3, 4]);
    await runStudy(toyStudy, { out: join(dir, 'ref') });
    assert.equal(readFileSync(join(out, 'results.csv'), 'utf8'), readFileSync(join(dir, 'ref', 'results.csv'), 'utf8'));
  });

  it('the fidelity study: two shards in two processes, merged, equal one unsharded run byte for byte (CLI)', async () => {
    const cli = here('./fixtures/cli-child.ts');
    const env = { SEMSLICE_BACKEND: 'wasm' };
    const [a, b] = await Promise.all([
      child(cli, ['study', 'run', 'fidelity', '--preset', 'small', '--shard', '0/2', '--out', join(dir, 'a')], env),
      child(cli, ['study', 'run', 'fidelity', '--preset', 'small', '--shard', '1/2', '--out', join(dir, 'b')], env),
    ]);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    const m = await child(cli, ['study', 'merge', join(dir, 'a'), join(dir, 'b'), '--out', join(dir, 'merged')], env);
    assert.equal(m.code, 0, m.out);
    const one = await child(cli, ['study', 'run', 'fidelity', '--preset', 'small', '--out', join(dir, 'one')], env);
    assert.equal(one.code, 0, one.out);
    const merged = readFileSync(join(dir, 'merged', 'results.csv'));
    assert.ok(merged.equals(readFileSync(join(dir, 'one', 'results.csv'))), 'merged table differs from the unsharded one');
    const lines = merged.toString('utf8').trim().split('\n');
    assert.ok(lines.length > 20, `${lines.length} lines`);
    assert.match(lines[0]!, /^model,dataset,seed,row,/);
    assert.match(lines[0]!, /,method,metric,theta,k,cr,accuracy,/);
  });
});
