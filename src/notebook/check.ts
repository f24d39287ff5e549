/**
 * Checks an executed notebook. tslab reports every failure (type errors, exceptions) as a stderr stream, never as an
 * `error` output, so any stderr stream is a problem; so are error outputs, a chart without its
 * SVG fallback, and expected MIME types that appear nowhere.
 */
import { formatProblems, joinText, type Ipynb } from './ipynb.js';

export interface CheckOptions {
  /** MIME types that must appear in at least one output (e.g. the vegalite MIME, image/svg+xml, text/html). */
  expectMimes?: readonly string[];
  /** Ids of cells allowed to write stderr (e.g. a cell that shows a bad-input message on purpose). */
  allowStderrCells?: readonly string[];
}

const VEGA_LITE = 'application/vnd.vegalite.v5+json';

function firstLines(text: string, n = 2): string {
  return text.split('\n').filter((l) => l.trim()).slice(0, n).join(' | ').slice(0, 300);
}

/**
 * Problems of an executed notebook, one readable line each (empty: all good).
 *
 * @example
 * const problems = checkExecutedNotebook(nb, { expectMimes: ['image/svg+xml'] });
 * if (problems.length) console.error(problems.join('\n'));
 */
export function checkExecutedNotebook(nb: unknown, opts: CheckOptions = {}): string[] {
  const structural = formatProblems(nb);
  if (structural.length) return structural.map((p) => `invalid nbformat: ${p}`);
  const doc = nb as Ipynb;
  const problems: string[] = [];
  const seen = new Set<string>();
  const allowed = new Set(opts.allowStderrCells ?? []);
  doc.cells.forEach((c, i) => {
    const where = `cell ${i}${c.id ? ` (${c.id})` : ''}`;
    for (const o of c.outputs ?? []) {
      if (o.output_type === 'error') problems.push(`${where}: error ${o.ename ?? ''}: ${o.evalue ?? ''}`.trim());
      if (o.output_type === 'stream' && o.name === 'stderr' && !(c.id && allowed.has(c.id))) {
        problems.push(`${where}: stderr: ${firstLines(joinText(o.text))}`);
      }
      const data = o.data ?? {};
      for (const mime of Object.keys(data)) seen.add(mime);
      if (VEGA_LITE in data && !('image/svg+xml' in data)) problems.push(`${where}: chart output without its image/svg+xml fallback`);
    }
  });
  for (const mime of opts.expectMimes ?? []) {
    if (!seen.has(mime)) problems.push(`expected output missing: no ${mime} output in any cell`);
  }
  return problems;
}
