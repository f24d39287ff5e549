/**
 * Per-class retention contracts, shared by every maintenance result (restructure, readapt, extend): a result knows
 * each class's accuracy before and after, and `assertRetention({ classes, maxDrop })` throws a SemsliceError naming
 * every protected class that lost more than allowed, and by how much, so a notebook cell or a CI job fails.
 */
import { SemsliceError } from '../../errors.js';
import { fail } from '../../messages/index.js';

/** A retention contract: these classes may lose at most maxDrop accuracy (absolute, 0.01 = one point). */
export interface RetentionContract {
  classes: readonly number[];
  maxDrop: number;
}

/** One protected class's outcome. */
export interface RetentionRow {
  class: number;
  before: number;
  after: number;
  drop: number;
  ok: boolean;
}

/** Check a contract against per-class accuracies (NaN for a class without samples counts as no drop). */
export function checkRetention(before: readonly number[], after: readonly number[], c: RetentionContract): RetentionRow[] {
  if (!(c.maxDrop >= 0 && c.maxDrop <= 1)) {
    throw fail('BAD_RETENTION', { case: 'max-drop', maxDrop: c.maxDrop });
  }
  return c.classes.map((k) => {
    if (!Number.isInteger(k) || k < 0 || k >= before.length) {
      throw fail('BAD_RETENTION', { case: 'class', cls: k, classes: before.length });
    }
    const b = before[k]!, a = after[k]!;
    const drop = Number.isNaN(a) || Number.isNaN(b) ? 0 : b - a;
    return { class: k, before: b, after: a, drop, ok: drop <= c.maxDrop + 1e-12 };
  });
}

/**
 * Throw RETENTION_BROKEN when a protected class lost more than maxDrop; return the rows otherwise.
 *
 * @example
 * assertRetention(result.original.perClass, result.final.perClass, { classes: [3, 5], maxDrop: 0.01 });
 */
export function assertRetention(before: readonly number[], after: readonly number[], c: RetentionContract): RetentionRow[] {
  const rows = checkRetention(before, after, c);
  const broken = rows.filter((r) => !r.ok);
  if (broken.length > 0) {
    throw fail('RETENTION_BROKEN', { broken, maxDrop: c.maxDrop });
  }
  return rows;
}

/** What a maintenance result offers: its per-class accuracies and the contract check. */
export interface Retains {
  assertRetention(c: RetentionContract): RetentionRow[];
}

/** The assertRetention method of a result with these per-class accuracies. */
export function retentionMethod(before: readonly number[], after: readonly number[]): Retains['assertRetention'] {
  return (c) => assertRetention(before, after, c);
}
