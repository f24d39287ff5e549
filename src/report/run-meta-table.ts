/**
 * Run metadata as a definition table (versions, backend, seed, dataset and model fingerprints), plus the
 * notebook's kernel and nbformat rows.
 *
 * @example
 * renderDefinitionTable({ backend: 'wasm', seed: 42 }) // '<table class="ss-deftable">...'
 */
import { escapeHtml } from './escape.js';
import type { Notebook } from './types.js';

const LABELS: Record<string, string> = {
  semslice: 'semslice version', tfjs: 'TensorFlow.js', backend: 'Backend', seed: 'Seed',
  datasets: 'Datasets', models: 'Models', date: 'Date', node: 'Node.js',
};

function renderValue(v: unknown): string {
  if (v === null || v === undefined) return '<span class="ss-none">none</span>';
  if (Array.isArray(v)) {
    if (v.length === 0) return '<span class="ss-none">none</span>';
    return `<ul>${v.map((x) => `<li>${renderItem(x)}</li>`).join('')}</ul>`;
  }
  if (typeof v === 'object') return renderDefinitionTable(v as Record<string, unknown>);
  return escapeHtml(String(v));
}

/** A {name, fingerprint} pair reads best on one line; other objects get a nested table. */
function renderItem(x: unknown): string {
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.every((k) => typeof o[k] !== 'object' || o[k] === null)) {
      return keys.map((k) => k === 'name' ? `<strong>${escapeHtml(String(o[k]))}</strong>`
        : `<span class="ss-kv">${escapeHtml(k)}: <code>${escapeHtml(String(o[k]))}</code></span>`).join(' ');
    }
  }
  return renderValue(x);
}

export function renderDefinitionTable(obj: Record<string, unknown>): string {
  const rows = Object.entries(obj).map(([k, v]) => `<tr><th scope="row">${escapeHtml(LABELS[k] ?? k)}</th><td>${renderValue(v)}</td></tr>`);
  return `<table class="ss-deftable"><tbody>${rows.join('')}</tbody></table>`;
}

/** The report's run-metadata section: recorded run metadata (if any) and the notebook's own facts. */
export function renderRunMetadataSection(meta: Record<string, unknown> | undefined, nb: Notebook): string {
  const ks = nb.metadata.kernelspec as { name?: unknown; display_name?: unknown } | undefined;
  const li = nb.metadata.language_info as { name?: unknown } | undefined;
  const notebookFacts: Record<string, unknown> = {
    Kernel: [ks?.name, ks?.display_name && ks.display_name !== ks.name ? `(${String(ks.display_name)})` : undefined]
      .filter((x) => x !== undefined && x !== '').map(String).join(' ') || 'unknown',
    Language: typeof li?.name === 'string' ? li.name : 'unknown',
    nbformat: `${nb.nbformat}.${nb.nbformat_minor}`,
  };
  const recorded = meta ? renderDefinitionTable(meta)
    : '<p class="ss-none">The notebook recorded no run metadata (no application/vnd.semslice.run+json output, no metadata.semslice).</p>';
  return `<section id="run-metadata" class="ss-run-metadata"><h2>Run metadata</h2>${recorded}<h3>Notebook</h3>${renderDefinitionTable(notebookFacts)}</section>`;
}
