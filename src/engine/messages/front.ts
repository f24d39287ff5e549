/** Error messages: see index.ts. */
import { entry } from './entry.js';
import { say, opt, alt } from './text.js';

export const FRONT_MESSAGES = {
};
