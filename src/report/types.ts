/**
 * nbformat 4 shapes as the report reads them, and the report's options. Only the fields the report uses are typed;
 * everything else is carried along untouched.
 */

/** A MIME bundle: string values may be stored as lists of lines; `+json` types are objects. */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput { output_type: 'stream'; name: string; text: string }
export interface DataOutput {
  output_type: 'display_data' | 'execute_result';
  data: MimeBundle;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
}
export interface ErrorOutput { output_type: 'error'; ename: string; evalue: string; traceback: string[] }
/** An output of a type nbformat 4 does not define; rendered as a placeholder. */
export interface UnknownOutput { output_type: string; [key: string]: unknown }
export type Output = StreamOutput | DataOutput | ErrorOutput | UnknownOutput;

export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw' | string;
  /** Joined from a list of lines by the reader. */
  source: string;
  metadata: Record<string, unknown>;
  /** Code cells only; the reader turns a missing list into []. */
  outputs: Output[];
  execution_count?: number | null;
  attachments?: Record<string, MimeBundle>;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** How code cells are shown. */
export type CodeFolding = 'show' | 'fold' | 'hide';

/** Options of renderReport/writeReport. Every field is optional; defaults are listed per field. */
export interface ReportOptions {
  /** Template name under reports/templates, or a path to a template folder. Default "default". */
  template?: string;
  /** Leave out all code inputs (same as codeFolding "hide"). Default false. */
  noInput?: boolean;
  /** "show" code cells, "fold" them into <details>, or "hide" them. Default "show". */
  codeFolding?: CodeFolding;
  /** Report title. Default: notebook metadata.title, else the first H1, else fallbackTitle. */
  title?: string;
  /** Title used when nothing else gives one. Default "Notebook report" (writeReport passes the file name). */
  fallbackTitle?: string;
  /**
   * Trust the notebook: its HTML, SVG and markdown are inserted unsanitised, its scripts may run and its Vega specs
   * keep data URLs and links. Default false: a notebook is untrusted unless you wrote it.
   */
  trusted?: boolean;
}

/** One interactive chart in the report. */
export interface ChartEntry {
  /** Element id, derived from cell and output index: deterministic. */
  id: string;
  mode: 'vega-lite' | 'vega';
  spec: unknown;
  cellIndex: number;
}

/** What renderReport builds, for callers that want more than the HTML. */
export interface ReportResult {
  html: string;
  /** Interactive charts embedded. */
  charts: number;
  /** Things the reader of the report should know (stripped URLs, unknown MIME types, ...). */
  warnings: string[];
}
