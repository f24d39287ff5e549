/**
 * Reading a restructuring trajectory at equal CR: methods stop at different iterations and CRs, so their results are
 * compared where their trajectories pass the same CR (accuracy interpolated between the iterations around it), and NI
 * beside the iterations a pre-step saves by arithmetic alone: with a share `amount` of the surviving weights pruned
 * per iteration, a pre-step that removes a share m of the model saves ln(1 - m) / ln(1 - amount) iterations on the
 * way to any target, whatever it removed.
 */
import { interpolateAt } from '../../slicing/index.js';
import type { RestructureRow } from './restructure.js';

/** What {@link trajectoryAtCR} returns. */
export interface TrajectoryReadout {
  /** CR after the pre-step (iteration 0): the share m it removed. */
  preCR: number;
  /** ln(1 - m) / ln(1 - amountPerIteration): the iterations the pre-step saves by arithmetic alone (0 without one). */
  arithmeticSaving: number;
  /** Accuracy (test, or validation without a test set) at each asked CR; null where the trajectory never got that far. */
  accuracyAt: Array<{ cr: number; accuracy: number | null }>;
}

/**
 * A run's trajectory read at the given CRs, and its pre-step's arithmetic NI saving.
 *
 * @example
 * const r = cmp.runs[0];
 * trajectoryAtCR(r.rows, [0.5, 0.8, 0.9], r.manifest.schedule.amountPerIteration);
 * // { preCR: 0.31, arithmeticSaving: 1.66, accuracyAt: [{ cr: 0.5, accuracy: 0.981 }, ...] }
 */
export function trajectoryAtCR(rows: readonly RestructureRow[], crs: readonly number[], amountPerIteration: number): TrajectoryReadout {
  const curve = rows.map((r) => ({ cr: r.cr, accuracy: r.testAccuracy ?? r.accuracy })).sort((a, b) => a.cr - b.cr);
  const reached = Math.max(...rows.map((r) => r.cr));
  const m = rows[0]?.cr ?? 0;
  return {
    preCR: m,
    arithmeticSaving: m > 0 ? Math.log(1 - m) / Math.log(1 - amountPerIteration) : 0,
    accuracyAt: crs.map((cr) => ({ cr, accuracy: curve.length > 0 && reached >= cr - 1e-9 ? interpolateAt(curve, cr) : null })),
  };
}
