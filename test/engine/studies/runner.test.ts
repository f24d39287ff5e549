import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getStudy, mergeStudies, readRecords, runStudy } from '../../../src/engine/studies/index.js';
import { toyStudy } from './fixtures/toy-study.js';

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
    assert.match(lines[0]!, /^model,dataset,seed,row,method,metric/);
  });
});
