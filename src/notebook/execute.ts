/**
 * Execute a notebook headless with Jupyter's nbconvert and the tslab kernel, with parameters injected, and check the
 * result. The CLI's `semslice run` is a thin wrapper over executeNotebook().
 *
 * Why the run copy sits next to the input: the kernel's cwd is the notebook's folder, and cells import the package
 * by relative path (`../dist/index.js`). Why --allow-errors: without it nbconvert exits 1 with an empty message and
 * writes nothing; with it the output notebook holds the failing cell's stderr, which checkExecutedNotebook reports.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SemsliceError } from '../engine/errors.js';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { checkExecutedNotebook, type CheckOptions } from './check.js';
import { readNotebook, type Ipynb } from './ipynb.js';
import { injectParameters, type ParamValue } from './parameters.js';
import { checkRelativeImports, ensureTslabKernelspec, tslabBinary } from './kernelspec.js';

export interface ExecuteOptions {
  /** Values for the `parameters` cell's declarations (strings are coerced to the declared kind). */
  params?: Record<string, ParamValue>;
  /** Output path (default: `<input>.out.ipynb` beside the input). Never the input itself. */
  out?: string;
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

const INSTALL_HINT =
  'Install Jupyter and the tslab kernel: `bash scripts/setup-jupyter.sh` (as root), or `apt-get install jupyter-nbconvert ' +
  'python3-nbclient python3-ipykernel jupyter-client` and `npx tslab install --python /usr/bin/python3 --binary "$PWD/node_modules/.bin/tslab" --prefix "$PWD/.jupyter"`.';

interface RunOut {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, cwd?: string): Promise<RunOut> {
  return new Promise((res) => {
    execFile(cmd, args, { env, cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      res({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === -1 ? String(err.message) : '') });
    });
  });
}

/** The repo-local kernelspec prefix written by scripts/setup-jupyter.sh (two levels above src/ or dist/). */
function defaultJupyterPath(): string[] {
  const p = resolve(dirname(fileURLToPath(import.meta.url)), '../../.jupyter/share/jupyter');
  return existsSync(p) ? [p] : [];
}

/** The kernelspec is a file semslice can write itself; only what it cannot make is reported (tslab, Jupyter). */
function kernelMissing(kernel: string, names: string[]): SemsliceError {
  if (kernel === 'tslab' && !tslabBinary()) {
    return new SemsliceError('NO_KERNEL', `The Jupyter kernel "tslab" is not installed, and tslab itself is missing (node_modules/.bin/tslab).`,
      'Install it in the semslice folder with `npm install` (tslab is a dev dependency) or `npm install tslab@1.0.22`; semslice then writes the kernelspec itself.');
  }
  return new SemsliceError('NO_KERNEL', `The Jupyter kernel "${kernel}" is not installed (found: ${names.join(', ') || 'none'}).`, INSTALL_HINT);
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
    throw new SemsliceError('NO_JUPYTER', `\`${jupyter} nbconvert\` is not available (${firstLine(v.stderr) || `exit ${v.code}`}).`, INSTALL_HINT);
  }
  const ks = await run(jupyter, ['kernelspec', 'list', '--json'], env, 60_000);
  let names: string[] = [];
  try {
    names = Object.keys((JSON.parse(ks.stdout) as { kernelspecs: Record<string, unknown> }).kernelspecs);
  } catch {
    names = [];
  }
  if (!names.includes(kernel)) throw kernelMissing(kernel, names);
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
  const out = resolve(opts.out ?? defaultOut(input));
  if (out === inputPath) {
    throw new SemsliceError('OUTPUT_IS_INPUT', `The output path ${opts.out} is the input notebook.`, 'Choose another --out path; inputs are never overwritten.');
  }
  const params = opts.params ?? {};
  const nb = injectParameters(await readNotebook(inputPath), params);
  checkRelativeImports(nb, input);
  const { jupyter, env } = await findJupyter(opts);
  const timeoutS = opts.timeoutS ?? 600;
  const dir = dirname(inputPath);
  const runCopy = join(dir, `.${basename(inputPath, '.ipynb')}.run-${process.pid}-${Date.now()}.ipynb`);
  const outDir = await mkdtemp(join(tmpdir(), 'semslice-nb-'));
  try {
    await writeFile(runCopy, JSON.stringify(nb, null, 1) + '\n');
    const args = ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', `--ExecutePreprocessor.timeout=${timeoutS}`,
      `--ExecutePreprocessor.kernel_name=${opts.kernel ?? 'tslab'}`, '--output-dir', outDir, '--output', 'executed.ipynb', runCopy];
    const r = await run(jupyter, args, env, (timeoutS * 3 + 60) * 1000, dir);
    const produced = join(outDir, 'executed.ipynb');
    if (!existsSync(produced)) {
      throw new SemsliceError('NOTEBOOK_RUN_FAILED', `jupyter nbconvert failed on ${input} (exit ${r.code}): ${firstLine(r.stderr) || 'no message'}.`, 'Run the same notebook in Jupyter to see the failing cell; check the kernel with `jupyter kernelspec list`.');
    }
    const executed = JSON.parse(await readFile(produced, 'utf8')) as Ipynb;
    const problems = checkExecutedNotebook(executed, opts.check);
    await writeFileAtomic(out, JSON.stringify(executed, null, 1) + '\n', { inputs: [inputPath] });
    const cells = executed.cells.filter((c) => c.cell_type === 'code').length;
    return { input, out, ok: problems.length === 0, problems, params, seconds: (Date.now() - started) / 1000, cells, notebook: executed };
  } finally {
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
