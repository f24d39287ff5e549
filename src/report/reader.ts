/**
 * The report's view of a notebook: read by the one reader (src/ipynb) and normalised (sources joined, missing
 * outputs as []), so no later layer touches the caller's object or re-checks shapes.
 *
 * @example
 * const nb = readNotebook(fs.readFileSync('run.ipynb', 'utf8'), 'run.ipynb');
 * nb.cells.length;
 */
import { joinText, parseNotebook } from '../ipynb/index.js';
import type { Cell, Notebook, Output } from './types.js';

export { joinText };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Read `input` (a JSON string, a Buffer, or an already parsed object) as an nbformat 4 notebook (the checks of the
 * one reader, src/ipynb) and return a normalised copy. `what` names the input in error messages.
 */
export function readNotebook(input: unknown, what = 'notebook'): Notebook {
  const raw = parseNotebook(input, what) as unknown as Record<string, unknown> & { cells: unknown[] };
  const metadata = isObject(raw.metadata) ? structuredClone(raw.metadata) : {};
  const cells = raw.cells.map((c) => readCell(c as Record<string, unknown>));
  return { nbformat: 4, nbformat_minor: typeof raw.nbformat_minor === 'number' ? raw.nbformat_minor : 0, metadata, cells };
}

function readCell(c: Record<string, unknown>): Cell {
  const cell: Cell = {
    cell_type: c.cell_type as string,
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
