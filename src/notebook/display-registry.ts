/**
 * The display-handler registry (engine/registry.ts, like every extensible concept): how `show(x)` turns a value into
 * parts. Built-ins (charts, tables, parts) come last; handlers registered later are tried first, so a library can
 * refine the display of a type it owns (a handler replaced with `{ override: true }` keeps its place).
 */
import { Registry } from '../engine/registry.js';
import { isChartSpec, isTable, type Displayable, type Part } from './parts.js';

export interface DisplayHandler {
  /** A name, for errors and for replacing a handler (`{ override: true }`). */
  name: string;
  test: (x: unknown) => boolean;
  toBundle: (x: unknown) => Displayable | Promise<Displayable>;
}

const handlers = new Registry<DisplayHandler>({ kind: 'display handler', codePrefix: 'DISPLAY', codes: { duplicate: 'DUPLICATE_DISPLAY' } });
let unnamed = 0;

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
  const name = opts.name ?? `display-${++unnamed}`;
  handlers.register({ name, test: predicate, toBundle: toBundle as DisplayHandler['toBundle'] }, { override: opts.override ?? false });
}

/** The handler for x (latest registered first, then built-ins), or undefined. */
export function findDisplay(x: unknown): DisplayHandler | undefined {
  return handlers.list().reverse().find((h) => h.test(x)) ?? BUILTINS.find((h) => h.test(x));
}

/** Names of the registered handlers (built-ins last). */
export function displayNames(): string[] {
  return [...handlers.list().reverse(), ...BUILTINS].map((h) => h.name);
}
