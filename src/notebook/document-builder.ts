/**
 * Builds an nbformat 4.5 notebook document in memory, cell by cell, with outputs. The demo uses it to write a real
 * notebook (source a user can re-run in tslab, and the outputs it produced) without Jupyter.
 *
 * @example
 * const nb = new NotebookBuilder({ title: 'Demo' });
 * nb.markdown('# Demo');
 * nb.code('const x = 1 + 1;\nx', [streamOutput('2\n')]);
 * await writeFile('demo.ipynb', nb.serialise());
 */
export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string[] }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> };

export interface NotebookCell {
  id: string;
  cell_type: 'markdown' | 'code';
  metadata: Record<string, unknown>;
  source: string[];
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

/** Split text into nbformat's list-of-lines form (each line keeps its newline). */
export function toLines(text: string): string[] {
  const parts = text.split(/(?<=\n)/);
  return parts.filter((p) => p.length > 0);
}

export function streamOutput(text: string, name: 'stdout' | 'stderr' = 'stdout'): NotebookOutput {
  return { output_type: 'stream', name, text: toLines(text) };
}

/** A display output from a MIME bundle. Text-like values (svg, html, plain) are stored as lists of lines. */
export function displayOutput(bundle: Record<string, unknown>): NotebookOutput {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(bundle).sort()) {
    const v = bundle[key];
    data[key] = typeof v === 'string' && !key.endsWith('+json') ? toLines(v) : v;
  }
  return { output_type: 'display_data', data, metadata: {} };
}

export class NotebookBuilder {
  private readonly cells: NotebookCell[] = [];
  private readonly metadata: Record<string, unknown>;

  constructor(opts: { title?: string; metadata?: Record<string, unknown> } = {}) {
    this.metadata = {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
      ...(opts.title ? { title: opts.title } : {}),
      ...(opts.metadata ?? {}),
    };
  }

  private nextId(): string {
    return `cell-${String(this.cells.length).padStart(3, '0')}`;
  }

  markdown(text: string, metadata: Record<string, unknown> = {}): this {
    this.cells.push({ id: this.nextId(), cell_type: 'markdown', metadata, source: toLines(text) });
    return this;
  }

  code(source: string, outputs: NotebookOutput[] = [], metadata: Record<string, unknown> = {}): this {
    this.cells.push({
      id: this.nextId(),
      cell_type: 'code',
      metadata,
      source: toLines(source),
      outputs,
      execution_count: null,
    });
    return this;
  }

  setMetadata(key: string, value: unknown): this {
    this.metadata[key] = value;
    return this;
  }

  toJSON(): { nbformat: 4; nbformat_minor: 5; metadata: Record<string, unknown>; cells: NotebookCell[] } {
    return { nbformat: 4, nbformat_minor: 5, metadata: this.metadata, cells: this.cells };
  }

  /** Deterministic JSON text (one-space indent, as Jupyter writes it, trailing newline). */
  serialise(): string {
    return JSON.stringify(this.toJSON(), null, 1) + '\n';
  }
}
