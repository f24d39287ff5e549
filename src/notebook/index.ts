/**
 * Public API of the notebook layer: display (show, table, bundles, the display registry, rich auto-display),
 * progress, friendly errors, run metadata, and headless execution of notebooks.
 */
import { installFriendlyErrors, installKernelLogger } from './friendly.js';
import { installLastValueDisplay } from './last-value.js';

export { inKernel, kernelTslab, kernelJupyterModule, writeBundle } from './kernel.js';
export type { MimeBundle, TslabDisplay, TslabJupyterModule } from './kernel.js';
export { isChartSpec, isTable, chartTitle, chartDescription, toParts } from './parts.js';
export type { ChartSpec, TableLike, Part, Displayable } from './parts.js';
export { chartBundle, chartBundleSync, tableBundle, partBundle, partBundleSync, VEGA_LITE_MIME } from './bundle.js';
export { chartSvg } from './svg.js';
export { chartSvgSync } from './svg-sync.js';
export { tableText, chartText, partText, DEFAULT_TABLE_LIMIT } from './text.js';
export { registerDisplay, findDisplay, displayNames } from './display-registry.js';
export type { DisplayHandler } from './display-registry.js';
export { show, displayParts } from './show.js';
export { installLastValueDisplay, selfDisplaying, selfDisplayingFunctions } from './last-value.js';
export type { ShowOptions } from './show.js';
export { installRichDisplay, table, Shown, sliceDisplay, sliceText, sliceSummaryTable, sweepDisplay, sweepText, sweepTable } from './rich.js';
export type { RichDisplayOptions } from './rich.js';
export { progress, progressCallback, progressText, kernelSink, streamSink } from './progress.js';
export type { ProgressOptions, ProgressHandle, ProgressSink, ProgressState } from './progress.js';
export { friendly, formatError, installFriendlyErrors, installKernelLogger } from './friendly.js';
export { runMetadata, runMetadataPart, RUN_METADATA_MIME } from './run-metadata.js';
export type { RunMetadata, RunMetadataInput } from './run-metadata.js';
export { readNotebook, formatProblems, cellSource, joinText } from './ipynb.js';
export type { Ipynb, IpynbCell, IpynbOutput } from './ipynb.js';
export { injectParameters, parametersCell, parameterDecls, parseParamAssignments } from './parameters.js';
export type { ParamValue, ParamDecl } from './parameters.js';
export { checkExecutedNotebook } from './check.js';
export type { CheckOptions } from './check.js';
export { executeNotebook, findJupyter, formatExecuteResult, jupyterEnv } from './execute.js';
export type { ExecuteOptions, ExecuteResult } from './execute.js';

// Inside a kernel (no-ops elsewhere): a SemsliceError from any cell prints as its message and hint, not a library
// stack trace; engine log lines go to stdout, since stderr marks a cell as failed.
installFriendlyErrors();
installKernelLogger();
// Display calls' promises print nothing as a cell's last value; pending displays finish inside their cell.
installLastValueDisplay();
