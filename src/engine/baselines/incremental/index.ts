/**
 * Incremental-development baselines (RQ4), registered as methods of extend(): naive fine-tuning, replay of a share
 * of the old task's data, EWC (empirical Fisher, lambda on a small grid), DeepArc (train only the redundant layers),
 * and ours + replay. `ours` itself is built in (engine/masks/incremental-methods.ts).
 */
import { SemsliceError } from '../../errors.js';
import { oldTaskFreezeMasks, registerIncrementalMethod, type IncrementalContext } from '../../masks/incremental-methods.js';
import type { Dataset } from '../../data/types.js';
import { deeparcIncremental } from '../deeparc/incremental.js';
import { disposeEwc, empiricalFisher, ewcPenalty } from './ewc.js';
import { concatData, replaySample } from './replay.js';

/** EWC's lambda grid when none is given (D): around the published task-IL values (Hsu: 100; van de Ven: 1e5). */
export const EWC_LAMBDA_GRID = [1e2, 1e4, 1e6] as const;
/** The default replay share. */
export const DEFAULT_REPLAY = 0.1;

function needOld(ctx: IncrementalContext, method: string): Dataset {
  if (!ctx.oldData) {
    throw new SemsliceError('BAD_EXTEND_OPTIONS', `extend: method "${method}" needs the old task's training data.`, 'Pass { oldData: data.train.subsetClasses(oldClasses) } (the CLI does this from --old).');
  }
  return ctx.oldData;
}

function replayed(ctx: IncrementalContext, method: string, fraction: number): { trainData: Dataset; chosen: Record<string, unknown> } {
  const memory = replaySample(needOld(ctx, method), fraction, ctx.seed);
  return { trainData: concatData(ctx.newData, memory), chosen: { replay: fraction, replayed: memory.size } };
}

/** Registers naive, replay, ewc, deeparc and ours+replay (idempotent). */
export function registerIncrementalBaselines(): void {
  const o = { override: true };
  registerIncrementalMethod({
    name: 'naive', description: 'naive fine-tuning on the new task: every weight trains', needsSlice: false, needsOldData: false, masksOldTasks: false,
    plan: () => ({}),
  }, o);
  registerIncrementalMethod({
    name: 'replay', description: "fine-tuning on the new task plus a share (param replay, default 0.1) of the old task's data", needsSlice: false, needsOldData: true, masksOldTasks: false,
    plan: (_m, ctx) => replayed(ctx, 'replay', Number(ctx.params['replay'] ?? DEFAULT_REPLAY)),
  }, o);
  registerIncrementalMethod({
    name: 'ewc', description: 'EWC: empirical Fisher on the old task, penalty lambda * sum F (w - w*)^2 (lambda on a small grid)', needsSlice: false, needsOldData: true, masksOldTasks: false,
    grid: { param: 'lambda', values: EWC_LAMBDA_GRID },
    plan: (model, ctx) => {
      const lambda = Number(ctx.params['lambda'] ?? EWC_LAMBDA_GRID[1]);
      const fisherSamples = Number(ctx.params['fisherSamples'] ?? 2000);
      const st = empiricalFisher(model, needOld(ctx, 'ewc').shuffle(ctx.seed).take(fisherSamples), ctx.batchSize);
      return { extraLoss: ewcPenalty(model, st, lambda), chosen: { lambda, fisherBatches: st.batches, fisherSamples: st.samples }, dispose: () => disposeEwc(st) };
    },
  }, o);
  registerIncrementalMethod({
    name: 'deeparc', description: 'DeepArc: learn the new task only in the redundant layers (CKA modules on the old data) and the new output rows', needsSlice: false, needsOldData: true, masksOldTasks: false,
    plan: async (model, ctx) => {
      const d = await deeparcIncremental(model, needOld(ctx, 'deeparc'), ctx.newClasses, { seed: ctx.seed });
      return {
        masks: d.masks, chosen: { level: d.level, units: d.units, layers: d.layers, fallback: d.fallback },
        ...(d.fallback ? { note: 'no multi-unit CKA module at 0.99: the most redundant unit was taken' } : {}),
      };
    },
  }, o);
  registerIncrementalMethod({
    name: 'ours+replay', description: "ours plus a share (param replay, default 0.1) of the old task's data", needsSlice: true, needsOldData: true, masksOldTasks: true,
    plan: (model, ctx) => {
      if (!ctx.mask) throw new SemsliceError('NO_SLICE', 'The incremental method "ours+replay" needs the old task\'s slice.', 'Pass the slice of the old task, or use method "replay".');
      return { masks: oldTaskFreezeMasks(model, ctx.mask, ctx.oldClasses), ...replayed(ctx, 'ours+replay', Number(ctx.params['replay'] ?? DEFAULT_REPLAY)) };
    },
  }, o);
}

registerIncrementalBaselines();

export { replaySample, concatData } from './replay.js';
export { empiricalFisher, ewcPenalty, disposeEwc, type EwcState } from './ewc.js';
export { deeparcIncremental, type DeepArcIncremental } from '../deeparc/incremental.js';
