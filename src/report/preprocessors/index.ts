/** Built-in preprocessors, registered once, and the default order they run in. */
import { cellVisibility } from './cell-visibility.js';
import { collectCharts } from './collect-charts.js';
import { markdownCells, tableOfContents } from './markdown-cells.js';
import { getPreprocessor, listPreprocessors, registerPreprocessor } from './registry.js';
import { reportTitle, runMetadata } from './run-metadata.js';
import { sanitizeOutputs } from './sanitize-outputs.js';
import { svgIds } from './svg-ids.js';

export type { Preprocessor } from './registry.js';
export { getPreprocessor, listPreprocessors, registerPreprocessor };

for (const p of [cellVisibility, markdownCells, tableOfContents, sanitizeOutputs, svgIds, collectCharts, runMetadata, reportTitle]) {
  registerPreprocessor(p, { override: true });
}

/**
 * Order matters: visibility drops cells first; svg-ids runs after sanitize (which drops reserved ids); the title
 * needs the headings; charts read sanitised bundles.
 */
export const DEFAULT_PREPROCESSORS: readonly string[] = ['cell-visibility', 'markdown', 'toc', 'sanitize', 'svg-ids', 'charts', 'run-metadata', 'title'];
