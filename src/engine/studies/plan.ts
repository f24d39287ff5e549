/**
 * How a study's cells spread over N shards (cell index % N, as the runner assigns them) and, given the wall seconds
 * per cell of an earlier run (its timings.csv), how long each shard should take. Shards run at the same time, so the
 * slowest one is the wall time of the whole study on N machines.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as aq from 'arquero';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import { getStudy } from './registry.js';
import { cellId } from './runner.js';
import type { PresetName, StudyDefinition } from './types.js';

/** One shard of a plan. */
export interface ShardPlan {
  index: number;
  count: number;
  /** The ids of the shard's cells, in grid order. */
  cells: string[];
  /** Cells found in the timings. */
  timed: number;
  /** Sum of the timed cells' seconds, plus the mean timed cell for each untimed one; undefined with no timings. */
  seconds: number | undefined;
}

export interface PlanShardsOptions {
  preset?: PresetName;
  /** Number of shards (default 1). */
  count?: number;
  /** Wall seconds per cell id, e.g. from {@link readTimings}. */
  timings?: ReadonlyMap<string, number>;
}

/**
 * The cells of each shard of a study and their expected wall time.
 *
 * @example
 * const plan = planShards('fidelity', { preset: 'full', count: 3, timings: readTimings('runs/fid') });
 * plan.map((s) => `${s.index}/${s.count}: ${s.cells.length} cells, ${s.seconds?.toFixed(0)} s`);
 */
export function planShards(study: string | StudyDefinition, opts: PlanShardsOptions = {}): ShardPlan[] {
  const def = typeof study === 'string' ? getStudy(study) : study;
  const count = opts.count ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw fail('BAD_SHARD', { case: 'count', count });
  }
  const ids = def.grid(opts.preset ?? 'small').map(cellId);
  const known = opts.timings ? ids.map((id) => opts.timings!.get(id)).filter((s): s is number => s !== undefined) : [];
  const mean = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  return Array.from({ length: count }, (_, index) => {
    const cells = ids.filter((_, i) => i % count === index);
    const secs = cells.map((id) => opts.timings?.get(id));
    const timed = secs.filter((s) => s !== undefined).length;
    const seconds = opts.timings && known.length ? secs.reduce((a: number, s) => a + (s ?? mean), 0) : undefined;
    return { index, count, cells, timed, seconds };
  });
}

/**
 * Wall seconds per cell id from a study folder's timings.csv (or the file itself). With `expect`, a study.json beside
 * the file must name that study and preset: cells of another preset can have the same parameters but not the same
 * sizes (the small and full fidelity cells share their ids).
 *
 * @example
 * readTimings('runs/fid', { study: 'fidelity', preset: 'full' }).get('model=lenet5,dataset=mnist,seed=0'); // 251.3
 */
export function readTimings(path: string, expect?: { study: string; preset: PresetName }): Map<string, number> {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'timings.csv') : path;
  if (!existsSync(file)) {
    throw fail('FILE_NOT_FOUND', { case: 'timings', path: file });
  }
  const manifest = join(dirname(file), 'study.json');
  if (expect && existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { study?: string; preset?: string };
    if (m.study !== expect.study || m.preset !== expect.preset) {
      throw fail('STUDY_MISMATCH', { case: 'timings', path: file, have: { study: String(m.study), preset: String(m.preset) }, want: expect });
    }
  }
  const t = aq.fromCSV(readFileSync(file, 'utf8'), { parse: { cell: String, seconds: Number } });
  if (!t.columnNames().includes('cell') || !t.columnNames().includes('seconds')) {
    throw fail('BAD_TIMINGS_FILE', { file, columns: t.columnNames() });
  }
  const out = new Map<string, number>();
  for (const r of t.objects() as Array<{ cell: string; seconds: number }>) if (Number.isFinite(r.seconds)) out.set(r.cell, r.seconds);
  return out;
}
