/**
 * The state a report is built from: the validated notebook copy plus what preprocessors add (visibility per cell,
 * rendered markdown, headings, charts, run metadata, title, warnings). Preprocessors fill it in order; the template
 * stage only reads it.
 */
import type { Heading } from './markdown.js';
import type { Cell, ChartEntry, CodeFolding, Notebook } from './types.js';

export interface ResolvedOptions {
  template: string;
  codeFolding: CodeFolding;
  title: string | undefined;
  fallbackTitle: string;
  trusted: boolean;
}

export interface ReportCell {
  /** Index in the notebook: the source of every id derived for this cell. */
  index: number;
  cell: Cell;
  input: CodeFolding;
  showOutputs: boolean;
  /** Rendered (and, if untrusted, sanitised) markdown of a markdown cell. */
  markdownHtml?: string;
}

/** A Vega output that will not be made interactive, and why. */
export interface RefusedChart { reason: string }

export interface ReportContext {
  nb: Notebook;
  opts: ResolvedOptions;
  cells: ReportCell[];
  usedIds: Set<string>;
  headings: Heading[];
  /** Table-of-contents entries (headings of markdown cells, levels 1-3). */
  toc: Heading[];
  /** Keyed by outputKey(cellIndex, outputIndex). */
  charts: Map<string, ChartEntry | RefusedChart>;
  runMeta: Record<string, unknown> | undefined;
  title: string;
  warnings: string[];
}

export function outputKey(cellIndex: number, outputIndex: number): string {
  return `${cellIndex}:${outputIndex}`;
}

export function createContext(nb: Notebook, opts: ResolvedOptions): ReportContext {
  return {
    nb, opts,
    cells: nb.cells.map((cell, index) => ({ index, cell, input: opts.codeFolding, showOutputs: true })),
    usedIds: new Set(['report-title', 'toc', 'run-metadata']),
    headings: [], toc: [], charts: new Map(), runMeta: undefined, title: '', warnings: [],
  };
}
