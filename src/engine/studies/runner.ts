/**
 * The study runner: runs the cells of a grid one after another, appends one line per finished cell to
 * `results.jsonl` (so a killed run resumes where it stopped and recomputes no finished cell), runs only the cells
 * of its shard (`index % count`), and writes the table `results.csv` once its cells are done. `mergeStudies` joins
 * the folders of several shards into the same table, byte for byte, as one unsharded run.
 *
 * Folder layout: `study.json` (what was asked: study, preset, shard, the whole grid), `results.jsonl` (one JSON
 * line per finished cell: index, params, rows, seconds, rowTimings), `results.csv` (the table: cell parameters then
 * row columns, cells in grid order; wall times are kept out of it so that it is deterministic), `timings.csv` (each
 * cell's seconds) and `row-timings.csv` (the wall times a cell reports per row under the row's `timing` key: kept out
 * of the rows, so the table stays byte-identical across runs and shards).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as aq from 'arquero';
import { writeFileAtomic } from '../atomic-write.js';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import { listEntries } from '../output-target.js';
import type { MissingShard } from '../messages/maintenance.js';
import type { ProgressCallback } from '../log.js';
import { getStudy } from './registry.js';
import { describeShardOrigin, type ShardOrigin } from './shard-env.js';
import type { CellParams, PresetName, ResultRow, Shard, StudyDefinition, StudyRecord } from './types.js';

const FORMAT = 'semslice.study';
const VERSION = 1;

/** The manifest of a study folder. */
export interface StudyManifest {
  format: typeof FORMAT;
  version: number;
  study: string;
  preset: PresetName;
  shard: Shard;
  /** The whole grid (every shard's cells), in order. */
  cells: Array<{ index: number; id: string; params: CellParams }>;
  /** Where the latest run took its shard from, when a batch engine gave it (`--shard auto`). */
  origin?: ShardOrigin;
}

/** One finished cell, as stored in results.jsonl. */
export type CellRecord = StudyRecord;

/** A cell's rows without their `timing` objects, and those timings apart (see the file comment). */
export function splitTimings(rows: readonly ResultRow[]): { rows: ResultRow[]; rowTimings: Array<Record<string, number> | null> } {
  const out: ResultRow[] = [];
  const timings: Array<Record<string, number> | null> = [];
  for (const r of rows) {
    const { timing, ...rest } = r as ResultRow & { timing?: Record<string, number> };
    out.push(rest);
    timings.push(timing && typeof timing === 'object' ? timing : null);
  }
  return { rows: out, rowTimings: timings };
}

export interface RunStudyOptions {
  preset?: PresetName;
  /**
   * Default { index: 0, count: 1 } (the whole grid). A shard from {@link shardFromEnvironment} also records its
   * origin (engine, variables) in study.json, so that a merge can name the batch task to rerun.
   */
  shard?: Shard & { origin?: ShardOrigin };
  /** The folder to write (created; resumed when it holds an unfinished run of the same study, preset and shard). */
  out: string;
  /** Progress over cells (phase "study") and inside a cell (the cell's own phases). */
  onProgress?: ProgressCallback;
  /** Called after each cell is written, with whether it was computed now or found finished. */
  onCell?: (record: CellRecord, status: 'computed' | 'resumed') => void;
  signal?: AbortSignal;
}

export interface StudyRunResult {
  manifest: StudyManifest;
  /** The cells of this shard that were computed now / found already finished. */
  computed: number[];
  resumed: number[];
  /** The table of this shard's cells (cell parameters, then row columns). */
  table: aq.ColumnTable;
}

/** A stable id of a cell from its parameters ("model=lenet5,seed=0"). */
export function cellId(params: CellParams): string {
  return Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(',');
}

function checkShard(shard: Shard): void {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw fail('BAD_SHARD', { case: 'shard', index, count });
  }
}

function checkPreset(p: string): PresetName {
  if (p !== 'small' && p !== 'full') {
    throw fail('BAD_OPTION', { case: 'value', where: 'runStudy', option: 'preset', example: 'small', or: 'full', value: p, choices: ['small', 'full'] });
  }
  return p;
}

function manifestFor(def: StudyDefinition, preset: PresetName, shard: Shard & { origin?: ShardOrigin }): StudyManifest {
  const cells = def.grid(preset).map((params, index) => ({ index, id: cellId(params), params }));
  const ids = new Set(cells.map((c) => c.id));
  if (ids.size !== cells.length) throw new Error(`study ${def.name}: two cells of the ${preset} grid have the same parameters`);
  const m: StudyManifest = { format: FORMAT, version: VERSION, study: def.name, preset, shard: { index: shard.index, count: shard.count }, cells };
  if (shard.origin) m.origin = shard.origin;
  return m;
}

/**
 * The manifest (study.json) of a study folder, or undefined where there is none.
 *
 * @example
 * const m = readManifest('runs/fid-0'); // m?.study === 'fidelity', m?.shard
 */
export function readManifest(dir: string): StudyManifest | undefined {
  const p = join(dir, 'study.json');
  if (!existsSync(p)) return undefined;
  let m: StudyManifest;
  try {
    m = JSON.parse(readFileSync(p, 'utf8')) as StudyManifest;
  } catch (e) {
    throw fail('STUDY_MISMATCH', { case: 'not-manifest', path: p, reason: (e as Error).message });
  }
  if (m.format !== FORMAT) throw fail('STUDY_MISMATCH', { case: 'not-manifest', path: p });
  return m;
}

/** Finished cells of a folder; a truncated last line (a run killed while writing) is ignored. */
export function readRecords(dir: string): CellRecord[] {
  const p = join(dir, 'results.jsonl');
  if (!existsSync(p)) return [];
  const out: CellRecord[] = [];
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as CellRecord);
    } catch {
      // A partial line from a killed run: that cell is recomputed.
    }
  }
  return out;
}

/**
 * Cuts a partial last line (a run killed while appending) off results.jsonl, so that the next record starts a line
 * of its own instead of being glued to the fragment and lost with it.
 */
function dropPartialLine(file: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file);
  if (text.length > 0 && text[text.length - 1] !== 0x0a) truncateSync(file, text.lastIndexOf(0x0a) + 1);
}

const sameGrid = (a: StudyManifest, b: StudyManifest): boolean =>
  a.study === b.study && a.preset === b.preset && JSON.stringify(a.cells) === JSON.stringify(b.cells);

/** Refuses a folder that holds something else; returns the records of a resumable run there. */
function prepareOut(out: string, want: StudyManifest): CellRecord[] {
  const dir = resolve(out);
  if (existsSync(dir)) {
    const have = readManifest(dir);
    if (!have) {
      const entries = readdirSync(dir);
      if (entries.length > 0) throw fail('OUTPUT_NOT_OURS', { path: out, foreign: listEntries(entries.sort()), option: 'out' });
      return [];
    }
    if (!sameGrid(have, want) || have.shard.index !== want.shard.index || have.shard.count !== want.shard.count) {
      throw fail('STUDY_MISMATCH', { case: 'other-run', path: out, have, want });
    }
    return readRecords(dir).filter((r) => want.cells[r.index]?.id === r.id);
  }
  mkdirSync(dir, { recursive: true });
  return [];
}

/** Flattens a row to table values: scalars as they are, anything else as JSON text. */
function flat(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** The table of a set of finished cells, in grid order: cell parameters, then the rows' columns. */
export function recordsTable(records: readonly CellRecord[]): aq.ColumnTable {
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const rows: Array<Record<string, unknown>> = [];
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (k: string): void => { if (!seen.has(k)) { seen.add(k); names.push(k); } };
  for (const r of sorted) {
    for (const row of r.rows) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r.params)) { add(k); o[k] = v; }
      for (const [k, v] of Object.entries(row)) { if (!(k in r.params)) { add(k); o[k] = flat(v); } }
      rows.push(o);
    }
  }
  const cols: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, rows.map((o) => o[n] ?? null)]));
  return aq.table(cols);
}

async function writeTables(dir: string, records: readonly CellRecord[]): Promise<aq.ColumnTable> {
  const table = recordsTable(records);
  await writeFileAtomic(join(dir, 'results.csv'), table.toCSV() + '\n');
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const timings = sorted.map((r) => `${r.index},${JSON.stringify(r.id)},${r.seconds.toFixed(3)}`);
  await writeFileAtomic(join(dir, 'timings.csv'), ['index,cell,seconds', ...timings].join('\n') + '\n');
  const keys = [...new Set(sorted.flatMap((r) => (r.rowTimings ?? []).flatMap((t) => (t ? Object.keys(t) : []))))];
  if (keys.length > 0) {
    const lines = sorted.flatMap((r) => (r.rowTimings ?? []).map((t, i) => (t ? [r.index, JSON.stringify(r.id), i, ...keys.map((k) => (t[k] === undefined ? '' : t[k]!.toFixed(4)))].join(',') : null)).filter((l): l is string => l !== null));
    await writeFileAtomic(join(dir, 'row-timings.csv'), [['index', 'cell', 'row', ...keys].join(','), ...lines].join('\n') + '\n');
  }
  return table;
}

/**
 * Runs a study's cells of one shard into a folder, resuming a killed run of the same study there.
 *
 * @example
 * const r = await runStudy('fidelity', { preset: 'small', shard: { index: 0, count: 2 }, out: 'runs/fid-0' });
 * r.table.print();
 */
export async function runStudy(study: string | StudyDefinition, opts: RunStudyOptions): Promise<StudyRunResult> {
  const def = typeof study === 'string' ? getStudy(study) : study;
  const preset = checkPreset(opts.preset ?? 'small');
  const shard = opts.shard ?? { index: 0, count: 1 };
  checkShard(shard);
  const manifest = manifestFor(def, preset, shard);
  const done = prepareOut(opts.out, manifest);
  const dir = resolve(opts.out);
  await writeFileAtomic(join(dir, 'study.json'), JSON.stringify(manifest, null, 1) + '\n');
  dropPartialLine(join(dir, 'results.jsonl'));
  const mine = manifest.cells.filter((c) => c.index % shard.count === shard.index);
  const finished = new Map(done.map((r) => [r.index, r]));
  const computed: number[] = [];
  const resumed: number[] = [];
  const records: CellRecord[] = [];
  let n = 0;
  for (const cell of mine) {
    const prior = finished.get(cell.index);
    if (prior) {
      resumed.push(cell.index);
      records.push(prior);
      opts.onCell?.(prior, 'resumed');
    } else {
      if (opts.signal?.aborted) throw fail('ABORTED', { case: 'study', study: def.name, cell: cell.id });
      const t0 = performance.now();
      const { rows, rowTimings } = splitTimings(await def.run(cell.params, { preset, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.signal ? { signal: opts.signal } : {}) }));
      const rec: CellRecord = {
        index: cell.index, id: cell.id, params: cell.params, rows, seconds: (performance.now() - t0) / 1000,
        ...(rowTimings.some((t) => t !== null) ? { rowTimings } : {}),
      };
      // One write call per line: a run killed mid-write leaves at most one partial last line, which is ignored.
      appendFileSync(join(dir, 'results.jsonl'), JSON.stringify(rec) + '\n');
      computed.push(cell.index);
      records.push(rec);
      opts.onCell?.(rec, 'computed');
    }
    n++;
    opts.onProgress?.({ phase: 'study', done: n, total: mine.length, message: cell.id });
  }
  const table = await writeTables(dir, records);
  return { manifest, computed, resumed, table };
}

/**
 * The merge's refusal when cells are missing: names the cells and, when the folders are shards of one count, the
 * shards to rerun, their folders, and the batch task that last ran each (from study.json's origin).
 */
function incomplete(missing: StudyManifest['cells'], dirs: readonly string[], manifests: readonly StudyManifest[]): SemsliceError {
  const first = manifests[0]!;
  const what = { missing: missing.length, total: first.cells.length, study: first.study, preset: first.preset };
  const counts = new Set(manifests.map((m) => m.shard.count));
  if (counts.size !== 1) return fail('STUDY_INCOMPLETE', { ...what, case: 'mixed-counts', cells: missing.map((c) => c.id), counts: [...counts] });
  const count = [...counts][0]!;
  const byShard = new Map<number, StudyManifest['cells']>();
  for (const c of missing) byShard.set(c.index % count, [...(byShard.get(c.index % count) ?? []), c]);
  const shards = [...byShard].sort((a, b) => a[0] - b[0]).map(([k, cells]): MissingShard => {
    const i = manifests.findIndex((m) => m.shard.index === k);
    const shard: MissingShard = { index: k, cells: cells.map((c) => c.id) };
    if (i < 0) return shard;
    const origin = manifests[i]!.origin;
    const task = origin?.engine === 'slurm' ? origin.variables['SLURM_ARRAY_TASK_ID'] : undefined;
    return { ...shard, dir: dirs[i]!, ...(origin ? { origin: describeShardOrigin(origin) } : {}), ...(task !== undefined ? { slurmTask: task } : {}) };
  });
  return fail('STUDY_INCOMPLETE', { ...what, case: 'shards', count, shards });
}

/**
 * Joins the folders of a study's shards into one folder whose results.csv is byte-identical to an unsharded run.
 * Every cell of the grid must be finished in exactly one input folder (a cell found twice must agree).
 *
 * @example
 * const t = await mergeStudies(['runs/fid-0', 'runs/fid-1'], 'runs/fid');
 */
export async function mergeStudies(dirs: readonly string[], out: string): Promise<aq.ColumnTable> {
  if (dirs.length === 0) throw fail('BAD_ARGUMENT', { where: 'mergeStudies', name: 'dirs', value: dirs, expected: 'the output folders of the shards (at least one)', example: ['runs/a', 'runs/b'], positional: true });
  const manifests = dirs.map((d) => {
    const m = readManifest(resolve(d));
    if (!m) throw fail('STUDY_MISMATCH', { case: 'no-manifest', path: d });
    return m;
  });
  const first = manifests[0]!;
  manifests.forEach((m, i) => {
    if (!sameGrid(m, first)) {
      throw fail('STUDY_MISMATCH', { case: 'other-grid', path: dirs[i]!, have: { study: m.study, preset: m.preset }, first: dirs[0]!, firstRun: { study: first.study, preset: first.preset } });
    }
  });
  const byIndex = new Map<number, CellRecord>();
  dirs.forEach((d) => {
    for (const r of readRecords(resolve(d))) {
      if (first.cells[r.index]?.id !== r.id) continue;
      const prior = byIndex.get(r.index);
      if (prior && JSON.stringify(prior.rows) !== JSON.stringify(r.rows)) {
        throw fail('STUDY_MISMATCH', { case: 'cell-twice', cell: r.id, path: d });
      }
      if (!prior) byIndex.set(r.index, r);
    }
  });
  const missing = first.cells.filter((c) => !byIndex.has(c.index));
  if (missing.length) throw incomplete(missing, dirs, manifests);
  const dir = resolve(out);
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  if (entries.length > 0 && !readManifest(dir)) throw fail('OUTPUT_NOT_OURS', { path: out, foreign: listEntries(entries.sort()), option: 'out' });
  mkdirSync(dir, { recursive: true });
  // The merged folder is what one unsharded run writes: no shard origin.
  const { origin: _origin, ...rest } = first;
  const merged: StudyManifest = { ...rest, shard: { index: 0, count: 1 } };
  const records = [...byIndex.values()].sort((a, b) => a.index - b.index);
  await writeFileAtomic(join(dir, 'study.json'), JSON.stringify(merged, null, 1) + '\n');
  await writeFileAtomic(join(dir, 'results.jsonl'), records.map((r) => JSON.stringify(r) + '\n').join(''));
  return writeTables(dir, records);
}
