/**
 * Execute a notebook headless with Jupyter's nbconvert and the tslab kernel, with parameters injected, and check the
 * result. The CLI's `semslice run` is a thin wrapper over executeNotebook().
 *
 * Why the run copy sits next to the input: the kernel's cwd is the notebook's folder, and cells import the package
 * by relative path (`../dist/index.js`). Why --allow-errors: without it nbconvert exits 1 with an empty message and
 * writes nothing; with it the output notebook holds the failing cell's stderr, which checkExecutedNotebook reports.
 *
 * The output follows the output rule (engine/output-target.ts), checked with the parameters before Jupyter starts:
 * an existing file is replaced only with force and only when semslice wrote it (the executed notebook carries
 * metadata.semslice.writtenBy), never the input, through a link to the file it points to. An interrupted run
 * (Ctrl-C at the CLI) stops nbconvert and removes the run copy and nbconvert's folder: nothing of it is left.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SemsliceError } from '../engine/errors.js';
import { fail } from '../engine/messages/index.js';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { checkFileTarget, onInterrupt, uninterrupted } from '../engine/output-target.js';
import { checkExecutedNotebook, type CheckOptions } from './check.js';
import { readNotebook, type Ipynb } from './ipynb.js';
import { injectParameters, type ParamValue } from './parameters.js';
import { checkRelativeImports, ensureTslabKernelspec, tslabBinary } from './kernelspec.js';

export interface ExecuteOptions {
  /** Values for the `parameters` cell's declarations (strings are coerced to the declared kind). */
  params?: Record<string, ParamValue>;
  /** Output path (default: `<input>.out.ipynb` beside the input). Never the input itself. */
  out?: string;
  /** Replace an existing output notebook that semslice wrote (never another file). Default false (OUTPUT_EXISTS). */
  force?: boolean;
  /** Per-cell timeout in seconds (default 600). The whole run is killed after `timeoutS * 3 + 60`. */
  timeoutS?: number;
  /** Kernel name (default "tslab"). */
  kernel?: string;
  /** Extra Jupyter data folders searched for kernelspecs; default `<repo>/.jupyter/share/jupyter` if present. */
  jupyterPath?: string[];
  /** The jupyter executable (default `jupyter` on PATH). */
  jupyter?: string;
  /** What checkExecutedNotebook looks for. */
  check?: CheckOptions;
}

export interface ExecuteResult {
  input: string;
  out: string;
  ok: boolean;
  /** From checkExecutedNotebook (empty when ok). */
  problems: string[];
  params: Record<string, ParamValue>;
  seconds: number;
  cells: number;
  /** The executed notebook. */
  notebook: Ipynb;
}

interface RunOut {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run a command to completion (killed after timeoutMs). It gets a process group of its own (`detached`), so that a
 * Ctrl-C at the terminal reaches only semslice, which stops it once, through `onStart`'s handle.
 */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, cwd?: string, onStart?: (child: ChildProcess) => void): Promise<RunOut> {
  return new Promise((res) => {
    const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    let failed = '';
    child.on('error', (e) => { failed = e.message; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(err).toString() + (failed ? failed : signal ? `killed by ${signal}` : '');
      res({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: text });
    });
    onStart?.(child);
  });
}

/** Every process below pid (its children, theirs, ...), from one `ps` listing. */
function descendants(pid: number): number[] {
  const r = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const kids = new Map<number, number[]>();
  for (const line of (r.stdout ?? '').split('\n')) {
    const [c, p] = line.trim().split(/\s+/).map(Number);
    if (c && p) kids.set(p, [...(kids.get(p) ?? []), c]);
  }
  const out: number[] = [];
  const walk = (p: number): void => { for (const c of kids.get(p) ?? []) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stop nbconvert and what it started (the kernel runs in a session of its own, and survives nbconvert unless stopped
 * too): SIGINT first, which lets nbconvert shut its kernel down; SIGTERM, then SIGKILL, to whatever is left.
 */
async function stopTree(child: ChildProcess): Promise<void> {
  const pids = [child.pid!, ...descendants(child.pid!)];
  const signal = (sig: NodeJS.Signals) => { for (const p of pids) if (alive(p)) { try { process.kill(p, sig); } catch { /* gone */ } } };
  const settle = async (ms: number): Promise<boolean> => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (!pids.some(alive)) return true;
    return !pids.some(alive);
  };
  child.kill('SIGINT');
  if (await settle(3000)) return;
  signal('SIGTERM');
  if (await settle(3000)) return;
  signal('SIGKILL');
  await settle(1000);
}

/** The repo-local kernelspec prefix written by scripts/setup-jupyter.sh (two levels above src/ or dist/). */
function defaultJupyterPath(): string[] {
  const p = resolve(dirname(fileURLToPath(import.meta.url)), '../../.jupyter/share/jupyter');
  return existsSync(p) ? [p] : [];
}

/** Environment for jupyter: JUPYTER_PATH extended, the frozen-modules debugger warning silenced. */
export function jupyterEnv(paths: string[]): NodeJS.ProcessEnv {
  const existing = process.env.JUPYTER_PATH ? process.env.JUPYTER_PATH.split(delimiter) : [];
  return { ...process.env, JUPYTER_PATH: [...paths, ...existing].join(delimiter), PYDEVD_DISABLE_FILE_VALIDATION: '1' };
}

/**
 * Check that `jupyter nbconvert` runs and the kernel is installed; SemsliceError with install steps otherwise.
 *
 * @example
 * await findJupyter({ kernel: 'tslab' }); // { jupyter: 'jupyter', env }
 */
export async function findJupyter(opts: Pick<ExecuteOptions, 'jupyter' | 'jupyterPath' | 'kernel'> = {}): Promise<{ jupyter: string; env: NodeJS.ProcessEnv }> {
  const jupyter = opts.jupyter ?? 'jupyter';
  const kernel = opts.kernel ?? 'tslab';
  if (kernel === 'tslab' && !opts.jupyterPath) ensureTslabKernelspec(); // a file: write it rather than ask for a setup step
  const env = jupyterEnv(opts.jupyterPath ?? defaultJupyterPath());
  const v = await run(jupyter, ['nbconvert', '--version'], env, 60_000);
  if (v.code !== 0) {
    throw fail('NO_JUPYTER', { jupyter, error: firstLine(v.stderr) || `exit ${v.code}` });
  }
  const ks = await run(jupyter, ['kernelspec', 'list', '--json'], env, 60_000);
  let names: string[] = [];
  try {
    names = Object.keys((JSON.parse(ks.stdout) as { kernelspecs: Record<string, unknown> }).kernelspecs);
  } catch {
    names = [];
  }
  // The kernelspec is a file semslice can write itself; only what it cannot make is reported (tslab, Jupyter).
  if (!names.includes(kernel)) throw fail('NO_KERNEL', { kernel, found: names, tslabMissing: kernel === 'tslab' && !tslabBinary() });
  return { jupyter, env };
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l && !/debugger|frozen modules|PYDEVD|^0\.00s/i.test(l)) ?? '';
}

function defaultOut(input: string): string {
  return input.replace(/(\.ipynb)?$/, '.out.ipynb');
}

/**
 * Execute a notebook with parameters, write the executed copy atomically, and check it.
 *
 * @example
 * const r = await executeNotebook('notebooks/01-slicing-fidelity.ipynb', { params: { theta: 0.95 }, out: 'run.ipynb' });
 * console.log(formatExecuteResult(r)); process.exitCode = r.ok ? 0 : 1;
 */
export async function executeNotebook(input: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
  const started = Date.now();
  const inputPath = resolve(input);
  const outGiven = opts.out ?? defaultOut(input);
  const target = { what: 'executed notebook', force: opts.force ?? false, option: 'out', inputs: [inputPath] };
  const params = opts.params ?? {};
  const nb = injectParameters(await readNotebook(inputPath), params);
  const out = (await checkFileTarget(outGiven, target)).path;
  checkRelativeImports(nb, input);
  const { jupyter, env } = await findJupyter(opts);
  const timeoutS = opts.timeoutS ?? 600;
  const dir = dirname(inputPath);
  const runCopy = join(dir, `.${basename(inputPath, '.ipynb')}.run-${process.pid}-${Date.now()}.ipynb`);
  const outDir = await mkdtemp(join(tmpdir(), 'semslice-nb-'));
  let child: ChildProcess | undefined;
  let stopped = false;
  // Interrupted: stop nbconvert and its kernel, and leave nothing of the run behind.
  const release = onInterrupt(async () => {
    stopped = true;
    rmSync(runCopy, { force: true });
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) await stopTree(child);
    rmSync(outDir, { recursive: true, force: true });
  });
  try {
    await writeFile(runCopy, JSON.stringify(nb, null, 1) + '\n');
    const args = ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', `--ExecutePreprocessor.timeout=${timeoutS}`,
      `--ExecutePreprocessor.kernel_name=${opts.kernel ?? 'tslab'}`, '--output-dir', outDir, '--output', 'executed.ipynb', runCopy];
    const r = await run(jupyter, args, env, (timeoutS * 3 + 60) * 1000, dir, (c) => { child = c; });
    if (stopped) throw fail('ABORTED', { case: 'notebook', input });
    const produced = join(outDir, 'executed.ipynb');
    if (!existsSync(produced)) {
      throw fail('NOTEBOOK_RUN_FAILED', { input, exit: r.code, error: firstLine(r.stderr) });
    }
    const executed = JSON.parse(await readFile(produced, 'utf8')) as Ipynb;
    const problems = checkExecutedNotebook(executed, opts.check);
    executed.metadata.semslice = { ...(executed.metadata.semslice as object | undefined), writtenBy: 'semslice run' };
    // Checked again: the run took minutes, and the output rule holds at the moment of writing.
    const real = (await checkFileTarget(outGiven, target)).path;
    await uninterrupted(() => writeFileAtomic(real, JSON.stringify(executed, null, 1) + '\n'));
    const cells = executed.cells.filter((c) => c.cell_type === 'code').length;
    return { input, out, ok: problems.length === 0, problems, params, seconds: (Date.now() - started) / 1000, cells, notebook: executed };
  } finally {
    release();
    await rm(runCopy, { force: true });
    await rm(outDir, { recursive: true, force: true });
  }
}

/** What the CLI prints: one status line, then the problems. */
export function formatExecuteResult(r: ExecuteResult): string {
  const p = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const head = `${r.ok ? 'ok' : 'FAILED'}: ${r.input} -> ${r.out} (${r.cells} code cells, ${r.seconds.toFixed(1)} s${p ? `, ${p}` : ''})`;
  return [head, ...r.problems.map((x) => `  - ${x}`)].join('\n');
}
