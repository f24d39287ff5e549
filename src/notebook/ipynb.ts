/**
 * The nbformat 4 document, loosely typed (outputs vary by kernel), and reading one with a clear error when the file
 * is not a notebook.
 */
import { readFile } from 'node:fs/promises';
import { SemsliceError } from '../engine/errors.js';

export interface IpynbOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | 'update_display_data';
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
export interface IpynbCell {
  id?: string;
  cell_type: 'code' | 'markdown' | 'raw';
  metadata: Record<string, unknown> & { tags?: string[] };
  source: string | string[];
  outputs?: IpynbOutput[];
  execution_count?: number | null;
}
export interface Ipynb {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: IpynbCell[];
}

/** A cell's source as one string. */
export function cellSource(c: IpynbCell): string {
  return Array.isArray(c.source) ? c.source.join('') : c.source;
}

/** nbformat's multiline string: one string or a list of lines. */
export function joinText(t: unknown): string {
  return Array.isArray(t) ? t.join('') : typeof t === 'string' ? t : '';
}

/** Structural problems that make a document not an nbformat 4 notebook (empty when fine). */
export function formatProblems(nb: unknown): string[] {
  if (typeof nb !== 'object' || nb === null) return ['not a JSON object'];
  const o = nb as Partial<Ipynb>;
  const out: string[] = [];
  if (o.nbformat !== 4) out.push(`nbformat is ${JSON.stringify(o.nbformat)}, expected 4`);
  if (typeof o.nbformat_minor !== 'number') out.push('nbformat_minor is missing');
  if (typeof o.metadata !== 'object' || o.metadata === null) out.push('metadata is missing');
  if (!Array.isArray(o.cells)) return [...out, 'cells is not a list'];
  o.cells.forEach((c, i) => {
    const where = `cell ${i}`;
    if (!c || !['code', 'markdown', 'raw'].includes(c.cell_type)) out.push(`${where}: bad cell_type ${JSON.stringify(c?.cell_type)}`);
    if (!(typeof c?.source === 'string' || Array.isArray(c?.source))) out.push(`${where}: source is missing`);
    if (typeof c?.metadata !== 'object' || c?.metadata === null) out.push(`${where}: metadata is missing`);
    if ((o.nbformat_minor ?? 0) >= 5 && typeof c?.id !== 'string') out.push(`${where}: id is missing (nbformat 4.5)`);
    if (c?.cell_type === 'code' && !Array.isArray(c.outputs)) out.push(`${where}: code cell without outputs list`);
  });
  return out;
}

/**
 * Read and parse a notebook file; SemsliceError when it is missing, not JSON, or not nbformat 4.
 *
 * @example
 * const nb = await readNotebook('notebooks/00-quickstart.ipynb');
 */
export async function readNotebook(path: string): Promise<Ipynb> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new SemsliceError('NOTEBOOK_NOT_FOUND', `No notebook at ${path}.`, 'Check the path (relative paths are from the current folder).');
  }
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new SemsliceError('NOTEBOOK_FORMAT', `${path} is not JSON (${(e as Error).message}).`, 'Pass an .ipynb file saved by Jupyter.');
  }
  const problems = formatProblems(nb);
  if (problems.length) {
    throw new SemsliceError('NOTEBOOK_FORMAT', `${path} is not an nbformat 4 notebook: ${problems.slice(0, 3).join('; ')}.`, 'Pass an .ipynb file saved by Jupyter (nbformat 4).');
  }
  return nb as Ipynb;
}
