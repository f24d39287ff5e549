/**
 * `%%restructure`: compress a model with one pruner after each chosen method (none, slice, random, low-activation,
 * deeparc), on one fine-tuning budget (compareRestructure), and show accuracy against CR along the iterations, NI
 * per method, the accuracy each class lost and a summary table.
 */
import { MAINTENANCE_DEFAULTS, type RestructureComparison } from '../../engine/maintenance/index.js';
import { fail } from '../../engine/messages/index.js';
import { show } from '../../notebook/show.js';
import { classDamage, niBars, restructureCurves } from '../../viz/restructure-charts.js';
import { magicEngine } from '../engine.js';
import type { MagicSpec } from '../registry.js';
import { MAGIC_DATASETS } from './resolve-arg.js';
import { limited, withModelArg, namesArg, POLICY_ARGS, policyArgs, sliceArg, splitsArg } from './maintenance-args.js';

const D = MAINTENANCE_DEFAULTS.restructure;

export const restructureMagic: MagicSpec = {
  name: 'restructure',
  kind: 'cell',
  description: 'Compress a model with a pruner after each method (none, slice, random, low-activation, deeparc) on one budget; show accuracy vs CR, NI and per-class damage.',
  args: {
    model: { type: 'ref', required: true, description: 'a model folder or a variable holding a model' },
    data: { type: 'ref', default: 'mnist', description: `${MAGIC_DATASETS.join(' | ')} or a variable holding { train, test }` },
    methods: { type: 'list', description: 'methods (pre-steps) to compare (default: none, slice, random)' },
    pruner: { type: 'string', default: D.pruner, choices: () => magicEngine.pruners(), description: 'weight pruner' },
    slice: { type: 'ref', description: 'a variable holding a slice of this model (default: slice it by the slice policy)' },
    ...POLICY_ARGS,
    target: { type: 'number', default: D.targetCR, description: 'target compression rate of the whole model, in (0, 1)' },
    maxDrop: { type: 'number', default: D.maxDrop, description: 'largest accuracy drop allowed (absolute, on the validation split)' },
    steps: { type: 'integer', default: D.fineTune.steps, description: 'fine-tuning batches per round, the same for every method' },
    batchSize: { type: 'integer', default: D.fineTune.batchSize, description: 'fine-tuning batch size' },
    lr: { type: 'number', default: D.fineTune.learningRate, description: 'fine-tuning Adam learning rate' },
    trainLimit: { type: 'integer', description: 'use the first n training images (fine-tuning, validation, slicing)' },
    testLimit: { type: 'integer', description: 'measure on the first n test images' },
    seed: { type: 'integer', default: 0, description: 'seed' },
    as: { type: 'identifier', description: 'bind the result to this global variable (its runs keep their models)' },
  },
  async run(ctx) {
    const a = ctx.args;
    const methods = namesArg('%%restructure', 'method(s)', a['methods'], magicEngine.restructureMethods(), ['none', 'slice', 'random']);
    const target = a['target'] as number;
    if (!(target > 0 && target < 1)) throw fail('MAGIC_ARGS', { magic: '%%restructure', case: 'range', key: 'target', value: target, expected: 'in (0, 1)', example: 0.9 });
    const slicePolicy = policyArgs('%%restructure', a);
    return withModelArg('%%restructure', a['model']!, ctx, async (model) => {
      const splits = await splitsArg('%%restructure', a['data']!, ctx);
      const s = await sliceArg('%%restructure', a['slice'], ctx);
      const pruner = String(a['pruner']);
      const r: RestructureComparison = await magicEngine.compareRestructure(model, limited(splits, a['trainLimit'] as number | undefined, a['testLimit'] as number | undefined), {
        methods, pruners: [pruner], targetCR: target, maxDrop: a['maxDrop'] as number, seed: a['seed'] as number, slicePolicy,
        fineTune: { steps: a['steps'] as number, batchSize: a['batchSize'] as number, learningRate: a['lr'] as number }, keepModels: a['as'] !== undefined,
      }, s);
      const first = r.runs[0]!;
      if (r.choice) await show(`slice: theta ${r.choice.theta} (${r.choice.rule}), ${(100 * r.choice.kept).toFixed(1)}% of the neurons kept, CR ${(100 * r.choice.cr).toFixed(1)}%`);
      await show(restructureCurves(r.runs.map((x) => ({ method: x.label, rows: x.rows })), { bound: first.original.accuracy - (a['maxDrop'] as number), targetCR: target, title: 'Restructuring: validation accuracy against compression' }));
      await show(niBars(r.runs.map((x) => ({ method: x.label, rows: x.rows, ni: x.ni, cr: x.cr, ma: x.ma, reached: x.reached }))));
      await show(classDamage({ classNames: [...splits.classNames], before: first.original.perClass, methods: r.runs.map((x) => ({ method: x.label, perClass: [...x.final.perClass] })) }));
      await show(r.summary);
      return r;
    });
  },
};
