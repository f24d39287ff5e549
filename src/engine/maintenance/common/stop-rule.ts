/**
 * The stop rule of restructuring (D), one definition for the strategy's loop and for every study that reads a run's
 * table at other bounds and targets: stop at the first iteration whose CR >= `target` with accuracy >= `bound`, or
 * when an iteration leaves accuracy below the bound (the last good iteration is then the result); row 0 is the model
 * after the pre-step and its fine-tuning. Accuracy here is what the choice is made on: the validation split.
 */

/** What the rule reads of a row. */
export interface StopRow { iteration: number; cr: number; accuracy: number }

/** Why a run stopped (or, with `done` false, would go on). */
export type StopReason = 'target' | 'accuracy' | 'max-iterations' | 'pre-step-accuracy';

/** The rule's verdict on the rows so far. */
export interface StopOutcome {
  /** The loop must stop here (false: run another iteration, unless the iteration budget is spent). */
  done: boolean;
  stop: StopReason;
  /** Pruning iterations run (including a last one that broke the bound). */
  ni: number;
  /** The iteration that is the result (the last good one) and its CR and accuracy. */
  iteration: number;
  cr: number;
  accuracy: number;
  reached: boolean;
}

/**
 * Apply the stop rule to the rows of a run (in iteration order, row 0 first). When the rows end without a stop,
 * `done` is false and the outcome is what the run gives if it ends there ('max-iterations').
 *
 * @example
 * const o = applyStopRule(result.rows, original - 0.01, 0.9);
 * o.reached; o.ni; o.cr;
 */
export function applyStopRule(rows: readonly StopRow[], bound: number, target: number): StopOutcome {
  const r0 = rows[0];
  if (!r0) throw new Error('applyStopRule: no rows');
  const at = (r: StopRow, ni: number, stop: StopReason, done: boolean): StopOutcome =>
    ({ done, stop, ni, iteration: r.iteration, cr: r.cr, accuracy: r.accuracy, reached: stop === 'target' });
  if (r0.accuracy < bound) return at(r0, 0, 'pre-step-accuracy', true);
  if (r0.cr >= target) return at(r0, 0, 'target', true);
  let good = r0;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.accuracy < bound) return at(good, i, 'accuracy', true);
    good = r;
    if (r.cr >= target) return at(r, i, 'target', true);
  }
  return at(good, rows.length - 1, 'max-iterations', false);
}
