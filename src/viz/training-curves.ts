/**
 * Loss and accuracy per epoch, training and validation side by side.
 */
import type { EpochMetrics, TrainHistory } from '../engine/train/types.js';
import { baseSpec, OKABE_ITO, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** Options of {@link trainingCurves}. Sizes are per panel (default 260 x 180). */
export type TrainingCurvesOptions = SizeOptions;

/** One plotted value: a quantity ("loss" or "accuracy %") of one split at one epoch. */
export interface TrainingPoint {
  epoch: number;
  split: 'train' | 'validation';
  quantity: 'loss' | 'accuracy';
  value: number;
}

const SPLITS = ['train', 'validation'] as const;
const SPLIT_COLORS = [OKABE_ITO[4], OKABE_ITO[5]];

/**
 * Long-format points of a history; accuracy in percent; missing validation values are skipped.
 *
 * @example
 * trainingPoints(history.epochs).filter((p) => p.quantity === 'loss');
 */
export function trainingPoints(epochs: EpochMetrics[]): TrainingPoint[] {
  const pts: TrainingPoint[] = [];
  epochs.forEach((e, i) => {
    assertFinite(e.epoch, 'trainingCurves', `epochs[${i}].epoch`);
    const add = (split: TrainingPoint['split'], quantity: TrainingPoint['quantity'], v: number | undefined, scale: number) => {
      if (v === undefined || v === null) return;
      assertFinite(v, 'trainingCurves', `epochs[${i}].${split === 'train' ? '' : 'val '}${quantity}`);
      pts.push({ epoch: e.epoch, split, quantity, value: round(v * scale, 4) });
    };
    add('train', 'loss', e.loss, 1);
    add('validation', 'loss', e.valLoss, 1);
    add('train', 'accuracy', e.accuracy, 100);
    add('validation', 'accuracy', e.valAccuracy, 100);
  });
  return pts;
}

/**
 * Two panels side by side: loss (left) and accuracy % (right) per epoch, one line per split (train, validation).
 * Given a TrainHistory, the best epoch is marked with a dashed vertical rule (and "stopped early" noted).
 *
 * @example
 * const history = await train(model, data.train, { epochs: 5, validationSplit: 0.1 });
 * trainingCurves(history);
 */
export function trainingCurves(history: TrainHistory | EpochMetrics[], opts: TrainingCurvesOptions = {}): VegaLiteSpec {
  const epochs = Array.isArray(history) ? history : history?.epochs;
  assertNonEmptyArray(epochs, 'trainingCurves', 'EpochMetrics', 'Pass the TrainHistory returned by train(), or its epochs array.');
  const best = Array.isArray(history) ? undefined : history.bestEpoch;
  const points = trainingPoints(epochs);
  const splits = SPLITS.filter((s) => points.some((p) => p.split === s));
  const panel = (quantity: TrainingPoint['quantity'], yTitle: string) => {
    const enc = {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } },
      color: { field: 'split', type: 'nominal', title: 'split', scale: { domain: splits, range: SPLIT_COLORS.slice(0, splits.length) } },
    };
    const layer: unknown[] = [
      { mark: { type: 'line' }, encoding: enc },
      { mark: { type: 'point', filled: true }, encoding: { ...enc, tooltip: [
        { field: 'epoch', type: 'quantitative', title: 'epoch' },
        { field: 'split', type: 'nominal', title: 'split' },
        { field: 'value', type: 'quantitative', title: yTitle, format: '.4f' },
      ] } },
    ];
    if (best !== undefined && Number.isFinite(best)) {
      // Own one-row data: a datum rule would repeat once per inherited row.
      layer.push({ data: { values: [{ epoch: best }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#555555' },
        encoding: { x: { field: 'epoch', type: 'quantitative' }, tooltip: { field: 'epoch', type: 'quantitative', title: 'best epoch' } } });
    }
    return {
      title: quantity === 'loss' ? 'loss' : 'accuracy',
      width: opts.width ?? 260,
      height: opts.height ?? 180,
      transform: [{ filter: { field: 'quantity', equal: quantity } }],
      layer,
    };
  };
  const notes = [`${epochs.length} epoch${epochs.length > 1 ? 's' : ''}`];
  if (best !== undefined) notes.push(`best epoch ${best} (dashed)`);
  if (!Array.isArray(history) && history.stoppedEarly) notes.push('stopped early');
  return {
    ...baseSpec(opts.title ?? 'Training curves', `Loss and accuracy per epoch for ${splits.join(' and ')} data.`, notes.join(', ')),
    data: { values: points },
    hconcat: [panel('loss', 'loss (cross-entropy)'), panel('accuracy', 'accuracy (%)')],
    resolve: { scale: { color: 'shared' } },
  };
}
