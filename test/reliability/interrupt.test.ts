/**
 * Reliability: Ctrl-C (SIGINT) during each command that writes (restructure, readapt, extend, study, run, report)
 * leaves nothing partial and touches nothing of the user's: the real CLI runs in a child process and is interrupted
 * mid-work; then the working folder must hold exactly what it held before (checksums, modes, links), or, where the
 * output was being put in place when the signal came, the complete output and nothing else. A study keeps its
 * finished cells and resumes from them. The engine's part (outputs in progress, writes that an interruption waits
 * for) is tested in-process as well.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/engine/backend/index.js';
import { interrupt, onInterrupt, uninterrupted, writeOutputFolder } from '../../src/engine/output-target.js';
import { findJupyter } from '../../src/notebook/execute.js';
import { runCli } from '../cli/run-cli.js';
import { assertSameTree, leftovers, snapshot } from './harness.js';

const CHILD = 'test/reliability/fixtures/cli-child.ts';

interface Running {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when the output matches re (rejects after timeoutMs, or if the process ends first). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The CLI from the sources in a child process (tsx), in `cwd`. */
function startCli(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => { text += String(d); for (const w of [...waiters]) w(); };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
  const kill = setTimeout(() => child.kill('SIGKILL'), 240_000);
  void done.then(() => clearTimeout(kill));
  return {
    child,
    output: () => text,
    done,
    waitFor: (re, timeoutMs = 120_000) => new Promise<void>((res, rej) => {
      const check = () => {
        if (re.test(text)) { clear(); res(); }
      };
      const timer = setTimeout(() => { clear(); rej(new Error(`timed out waiting for ${re}:\n${text}`)); }, timeoutMs);
      const ended = () => { clear(); rej(new Error(`the process ended before ${re}:\n${text}`)); };
      const clear = () => { clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1); child.off('close', ended); };
      waiters.push(check);
      child.on('close', ended);
      check();
    }),
  };
}

/** Interrupt once `re` shows, and return how the process ended. */
async function interruptAfter(r: Running, re: RegExp, delayMs = 0): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  await r.waitFor(re);
  if (delayMs) await new Promise((res) => setTimeout(res, delayMs));
  r.child.kill('SIGINT');
  const end = await r.done;
  return { ...end, output: r.output() };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const childrenOf = (pid: number): number[] =>
  (spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout ?? '').split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);

describe('reliability: Ctrl-C during each command that writes', function () {
  this.timeout(600_000);
  let work = '';
  const p = (...parts: string[]): string => join(work, ...parts);
  const COMMON = ['--data', 'synthetic', '--backend', 'cpu'];

  before(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    work = await mkdtemp(join(tmpdir(), 'semslice-interrupt-'));
    const t = await runCli(['train', '--model', 'mlp', '--data', 'synthetic', '--epochs', '10', '--lr', '0.003', '--out', p('model'), '--backend', 'cpu']);
    assert.equal(t.code, 0, t.err);
    await mkdir(p('mine'));
    await writeFile(p('mine', 'notes.txt'), 'my notes');
    await writeFile(p('nb.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', id: 'a', metadata: {}, source: ['# Hi'] }] }));
  });
  after(async () => { if (work) await rm(work, { recursive: true, force: true }); });

  /** A command interrupted mid-work: exit 128 + 2, the interruption said, and the working folder exactly as before. */
  async function expectClean(args: string[], progress: RegExp, env: Record<string, string> = {}, delayMs = 0): Promise<string> {
    const before = await snapshot(work);
    const r = await interruptAfter(startCli(args, env), progress, delayMs);
    assert.equal(r.code, 130, `exit code 130 (128 + SIGINT) expected, got ${r.code}/${r.signal}:\n${r.output}`);
    assert.match(r.output, /semslice: interrupted \(SIGINT\); nothing partial was left/);
    assert.doesNotMatch(r.output, /\n\s+at .+:\d+:\d+|unexpected/, r.output);
    assertSameTree(before, await snapshot(work), `semslice ${args.join(' ')} interrupted`);
    return r.output;
  }

  const HEAVY_RESTRUCTURE = (out: string, ...extra: string[]) => ['restructure', '--model', p('model'), ...COMMON, '--pruner', 'global', '--target-cr', '0.99',
    '--max-drop', '1', '--steps', '3000', '--max-iterations', '80', '--theta', '0.8', '--out', out, ...extra];
  const HEAVY_READAPT = (out: string, ...extra: string[]) => ['readapt', '--model', p('model'), ...COMMON, '--workload', 'fgsm', '--count', '100', '--epochs', '2000',
    '--target', '1', '--theta', '0.8', '--out', out, ...extra];
  const HEAVY_EXTEND = (out: string, ...extra: string[]) => ['extend', '--model', p('model'), ...COMMON, '--old', '0-4', '--new', '5-9', '--epochs', '3000',
    '--limit', '200', '--out', out, ...extra];

  it('restructure: interrupted while pruning, writes nothing (a new --out is not created)', async () => {
    await expectClean(HEAVY_RESTRUCTURE(p('rs-new')), /iteration 1:/);
    assert.equal(existsSync(p('rs-new')), false);
  });

  it('restructure --force over its earlier output: interrupted while pruning, the earlier output is left byte for byte', async () => {
    const out = p('rs-own');
    const quick = ['restructure', '--model', p('model'), ...COMMON, '--pruner', 'global', '--target-cr', '0.5', '--max-drop', '0.5', '--steps', '2', '--max-iterations', '2', '--theta', '0.8', '--out', out];
    assert.equal((await runCli(quick)).code, 0);
    await expectClean(HEAVY_RESTRUCTURE(out, '--force'), /iteration 1:/);
  });

  it('readapt: interrupted while training, writes nothing', async () => {
    await expectClean(HEAVY_READAPT(p('ra-new')), /step 20 /);
  });

  it('extend: interrupted while learning the new task, writes nothing', async () => {
    await expectClean(HEAVY_EXTEND(p('ex-new')), /learning 5-9 with ours/, {}, 1500);
  });

  it('study run: interrupted after a cell, keeps the finished cells (no partial file) and resumes from them', async () => {
    const out = p('study');
    const r = await interruptAfter(startCli(['study', 'run', 'toy', '--out', out], { TOY_DELAY_MS: '1500' }), /cell 1 .*: done/);
    assert.equal(r.code, 130, r.output);
    assert.deepEqual(await leftovers(work), []);
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
    assert.ok(lines.length >= 2 && lines.every((l) => JSON.parse(l).id), 'whole lines only');
    assert.equal(existsSync(join(out, 'results.csv')), false, 'the table is written once every cell is done');
    const again = await runCli(['study', 'run', 'fidelity', '--out', out]);
    assert.equal(again.code, 2, 'another study is not written over it without --force');
    const resumed = startCli(['study', 'run', 'toy', '--out', out]);
    const end = await resumed.done;
    assert.equal(end.code, 0, resumed.output());
    assert.match(resumed.output(), new RegExp(`computed, ${lines.length} resumed`));
  });

  it('run: interrupted while the notebook executes, stops nbconvert and its kernel and leaves no run copy, no output', async function () {
    try {
      await findJupyter();
    } catch (e) {
      console.log(`    skipped: ${(e as Error).message}`);
      this.skip();
    }
    const nb = p('slow.ipynb');
    await writeFile(nb, JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      cells: [{ cell_type: 'code', id: 'slow', metadata: {}, execution_count: null, outputs: [], source: ['await new Promise((r) => setTimeout(r, 120000));'] }],
    }));
    const before = await snapshot(work);
    const tmpBefore = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('semslice-nb-')));
    const r = startCli(['run', nb, '--out', p('slow.out.ipynb')]);
    await r.waitFor(/cli-child: main/);
    // The run copy appears beside the notebook when nbconvert starts; give the kernel time to start executing.
    const deadline = Date.now() + 60_000;
    while (!(await readdir(work)).some((n) => n.startsWith('.slow.run-')) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    await new Promise((res) => setTimeout(res, 5000));
    const nbconvert = childrenOf(r.child.pid!);
    const kernels = nbconvert.flatMap(childrenOf);
    assert.ok(nbconvert.length > 0, `nbconvert runs: ${r.output()}`);
    r.child.kill('SIGINT');
    const end = await r.done;
    assert.equal(end.code, 130, r.output());
    assertSameTree(before, await snapshot(work), 'run interrupted');
    const until = Date.now() + 30_000;
    while ([...nbconvert, ...kernels].some(alive) && Date.now() < until) await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual([...nbconvert, ...kernels].filter(alive), [], 'nbconvert and its kernel stopped');
    assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith('semslice-nb-') && !tmpBefore.has(n)), [], 'nbconvert\'s folder removed');
  });

  it('report: interrupted while rendering a large notebook, leaves either nothing or the complete report', async () => {
    const cells = Array.from({ length: 6000 }, (_, i) => ({
      cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: i + 1, source: [`console.log(${i})`],
      outputs: [{ output_type: 'stream', name: 'stdout', text: Array.from({ length: 200 }, (_, j) => `line ${j} of cell ${i}\n`) }],
    }));
    await writeFile(p('big.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
    const before = await snapshot(work);
    const out = p('big.html');
    const r = await interruptAfter(startCli(['report', p('big.ipynb'), '-o', out]), /cli-child: main/, 300);
    assert.ok(r.code === 130 || r.code === 0, `${r.code}/${r.signal}: ${r.output}`);
    if (existsSync(out)) {
      const html = await readFile(out, 'utf8');
      assert.match(html, /<\/html>\s*$/, 'a report is complete or absent');
      assert.match(html, /<meta name="generator" content="semslice/);
    }
    assertSameTree(before, new Map([...(await snapshot(work))].filter(([k]) => k !== out)), 'report interrupted');
    if (r.code === 130) assert.match(r.output, /interrupted \(SIGINT\)/);
    console.log(`      (exit ${r.code}: ${existsSync(out) ? 'the complete report' : 'no report'})`);
  });

  describe('the engine: outputs in progress', () => {
    it('writeOutputFolder interrupted while filling: the temporary folder goes, the earlier output stays as it was', async () => {
      const out = p('engine-out');
      await writeOutputFolder(out, { writer: 'test', force: false }, async (tmp) => { await writeFile(join(tmp, 'a.txt'), 'first'); });
      const before = await snapshot(work);
      let exits = 0;
      await assert.rejects(writeOutputFolder(out, { writer: 'test', force: true }, async (tmp) => {
        await writeFile(join(tmp, 'a.txt'), 'second');
        interrupt(() => { exits++; throw new Error('exit'); });
      }), /exit/);
      assert.equal(exits, 1);
      assertSameTree(before, await snapshot(work), 'interrupted fill');
      assert.equal(await readFile(join(out, 'a.txt'), 'utf8'), 'first');
    });

    it('writeOutputFolder interrupted while filling a new folder: the folders it made for it go too', async () => {
      const before = await snapshot(work);
      await assert.rejects(writeOutputFolder(p('made', 'for', 'it'), { writer: 'test' }, async (tmp) => {
        await writeFile(join(tmp, 'a.txt'), 'x');
        interrupt(() => { throw new Error('exit'); });
      }), /exit/);
      assertSameTree(before, await snapshot(work), 'interrupted new folder');
    });

    it('an interruption waits for a cleanup that stops something (a promise), then exits', async () => {
      const events: string[] = [];
      const release = onInterrupt(async () => {
        await new Promise((res) => setTimeout(res, 30));
        events.push('stopped');
      });
      const exited = new Promise<void>((res) => {
        assert.equal(interrupt(() => { events.push('exit'); res(); }), true, 'it waits for the cleanup');
      });
      await exited;
      release();
      assert.deepEqual(events, ['stopped', 'exit']);
    });

    it('an interruption waits for an uninterrupted write to finish, then undoes what is still in progress', async () => {
      const events: string[] = [];
      await uninterrupted(async () => {
        assert.equal(interrupt(() => events.push('exit')), true, 'it waits');
        await new Promise((res) => setTimeout(res, 20));
        events.push('write done');
      });
      assert.deepEqual(events, ['write done', 'exit']);
      assert.equal(interrupt(() => events.push('exit now')), false, 'nothing under way: at once');
      assert.deepEqual(events, ['write done', 'exit', 'exit now']);
    });
  });
});
