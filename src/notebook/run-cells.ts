/**
 * Run a notebook's code cells in this process, in order and in one scope (a later cell sees an earlier cell's
 * variables, as in a kernel), and keep each cell's outputs: displays (show, progress) through withDisplaySink and
 * console output through stdout. A notebook written this way holds exactly the code that produced its outputs.
 *
 * Cells are TypeScript that is also plain JavaScript (no type annotations), so tslab runs them again unchanged and
 * this runner runs them without a compiler; `import * as NAME from "SPEC"` lines are bound to the modules given.
 */
import { isSemsliceError } from '../engine/errors.js';
import { fail } from '../engine/messages/index.js';
import { withDisplaySink, type MimeBundle } from './kernel.js';
import { displayOutput, streamOutput, type NotebookOutput } from './document-builder.js';

/** A cell to run (markdown cells are passed through). */
export interface CellSource {
  kind: 'markdown' | 'code';
  source: string;
  /** Cell metadata tags (e.g. 'parameters'). */
  tags?: string[];
}

/** Options of {@link runCells}. */
export interface RunCellsOptions {
  /** Modules the cells import by specifier: `import * as ss from "semslice"` binds ss to modules["semslice"]. */
  modules: Record<string, unknown>;
  /** Variables of the cells' scope returned after the last cell. */
  returns?: readonly string[];
  /** Called before each code cell runs (its position among all cells). */
  onCell?: (index: number, cell: CellSource) => void;
}

/** What {@link runCells} returns: the outputs of every cell (empty for markdown) and the variables asked for. */
export interface RunCellsResult {
  outputs: NotebookOutput[][];
  values: Record<string, unknown>;
}

const IMPORT = /^\s*import\s+\*\s+as\s+([A-Za-z_$][\w$]*)\s+from\s+["']([^"']+)["'];?[^\n]*$/;

/** A code cell's source with its namespace imports bound to the given modules. */
function bindImports(source: string, index: number, modules: Record<string, unknown>): string {
  return source.split('\n').map((line) => {
    if (!/^\s*import\b/.test(line)) return line;
    const m = IMPORT.exec(line);
    if (!m) throw fail('BAD_NOTEBOOK', { case: 'import-form', cell: index + 1, line: line.trim() });
    if (!(m[2]! in modules)) throw fail('BAD_NOTEBOOK', { case: 'import-not-given', cell: index + 1, module: m[2]!, given: Object.keys(modules) });
    return `const ${m[1]} = __modules[${JSON.stringify(m[2])}];`;
  }).join('\n');
}

/**
 * Run the code cells of `cells` (see the file comment).
 *
 * @example
 * const r = await runCells([{ kind: 'code', source: 'import * as ss from "semslice";\nconst x = 1;\nconsole.log(x);' }],
 *   { modules: { semslice: ss }, returns: ['x'] });
 * r.outputs[0];   // [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }]
 */
export async function runCells(cells: readonly CellSource[], opts: RunCellsOptions): Promise<RunCellsResult> {
  const outputs: NotebookOutput[][] = cells.map(() => []);
  const names = opts.returns ?? [];
  for (const n of names) if (!/^[A-Za-z_$][\w$]*$/.test(n)) throw new Error(`runCells: "${n}" is not a variable name`);
  const body = cells.map((c, i) => (c.kind === 'code' ? `await __enter(${i});\n${bindImports(c.source, i, opts.modules)}\n` : '')).join('')
    + `await __enter(-1);\nreturn { ${names.map((n) => `${n}: typeof ${n} === 'undefined' ? undefined : ${n}`).join(', ')} };`;
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<Record<string, unknown>>;
  let program: (...a: unknown[]) => Promise<Record<string, unknown>>;
  try {
    program = new AsyncFunction('__modules', '__enter', body);
  } catch (e) {
    throw fail('BAD_NOTEBOOK', { case: 'not-javascript', error: (e as Error).message });
  }

  let current = -1;
  const byDisplay = new Map<string, { cell: number; at: number }>();
  const append = (text: string): void => {
    if (current < 0 || text.length === 0) return;
    const out = outputs[current]!;
    const last = out.at(-1);
    if (last && last.output_type === 'stream' && last.name === 'stdout') out[out.length - 1] = streamOutput(last.text.join('') + text);
    else out.push(streamOutput(text));
  };
  const sink = (bundle: MimeBundle, o: { displayId?: string; update?: boolean }): void => {
    if (current < 0) return;
    const known = o.displayId ? byDisplay.get(o.displayId) : undefined;
    if (known && o.update) { outputs[known.cell]![known.at] = displayOutput(bundle); return; }
    outputs[current]!.push(displayOutput(bundle));
    if (o.displayId) byDisplay.set(o.displayId, { cell: current, at: outputs[current]!.length - 1 });
  };
  const enter = async (i: number): Promise<void> => {
    current = i;
    if (i >= 0) opts.onCell?.(i, cells[i]!);
  };
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    const values = await withDisplaySink(sink, () => program(opts.modules, enter));
    return { outputs, values };
  } catch (e) {
    if (isSemsliceError(e) || current < 0) throw e;
    const err = new Error(`cell ${current + 1} failed: ${(e as Error).message}`);
    (err as Error & { cause?: unknown }).cause = e;
    throw err;
  } finally {
    process.stdout.write = write;
  }
}
