/**
 * `%%readapt`: make a workload (FGSM, PGD or a mutant), re-adapt the model with each method on one budget, and show
 * examples of the new images, the accuracy curves and the summary table (compareReadapt).
 */
import { MAINTENANCE_DEFAULTS, READAPT_WORKLOADS, type ReadaptComparison, type ReadaptWorkload } from '../../engine/maintenance/index.js';
import { show } from '../../notebook/show.js';
import { imageGrid } from '../../viz/image-grid.js';
import { readaptCurves } from '../../viz/readapt-curves.js';
import { magicEngine } from '../engine.js';
import type { MagicSpec } from '../registry.js';
import { MAGIC_DATASETS } from './resolve-arg.js';
import { limited, withModelArg, namesArg, POLICY_ARGS, policyArgs, sliceArg, splitsArg } from './maintenance-args.js';

/** A dataset as the image grid reads it. */
interface SampleSource { size: number; sampleShape: readonly number[]; label(i: number): number; sample(i: number): ArrayLike<number> }

const D = MAINTENANCE_DEFAULTS.readapt;

/** Up to `n` clean/new pairs as an image grid input. */
export function examplePairs(ex: { clean: SampleSource; fresh: SampleSource }, n: number, rows: [string, string]): Parameters<typeof imageGrid>[0] {
  const [h, w, c] = ex.fresh.sampleShape as [number, number, number];
  const k = Math.min(n, ex.fresh.size, ex.clean.size);
  const images = [];
  for (let i = 0; i < k; i++) images.push({ pixels: ex.clean.sample(i), title: String(ex.clean.label(i)), row: rows[0] });
  for (let i = 0; i < k; i++) images.push({ pixels: ex.fresh.sample(i), title: String(ex.fresh.label(i)), row: rows[1] });
  return { height: h, width: w, channels: c, images };
}

export const readaptMagic: MagicSpec = {
  name: 'readapt',
  kind: 'cell',
  description: 'Re-adapt a model to FGSM/PGD images or repair a mutant with each method; show examples, curves and a summary.',
  args: {
    model: { type: 'ref', required: true, description: 'a model folder or a variable holding a model' },
    data: { type: 'ref', default: 'mnist', description: `${MAGIC_DATASETS.join(' | ')} or a variable holding { train, test }` },
    workload: { type: 'string', default: 'fgsm', choices: READAPT_WORKLOADS, description: READAPT_WORKLOADS.join(' | ') },
    methods: { type: 'list', description: 'methods to compare (default: all registered)' },
    slice: { type: 'ref', description: 'a variable holding a slice of this model (default: slice it by the slice policy)' },
    ...POLICY_ARGS,
    sliceClasses: { type: 'string', default: D.sliceClasses, choices: ['all', 'present'], description: 'the slice of every class, or of the classes present in the new samples' },
    eps: { type: 'number', description: 'attack radius (default per dataset: MNIST 0.3, Fashion-MNIST 0.1)' },
    count: { type: 'integer', default: D.count, description: 'new samples to learn from, and held out (each)' },
    drop: { type: 'number', default: D.drop, description: 'mutant: accuracy drop to cause' },
    epochs: { type: 'integer', default: D.epochs, description: 'training epochs, the same for every method' },
    batchSize: { type: 'integer', default: D.batchSize, description: 'batch size' },
    lr: { type: 'number', default: D.learningRate, description: 'Adam learning rate' },
    trainLimit: { type: 'integer', description: 'use the first n training images (the attack source, the clean mix, validation)' },
    testLimit: { type: 'integer', description: 'measure clean accuracy on the first n test images' },
    seed: { type: 'integer', default: 0, description: 'seed' },
    as: { type: 'identifier', description: 'bind the result to this global variable (its runs keep their models)' },
  },
  async run(ctx) {
    const a = ctx.args;
    const methods = namesArg('%%readapt', 'method(s)', a['methods'], magicEngine.readaptMethods(), magicEngine.readaptMethods());
    const slicePolicy = policyArgs('%%readapt', a);
    return withModelArg('%%readapt', a['model']!, ctx, async (model) => {
      const splits = await splitsArg('%%readapt', a['data']!, ctx);
      const s = await sliceArg('%%readapt', a['slice'], ctx);
      const workload = String(a['workload']) as ReadaptWorkload;
      const r: ReadaptComparison = await magicEngine.compareReadapt(model, limited(splits, a['trainLimit'] as number | undefined, a['testLimit'] as number | undefined), {
        workload, methods, count: a['count'] as number, drop: a['drop'] as number, epochs: a['epochs'] as number, batchSize: a['batchSize'] as number,
        learningRate: a['lr'] as number, seed: a['seed'] as number, sliceClasses: a['sliceClasses'] as 'all' | 'present', slicePolicy,
        ...(a['eps'] !== undefined ? { eps: a['eps'] as number } : {}), keepModels: a['as'] !== undefined,
      }, s);
      if (workload !== 'mutant') await show(imageGrid(examplePairs(r.examples, 8, ['clean', workload]), { title: 'Clean images and their adversarial versions' }));
      if (r.choice) await show(`slice: theta ${r.choice.theta} (${r.choice.rule}) of classes ${r.choice.classes.join(',')}, ${(100 * r.choice.kept).toFixed(1)}% of the neurons kept`);
      await show(readaptCurves(r.runs.map((x) => ({ method: x.method, rows: x.rows }))));
      await show(r.summary);
      return r;
    });
  },
};
