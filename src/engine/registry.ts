/**
 * The one registry mechanism behind every extensible concept (metrics, selectors, models, datasets, charts, report
 * preprocessors): a name -> entry map in registration order, with a duplicate check that `{ override: true }` lifts,
 * an optional name pattern and entry check, and did-you-mean errors for unknown names.
 *
 * This file imports nothing but ./errors.js, so tfjs-free areas (src/report, src/viz) may use it too.
 *
 * @example
 * interface Shape { name: string; sides: number }
 * const shapes = new Registry<Shape>({ kind: 'metric', codePrefix: 'METRIC', namePattern: /^[a-z][a-z0-9-]*$/ });
 * shapes.register({ name: 'triangle', sides: 3 });
 * shapes.get('triangle').sides; // 3
 * shapes.get('triangel');       // throws UNKNOWN_SHAPE: Unknown shape "triangel". Did you mean "triangle"?
 * shapes.register({ name: 'triangle', sides: 4 });                     // throws DUPLICATE_SHAPE
 * shapes.register({ name: 'triangle', sides: 4 }, { override: true }); // replaces it (keeps its place in list())
 */
import { fail, unknownNameError, type CodesWith, type ErrorCode } from './messages/index.js';
import type { BadName, DuplicateName, UnknownName } from './messages/core.js';

/** How a {@link Registry} checks names and words its errors. Only `kind` and `codePrefix` (or all three `codes`) are required. */
export interface RegistryOptions<T> {
  /** What an entry is, in messages: 'metric' gives `Unknown metric "x".` and `A metric named "x" is already registered.` */
  kind: string;
  /**
   * Upper-case stem of the error codes: 'METRIC' gives UNKNOWN_METRIC, DUPLICATE_METRIC and BAD_METRIC_NAME (all three
   * are entries of the message module, messages/core.ts; the type checks it).
   */
  codePrefix?: RegistryPrefix;
  /** Names must match this (checked first, before `validate`); a non-string name always fails it. */
  namePattern?: RegExp;
  /** Extra check of an entry, run on register() after the name check and before the duplicate check; throws to refuse. */
  validate?: (entry: T) => void;
  /** Noun of the unknown-name message when it differs from `kind`, e.g. 'slicing method'. */
  what?: string;
  /** List the choices of an unknown-name error sorted by name instead of in registration order. */
  sortChoices?: boolean;
  /** Codes that do not follow `codePrefix` (kept for compatibility with existing codes). */
  codes?: { unknown?: CodesWith<UnknownName>; duplicate?: CodesWith<DuplicateName>; badName?: CodesWith<BadName> };
}

/**
 * The stems P of registries' codes (DUPLICATE_P is an entry of the message module). The codes a registry derives
 * from its stem, and not overridden by `codes`, are checked against the module by test/architecture/errors.test.ts.
 */
export type RegistryPrefix = { [C in ErrorCode]: C extends `DUPLICATE_${infer P}` ? P : never }[ErrorCode];

/** Options of {@link Registry.register}. */
export interface RegisterOptions {
  /** Replace an entry of the same name (default false: a duplicate name throws). */
  override?: boolean;
}

/**
 * A registry of named entries. Iteration (list, names) is in registration order; overriding an entry keeps its place.
 *
 * @example
 * const metrics = new Registry<MetricDef>({ kind: 'metric', codePrefix: 'METRIC' });
 * metrics.register(def);
 * metrics.names(); // ['avg', ...]
 */
export class Registry<T extends { name: string }> {
  readonly kind: string;
  private readonly entries = new Map<string, T>();
  private readonly opts: RegistryOptions<T>;

  constructor(opts: RegistryOptions<T>) {
    this.opts = opts;
    this.kind = opts.kind;
  }

  /**
   * Add an entry under its name. Throws the bad-name error (BAD_<PREFIX>_NAME) when the name fails `namePattern`,
   * whatever `validate` throws, and DUPLICATE_<PREFIX> when the name is taken and `override` is not set.
   *
   * @example
   * registry.register({ name: 'my-thing', ... });
   * registry.register({ name: 'my-thing', ... }, { override: true });
   */
  register(entry: T, opts: RegisterOptions = {}): void {
    const name: unknown = (entry as { name?: unknown } | null | undefined)?.name;
    const { namePattern, validate, codes = {}, codePrefix, kind } = this.opts;
    if (namePattern && (typeof name !== 'string' || !namePattern.test(name))) {
      throw fail(codes.badName ?? (`BAD_${codePrefix}_NAME` as CodesWith<BadName>), { kind, name, pattern: String(namePattern) });
    }
    validate?.(entry);
    if (this.entries.has(entry.name) && !opts.override) {
      throw fail(codes.duplicate ?? (`DUPLICATE_${codePrefix}` as CodesWith<DuplicateName>), { kind, name: entry.name });
    }
    this.entries.set(entry.name, entry);
  }

  /**
   * The entry registered under name; unknown names throw UNKNOWN_<PREFIX> with a "did you mean" and the choices.
   *
   * @example
   * registry.get('my-thing');
   */
  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      const choices = this.opts.sortChoices ? this.names().sort() : this.names();
      throw unknownNameError(this.opts.codes?.unknown ?? (`UNKNOWN_${this.opts.codePrefix}` as CodesWith<UnknownName>), this.opts.what ?? this.kind, String(name), choices);
    }
    return entry;
  }

  /**
   * Whether an entry is registered under name.
   *
   * @example
   * registry.has('my-thing'); // true
   */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * All entries, in registration order.
   *
   * @example
   * registry.list().map((e) => e.name);
   */
  list(): T[] {
    return [...this.entries.values()];
  }

  /**
   * All names, in registration order.
   *
   * @example
   * registry.names(); // ['avg', 'var', ...]
   */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Remove an entry; returns whether it was there (unknown names do not throw: call get() first for that).
   *
   * @example
   * registry.unregister('my-thing'); // true
   */
  unregister(name: string): boolean {
    return this.entries.delete(name);
  }
}
