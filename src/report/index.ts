/**
 * semslice reports: executed notebook (.ipynb, nbformat 4) -> self-contained HTML. Reads notebooks only; needs no
 * tfjs. For the CLI: `semslice report run.ipynb -o report.html [--template NAME] [--no-input] [--trusted]` maps to
 * writeReport(input, output, { template, noInput, trusted }).
 *
 * @example
 * import { writeReport } from './report/index.js';
 * const { outputPath, bytes, charts, warnings } = await writeReport('run.ipynb', 'report.html', { noInput: true });
 */
export { buildReport, renderReport } from './render-report.js';
export { writeReport, defaultReportPath, type WriteReportResult } from './write-report.js';
export { readNotebook } from './reader.js';
export { reportCommand, type ReportCommandArgs } from './command.js';
export { listTemplates, loadTemplate, templatesDir, type TemplateInfo, type TemplateConf } from './template.js';
export { registerPreprocessor, listPreprocessors, DEFAULT_PREPROCESSORS, type Preprocessor } from './preprocessors/index.js';
export { registerMimeRenderer, type MimeRenderer, type OutputEnv } from './mime-renderers.js';
export { DEFAULT_MIME_PRIORITY, RUN_MIME } from './mime-types.js';
export { sanitizeUntrusted } from './sanitize.js';
export { neutraliseVegaSpec } from './vega-spec.js';
export type { ReportContext, ReportCell } from './context.js';
export type { Notebook, Cell, Output, MimeBundle, ReportOptions, ReportResult, CodeFolding, ChartEntry } from './types.js';
