/**
 * Run metadata for reports: a display bundle under RUN_METADATA_MIME (a JSON object) plus text/plain, shown by a
 * notebook's last cell. The report generator reads the first output carrying this MIME type.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Part } from './parts.js';
import { registerDisplay } from './display-registry.js';

export const RUN_METADATA_MIME = 'application/vnd.semslice.run+json';

/** What a notebook passes in; everything is optional except what it knows. */
export interface RunMetadataInput {
  backend?: string;
  seed?: number;
  /** Notebook parameters as used. */
  params?: Record<string, unknown>;
  datasets?: Array<{ name: string; split?: string; size?: number; fingerprint: string }>;
  models?: Array<{ name: string; fingerprint: string }>;
  /** Anything else worth recording (kept as is). */
  extra?: Record<string, unknown>;
}

/** The JSON stored under RUN_METADATA_MIME (format "semslice.run", version 1). */
export interface RunMetadata {
  format: 'semslice.run';
  version: 1;
  package: { name: string; version: string };
  node: string;
  tfjs: string | null;
  backend: string | null;
  seed: number | null;
  params: Record<string, unknown>;
  datasets: Array<{ name: string; split?: string; size?: number; fingerprint: string }>;
  models: Array<{ name: string; fingerprint: string }>;
  extra: Record<string, unknown>;
}

function readJson(url: URL): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

function tfjsCoreManifest(): URL {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json'));
  } catch {
    return new URL('file:///nonexistent');
  }
}

/**
 * Collect run metadata (package version from package.json two levels up, as for src/ and dist/ alike).
 *
 * @example
 * await ss.show(ss.runMetadata({ backend: ss.backend(), seed: 1, datasets: [{ name: 'mnist', fingerprint: data.test.fingerprint() }] }));
 */
export function runMetadata(input: RunMetadataInput = {}): RunMetadata {
  const pkg = readJson(new URL('../../package.json', import.meta.url));
  const tfjs = readJson(tfjsCoreManifest());
  return {
    format: 'semslice.run',
    version: 1,
    package: { name: pkg?.name ?? 'semslice', version: pkg?.version ?? 'unknown' },
    node: process.version,
    tfjs: tfjs?.version ?? null,
    backend: input.backend ?? null,
    seed: input.seed ?? null,
    params: input.params ?? {},
    datasets: input.datasets ?? [],
    models: input.models ?? [],
    extra: input.extra ?? {},
  };
}

/** The display part: {RUN_METADATA_MIME: json, text/plain: a short summary}. Accepts an input or a built record. */
export function runMetadataPart(m: RunMetadata | RunMetadataInput): Part {
  const meta = (m as RunMetadata).format === 'semslice.run' ? (m as RunMetadata) : runMetadata(m as RunMetadataInput);
  const text = [
    `semslice ${meta.package.version}, node ${meta.node}, tfjs ${meta.tfjs ?? '?'}, backend ${meta.backend ?? '?'}, seed ${meta.seed ?? '?'}`,
    ...meta.datasets.map((d) => `data ${d.name}${d.split ? `/${d.split}` : ''}: ${d.fingerprint}`),
    ...meta.models.map((d) => `model ${d.name}: ${d.fingerprint}`),
  ].join('\n');
  return { kind: 'bundle', bundle: { [RUN_METADATA_MIME]: meta, 'text/plain': text } };
}

registerDisplay(
  (x: unknown): x is RunMetadata => typeof x === 'object' && x !== null && (x as { format?: unknown }).format === 'semslice.run',
  (m) => runMetadataPart(m),
  { name: 'run-metadata' },
);
