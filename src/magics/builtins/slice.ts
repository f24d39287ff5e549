/** `%%slice`: slice a model and show the result (the Slice displays itself: summary table and chart). */
import { fail } from '../../engine/messages/index.js';
import type { Dataset } from '../../engine/data/index.js';
import { listMetrics } from '../../engine/slicing/metrics.js';
import { SLICE_DEFAULTS, type SliceOptions } from '../../engine/slicing/options.js';
import { listSelectors } from '../../engine/slicing/selection.js';
import { show } from '../../notebook/show.js';
import { isDataset, isSplits, magicEngine } from '../engine.js';
import type { MagicSpec } from '../registry.js';
import { withModelArg } from './maintenance-args.js';
import { MAGIC_DATASETS, resolveArg } from './resolve-arg.js';

/** The data to profile: a dataset name's training split, a variable's train split, or a variable holding a dataset. */
async function profilingData(v: unknown, ctx: Parameters<MagicSpec['run']>[0]): Promise<Dataset> {
  const d = await resolveArg('%%slice', v as string, ctx, (s) => magicEngine.loadData(s), MAGIC_DATASETS);
  if (isSplits(d)) return d.train;
  if (isDataset(d)) return d;
  throw fail('MAGIC_ARGS', { magic: '%%slice', case: 'not-a', key: 'data', wanted: 'dataset' });
}

export const sliceMagic: MagicSpec = {
  name: 'slice',
  kind: 'cell',
  description: 'Slice a model into per-class critical neurons and show the result.',
  args: {
    model: { type: 'ref', required: true, description: 'a model folder (model.json + weights) or a variable holding a model' },
    data: { type: 'ref', default: 'mnist', description: `${MAGIC_DATASETS.join(' | ')} or a variable holding a dataset; its train split is profiled` },
    metric: { type: 'string', default: SLICE_DEFAULTS.metric, choices: listMetrics, description: 'contribution metric (built-in or registered with ss.registerMetric)' },
    method: { type: 'string', default: SLICE_DEFAULTS.method, choices: listSelectors, description: 'slicing method' },
    theta: { type: 'number', default: SLICE_DEFAULTS.theta, description: 'cumulative-score threshold (semantic)' },
    k: { type: 'number', description: 'percent of neurons kept (top-k baselines)' },
    tau: { type: 'scalar', default: SLICE_DEFAULTS.tau, description: 'where to cut the class dendrogram: a similarity in [0, 1], or auto' },
    limit: { type: 'integer', description: 'profile only the first N samples' },
    as: { type: 'identifier', description: 'bind the slice to this global variable' },
  },
  async run(ctx) {
    const { model, data, limit, as: _as, ...opts } = ctx.args;
    return withModelArg('%%slice', model!, ctx, async (m) => {
      let d = await profilingData(data, ctx);
      if (typeof limit === 'number') d = d.take(limit);
      const result = await magicEngine.slice(m, d, opts as SliceOptions);
      await show(result);
      return result;
    });
  },
};
