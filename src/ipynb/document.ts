/**
 * The one notebook reader: the nbformat 4 document (loosely typed: outputs vary by kernel), parsed and checked
 * with errors that say what is wrong and how to fix it. The report generator normalises what it reads; notebook
 * execution injects parameters into it and hands it to Jupyter. Depends on nothing but the error class, so
 * reports stay free of tfjs.
 *
 * @example
 * const nb = await readNotebookFile('notebooks/00-quickstart.ipynb');
 * nb.cells.filter((c) => c.cell_type === 'code').map(cellSource);
 */
import { readFile } from 'node:fs/promises';
import { fail } from '../engine/messages/index.js';

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
  attachments?: Record<string, Record<string, unknown>>;
}
export interface Ipynb {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: IpynbCell[];
}

/** nbformat stores multi-line strings either as one string or as a list of lines. */
export function joinText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : String(x))).join('');
  return v === undefined || v === null ? '' : String(v);
}

/** A cell's source as one string. */
export function cellSource(c: IpynbCell): string {
  return joinText(c.source);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse and check `input` (JSON text, bytes, or an already parsed object) as an nbformat 4 notebook: an object
 * with nbformat 4 and a cells array whose entries are objects with a cell_type. `what` names the input in errors.
 * Returns the document itself (parsed, not copied).
 *
 * @example
 * const nb = parseNotebook(text, 'run.ipynb');
 */
export function parseNotebook(input: unknown, what = 'notebook'): Ipynb {
  let raw: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw fail('NOTEBOOK_NOT_JSON', { what, error: (e as Error).message });
    }
  }
  if (!isObject(raw)) throw fail('NOTEBOOK_INVALID', { what, case: 'not-object', got: Array.isArray(raw) ? 'an array' : typeof raw });
  if (raw.nbformat === undefined) {
    // nbformat 3 keeps cells under worksheets; say so, since it is the usual reason for a missing "cells".
    if (Array.isArray(raw.worksheets)) throw fail('NOTEBOOK_VERSION', { what, version: 3 });
    throw fail('NOTEBOOK_INVALID', { what, case: 'no-nbformat' });
  }
  if (raw.nbformat !== 4) throw fail('NOTEBOOK_VERSION', { what, version: raw.nbformat });
  if (!Array.isArray(raw.cells)) throw fail('NOTEBOOK_INVALID', { what, case: 'no-cells' });
  raw.cells.forEach((c, i) => {
    if (!isObject(c)) throw fail('NOTEBOOK_INVALID', { what, case: 'cell-not-object', cell: i });
    if (typeof c.cell_type !== 'string') throw fail('NOTEBOOK_INVALID', { what, case: 'cell-no-type', cell: i });
  });
  return raw as unknown as Ipynb;
}

/**
 * Read a notebook file: NOTEBOOK_NOT_FOUND when it cannot be read, else {@link parseNotebook}'s checks.
 *
 * @example
 * const nb = await readNotebookFile('notebooks/00-quickstart.ipynb');
 */
export async function readNotebookFile(path: string): Promise<Ipynb> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw fail('NOTEBOOK_NOT_FOUND', { path });
  }
  return parseNotebook(text, path);
}

/**
 * Problems that make a document an invalid nbformat 4 file by the letter of the schema (empty when fine): used
 * to check what notebook execution wrote, stricter than the reader (which accepts what Jupyter can open).
 *
 * @example
 * formatProblems({ nbformat: 4, cells: [] }); // ['nbformat_minor is missing', 'metadata is missing']
 */
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
