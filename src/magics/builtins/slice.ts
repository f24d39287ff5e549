/**
 * `%%slice`: slice a model and show the result. The engine is reached only through an injected SliceEngine (the
 * real one is wired in src/index.ts with setSliceEngine), so magics never import engine internals.
 */
import { SemsliceError } from '../../engine/errors.js';
import { MAGIC_DATASETS } from './resolve-arg.js';
import { listMetrics } from '../../engine/slicing/metrics.js';
import { SLICE_DEFAULTS } from '../../engine/slicing/options.js';
import { listSelectors } from '../../engine/slicing/selection.js';
import { show } from '../../notebook/show.js';
import type { ArgValue } from '../args.js';
import type { MagicContext, MagicSpec } from '../registry.js';

/** What %%slice needs from the engine. */
export interface SliceEngine {
  /** Load a saved model from a folder (model.json + weights). */
  loadModel(dir: string): Promise<unknown>;
  /** A named dataset's splits: 'mnist' | 'fashion-mnist' | 'synthetic'. */
  loadData(name: string): Promise<unknown>;
  /** Profile + select + merge; options are the magic's validated args (minus model/data/limit/as). */
  slice(model: unknown, data: unknown, opts: Record<string, ArgValue>): Promise<unknown>;
  /** The training split of a DatasetSplits-like value, or the value itself when it is already a dataset. */
  trainSplit?(data: unknown): unknown;
  /** The first n samples of a dataset. */
  take?(data: unknown, n: number): unknown;
}

let engine: SliceEngine | undefined;

/** Wire the engine %%slice calls (src/index.ts does this once). Returns the previous one. */
export function setSliceEngine(e: SliceEngine | undefined): SliceEngine | undefined {
  const prev = engine;
  engine = e;
  return prev;
}

const DATASETS = MAGIC_DATASETS;

function isModelLike(x: unknown): boolean {
  return typeof x === 'object' && x !== null && typeof (x as { predict?: unknown }).predict === 'function';
}

function defaultTrain(d: unknown): unknown {
  const o = d as { train?: unknown } | null;
  return o && typeof o === 'object' && 'train' in o && o.train ? o.train : d;
}

function defaultTake(d: unknown, n: number): unknown {
  const o = d as { take?: (n: number) => unknown };
  return typeof o?.take === 'function' ? o.take(n) : d;
}

async function resolveModel(e: SliceEngine, v: ArgValue, ctx: MagicContext): Promise<unknown> {
  if (typeof v !== 'string') return v;
  const variable = /^[A-Za-z_$][\w$]*$/.test(v) ? ctx.lookup(v) : undefined;
  if (isModelLike(variable)) return variable;
  return e.loadModel(v);
}

async function resolveData(e: SliceEngine, v: ArgValue, ctx: MagicContext): Promise<unknown> {
  if (typeof v !== 'string') return v;
  if ((DATASETS as readonly string[]).includes(v)) return e.loadData(v);
  const variable = /^[A-Za-z_$][\w$]*$/.test(v) ? ctx.lookup(v) : undefined;
  if (variable !== undefined && variable !== null) return variable;
  throw new SemsliceError('MAGIC_ARGS', `%%slice: data="${v}" is neither a dataset name nor a notebook variable.`, `Use one of ${DATASETS.join(', ')}, or the name of a variable holding a dataset.`);
}

export const sliceMagic: MagicSpec = {
  name: 'slice',
  kind: 'cell',
  description: 'Slice a model into per-class critical neurons and show the result.',
  args: {
    model: { type: 'ref', required: true, description: 'a model folder (model.json + weights) or a variable holding a model' },
    data: { type: 'ref', default: 'mnist', description: `${DATASETS.join(' | ')} or a variable holding a dataset; its train split is profiled` },
    metric: { type: 'string', default: SLICE_DEFAULTS.metric, choices: listMetrics, description: 'contribution metric (built-in or registered with ss.registerMetric)' },
    method: { type: 'string', default: SLICE_DEFAULTS.method, choices: listSelectors, description: 'slicing method' },
    theta: { type: 'number', default: SLICE_DEFAULTS.theta, description: 'cumulative-score threshold (semantic)' },
    k: { type: 'number', description: 'percent of neurons kept (top-k baselines)' },
    tau: { type: 'scalar', default: SLICE_DEFAULTS.tau, description: 'where to cut the class dendrogram: a similarity in [0, 1], or auto' },
    limit: { type: 'integer', description: 'profile only the first N samples' },
    as: { type: 'identifier', description: 'bind the slice to this global variable' },
  },
  async run(ctx) {
    if (!engine) {
      throw new SemsliceError('NO_SLICE_ENGINE', '%%slice: no slicing engine is wired.', 'Import the package entry (import * as ss from "../dist/index.js"), which wires it, or call setSliceEngine().');
    }
    const { model, data, limit, as: _as, ...opts } = ctx.args;
    const m = await resolveModel(engine, model!, ctx);
    let d = (engine.trainSplit ?? defaultTrain)(await resolveData(engine, data!, ctx));
    if (typeof limit === 'number') d = (engine.take ?? defaultTake)(d, limit);
    const result = await engine.slice(m, d, opts);
    await show(result);
    return result;
  },
};
