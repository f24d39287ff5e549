/**
 * The slice file format: SliceState <-> SliceJSON, deterministic text, and validation against
 * schema/slice.schema.json (JSON Schema draft-07, checked with ajv) plus the consistency checks a schema cannot
 * express (array lengths, index ranges, derived fields matching the critical sets).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import type { SliceFileProblem } from '../messages/maintenance.js';
import { buildState, type SliceState } from './slice-state.js';
import type { CriticalSets } from './selection.js';
import type { SliceJSON, SliceStability } from './types.js';

/** Scores are written with this many significant digits: loading and saving again reproduces the same text. */
export const SCORE_DIGITS = 7;

/** The version written. Version 2 added tau "auto", `merge` and `stability`; version-1 files still load. */
export const SLICE_FORMAT_VERSION = 2;
/** Versions this code reads. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];

let validator: ValidateFunction | null = null;

/**
 * The slice JSON schema, read from the package's schema/ folder (works from src/ and dist/ alike).
 *
 * @example
 * new Ajv().compile(sliceSchema());
 */
export function sliceSchema(): object {
  return JSON.parse(readFileSync(new URL('../../../schema/slice.schema.json', import.meta.url), 'utf8')) as object;
}

function getValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(sliceSchema());
  return validator;
}

function round(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(SCORE_DIGITS));
}

function indices(flags: Uint8Array, from: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (flags[from + i]) out.push(i);
  return out;
}

/** The JSON form, keys in a fixed order (JSON.stringify keeps insertion order, so the text is deterministic). */
export function stateToJSON(st: SliceState): SliceJSON {
  const bySite = <T>(f: (name: string, n: number) => T): Record<string, T> =>
    Object.fromEntries(st.sites.map((s) => [s.name, f(s.name, s.neurons)]));
  const rows = st.classes.length;
  const p = st.params;
  const json: SliceJSON = {
    format: 'semslice.slice',
    version: SLICE_FORMAT_VERSION,
    params: {
      method: p.method, metric: p.metric, theta: p.theta, k: p.k, tau: p.tau, onlyCorrect: p.onlyCorrect, maxPerClass: p.maxPerClass,
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
      ...(p.batchSize !== undefined ? { batchSize: p.batchSize } : {}),
    },
    classNames: [...st.classNames],
    classes: [...st.classes],
    sites: st.sites.map((s) => ({ name: s.name, kind: s.kind, neurons: s.neurons, readLayer: s.readLayer, followers: [...s.followers] })),
    critical: bySite((name, n) => Array.from({ length: rows }, (_, r) => indices(st.critical[name]!, r * n, n))),
    ...(st.selection ? { selection: bySite((name, n) => indices(st.selection![name]!, 0, n)) } : {}),
    scores: bySite((name, n) => Array.from({ length: rows }, (_, r) => Array.from(st.scores[name]!.subarray(r * n, (r + 1) * n), round))),
    categories: bySite((name) => [...st.categories[name]!]),
    similarity: { perSite: bySite((name) => st.similarity.perSite[name]!.map((r) => [...r])), overall: st.similarity.overall.map((r) => [...r]) },
    components: st.components.map((c) => ({ classes: [...c.classes], neurons: bySite((name) => [...c.neurons[name]!]) })),
    merge: { rule: st.merge.rule, cut: st.merge.cut, heights: [...st.merge.heights], silhouette: st.merge.silhouette },
    ...(st.stability ? { stability: stabilityToJSON(st.stability) } : {}),
    counts: [...st.counts],
    fingerprints: { model: st.fingerprints.model, data: st.fingerprints.data },
  };
  return json;
}

function stabilityToJSON(x: SliceStability): SliceStability {
  return {
    replicates: x.replicates, seed: x.seed, classes: [...x.classes], jaccard: x.jaccard.map(round), jaccardMin: x.jaccardMin.map(round),
    coMembership: x.coMembership.map((r) => r.map(round)), componentCounts: [...x.componentCounts],
  };
}

/** Deterministic file text: compact JSON plus a final newline. */
export function stringifySlice(json: SliceJSON): string {
  return `${JSON.stringify(json)}\n`;
}

function invalid(problem: SliceFileProblem, source: string): SemsliceError {
  return fail('INVALID_SLICE_FILE', { case: 'invalid', source, versions: READABLE_VERSIONS, ...problem });
}

/** A clear error for a file from a newer semslice, before the schema would only say "must be equal to one of". */
function checkVersion(json: unknown, source: string): void {
  if (typeof json !== 'object' || json === null) return;
  const { format, version } = json as { format?: unknown; version?: unknown };
  if (format === 'semslice.slice' && typeof version === 'number' && !READABLE_VERSIONS.includes(version)) {
    throw fail('UNSUPPORTED_SLICE_VERSION', { source, version, readable: READABLE_VERSIONS, current: SLICE_FORMAT_VERSION });
  }
}

/**
 * Validate against the schema; throws SemsliceError listing the first problems (JSON pointer + reason).
 *
 * @example
 * validateSliceJSON(JSON.parse(text), 'slice.json'); // throws INVALID_SLICE_FILE naming the problems
 */
export function validateSliceJSON(json: unknown, source = 'The slice'): asserts json is SliceJSON {
  checkVersion(json, source);
  const v = getValidator();
  if (v(json)) {
    const j = json as SliceJSON;
    // Version 1 had neither tau "auto" nor the merge/stability records: such a file was not written by semslice.
    if (j.version === 1 && (j.params.tau === 'auto' || j.merge !== undefined || j.stability !== undefined)) {
      throw invalid({ problem: 'v1-fields' }, source);
    }
    return;
  }
  const errs = (v.errors ?? []).slice(0, 3).map((e) => describeSchemaError(e, json));
  throw invalid({ problem: 'schema', errors: errs, more: Math.max(0, (v.errors?.length ?? 0) - 3) }, source);
}

/** The value at a JSON pointer of the document (undefined when absent). */
function at(json: unknown, pointer: string): unknown {
  let v: unknown = json;
  for (const part of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

const shown = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** One schema error with where, what was found and what was expected (ajv alone says "must be equal to constant"). */
function describeSchemaError(e: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }, json: unknown): string {
  const base = `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
  const found = shown(at(json, e.instancePath));
  switch (e.keyword) {
    case 'const': return `${base} (found ${found}, expected ${shown(e.params['allowedValue'])})`;
    case 'enum': return `${base} (found ${found}, expected one of ${shown(e.params['allowedValues'])})`;
    case 'required': case 'additionalProperties': return base;
    default: return `${base} (found ${found})`;
  }
}

/** Rebuild a SliceState from validated JSON; derived fields are recomputed and must match the file. */
export function stateFromJSON(json: SliceJSON, source = 'The slice'): SliceState {
  const classes = json.classes ?? json.classNames.map((_, i) => i);
  const rows = classes.length;
  const critical: CriticalSets = {};
  const scores: Record<string, Float64Array> = {};
  let selection: Record<string, Uint8Array> | null = null;
  for (const s of json.sites) {
    const n = s.neurons;
    const crit = json.critical[s.name];
    const sc = json.scores[s.name];
    if (!crit || crit.length !== rows) throw invalid({ problem: 'rows', field: 'critical', site: s.name, rows }, source);
    if (!sc || sc.length !== rows || sc.some((r) => r.length !== n)) throw invalid({ problem: 'rows', field: 'scores', site: s.name, rows, neurons: n }, source);
    const f = new Uint8Array(rows * n);
    crit.forEach((list, r) => list.forEach((i) => {
      if (i >= n) throw invalid({ problem: 'neuron', site: s.name, row: r, neuron: i, neurons: n }, source);
      f[r * n + i] = 1;
    }));
    critical[s.name] = f;
    scores[s.name] = Float64Array.from(sc.flat());
    if (json.selection) {
      const list = json.selection[s.name];
      if (!list || list.some((i) => i >= n)) throw invalid({ problem: 'selection', site: s.name }, source);
      selection ??= {};
      selection[s.name] = new Uint8Array(n);
      for (const i of list) selection[s.name]![i] = 1;
    }
  }
  if (json.counts.length !== json.classNames.length) throw invalid({ problem: 'counts', entries: json.classNames.length }, source);
  if (classes.some((c) => c >= json.classNames.length)) throw invalid({ problem: 'class-label' }, source);
  const stability = json.stability ? checkStability(json.stability, classes, source) : null;
  const st = buildState({
    params: { ...json.params }, classNames: [...json.classNames], sites: json.sites.map((s) => ({ ...s, followers: [...s.followers] })),
    classes: [...classes], critical, scores, selection, counts: [...json.counts], fingerprints: { ...json.fingerprints }, stability,
  });
  const again = stateToJSON(st);
  for (const key of ['categories', 'similarity', 'components', ...(json.merge ? ['merge' as const] : [])] as const) {
    if (JSON.stringify(again[key]) !== JSON.stringify(json[key])) throw invalid({ problem: 'derived', key }, source);
  }
  return st;
}

function checkStability(x: SliceStability, classes: readonly number[], source: string): SliceStability {
  const n = classes.length;
  if (x.classes.length !== n || x.classes.some((c, i) => c !== classes[i])) throw invalid({ problem: 'stability-classes' }, source);
  if (x.jaccard.length !== n || x.jaccardMin.length !== n || x.coMembership.length !== n || x.coMembership.some((r) => r.length !== n)) {
    throw invalid({ problem: 'stability-shape', classes: n }, source);
  }
  if (x.componentCounts.length !== x.replicates) throw invalid({ problem: 'stability-replicates' }, source);
  return {
    replicates: x.replicates, seed: x.seed, classes: [...x.classes], jaccard: [...x.jaccard], jaccardMin: [...x.jaccardMin],
    coMembership: x.coMembership.map((r) => [...r]), componentCounts: [...x.componentCounts],
  };
}
