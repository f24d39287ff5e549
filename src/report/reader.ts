/**
 * The notebook reader: parses and validates nbformat 4 and returns a normalised copy (sources joined, missing
 * outputs as []), so no later layer touches the caller's object or re-checks shapes.
 *
 * @example
 * const nb = readNotebook(fs.readFileSync('run.ipynb', 'utf8'), 'run.ipynb');
 * nb.cells.length;
 */
import { nbformatVersionError, notJsonError, notNotebookError } from './errors.js';
import type { Cell, Notebook, Output } from './types.js';

/** nbformat stores multi-line strings either as one string or as a list of lines. */
export function joinText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : String(x))).join('');
  return v === undefined || v === null ? '' : String(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validate `input` (a JSON string, a Buffer, or an already parsed object) as an nbformat 4 notebook.
 * `what` names the input in error messages (a file path, or "notebook").
 */
export function readNotebook(input: unknown, what = 'notebook'): Notebook {
  let raw: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw notJsonError(what, (e as Error).message);
    }
  }
  if (!isObject(raw)) throw notNotebookError(what, `expected a JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  if (raw.nbformat === undefined) {
    // nbformat 3 keeps cells under worksheets; say so, since it is the usual reason for a missing "cells".
    if (Array.isArray(raw.worksheets)) throw nbformatVersionError(what, 3);
    throw notNotebookError(what, 'no "nbformat" field');
  }
  if (raw.nbformat !== 4) throw nbformatVersionError(what, raw.nbformat);
  if (!Array.isArray(raw.cells)) throw notNotebookError(what, 'nbformat 4 but no "cells" array');
  const metadata = isObject(raw.metadata) ? structuredClone(raw.metadata) : {};
  const cells = raw.cells.map((c, i) => readCell(c, i, what));
  return { nbformat: 4, nbformat_minor: typeof raw.nbformat_minor === 'number' ? raw.nbformat_minor : 0, metadata, cells };
}

function readCell(c: unknown, i: number, what: string): Cell {
  if (!isObject(c)) throw notNotebookError(what, `cell ${i} is not an object`);
  if (typeof c.cell_type !== 'string') throw notNotebookError(what, `cell ${i} has no "cell_type"`);
  const cell: Cell = {
    cell_type: c.cell_type,
    source: joinText(c.source),
    metadata: isObject(c.metadata) ? structuredClone(c.metadata) : {},
    // A code cell saved without outputs (hand-written, or stripped) is shown as having none.
    outputs: Array.isArray(c.outputs) ? c.outputs.map((o) => readOutput(o)) : [],
  };
  if (typeof c.execution_count === 'number') cell.execution_count = c.execution_count;
  if (isObject(c.attachments)) cell.attachments = structuredClone(c.attachments) as Cell['attachments'];
  return cell;
}

function readOutput(o: unknown): Output {
  if (!isObject(o)) return { output_type: 'invalid' };
  const copy = structuredClone(o);
  switch (copy.output_type) {
    case 'stream':
      return { output_type: 'stream', name: typeof copy.name === 'string' ? copy.name : 'stdout', text: joinText(copy.text) };
    case 'display_data':
    case 'execute_result':
      return { ...copy, output_type: copy.output_type, data: isObject(copy.data) ? copy.data : {} } as Output;
    case 'error':
      return {
        output_type: 'error',
        ename: joinText(copy.ename),
        evalue: joinText(copy.evalue),
        traceback: Array.isArray(copy.traceback) ? copy.traceback.map((l) => joinText(l)) : [],
      };
    default:
      return { ...copy, output_type: typeof copy.output_type === 'string' ? copy.output_type : 'invalid' };
  }
}
