/** What a study is: a named grid of independent cells, each run to a list of result rows. */
import type { ProgressCallback } from '../log.js';

/** A value of a cell parameter or of a result column. */
export type Scalar = string | number | boolean | null;

/** One cell of a grid: its parameters (model, dataset, method, seed, ...). */
export type CellParams = Record<string, Scalar>;

/**
 * A result row. Non-scalar values (arrays, objects) are stored as JSON text in the table. Wall times go under the
 * `timing` key (an object of seconds): the runner keeps them out of the deterministic table (row-timings.csv).
 */
export type ResultRow = Record<string, unknown>;

/** Presets every study has: `small` runs in minutes (CI), `full` gives the numbers of BENCHMARKS.md. */
export type PresetName = 'small' | 'full';

/** Which part of the grid a process runs: cells whose index % count === index. */
export interface Shard {
  /** 0-based shard number, in [0, count). */
  index: number;
  count: number;
}

/** What a study's cell function receives besides its parameters. */
export interface CellContext {
  /** Progress of the cell's own work (training steps, profiling samples). */
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** The preset being run (a cell may size its work by it). */
  preset: PresetName;
}

/**
 * A study definition, registered with {@link registerStudy}.
 *
 * @example
 * registerStudy({
 *   name: 'toy', description: 'squares',
 *   grid: (preset) => (preset === 'small' ? [1, 2] : [1, 2, 3, 4]).map((n) => ({ n })),
 *   run: async ({ n }) => [{ square: (n as number) ** 2 }],
 * });
 */
export interface StudyDefinition {
  name: string;
  description: string;
  /** The cells of a preset, in a fixed order (the order of the merged table). */
  grid(preset: PresetName): CellParams[];
  /** Runs one cell; returns its rows (the cell's parameters are prepended as columns). Must be deterministic. */
  run(params: CellParams, ctx: CellContext): Promise<ResultRow[]>;
  /** What the preset sizes mean, for `study list` and the manifest (e.g. "1 epoch on 2,000 images"). */
  presetNotes?: Partial<Record<PresetName, string>>;
  /** The report of finished cells (any subset: a report of a partial run says how many cells it covers). */
  report?(records: readonly StudyRecord[], preset: PresetName): StudyReport;
}

/** A finished cell as a report reads it (the runner's CellRecord). */
export interface StudyRecord {
  index: number;
  id: string;
  params: CellParams;
  rows: ResultRow[];
  seconds: number;
  rowTimings?: Array<Record<string, number> | null>;
}

/** A claim of the paper a study tests, with its verdict, whichever way it falls. */
export interface ClaimVerdict {
  claim: string;
  verdict: 'holds' | 'does not hold' | 'cannot be tested here';
  /** The numbers (with seed intervals) and the reason, in one or two sentences. */
  evidence: string;
}

/** A table of a study report (values already formatted). */
export interface ReportTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  /** What the table's numbers are (intervals, units, what a blank means). */
  note?: string;
}

/** What a study concludes from its finished cells: its set-up, verdicts and tables (bench/study-report.ts prints it). */
export interface StudyReport {
  title: string;
  /** What was run: sizes, budgets, seeds, how choices were made. */
  setup: string[];
  claims: ClaimVerdict[];
  tables: ReportTable[];
}
