/**
 * The scale-out examples users copy must match what the code accepts: the Kubernetes manifest and the GitHub Actions
 * workflow in docs/studies.md (parsed as YAML), the shell lines there, and the argument lists scripts/slurm builds.
 * Each semslice command is expanded the way its engine's shell would (sh, with the engine's variables set), then run
 * with --dry-run (study run) or for real against folders (study merge). Runs without Slurm; slurm.test.ts runs the
 * scripts on a real cluster.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { getStudy, runStudy } from '../../src/engine/studies/index.js';
import { runCli } from '../cli/run-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs', 'studies.md'), 'utf8');
const blocks = [...DOC.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, text: m[2]! }));
const block = (lang: string, has: string): string => {
  const b = blocks.find((x) => x.lang === lang && x.text.includes(has));
  assert.ok(b, `docs/studies.md has no ${lang} block with "${has}"`);
  return b.text;
};

/** The argv a shell gives `prefix ...` in `line` (variables expanded from env), without the prefix. */
function argvOf(line: string, prefix: string, env: Record<string, string> = {}): string[] {
  assert.ok(line.trim().startsWith(prefix), `"${line}" does not start with "${prefix}"`);
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${line.trim().slice(prefix.length)}`], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

/** No commander usage error (unknown option, missing argument): the flags were accepted. */
const flagsAccepted = (err: string): void => assert.doesNotMatch(err, /unknown option|unknown command|missing required|argument missing|too many arguments/, err);

/** `sh -c` of a script with printf as the semslice command: the argv the script would run semslice with. */
function scriptArgv(script: string, args: string[], env: Record<string, string>): { argv: string[]; stderr: string } {
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'slurm', script), ...args, 'printf', '%s\\0'], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { argv: r.stdout.split('\0').slice(0, -1), stderr: r.stderr };
}

describe('scale-out examples: docs/studies.md and scripts/slurm match what the code accepts', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'semslice-examples-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the Kubernetes indexed Job: every pod index runs its own shard of completions, and the merge line names them all', async () => {
    const job = load(block('yaml', 'kind: Job')) as {
      kind: string; spec: { completions: number; parallelism: number; completionMode: string; template: { spec: { containers: Array<{ env?: Array<{ name: string; value: string }>; command: string[]; args: string[] }> } } };
    };
    assert.equal(job.kind, 'Job');
    assert.equal(job.spec.completionMode, 'Indexed');
    const n = job.spec.completions;
    const c = job.spec.template.spec.containers[0]!;
    assert.deepEqual(c.command, ['sh', '-c']);
    const podEnv = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(podEnv['SEMSLICE_SHARD_COUNT'], String(n), 'SEMSLICE_SHARD_COUNT must equal the completions');
    const outs: string[] = [];
    for (let i = 0; i < n; i++) {
      const argv = argvOf(c.args[0]!, 'npx semslice', { ...podEnv, JOB_COMPLETION_INDEX: String(i) });
      const r = await runCli([...argv, '--dry-run'], { ...podEnv, JOB_COMPLETION_INDEX: String(i), SLURM_ARRAY_TASK_ID: '' });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`shard ${i}/${n} from Kubernetes indexed Job \\(JOB_COMPLETION_INDEX=${i}, SEMSLICE_SHARD_COUNT=${n}\\)`));
      outs.push(argv[argv.indexOf('--out') + 1]!);
    }
    assert.equal(new Set(outs).size, n, 'each pod writes its own folder');
    const merge = argvOf(block('sh', 'study merge /results').trim(), 'npx semslice');
    assert.deepEqual(merge.slice(2, -2), outs);
    const r = await runCli(merge);
    flagsAccepted(r.err);
    assert.match(r.err, /\/results\/fid-0 has no study\.json/);
  });

  it('the GitHub Actions matrix: each job runs shard k of the matrix size, uploads that folder, and the merge takes every artifact', async () => {
    const wf = load(block('yaml', 'matrix:')) as {
      jobs: { shard: { strategy: { matrix: { shard: number[] } }; env?: Record<string, string>; steps: Array<{ run?: string; uses?: string; with?: { name: string; path: string } }> }; merge: { needs: string; steps: Array<{ run?: string }> } };
    };
    const shards = wf.jobs.shard.strategy.matrix.shard;
    assert.deepEqual(shards, shards.map((_, i) => i));
    const names: string[] = [];
    for (const k of shards) {
      const sub = (s: string): string => s.replace(/\$\{\{ matrix\.shard \}\}/g, String(k));
      const run = sub(wf.jobs.shard.steps.find((s) => s.run?.includes('study run'))!.run!).split('&&').map((s) => s.trim()).find((s) => s.startsWith('npx semslice'))!;
      const argv = argvOf(run, 'npx semslice');
      const r = await runCli([...argv, '--dry-run']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`, shard ${k}/${shards.length}: `));
      const upload = wf.jobs.shard.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!;
      assert.equal(sub(upload.path), argv[argv.indexOf('--out') + 1]);
      names.push(sub(upload.name));
    }
    assert.equal(wf.jobs.merge.needs, 'shard');
    const mergeRun = wf.jobs.merge.steps.find((s) => s.run?.includes('study merge'))!.run!.split('&&').map((s) => s.trim()).find((s) => s.startsWith('npx semslice'))!;
    const merge = argvOf(mergeRun, 'npx semslice');
    assert.deepEqual(merge.slice(2, -2), names, 'download-artifact puts each artifact in a folder of its name');
    assert.ok(/^[1-9]\d*$/.test(wf.jobs.shard.env?.['SEMSLICE_TRAIN_WORKERS'] ?? ''));
  });

  it('the shell lines: study run shards, the plan, and submit.sh flags are all accepted', async () => {
    const lines = blocks.filter((b) => b.lang === 'sh').flatMap((b) => b.text.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    const runs = lines.filter((l) => l.startsWith('semslice study run'));
    assert.ok(runs.length >= 3);
    for (const l of runs) {
      const r = await runCli([...argvOf(l, 'semslice'), '--dry-run']);
      assert.equal(r.code, 0, `${l}\n${r.err}`);
    }
    const plan = await runCli(argvOf(lines.find((l) => l.startsWith('semslice study plan'))!, 'semslice'));
    flagsAccepted(plan.err);
    assert.match(plan.err, /runs\/r\/merged does not exist/);
    const submitCase = readFileSync(join(ROOT, 'scripts', 'slurm', 'submit.sh'), 'utf8');
    const submits = [...DOC.matchAll(/scripts\/slurm\/submit\.sh ([^`\n]*)/g)].map((m) => m[1]!);
    assert.ok(submits.length >= 2);
    for (const s of submits) {
      for (const flag of (s.split(' -- ')[0]!.match(/--[a-z-]+/g) ?? [])) assert.ok(submitCase.includes(`    ${flag})`), `submit.sh does not take ${flag} (docs: ${s})`);
    }
    for (const flag of DOC.match(/`--(?:study|preset|shards|out|tasks|semslice)\b/g) ?? []) assert.ok(submitCase.includes(`    ${flag.slice(1)})`), flag);
  });

  it('scripts/slurm: the array task runs its shard with --shard auto; the merge takes the folders that exist; submit.sh checks before queueing', async () => {
    const out = join(dir, 'runs');
    for (const k of [0, 1]) {
      const env = { SLURM_ARRAY_JOB_ID: '77', SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '1', SLURM_ARRAY_TASK_STEP: '1' };
      const { argv, stderr } = scriptArgv('study-array.sbatch', ['restructure', 'small', '2', out], env);
      assert.deepEqual(argv, ['study', 'run', 'restructure', '--preset', 'small', '--shard', 'auto', '--shards', '2', '--out', join(out, `shard-${k}`)]);
      assert.match(stderr, new RegExp(`array job 77 task ${k}`));
      const r = await runCli([...argv, '--dry-run'], env);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`shard ${k}/2 from Slurm array job 77, task ${k} .*count from --shards`));
    }
    // Shard folders as tasks leave them when task 0 was cancelled before finishing a cell and task 1 never started.
    const def = getStudy('restructure');
    await runStudy({ ...def, run: async () => { throw new Error('cancelled'); } }, { preset: 'small', shard: { index: 0, count: 2 }, out: join(out, 'shard-0') }).catch(() => undefined);
    const { argv, stderr } = scriptArgv('study-merge.sbatch', ['2', out], {});
    assert.deepEqual(argv, ['study', 'merge', join(out, 'shard-0'), '--out', join(out, 'merged')]);
    assert.match(stderr, /no folder .*shard-1 \(array task 1 did not start\)/);
    const m = await runCli(argv);
    assert.equal(m.code, 2);
    assert.match(m.err, /shard 0\/2 \(\d+ cells .*\) in .*shard-0; shard 1\/2 \(cells? .*\): no folder of that shard was given/);
    // submit.sh refuses before anything reaches sbatch: a bad count, and a study semslice does not know.
    const submit = (args: string[]) => spawnSync('bash', [join(ROOT, 'scripts', 'slurm', 'submit.sh'), ...args], { cwd: ROOT, encoding: 'utf8' });
    const zero = submit(['--study', 'fidelity', '--out', out, '--shards', '0']);
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /--shards takes a positive integer, got "0"/);
    const typo = submit(['--study', 'fidelty', '--out', out, '--semslice', `${process.execPath} --import tsx ${join(ROOT, 'test', 'engine', 'studies', 'fixtures', 'cli-child.ts')}`]);
    assert.equal(typo.status, 2, typo.stdout + typo.stderr);
    assert.match(typo.stderr, /fidelity/);
    assert.doesNotMatch(typo.stdout, /array job:/);
  });
});
