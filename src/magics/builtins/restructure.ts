/**
 * `%%restructure`: compress a model with one pruner after each chosen pre-step (none, slice, random, deeparc), on
 * one fine-tuning budget, and show accuracy against CR along the iterations, NI per method, the accuracy each class
 * lost and a summary table. The engine is reached only through an injected RestructureEngine (wired in
 * src/index.ts with setRestructureEngine), as %%slice reaches its engine.
 */
import { SemsliceError } from '../../engine/errors.js';
import { MAGIC_DATASETS, resolveArg } from './resolve-arg.js';
import { show } from '../../notebook/show.js';
import { classDamage, niBars, restructureCurves } from '../../viz/restructure-charts.js';
import type { ArgValue } from '../args.js';
import type { MagicContext, MagicSpec } from '../registry.js';

/** What the magic reads of one restructure() result. */
export interface RestructureOutcome {
  rows: ReadonlyArray<{ iteration: number; cr: number; accuracy: number; perClass: ArrayLike<number> }>;
  ni: number;
  cr: number;
  ma: number;
  reached: boolean;
  stop: string;
  original: { accuracy: number; perClass: number[] };
  final: { params: number; liveParams: number; perClass: number[] };
}

/** What %%restructure needs from the engine. */
export interface RestructureEngine {
  loadModel(dir: string): Promise<unknown>;
  /** A named dataset's splits ({ train, test }). */
  loadData(name: string): Promise<unknown>;
  /** A slice of the model on (a cap of) its training data, for the slice and random pre-steps. */
  slice(model: unknown, train: unknown, opts: { seed: number }): Promise<unknown>;
  /** restructure(model, slice, opts) with opts { train, test, pre, pruner, targetCR, maxDrop, fineTune, seed }. */
  restructure(model: unknown, slice: unknown, opts: Record<string, unknown>): Promise<RestructureOutcome>;
  /** The first n samples of a dataset. */
  take(data: unknown, n: number): unknown;
  /** A summary table (arquero) of the runs. */
  table(rows: Array<Record<string, unknown>>): unknown;
  pruners(): string[];
  preSteps(): string[];
  /** Dispose a result's model (the magic keeps the results, not their models, unless bound with as=). */
  dispose?(result: RestructureOutcome): void;
}

let engine: RestructureEngine | undefined;

/** Wire the engine %%restructure calls (src/index.ts does this once). Returns the previous one. */
export function setRestructureEngine(e: RestructureEngine | undefined): RestructureEngine | undefined {
  const prev = engine;
  engine = e;
  return prev;
}


/** What the magic returns: per method, its pre-step, pruner and result. */
export interface RestructureMagicResult {
  runs: Array<{ method: string; pre: string; pruner: string; result: RestructureOutcome }>;
  summary: unknown;
}

export const restructureMagic: MagicSpec = {
  name: 'restructure',
  kind: 'cell',
  description: 'Compress a model with a pruner after each pre-step (none, slice, random, deeparc) on one budget; show accuracy vs CR, NI and per-class damage.',
  args: {
    model: { type: 'ref', required: true, description: 'a model folder or a variable holding a model' },
    data: { type: 'ref', default: 'mnist', description: `${MAGIC_DATASETS.join(' | ')} or a variable holding { train, test }` },
    pre: { type: 'list', description: 'pre-steps to compare (default: none, slice, random)' },
    pruner: { type: 'string', default: 'lamp', choices: () => engine?.pruners() ?? ['lamp', 'global', 'uniform-plus', 'erk'], description: 'weight pruner' },
    slice: { type: 'ref', description: 'a variable holding a slice of this model (default: slice it on its training images)' },
    target: { type: 'number', default: 0.9, description: 'target compression rate of the whole model, in (0, 1)' },
    maxDrop: { type: 'number', default: 0.01, description: 'largest accuracy drop allowed (absolute)' },
    steps: { type: 'integer', default: 20, description: 'fine-tuning batches per round, the same for every method' },
    batchSize: { type: 'integer', default: 32, description: 'fine-tuning batch size' },
    lr: { type: 'number', default: 1e-4, description: 'fine-tuning Adam learning rate' },
    trainLimit: { type: 'integer', default: 2000, description: 'training images (fine-tuning and slicing)' },
    testLimit: { type: 'integer', default: 1000, description: 'test images (the stop rule, MA, per-class accuracy)' },
    seed: { type: 'integer', default: 0, description: 'seed' },
    as: { type: 'identifier', description: 'bind the result to this global variable' },
  },
  async run(ctx) {
    if (!engine) {
      throw new SemsliceError('NO_SLICE_ENGINE', '%%restructure: no restructuring engine is wired.', 'Import the package entry (import * as ss from "../dist/index.js"), which wires it, or call setRestructureEngine().');
    }
    const e = engine;
    const a = ctx.args;
    const known = e.preSteps();
    const pres = Array.isArray(a['pre']) ? a['pre'].map(String) : ['none', 'slice', 'random'].filter((p) => known.includes(p));
    const unknown = pres.filter((x) => !known.includes(x));
    if (unknown.length > 0) throw new SemsliceError('MAGIC_ARGS', `%%restructure: unknown pre-step(s) ${unknown.join(', ')}.`, `Use some of ${known.join(', ')}.`);
    const target = a['target'] as number;
    if (!(target > 0 && target < 1)) throw new SemsliceError('MAGIC_ARGS', `%%restructure: target must be in (0, 1), got ${target}.`, 'Pass e.g. target=0.9.');
    const m = await resolveArg('%%restructure', a['model']!, ctx, (s) => e.loadModel(s));
    const d = await resolveArg('%%restructure', a['data']!, ctx, (s) => e.loadData(s), MAGIC_DATASETS) as { train?: unknown; test?: unknown };
    if (!d || typeof d !== 'object' || !d.train || !d.test) throw new SemsliceError('MAGIC_ARGS', '%%restructure: data must have train and test splits.', 'Pass a dataset name or a variable holding { train, test }.');
    const seed = a['seed'] as number;
    const train = e.take(d.train, a['trainLimit'] as number);
    const test = e.take(d.test, a['testLimit'] as number);
    let sl: unknown = a['slice'] === undefined ? undefined : await resolveArg('%%restructure', a['slice'], ctx, () => Promise.resolve(undefined));
    if (sl === undefined && pres.some((p) => p === 'slice' || p === 'random')) sl = await e.slice(m, train, { seed });
    const pruner = String(a['pruner']);
    const runs: RestructureMagicResult['runs'] = [];
    for (const pre of pres) {
      const result = await e.restructure(m, pre === 'slice' || pre === 'random' ? sl : null, {
        train, test, pre, pruner, targetCR: target, maxDrop: a['maxDrop'], seed,
        fineTune: { steps: a['steps'], batchSize: a['batchSize'], learningRate: a['lr'] },
      });
      runs.push({ method: `${pre} + ${pruner}`, pre, pruner, result });
    }
    const first = runs[0]!.result;
    const summary = e.table(runs.map(({ method, result: r }) => ({
      method, ni: r.ni, cr: r.cr, ma: r.ma, reached: r.reached, stop: r.stop, params: r.final.params, liveParams: r.final.liveParams,
    })));
    await show(restructureCurves(runs.map((r) => ({ method: r.method, rows: r.result.rows })), { bound: first.original.accuracy - (a['maxDrop'] as number), targetCR: target }));
    await show(niBars(runs.map((r) => ({ method: r.method, rows: r.result.rows, ni: r.result.ni, cr: r.result.cr, ma: r.result.ma, reached: r.result.reached }))));
    const classNames = (d as { classNames?: string[] }).classNames ?? first.original.perClass.map((_, k) => String(k));
    await show(classDamage({ classNames, before: first.original.perClass, methods: runs.map((r) => ({ method: r.method, perClass: [...r.result.final.perClass] })) }));
    await show(summary);
    if (a['as'] === undefined) for (const r of runs) e.dispose?.(r.result);
    return { runs, summary } satisfies RestructureMagicResult;
  },
};
