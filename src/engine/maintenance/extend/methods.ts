/**
 * The methods incremental development compares, in one list: how a method learns a new task (which weights may
 * change, an extra loss term, which training data, how its loss reads the output layer). Ours (`ours`: freeze what
 * the old tasks' inference reads, give the free neurons fresh weights and learn in them, a head per task;
 * `ours+replay`: the same plus a share of the old data) and the baselines: `naive` fine-tuning,
 * `replay` of a share of the old task's data, `ewc` (empirical Fisher; lambda chosen on a validation grid) and
 * `deeparc` (learn only in the redundant layers). Criteria live here; masks come from engine/masks and the baselines'
 * computations from engine/baselines.
 *
 * The comparison's arms (INCREMENTAL_COMPARISON) are methods with fixed knobs (replay 5%, 10%, 100%).
 */
import type * as tf from '@tensorflow/tfjs';
import { concatData, deeparcIncremental, disposeEwc, empiricalFisher, ewcPenalty, replaySample } from '../../baselines/index.js';
import type { Dataset } from '../../data/types.js';
import { fail, unknownNameError } from '../../messages/index.js';
import { oldTaskFreezeMasks, type NeuronMask, type TrainMasks } from '../../masks/index.js';
import { Registry, type RegisterOptions } from '../../registry.js';
import { freshenFreeNeurons } from './fresh-neurons.js';

/**
 * How the loss reads the output layer: `task`, a softmax per task (a sample's cross-entropy runs over its own task's
 * classes: a head per task, the task-incremental set-up); `shared`, one softmax over every class seen so far (the
 * class-incremental set-up).
 */
export type ExtendHeads = 'task' | 'shared';

/** What a method is given. */
export interface ExtendMethodContext {
  /** Neurons the earlier tasks' inference reads (union of their slices), for methods that need a slice. */
  mask?: NeuronMask;
  /** Classes of every earlier task together. */
  oldClasses: readonly number[];
  /** Classes of the task being learnt. */
  newClasses: readonly number[];
  /** The new task's training data. */
  newData: Dataset;
  /** Training data of the earlier tasks (replay, EWC's Fisher, DeepArc's CKA), when given. */
  oldData?: Dataset;
  seed: number;
  batchSize: number;
  /** Method knobs (replay fraction, EWC lambda, ...). */
  params: Record<string, number | string | boolean>;
}

/** A method's plan. Every field is optional: the empty plan is naive fine-tuning on the new data. */
export interface ExtendPlan {
  /** 0/1 per weight entry (by originalName, row-major): 1 = may change. Absent weights train freely. */
  masks?: TrainMasks;
  /** Added to the cross-entropy of every step (EWC's penalty); must build its scalar inside the call. */
  extraLoss?: () => tf.Scalar;
  /** The data to train on (new data plus replayed old samples). Default: the new data. */
  trainData?: Dataset;
  /** What the method chose, for tables (replayed samples, redundant layers, ...). */
  chosen?: Record<string, unknown>;
  note?: string;
  /** Frees what the plan holds (EWC's anchors and Fisher). */
  dispose?: () => void;
}

/** An incremental-development method. */
export interface ExtendMethodDef {
  name: string;
  description: string;
  /** Needs the earlier tasks' slice: the strategy slices the old task when none is given. */
  needsSlice: boolean;
  /** Needs the earlier tasks' training data. */
  needsOldData: boolean;
  /**
   * Earlier tasks are inferred through their slices' masks: their logits are then bit-identical by construction,
   * and the class-incremental prediction picks a task first (incremental-eval.ts).
   */
  masksOldTasks: boolean;
  /** How the loss reads the output layer by default (extend's ExtendHeads); default 'shared'. */
  heads?: ExtendHeads;
  /** A knob chosen on a validation grid when not given (EWC's lambda): the best mean task-IL accuracy is kept. */
  grid?: { param: string; values: readonly number[] };
  plan(model: tf.LayersModel, ctx: ExtendMethodContext): ExtendPlan | Promise<ExtendPlan>;
}

/** EWC's lambda grid when none is given (D): 1e2 ... 1e7, around the published values (Hsu: 100 and 600; van de Ven: 1e5 task-IL, 1e9 class-IL). */
export const EWC_LAMBDA_GRID = [1e2, 1e3, 1e4, 1e5, 1e6, 1e7] as const;
/** The default replay share. */
export const DEFAULT_REPLAY = 0.1;

function needOld(ctx: ExtendMethodContext, method: string): Dataset {
  if (!ctx.oldData) {
    throw fail('BAD_EXTEND_OPTIONS', { case: 'needs-old-data', method });
  }
  return ctx.oldData;
}

function sliceMaskOf(ctx: ExtendMethodContext, method: string): NeuronMask {
  if (!ctx.mask) throw fail('NO_SLICE', { strategy: 'extend', method });
  return ctx.mask;
}

/** The replayed samples: a share (param replay) of the old data, or a fixed number of them (param memory, Hsu et al.'s rehearsal buffer). */
function replayed(ctx: ExtendMethodContext, method: string): { trainData: Dataset; chosen: Record<string, unknown> } {
  const old = needOld(ctx, method);
  const size = ctx.params['memory'];
  if (size !== undefined && !(Number.isInteger(size) && Number(size) >= 1)) {
    throw fail('BAD_EXTEND_OPTIONS', { case: 'value', option: 'params.memory', expected: 'a positive integer', value: size, example: 1100 });
  }
  const fraction = size !== undefined ? Math.min(1, Number(size) / old.size) : Number(ctx.params['replay'] ?? DEFAULT_REPLAY);
  const memory = replaySample(old, fraction, ctx.seed);
  return { trainData: concatData(ctx.newData, memory), chosen: { replay: fraction, replayed: memory.size, ...(size !== undefined ? { memory: size } : {}) } };
}

const registry = new Registry<ExtendMethodDef>({ kind: 'incremental method', codePrefix: 'EXTEND_METHOD', namePattern: /^[a-z][a-z0-9+-]*$/ });

/** Ours' plan: fresh free neurons (param fresh, default true; fresh-neurons.ts), then freeze what the old tasks read. */
async function oursPlan(model: tf.LayersModel, ctx: ExtendMethodContext, method: string): Promise<ExtendPlan> {
  const mask = sliceMaskOf(ctx, method);
  const fresh = ctx.params['fresh'] === false ? null : await freshenFreeNeurons(model, mask, ctx.seed);
  return { masks: oldTaskFreezeMasks(model, mask, ctx.oldClasses), chosen: { fresh: fresh ? fresh.neurons : false } };
}

registry.register({
  name: 'ours', description: "ours: freeze what the old tasks' inference reads (both ends critical); learn in the free neurons, made fresh",
  needsSlice: true, needsOldData: false, masksOldTasks: true, heads: 'task',
  plan: (model, ctx) => oursPlan(model, ctx, 'ours'),
});
registry.register({
  name: 'ours+replay', description: "ours plus a share (param replay, default 0.1) of the old task's data", needsSlice: true, needsOldData: true, masksOldTasks: true, heads: 'task',
  plan: async (model, ctx) => {
    const p = await oursPlan(model, ctx, 'ours+replay');
    const r = replayed(ctx, 'ours+replay');
    return { ...p, trainData: r.trainData, chosen: { ...p.chosen, ...r.chosen } };
  },
});
registry.register({
  name: 'naive', description: 'naive fine-tuning on the new task: every weight trains', needsSlice: false, needsOldData: false, masksOldTasks: false,
  plan: () => ({}),
});
registry.register({
  name: 'replay', description: "fine-tuning on the new task plus a share (param replay, default 0.1) of the old task's data", needsSlice: false, needsOldData: true, masksOldTasks: false,
  plan: (_m, ctx) => replayed(ctx, 'replay'),
});
registry.register({
  name: 'ewc', description: 'EWC: empirical Fisher on the old task, penalty lambda * sum F (w - w*)^2 (lambda on a validation grid)', needsSlice: false, needsOldData: true, masksOldTasks: false,
  grid: { param: 'lambda', values: EWC_LAMBDA_GRID },
  plan: (model, ctx) => {
    const lambda = Number(ctx.params['lambda'] ?? EWC_LAMBDA_GRID[1]);
    const fisherSamples = Number(ctx.params['fisherSamples'] ?? 2000);
    const st = empiricalFisher(model, needOld(ctx, 'ewc').shuffle(ctx.seed).take(fisherSamples), ctx.batchSize);
    return { extraLoss: ewcPenalty(model, st, lambda), chosen: { lambda, fisherBatches: st.batches, fisherSamples: st.samples }, dispose: () => disposeEwc(st) };
  },
});
registry.register({
  name: 'deeparc', description: 'DeepArc: learn the new task only in the redundant layers (CKA modules on the old data) and the new output rows', needsSlice: false, needsOldData: true, masksOldTasks: false,
  plan: async (model, ctx) => {
    const d = await deeparcIncremental(model, needOld(ctx, 'deeparc'), ctx.newClasses, { seed: ctx.seed });
    return {
      masks: d.masks, chosen: { level: d.level, units: d.units, layers: d.layers, fallback: d.fallback, cka: d.neighbours },
      ...(d.fallback ? { note: 'no multi-unit CKA module at 0.99: the most redundant unit was taken' } : {}),
    };
  },
});

/**
 * Add an incremental-development method (names unique unless { override: true }).
 *
 * @example
 * registerExtendMethod({ name: 'mine', description: '...', needsSlice: false, needsOldData: false, masksOldTasks: false, plan: () => ({}) });
 */
export function registerExtendMethod(def: ExtendMethodDef, opts?: RegisterOptions): void { registry.register(def, opts); }
/** An incremental method by name (UNKNOWN_EXTEND_METHOD otherwise, with a did-you-mean). */
export function getExtendMethod(name: string): ExtendMethodDef { return registry.get(name); }
/** Registered incremental method names, in registration order. */
export function listExtendMethods(): string[] { return registry.names(); }

/** One arm of the comparison: a method with fixed knobs (and, optionally, its heads), under a label. */
export interface ExtendArm { label: string; method: string; params: Record<string, number | boolean>; heads?: ExtendHeads }

/** The arms of the comparison, by label (replay shares are a parameter of `replay`). */
export const INCREMENTAL_COMPARISON: readonly ExtendArm[] = [
  { label: 'naive', method: 'naive', params: {} },
  { label: 'replay-5%', method: 'replay', params: { replay: 0.05 } },
  { label: 'replay-10%', method: 'replay', params: { replay: 0.1 } },
  { label: 'replay-100%', method: 'replay', params: { replay: 1 } },
  { label: 'ewc', method: 'ewc', params: {} },
  { label: 'deeparc', method: 'deeparc', params: {} },
  { label: 'ours', method: 'ours', params: {} },
  { label: 'ours+replay-10%', method: 'ours+replay', params: { replay: 0.1 } },
];

/** An arm by label: a comparison label, or any registered method name (its default knobs). */
export function extendArm(label: string): ExtendArm {
  const arm = INCREMENTAL_COMPARISON.find((a) => a.label === label);
  if (arm) return arm;
  const names = listExtendMethods();
  if (names.includes(label)) return { label, method: label, params: {} };
  const choices = [...new Set([...INCREMENTAL_COMPARISON.map((a) => a.label), ...names])];
  throw unknownNameError('UNKNOWN_EXTEND_METHOD', 'incremental method', label, choices);
}
