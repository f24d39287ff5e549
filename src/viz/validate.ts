/**
 * Cheap shape checks on builder inputs, so a wrong argument fails with a SemsliceError naming the problem instead
 * of a TypeError deep inside a builder (or, worse, an empty chart).
 */
import { fail } from '../engine/messages/index.js';
import type { SliceJSON } from '../engine/slicing/types.js';

/** Throws unless `x` looks like a SliceJSON (format tag, class names, sites). */
export function assertSlice(x: unknown, fn: string): asserts x is SliceJSON {
  const s = x as Partial<SliceJSON> | null;
  if (!s || typeof s !== 'object' || s.format !== 'semslice.slice' || !Array.isArray(s.classNames) || !Array.isArray(s.sites)) {
    throw fail('VIZ_BAD_INPUT', { fn, case: 'not-slice', got: describe(x) });
  }
}

/**
 * Throws unless `x` is a non-empty array. `expected`: the input's shape (`[{ method, rows }]`) or name (`the rows`);
 * `from`: what returns it (`fidelitySweep()`), for the hint.
 */
export function assertNonEmptyArray(x: unknown, fn: string, what: string, expected: string, from?: string): asserts x is unknown[] {
  if (!Array.isArray(x) || x.length === 0) {
    throw fail('VIZ_BAD_INPUT', { fn, case: 'empty', what, got: describe(x), expected, ...(from !== undefined ? { from } : {}) });
  }
}

/** Throws unless `v` is a finite number. */
export function assertFinite(v: unknown, fn: string, where: string): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw fail('VIZ_BAD_INPUT', { fn, case: 'not-finite', where, got: describe(v) });
  }
}

/** Throws unless `m` is an n x n matrix of finite numbers. */
export function assertSquare(m: unknown, n: number, fn: string, what: string): asserts m is number[][] {
  const ok = Array.isArray(m) && m.length === n && m.every((r) => Array.isArray(r) && r.length === n);
  if (!ok) {
    throw fail('VIZ_BAD_INPUT', { fn, case: 'not-square', what, n });
  }
}

/** Short description of a value for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return `an object with keys [${Object.keys(x as object).slice(0, 6).join(', ')}]`;
  return `${typeof x} ${String(x)}`;
}

/**
 * Names of the classes the slice's per-class arrays belong to, in order. A slice made for a class subset lists
 * the labels in an optional `classes` field (read loosely: older slice files lack it); otherwise all classes.
 */
export function perClassNames(slice: SliceJSON): string[] {
  const labels = (slice as { classes?: unknown }).classes;
  if (!Array.isArray(labels)) return slice.classNames;
  return labels.map((l: number) => slice.classNames[l] ?? `class ${l}`);
}
