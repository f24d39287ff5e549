/**
 * The display-handler registry: how `show(x)` turns a value into parts. Built-ins (charts, tables, parts) come last;
 * handlers registered later are tried first, so a library can refine the display of a type it owns.
 */
import { SemsliceError } from '../engine/errors.js';
import { isChartSpec, isTable, type Displayable, type Part } from './parts.js';

export interface DisplayHandler {
  /** A name, for errors and for replacing a handler (`{ override: true }`). */
  name: string;
  test: (x: unknown) => boolean;
  toBundle: (x: unknown) => Displayable | Promise<Displayable>;
}

const handlers: DisplayHandler[] = [];

function isPart(x: unknown): x is Part {
  const k = (x as { kind?: unknown } | null)?.kind;
  return typeof x === 'object' && x !== null && (k === 'chart' || k === 'table' || k === 'bundle' || k === 'text');
}

const BUILTINS: DisplayHandler[] = [
  { name: 'parts', test: (x) => isPart(x) || (Array.isArray(x) && x.length > 0 && x.every(isPart)), toBundle: (x) => x as Displayable },
  { name: 'chart', test: isChartSpec, toBundle: (x) => ({ kind: 'chart', spec: x as Record<string, unknown> }) },
  { name: 'table', test: isTable, toBundle: (x) => ({ kind: 'table', table: x as Extract<Part, { kind: 'table' }>['table'] }) },
];

/**
 * Register how values that pass `predicate` are displayed by `show()`.
 *
 * @example
 * registerDisplay((x) => x instanceof Confusion, (c) => ({ kind: 'chart', spec: confusionChart(c) }), { name: 'confusion' });
 */
export function registerDisplay<T>(
  predicate: (x: unknown) => x is T,
  toBundle: (x: T) => Displayable | Promise<Displayable>,
  opts?: { name?: string; override?: boolean },
): void;
export function registerDisplay(
  predicate: (x: unknown) => boolean,
  toBundle: (x: never) => Displayable | Promise<Displayable>,
  opts?: { name?: string; override?: boolean },
): void;
export function registerDisplay(
  predicate: (x: unknown) => boolean,
  toBundle: (x: never) => Displayable | Promise<Displayable>,
  opts: { name?: string; override?: boolean } = {},
): void {
  const name = opts.name ?? `display-${handlers.length + 1}`;
  const at = handlers.findIndex((h) => h.name === name);
  if (at >= 0 && !opts.override) {
    throw new SemsliceError('DUPLICATE_DISPLAY', `A display handler named "${name}" is already registered.`, 'Pass { override: true } to replace it, or choose another name.');
  }
  const entry: DisplayHandler = { name, test: predicate, toBundle: toBundle as DisplayHandler['toBundle'] };
  if (at >= 0) handlers.splice(at, 1);
  handlers.unshift(entry);
}

/** The handler for x (latest registered first, then built-ins), or undefined. */
export function findDisplay(x: unknown): DisplayHandler | undefined {
  return handlers.find((h) => h.test(x)) ?? BUILTINS.find((h) => h.test(x));
}

/** Names of the registered handlers (built-ins last). */
export function displayNames(): string[] {
  return [...handlers, ...BUILTINS].map((h) => h.name);
}
