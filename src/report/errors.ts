/**
 * Report errors. src/report must stay tfjs-free, so it reuses the engine's error class and the message module
 * (src/engine/messages), which import nothing else; report code throws `fail(code, params)`.
 *
 * @example
 * throw fail('TEMPLATE_INVALID', { dir, case: 'no-conf' });
 */
export { SemsliceError, isSemsliceError, didYouMean } from '../engine/errors.js';
export { fail, unknownNameError } from '../engine/messages/index.js';
