/**
 * The damage matrix (evidence that slices are semantic): for each class c, switch off c's most class-specific
 * critical neurons and measure every class's accuracy. If slices carve the model by meaning, the damage sits on the
 * diagonal (docs/algorithm.md, "Merging, stability, subset slices, damage").
 *
 * Rule (D): at every site, c's candidates are its critical neurons that are exclusive to c or on which c's
 * normalised score is higher than every other class's. They are ranked exclusive first, then by specificity
 * (c's score minus the highest other class's score), then by index, and the first ceil(fraction x site neurons)
 * (default fraction 0.1) are switched off, so every class gets the same dose per site unless it has fewer
 * candidates.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.js';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import type { ProgressCallback } from '../log.js';
import { evaluate } from '../train/evaluate.js';
import type { Slice } from './slice.js';
import { checkSliceFits, type SliceFitOptions } from './slice-fit.js';

export interface DamageOptions extends Pick<SliceFitOptions, 'allowForeignSlice'> {
  /** Share of each site's neurons switched off per class, in (0, 1]. Default 0.1. */
  fraction?: number;
  /** Evaluation batch size. Default 256. */
  batchSize?: number;
  /** Phase "damage": classes done. */
  onProgress?: ProgressCallback;
}

/** What {@link damageMatrix} returns. Rows: the class whose neurons were switched off; columns: the class measured. */
export interface DamageMatrix {
  classNames: string[];
  /** Class labels of rows and columns. */
  classes: number[];
  fraction: number;
  /** Per row: site -> the neurons switched off. */
  knockedOut: Record<string, number[]>[];
  /** Per-class accuracy of the unmasked model. */
  baseline: number[];
  /** accuracy[r][c]: accuracy on class c with row r's neurons off. */
  accuracy: number[][];
  /** drop[r][c] = baseline[c] - accuracy[r][c] (accuracy points lost, as a fraction). */
  drop: number[][];
  /** How concentrated the damage is on the diagonal. */
  summary: DamageSummary;
}

export interface DamageSummary {
  /** Mean drop of the class whose neurons were switched off. */
  meanDiagonalDrop: number;
  /** Mean drop of the other classes. */
  meanOffDiagonalDrop: number;
  /** Rows in which the switched-off class lost the most accuracy of all classes. */
  diagonalMaxRows: number;
  rows: number;
}

/**
 * The neurons switched off for each class under the rule above: per row, site -> sorted indices.
 *
 * @example
 * knockoutSets(slice, 0.1)[3]; // { conv1: [2], conv2: [5, 11], fc1: [...], fc2: [...] }
 */
export function knockoutSets(slice: Slice, fraction: number): Record<string, number[]>[] {
  const st = slice.state;
  const k = st.classes.length;
  return st.classes.map((_, r) => {
    const out: Record<string, number[]> = {};
    for (const s of st.sites) {
      const n = s.neurons;
      const flags = st.critical[s.name]!;
      const sc = st.scores[s.name]!;
      const cands: { i: number; exclusive: boolean; margin: number }[] = [];
      for (let i = 0; i < n; i++) {
        if (!flags[r * n + i]) continue;
        let others = 0;
        let maxOther = -Infinity;
        for (let q = 0; q < k; q++) {
          if (q === r) continue;
          others += flags[q * n + i]!;
          maxOther = Math.max(maxOther, sc[q * n + i]!);
        }
        const margin = sc[r * n + i]! - (k > 1 ? maxOther : 0);
        if (others === 0 || margin > 0) cands.push({ i, exclusive: others === 0, margin });
      }
      cands.sort((a, b) => Number(b.exclusive) - Number(a.exclusive) || b.margin - a.margin || a.i - b.i);
      out[s.name] = cands.slice(0, Math.ceil(fraction * n - 1e-9)).map((x) => x.i).sort((a, b) => a - b);
    }
    return out;
  });
}

/**
 * Switch off each class's most class-specific critical neurons in turn and measure every class's accuracy.
 * One evaluation per class plus one for the unmasked model; every tensor is disposed. The slice must be of this model
 * (checkSliceFits; allowForeignSlice to use another model's on purpose).
 *
 * @example
 * const d = await damageMatrix(model, data.test, slice);
 * d.summary; // { meanDiagonalDrop: 0.31, meanOffDiagonalDrop: 0.02, diagonalMaxRows: 10, rows: 10 }
 */
export async function damageMatrix(model: tf.LayersModel, data: Dataset, slice: Slice, opts: DamageOptions = {}): Promise<DamageMatrix> {
  const fraction = opts.fraction ?? 0.1;
  if (!(fraction > 0 && fraction <= 1)) {
    throw fail('BAD_OPTION', { case: 'value', where: 'damageMatrix', option: 'fraction', open: 'low', value: fraction, range: [0, 1], example: 0.1 });
  }
  await checkSliceFits(model, slice, { allowForeignSlice: opts.allowForeignSlice ?? false });
  const st = slice.state;
  if (st.selection !== null) {
    throw fail('NOT_WHOLE_SLICE', { where: 'damageMatrix', case: 'selection' });
  }
  const batchSize = opts.batchSize ?? 256;
  const sets = knockoutSets(slice, fraction);
  const pick = (perClass: number[]) => st.classes.map((c) => perClass[c]!);
  const baseline = pick((await evaluate(model, data, { batchSize, confusion: false })).perClass);
  const accuracy: number[][] = [];
  for (const [r, set] of sets.entries()) {
    const mask: Record<string, Float32Array> = {};
    for (const s of st.sites) {
      const m = new Float32Array(s.neurons).fill(1);
      for (const i of set[s.name]!) m[i] = 0;
      mask[s.name] = m;
    }
    accuracy.push(pick((await evaluate(model, data, { batchSize, mask, confusion: false })).perClass));
    opts.onProgress?.({ phase: 'damage', done: r + 1, total: sets.length });
  }
  const drop = accuracy.map((row) => row.map((a, c) => baseline[c]! - a));
  return { classNames: [...st.classNames], classes: [...st.classes], fraction, knockedOut: sets, baseline, accuracy, drop, summary: summarise(drop) };
}

/**
 * Diagonal concentration of a drop matrix.
 *
 * @example
 * summarise([[0.5, 0], [0.1, 0.4]]); // { meanDiagonalDrop: 0.45, meanOffDiagonalDrop: 0.05, diagonalMaxRows: 2, rows: 2 }
 */
export function summarise(drop: readonly (readonly number[])[]): DamageSummary {
  const n = drop.length;
  let diag = 0;
  let off = 0;
  let maxRows = 0;
  drop.forEach((row, r) => {
    diag += row[r]!;
    row.forEach((v, c) => { if (c !== r) off += v; });
    if (row.every((v, c) => c === r || v < row[r]!)) maxRows++;
  });
  return { meanDiagonalDrop: n ? diag / n : NaN, meanOffDiagonalDrop: n > 1 ? off / (n * (n - 1)) : NaN, diagonalMaxRows: maxRows, rows: n };
}

/**
 * The damage matrix in one sentence, whichever way it falls.
 *
 * @example
 * describeDamage(d.summary);   // "Switching off a class's own most specific neurons cost that class 71.2 accuracy points on average, ..."
 */
export function describeDamage(s: DamageSummary): string {
  const pts = (x: number): string => (100 * x).toFixed(1);
  return `Switching off a class's own most specific neurons cost that class ${pts(s.meanDiagonalDrop)} accuracy points on average, `
    + `and each other class ${pts(s.meanOffDiagonalDrop)} points; the class itself lost the most in ${s.diagonalMaxRows} of ${s.rows} rows.`;
}
