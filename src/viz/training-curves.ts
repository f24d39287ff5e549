/**
 * Loss and accuracy while training: the training split per step (averaged into at most 200 points), validation
 * per epoch, side by side; x is the epoch (fractional within an epoch).
 */
import type { EpochMetrics, StepMetrics, TrainHistory } from '../engine/train/types.js';
import { baseSpec, OKABE_ITO, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** Options of {@link trainingCurves}. Sizes are per panel (default 260 x 180). */
export type TrainingCurvesOptions = SizeOptions;

/** One plotted value: a quantity ("loss" or "accuracy %") of one split at one (possibly fractional) epoch. */
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

/** At most this many per-step points per quantity: a run of thousands of steps is averaged in bins. */
const MAX_STEP_POINTS = 200;

/**
 * Training points from per-step metrics: x = epoch - 1 + (position of the step in its epoch), averaged in bins of
 * consecutive steps so at most 200 points remain.
 *
 * @example
 * stepPoints(history.steps!);
 */
export function stepPoints(steps: StepMetrics[]): TrainingPoint[] {
  const perEpoch = new Map<number, number>();
  for (const s of steps) perEpoch.set(s.epoch, (perEpoch.get(s.epoch) ?? 0) + 1);
  const seen = new Map<number, number>();
  const x = steps.map((s) => {
    const k = (seen.get(s.epoch) ?? 0) + 1;
    seen.set(s.epoch, k);
    return s.epoch - 1 + k / perEpoch.get(s.epoch)!;
  });
  const bin = Math.max(1, Math.ceil(steps.length / MAX_STEP_POINTS));
  const pts: TrainingPoint[] = [];
  for (let i = 0; i < steps.length; i += bin) {
    const part = steps.slice(i, i + bin);
    const mean = (f: (s: StepMetrics) => number) => part.reduce((a, s) => a + f(s), 0) / part.length;
    part.forEach((s, j) => {
      assertFinite(s.loss, 'trainingCurves', `steps[${i + j}].loss`);
      assertFinite(s.accuracy, 'trainingCurves', `steps[${i + j}].accuracy`);
    });
    const at = round(x[Math.min(i + bin, steps.length) - 1]!, 4);
    pts.push({ epoch: at, split: 'train', quantity: 'loss', value: round(mean((s) => s.loss), 4) });
    pts.push({ epoch: at, split: 'train', quantity: 'accuracy', value: round(mean((s) => s.accuracy) * 100, 4) });
  }
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
  assertNonEmptyArray(epochs, 'trainingCurves', 'EpochMetrics', 'the TrainHistory or its epochs array', 'train()');
  const best = Array.isArray(history) ? undefined : history.bestEpoch;
  const steps = Array.isArray(history) ? undefined : history.steps;
  const perStep = steps !== undefined && steps.length > 0;
  const points = perStep ? [...stepPoints(steps), ...trainingPoints(epochs).filter((p) => p.split === 'validation')] : trainingPoints(epochs);
  const splits = SPLITS.filter((s) => points.some((p) => p.split === s));
  const panel = (quantity: TrainingPoint['quantity'], yTitle: string) => {
    const enc = {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: perStep ? { format: '.2~f' } : { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false }, axis: { format: quantity === 'loss' ? '.3~f' : '.1~f' } },
      color: { field: 'split', type: 'nominal', title: 'split', scale: { domain: splits, range: SPLIT_COLORS.slice(0, splits.length) } },
    };
    const layer: unknown[] = [
      { mark: { type: 'line' }, encoding: enc },
      { mark: { type: 'point', filled: true, size: perStep ? 12 : 30 }, encoding: { ...enc, tooltip: [
        { field: 'epoch', type: 'quantitative', title: 'epoch', format: '.2~f' },
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
  if (perStep) notes.push(`training loss per step (${steps.length} steps${steps.length > MAX_STEP_POINTS ? `, averaged into ${Math.ceil(steps.length / Math.ceil(steps.length / MAX_STEP_POINTS))} points` : ''}), validation per epoch`);
  if (best !== undefined) notes.push(`best epoch ${best} (dashed)`);
  if (!Array.isArray(history) && history.stoppedEarly) notes.push('stopped early');
  return {
    ...baseSpec(opts.title ?? 'Training curves', `Loss and accuracy ${perStep ? 'while training' : 'per epoch'} for ${splits.join(' and ')} data.`, notes.join(', ')),
    data: { values: points },
    hconcat: [panel('loss', 'loss (cross-entropy)'), panel('accuracy', 'accuracy (%)')],
    resolve: { scale: { color: 'shared' } },
  };
}
