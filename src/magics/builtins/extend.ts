/**
 * `%%extend`: learn a new task (classes `new`) in a model that knows `old`, with each incremental method on one
 * budget; show the forgetting picture (old task before and after, new task, all classes), the capacity meter after
 * ours, how theta was chosen for the old task's slice, and the summary table. The engine is reached only through an
 * injected ExtendEngine (wired in src/index.ts with setExtendEngine), as %%slice and %%readapt reach theirs.
 */
import { SemsliceError } from '../../engine/errors.js';
import { MAGIC_DATASETS, resolveArg } from './resolve-arg.js';
import { parseClassSet } from '../../engine/data/class-set.js';
import { show } from '../../notebook/show.js';
import { capacityChart, forgettingChart, type CapacityInput, type ForgettingRow } from '../../viz/incremental-charts.js';
import type { ArgValue } from '../args.js';
import type { MagicContext, MagicSpec } from '../registry.js';

/** What %%extend needs from the engine (extendCompare in src/index.ts). */
export interface ExtendEngine {
  loadModel(dir: string): Promise<unknown>;
  /** A named dataset's splits ({ train, test }). */
  loadData(name: string): Promise<unknown>;
  /** Method labels the comparison knows (naive, replay-10%, ..., ours). */
  methods(): string[];
  run(model: unknown, data: unknown, opts: Record<string, unknown>, slice: unknown): Promise<{
    runs: Array<{ label: string; before: { old: number }; after: { old: number; new: number; classIL: { all: number } }; oldLogits: { identical: boolean } }>;
    capacity: CapacityInput | null;
    choice: { theta: number; masked: number; unmasked: number; tolerance: number; withinTolerance: boolean } | null;
    summary: unknown;
  }>;
}

let engine: ExtendEngine | undefined;

/** Wire the engine %%extend calls (src/index.ts does this once). Returns the previous one. */
export function setExtendEngine(e: ExtendEngine | undefined): ExtendEngine | undefined {
  const prev = engine;
  engine = e;
  return prev;
}


function classes(v: ArgValue | undefined, fallback: string, key: string): number[] {
  const text = v === undefined ? fallback : Array.isArray(v) ? v.join(',') : String(v);
  try {
    return parseClassSet(text, key);
  } catch (e) {
    throw new SemsliceError('MAGIC_ARGS', `%%extend: ${(e as Error).message}`, `Name classes as a range or a list, e.g. ${key}=0-4 or ${key}=1,3,5.`);
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
    slice: { type: 'ref', description: 'a variable holding the old task\'s slice (default: slice it now, taylor, theta auto)' },
    theta: { type: 'scalar', default: 'auto', description: 'theta of the old task\'s slice: auto or a number in (0, 1]' },
    tolerance: { type: 'number', default: 0.01, description: 'theta auto: largest masked-accuracy drop accepted' },
    perTask: { type: 'integer', default: 2000, description: 'training images per task' },
    testCount: { type: 'integer', default: 1000, description: 'test images measured' },
    epochs: { type: 'integer', default: 1, description: 'passes over the new task, the same for every method' },
    seed: { type: 'integer', default: 0, description: 'seed' },
    as: { type: 'identifier', description: 'bind the result to this global variable' },
  },
  async run(ctx) {
    if (!engine) {
      throw new SemsliceError('NO_SLICE_ENGINE', '%%extend: no incremental engine is wired.', 'Import the package entry (import * as ss from "../dist/index.js"), which wires it, or call setExtendEngine().');
    }
    const { model, data, slice, methods, old, new: fresh, theta, as: _as, ...opts } = ctx.args;
    const o = classes(old, '0-4', 'old');
    const n = classes(fresh, '5-9', 'new');
    const overlap = o.filter((c) => n.includes(c));
    if (overlap.length) throw new SemsliceError('MAGIC_ARGS', `%%extend: old and new classes overlap in ${overlap.join(', ')}.`, 'Make the tasks disjoint, e.g. old=0-4 new=5-9.');
    if (theta !== 'auto' && !(typeof theta === 'number' && theta > 0 && theta <= 1)) {
      throw new SemsliceError('MAGIC_ARGS', `%%extend: theta must be auto or a number in (0, 1], got ${JSON.stringify(theta)}.`, 'Use theta=auto (default) or e.g. theta=0.9.');
    }
    const known = engine.methods();
    const list = Array.isArray(methods) ? methods.map(String) : known;
    const unknown = list.filter((x) => !known.includes(x));
    if (unknown.length > 0) throw new SemsliceError('MAGIC_ARGS', `%%extend: unknown method(s) ${unknown.join(', ')}.`, `Use some of ${known.join(', ')}.`);
    const m = await resolveArg('%%extend', model!, ctx, (s) => engine!.loadModel(s));
    const d = await resolveArg('%%extend', data!, ctx, (s) => engine!.loadData(s), MAGIC_DATASETS);
    const sl = slice === undefined ? null : await resolveArg('%%extend', slice, ctx, () => Promise.resolve(undefined));
    const r = await engine.run(m, d, { ...opts, old: o, fresh: n, theta, methods: list }, sl);
    if (r.choice) {
      const c = r.choice;
      await show(`old task's slice: theta ${c.theta} (auto: masked ${(100 * c.masked).toFixed(1)}% vs unmasked ${(100 * c.unmasked).toFixed(1)}% on held-out images, tolerance ${(100 * c.tolerance).toFixed(1)} points${c.withinTolerance ? '' : '; no theta of the grid was within it'})`);
    }
    await show(forgettingChart(forgettingRows(r.runs)));
    if (r.capacity) await show(capacityChart(r.capacity));
    await show(r.summary);
    return r;
  },
};
