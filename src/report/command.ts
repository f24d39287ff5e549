/**
 * The `semslice report` command as one function, for the CLI: resolves the default output path, writes the report
 * and prints a one-line summary plus one line per warning. Errors are SemsliceErrors (print message + hint, exit 2).
 *
 * @example
 * // semslice report run.ipynb -o report.html --template default --no-input --trusted
 * await reportCommand({ input: 'run.ipynb', output: 'report.html', noInput: true, trusted: true });
 */
import { defaultReportPath, writeReport, type WriteReportResult } from './write-report.js';
import type { ReportOptions } from './types.js';

export interface ReportCommandArgs extends ReportOptions {
  /** The executed notebook (.ipynb). */
  input: string;
  /** The HTML file to write. Default: the input path with .html instead of .ipynb. */
  output?: string;
  /** Where the summary line goes. Default: console.log. */
  print?: (line: string) => void;
  /** Where warnings go. Default: console.error. */
  warn?: (line: string) => void;
}

export async function reportCommand(args: ReportCommandArgs): Promise<WriteReportResult> {
  const { input, output, print = console.log, warn = console.error, ...opts } = args;
  const r = await writeReport(input, output ?? defaultReportPath(input), opts);
  print(`wrote ${r.outputPath} (${(r.bytes / 1024).toFixed(0)} KB, ${r.charts} interactive chart${r.charts === 1 ? '' : 's'}${opts.trusted ? ', trusted' : ''})`);
  for (const w of r.warnings) warn(`warning: ${w}`);
  return r;
}
