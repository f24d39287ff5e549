/**
 * An injectable logger: engine code warns through it, never through console directly, so notebooks can show
 * warnings in the cell, the CLI can print them to stderr, and tests can capture them.
 *
 * @example
 * const warnings: string[] = [];
 * await withLogger({ warn: (m) => warnings.push(m), info: () => {} }, () => slice(model, data));
 */
import { API_RENDERER, renderText, type Text } from './messages/text.js';

export interface Logger {
  /** `text` is the same warning with its option terms kept (the CLI renders them as flags); `message` is the API's wording. */
  warn(message: string, text?: Text): void;
  info(message: string): void;
}

const consoleLogger: Logger = {
  warn: (m) => console.warn(`semslice: ${m}`),
  info: (m) => console.error(`semslice: ${m}`),
};

let current: Logger = consoleLogger;

/**
 * Warn through the current logger, with option terms the CLI shows as flags.
 *
 * @example
 * warn(say`few samples for class 3: profile more (${opt('maxPerClass', 200)}).`);
 */
export function warn(text: Text): void {
  current.warn(renderText(text, API_RENDERER), text);
}

export function logger(): Logger {
  return current;
}

export function setLogger(l: Logger): Logger {
  const prev = current;
  current = l;
  return prev;
}

/** Run fn with logger l, restoring the previous one afterwards (also on error). */
export async function withLogger<T>(l: Logger, fn: () => Promise<T> | T): Promise<T> {
  const prev = setLogger(l);
  try {
    return await fn();
  } finally {
    setLogger(prev);
  }
}

/** A progress event: phase name, done and total units, optional free text. */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
  message?: string;
}
export type ProgressCallback = (e: ProgressEvent) => void;
