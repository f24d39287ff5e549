/**
 * Report errors. src/report must stay tfjs-free, so it reuses the engine's error class and the message module
 * (src/engine/messages), which import nothing else; report code throws `fail(code, params)`.
 *
 * @example
 * throw fail('TEMPLATE_INVALID', { dir, case: 'no-conf' });
 */
import { SemsliceError } from '../engine/errors.js';

export { SemsliceError, isSemsliceError, didYouMean } from '../engine/errors.js';
export { fail, unknownNameError } from '../engine/messages/index.js';

export function sameFileError(path: string): SemsliceError {
  return new SemsliceError('OUTPUT_IS_INPUT', `The report output ${path} is the input notebook.`,
    'Choose another output path, e.g. `-o report.html`; semslice never overwrites its input.');
}

export function badOptionError(name: string, value: unknown, allowed: string): SemsliceError {
  return new SemsliceError('BAD_OPTION', `Invalid report option ${name}: ${JSON.stringify(value)}.`, `Allowed: ${allowed}.`);
}
