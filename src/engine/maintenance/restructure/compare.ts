/**
 * The restructuring comparison, the one driver that the study, `semslice restructure`, `%%restructure`, notebook 02
 * and the demo call: the splits (validation held out of the training data once), the slice (once, by the slice policy,
 * when a method needs one), then every (method, pruner) from the same model with the same data, fine-tuning budget,
 * schedule and seed.
 */
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import { fail, unknownNameError } from '../../messages/index.js';
import { listPruners } from '../../pruning/index.js';
import type { Slice } from '../../slicing/slice.js';
import { maintenanceSplits, type MaintenanceData } from '../common/data.js';
import { MAINTENANCE_DEFAULTS } from '../common/defaults.js';
import type { SliceChoice, TaskSlice } from '../common/task-slice.js';
import { getRestructureMethod, restructureMethodsFor } from './methods.js';
import { restructure, restructureSlice, type RestructureOptions, type RestructureResult, type RestructureRow } from './restructure.js';

/** Options of {@link compareRestructure}: restructure()'s, plus which methods and pruners. */
export interface RestructureComparisonOptions extends Omit<RestructureOptions, 'train' | 'validation' | 'test' | 'pre' | 'pruner' | 'onIteration'> {
  /** Methods (pre-steps) to compare. Default: every registered method that applies to the model. */
  methods?: readonly string[];
  /** Pruners to run after each method. Default: [MAINTENANCE_DEFAULTS.restructure.pruner]. */
  pruners?: readonly string[];
  /** Keep each run's model in its result (the caller disposes them). Default false. */
  keepModels?: boolean;
  onIteration?: (run: { method: string; pruner: string }, row: RestructureRow) => void;
}

/** One run of the comparison (its model only with keepModels). */
export type RestructureRun = Omit<RestructureResult, 'model'> & { label: string; model?: tf.LayersModel };

/** What {@link compareRestructure} returns. */
export interface RestructureComparison {
  /** The slice the slice-driven methods used, and how it was made (null when no method needed one). */
  slice: Slice | null;
  choice: SliceChoice | null;
  runs: RestructureRun[];
  /** One row per run: method, pruner, NI, CR, MA (test), validation accuracy, reached, stop, parameters, seconds. */
  summary: aq.ColumnTable;
}

/** The default method list for a model, checked names otherwise. */
function methodList(model: tf.LayersModel, methods: readonly string[] | undefined): string[] {
  if (!methods) return restructureMethodsFor(model);
  if (methods.length === 0) throw fail('BAD_RESTRUCTURE_OPTIONS', { case: 'value', where: 'compareRestructure', option: 'methods', expected: 'a non-empty list', value: methods, example: ['none', 'slice'], orOmit: true });
  for (const m of methods) getRestructureMethod(m);
  return [...methods];
}

/**
 * Run the comparison.
 *
 * @example
 * const cmp = await ss.compareRestructure(model, { train: data.train.take(5000), test: data.test }, { methods: ['none', 'slice', 'random'], targetCR: 0.9 });
 * cmp.summary.print();
 * cmp.choice?.theta;   // theta the slice policy chose on the validation split
 */
export async function compareRestructure(model: tf.LayersModel, data: MaintenanceData, opts: RestructureComparisonOptions = {}, slice: Slice | TaskSlice | null = null): Promise<RestructureComparison> {
  const seed = opts.seed ?? 0;
  const methods = methodList(model, opts.methods);
  const pruners = [...(opts.pruners ?? [MAINTENANCE_DEFAULTS.restructure.pruner])];
  const known = listPruners();
  for (const p of pruners) if (!known.includes(p)) throw unknownNameError('UNKNOWN_PRUNER', 'pruner', p, known);
  const splits = maintenanceSplits(data, seed);
  const needsSlice = methods.some((m) => getRestructureMethod(m).needsSlice);
  const used = await restructureSlice(model, slice, needsSlice, splits, { ...(opts.slicePolicy ? { slicePolicy: opts.slicePolicy } : {}), allowForeignSlice: opts.allowForeignSlice ?? false, seed });
  const { methods: _m, pruners: _p, keepModels, onIteration, ...rest } = opts;
  const runs: RestructureRun[] = [];
  try {
    for (const pruner of pruners) {
      for (const method of methods) {
        const r = await restructure(model, used && getRestructureMethod(method).needsSlice ? { slice: used.slice, choice: used.choice } : null, {
          ...rest, train: splits.train, validation: splits.validation, test: splits.test, pre: method, pruner, seed,
          ...(onIteration ? { onIteration: (row: RestructureRow) => onIteration({ method, pruner }, row) } : {}),
        });
        const { model: m, ...kept } = r;
        if (!keepModels) m.dispose();
        runs.push({ ...kept, label: `${method} + ${pruner}`, ...(keepModels ? { model: m } : {}) });
      }
    }
  } catch (e) {
    for (const r of runs) r.model?.dispose();
    throw e;
  }
  const summary = aq.from(runs.map((r) => ({
    method: r.method, pruner: r.pruner, ni: r.ni, cr: r.cr, ma: r.ma, valAccuracy: r.final.accuracy, reached: r.reached, stop: r.stop,
    preCR: r.rows[0]!.cr, params: r.final.params, liveParams: r.final.liveParams, seconds: r.rows.reduce((a, x) => a + x.seconds, 0),
  })));
  return { slice: used?.slice ?? null, choice: used?.choice ?? null, runs, summary };
}

const pctText = (x: number, d = 1): string => `${(100 * x).toFixed(d)}%`;

/**
 * The comparison in words, one sentence per run and one for ours against the pruner alone, whichever way it falls.
 *
 * @example
 * describeRestructure(cmp);   // "none + lamp: 8 iterations, CR 89.9%, test accuracy 97.6% (target reached). ..."
 */
export function describeRestructure(cmp: RestructureComparison): string {
  const lines = cmp.runs.map((r) => `${r.label}: ${r.ni} iterations, CR ${pctText(r.cr)}, test accuracy ${pctText(r.ma, 2)} (${r.reached ? 'target reached' : `stopped: ${r.stop}`}).`);
  for (const pruner of [...new Set(cmp.runs.map((r) => r.pruner))]) {
    const none = cmp.runs.find((r) => r.pruner === pruner && r.method === 'none');
    const ours = cmp.runs.find((r) => r.pruner === pruner && r.method === 'slice');
    if (!none || !ours) continue;
    const fewer = none.ni - ours.ni;
    lines.push(`With ${pruner}, the slice pre-step ${fewer > 0 ? `needed ${fewer} fewer iteration${fewer === 1 ? '' : 's'}` : fewer < 0 ? `needed ${-fewer} more iteration${fewer === -1 ? '' : 's'}` : 'needed as many iterations'} than the pruner alone and ended ${ours.ma >= none.ma ? `${((ours.ma - none.ma) * 100).toFixed(2)} points above` : `${((none.ma - ours.ma) * 100).toFixed(2)} points below`} it in test accuracy, at CR ${pctText(ours.cr)} against ${pctText(none.cr)}.`);
  }
  return lines.join(' ');
}
