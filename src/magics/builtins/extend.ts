/**
 * `%%extend`: learn a new task (classes `new`) in a model that knows `old`, with each incremental method on one
 * budget (compareExtend); show how the old task's slice was made, the forgetting picture (old task before and after,
 * new task, all classes), the capacity meter after ours, and the summary table.
 */
import { isSemsliceError } from '../../engine/errors.js';
import { fail } from '../../engine/messages/index.js';
import { parseClassSet } from '../../engine/data/class-set.js';
import { MAINTENANCE_DEFAULTS, type ExtendComparison } from '../../engine/maintenance/index.js';
import { show } from '../../notebook/show.js';
import { capacityChart, forgettingChart, type ForgettingRow } from '../../viz/incremental-charts.js';
import type { ArgValue } from '../args.js';
import { magicEngine } from '../engine.js';
import type { MagicSpec } from '../registry.js';
import { MAGIC_DATASETS } from './resolve-arg.js';
import { limited, withModelArg, namesArg, POLICY_ARGS, policyArgs, sliceArg, splitsArg } from './maintenance-args.js';

const D = MAINTENANCE_DEFAULTS.extend;

function classes(v: ArgValue | undefined, fallback: string, key: string): number[] {
  const text = v === undefined ? fallback : Array.isArray(v) ? v.join(',') : String(v);
  try {
    return parseClassSet(text, key);
  } catch (e) {
    if (!isSemsliceError(e)) throw e;
    throw fail('MAGIC_ARGS', { magic: '%%extend', case: 'classes', key, value: text });
  }
}

/** The forgetting chart's rows from a comparison's runs. */
export function forgettingRows(runs: ReadonlyArray<{ label: string; before: { old: number }; after: { old: number; new: number; classIL: { all: number } } }>): ForgettingRow[] {
  return runs.map((r) => ({ method: r.label, oldBefore: r.before.old, oldAfter: r.after.old, newAfter: r.after.new, allAfter: r.after.classIL.all }));
}

export const extendMagic: MagicSpec = {
  name: 'extend',
  kind: 'cell',
  description: 'Learn new classes in a model that knows old ones with each incremental method; show forgetting, capacity and a summary.',
  args: {
    model: { type: 'ref', required: true, description: 'a model folder or a variable holding a model trained on the old classes (full output head)' },
    data: { type: 'ref', default: 'mnist', description: `${MAGIC_DATASETS.join(' | ')} or a variable holding { train, test }` },
    old: { type: 'list', description: 'old classes, e.g. 0-4 or 0,1,2 (default 0-4)' },
    new: { type: 'list', description: 'new classes, e.g. 5-9 (default 5-9)' },
    methods: { type: 'list', description: 'methods to compare (default: all)' },
    slice: { type: 'ref', description: 'a variable holding the old task\'s slice (default: slice it by the slice policy)' },
    ...POLICY_ARGS,
    minFree: { type: 'number', default: D.minFree, description: 'share of every site the old task\'s slice leaves free (theta auto)' },
    perTask: { type: 'integer', default: D.perTask, description: 'training images per task' },
    epochs: { type: 'integer', default: D.epochs, description: 'passes over the new task, the same for every method' },
    batchSize: { type: 'integer', default: D.batchSize, description: 'batch size' },
    lr: { type: 'number', default: D.learningRate, description: 'Adam learning rate' },
    testLimit: { type: 'integer', description: 'measure on the first n test images' },
    seed: { type: 'integer', default: 0, description: 'seed' },
    as: { type: 'identifier', description: 'bind the result to this global variable (its runs keep their models)' },
  },
  async run(ctx) {
    const a = ctx.args;
    const o = classes(a['old'], '0-4', 'old');
    const n = classes(a['new'], '5-9', 'new');
    const overlap = o.filter((c) => n.includes(c));
    if (overlap.length) throw fail('MAGIC_ARGS', { magic: '%%extend', case: 'overlap', classes: overlap });
    const minFree = a['minFree'] as number;
    if (!(minFree >= 0 && minFree < 1)) throw fail('MAGIC_ARGS', { magic: '%%extend', case: 'range', key: 'minFree', value: minFree, expected: 'in [0, 1)', example: 0.25 });
    const methods = namesArg('%%extend', 'method(s)', a['methods'], magicEngine.extendMethods(), magicEngine.extendArms());
    const slicePolicy = policyArgs('%%extend', a);
    return withModelArg('%%extend', a['model']!, ctx, async (model) => {
      const splits = await splitsArg('%%extend', a['data']!, ctx);
      const s = await sliceArg('%%extend', a['slice'], ctx);
      const r: ExtendComparison = await magicEngine.compareExtend(model, limited(splits, undefined, a['testLimit'] as number | undefined), {
        old: o, fresh: n, methods, perTask: a['perTask'] as number, epochs: a['epochs'] as number, batchSize: a['batchSize'] as number, learningRate: a['lr'] as number,
        minFree, slicePolicy, seed: a['seed'] as number, keepModels: a['as'] !== undefined,
      }, s);
      if (r.choice) {
        const c = r.choice;
        const measured = c.masked !== null && c.unmasked !== null ? `: masked ${(100 * c.masked).toFixed(1)}% vs unmasked ${(100 * c.unmasked).toFixed(1)}% on ${c.validationSamples} held-out images, tolerance ${(100 * (c.tolerance ?? 0)).toFixed(1)} points${c.withinTolerance ? '' : ' (not met)'}` : '';
        await show(`old task's slice: theta ${c.theta} (${c.rule}${measured}); smallest free share of a site ${(100 * Math.min(...Object.values(c.freeShare))).toFixed(1)}%`);
      }
      await show(forgettingChart(forgettingRows(r.runs)));
      if (r.capacity) await show(capacityChart(r.capacity));
      await show(r.summary);
      return r;
    });
  },
};
