/**
 * Read a notebook file and write its report atomically (temp file in the target folder, then rename), never over
 * the input. Returns what the CLI prints.
 *
 * @example
 * const r = await writeReport('run.ipynb', 'report.html', { codeFolding: 'fold' });
 * console.log(`${r.outputPath}: ${r.bytes} bytes, ${r.charts} charts`);
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fail } from './errors.js';
import { readNotebook } from './reader.js';
import { buildReport } from './render-report.js';
import type { ReportOptions } from './types.js';

export interface WriteReportResult {
  outputPath: string;
  bytes: number;
  charts: number;
  warnings: string[];
}

function isSameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  if (!existsSync(b)) return false;
  const sa = statSync(a);
  const sb = statSync(b);
  return sa.ino === sb.ino && sa.dev === sb.dev || realpathSync(a) === realpathSync(b);
}

/** Where a report goes when no output is given: next to the notebook, .ipynb replaced by .html. */
export function defaultReportPath(inputPath: string): string {
  return join(dirname(inputPath), `${basename(inputPath, extname(inputPath))}.html`);
}

/**
 * Render `inputPath` and write the report to `outputPath` atomically. Throws SemsliceError (code NOTEBOOK_NOT_FOUND,
 * NOTEBOOK_NOT_JSON, NOTEBOOK_VERSION, NOTEBOOK_INVALID, OUTPUT_IS_INPUT, OUTPUT_WRITE_FAILED, UNKNOWN_TEMPLATE, ...);
 * on any error an existing file at outputPath is left as it was.
 */
export async function writeReport(inputPath: string, outputPath: string, opts: ReportOptions = {}): Promise<WriteReportResult> {
  let text: string;
  try {
    text = await readFile(inputPath, 'utf8');
  } catch (e) {
    throw fail('NOTEBOOK_NOT_FOUND', { path: inputPath, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
  if (isSameFile(inputPath, outputPath)) throw fail('OUTPUT_IS_INPUT', { path: outputPath, relation: 'is', kind: 'file', input: inputPath, option: 'out' });
  const nb = readNotebook(text, inputPath);
  const result = buildReport(nb, { fallbackTitle: basename(inputPath, extname(inputPath)), ...opts });
  const out = resolve(outputPath);
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  try {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(tmp, result.html, 'utf8');
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw fail('OUTPUT_WRITE_FAILED', { path: out, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
  return { outputPath: out, bytes: Buffer.byteLength(result.html, 'utf8'), charts: result.charts, warnings: result.warnings };
}
