/**
 * Report errors. src/report must stay tfjs-free, so it reuses the engine's error class only because
 * src/engine/errors.ts imports nothing; every message text of this area lives here.
 *
 * @example
 * throw notJsonError('run.ipynb', 'Unexpected token } in JSON at position 10');
 */
import { SemsliceError } from '../engine/errors.js';

export { SemsliceError, isSemsliceError, didYouMean } from '../engine/errors.js';
export { fail, unknownNameError } from '../engine/messages/index.js';

export function unknownTemplateError(name: string, available: readonly string[], guess: string | undefined): SemsliceError {
  return new SemsliceError('UNKNOWN_TEMPLATE', `Unknown report template "${name}".${guess ? ` Did you mean "${guess}"?` : ''}`,
    `Available: ${available.join(', ') || '(none)'}; or pass the path of a template folder (see docs/templates.md).`);
}

export function templateError(dir: string, detail: string): SemsliceError {
  return new SemsliceError('TEMPLATE_INVALID', `Report template ${dir} is unusable: ${detail}.`,
    'Copy reports/templates/default to a new folder and edit it; conf.json, template.html and style.css are required (docs/templates.md).');
}

export function sameFileError(path: string): SemsliceError {
  return new SemsliceError('OUTPUT_IS_INPUT', `The report output ${path} is the input notebook.`,
    'Choose another output path, e.g. `-o report.html`; semslice never overwrites its input.');
}

