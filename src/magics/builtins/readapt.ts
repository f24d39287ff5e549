/**
 * `%%readapt`: make a workload (FGSM, PGD or a mutant), re-adapt the model with each method on one budget, and show
 * examples of the new images, the accuracy curves and the summary table. The engine is reached only through an
 * injected ReadaptEngine (wired in src/index.ts with setReadaptEngine), as %%slice reaches its engine.
 */
import { SemsliceError } from '../../engine/errors.js';
import { MAGIC_DATASETS, resolveArg } from './resolve-arg.js';
import { show } from '../../notebook/show.js';
import { imageGrid } from '../../viz/image-grid.js';
import { readaptCurves } from '../../viz/readapt-curves.js';
import type { ArgValue } from '../args.js';
import type { MagicContext, MagicSpec } from '../registry.js';

/** A dataset as the magic reads it (for the image grid). */
interface SampleSource { size: number; sampleShape: readonly number[]; label(i: number): number; sample(i: number): ArrayLike<number> }

/** What %%readapt needs from the engine. */
export interface ReadaptEngine {
  loadModel(dir: string): Promise<unknown>;
  /** A named dataset's splits ({ train, test }). */
  loadData(name: string): Promise<unknown>;
  /** readaptWorkload(model, data, opts, slice): examples, per-method results (method, rows), summary table. */
  run(model: unknown, data: unknown, opts: Record<string, ArgValue | string[]>, slice: unknown): Promise<{
    examples: { clean: SampleSource; fresh: SampleSource };
    results: Array<{ method: string; rows: Array<{ epoch: number; newAccuracy: number; cleanAccuracy: number }> }>;
    summary: unknown;
    workload: Record<string, unknown>;
  }>;
  /** Registered method names. */
  methods(): string[];
}

let engine: ReadaptEngine | undefined;

/** Wire the engine %%readapt calls (src/index.ts does this once). Returns the previous one. */
export function setReadaptEngine(e: ReadaptEngine | undefined): ReadaptEngine | undefined {
  const prev = engine;
  engine = e;
  return prev;
}


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
    workload: { type: 'string', default: 'fgsm', choices: () => ['fgsm', 'pgd', 'mutant'], description: 'fgsm | pgd | mutant' },
    methods: { type: 'list', description: 'methods to compare (default: all registered)' },
    slice: { type: 'ref', description: 'a variable holding a slice of this model (default: slice it on 1,000 training images)' },
    eps: { type: 'number', description: 'attack radius (default per dataset: MNIST 0.3, Fashion-MNIST 0.1)' },
    count: { type: 'integer', default: 300, description: 'new samples to learn from, and held out (each)' },
    drop: { type: 'number', default: 0.3, description: 'mutant: accuracy drop to cause' },
    epochs: { type: 'integer', default: 2, description: 'training epochs, the same for every method' },
    seed: { type: 'integer', default: 0, description: 'seed' },
    as: { type: 'identifier', description: 'bind the result to this global variable' },
  },
  async run(ctx) {
    if (!engine) {
      throw new SemsliceError('NO_SLICE_ENGINE', '%%readapt: no re-adaptation engine is wired.', 'Import the package entry (import * as ss from "../dist/index.js"), which wires it, or call setReadaptEngine().');
    }
    const { model, data, slice, methods, as: _as, ...opts } = ctx.args;
    const m = await resolveArg('%%readapt', model!, ctx, (s) => engine!.loadModel(s));
    const d = await resolveArg('%%readapt', data!, ctx, (s) => engine!.loadData(s), MAGIC_DATASETS);
    const sl = slice === undefined ? null : await resolveArg('%%readapt', slice, ctx, () => Promise.resolve(undefined));
    const known = engine.methods();
    const list = Array.isArray(methods) ? methods.map(String) : known;
    const unknown = list.filter((x) => !known.includes(x));
    if (unknown.length > 0) throw new SemsliceError('MAGIC_ARGS', `%%readapt: unknown method(s) ${unknown.join(', ')}.`, `Use some of ${known.join(', ')}.`);
    const r = await engine.run(m, d, { ...opts, methods: list }, sl);
    if (r.workload['workload'] !== 'mutant') await show(imageGrid(examplePairs(r.examples, 8, ['clean', String(r.workload['workload'])]), { title: 'Clean images and their adversarial versions' }));
    await show(readaptCurves(r.results));
    await show(r.summary);
    return r;
  },
};
