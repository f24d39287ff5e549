/**
 * Set algebra on slices as free functions (the Slice class delegates here). Results are new states; inputs are
 * never modified.
 */
import * as aq from 'arquero';
import { fail } from '../messages/index.js';
import { buildState, rowOf, selectionAt, type SliceState } from './slice-state.js';
import type { CriticalSets } from './selection.js';

/** The slice for the classes S: per-class information for S, neurons = union of their critical sets. */
export function forClassesOp(st: SliceState, classes: readonly number[]): SliceState {
  if (!Array.isArray(classes) || classes.length === 0) {
    throw fail('EMPTY_CLASSES');
  }
  const labels = [...new Set(classes)].sort((a, b) => a - b);
  const rows = labels.map((c) => rowOf(st, c));
  const critical: CriticalSets = {};
  const scores: Record<string, Float64Array> = {};
  for (const s of st.sites) {
    const n = s.neurons;
    const f = new Uint8Array(rows.length * n);
    const sc = new Float64Array(rows.length * n);
    rows.forEach((r, i) => {
      f.set(st.critical[s.name]!.subarray(r * n, (r + 1) * n), i * n);
      sc.set(st.scores[s.name]!.subarray(r * n, (r + 1) * n), i * n);
    });
    critical[s.name] = f;
    scores[s.name] = sc;
  }
  return buildState({ ...st, classes: labels, critical, scores, selection: null, stability: null }); // stability was for the full class set
}

type SetOp = 'union' | 'intersect' | 'minus';

function checkCompatible(a: SliceState, b: SliceState, op: SetOp): void {
  const same = a.sites.length === b.sites.length && a.sites.every((s, i) => s.name === b.sites[i]!.name && s.neurons === b.sites[i]!.neurons);
  if (!same) {
    throw fail('SITE_MISMATCH', { op, a: a.sites, b: b.sites });
  }
  if (a.classNames.length !== b.classNames.length) {
    throw fail('CLASS_MISMATCH', { op, a: a.classNames.length, b: b.classNames.length });
  }
}

/**
 * union / intersect / minus of the neuron sets, site by site. Kept classes: union -> both slices' classes,
 * intersect -> classes in both, minus -> classes of the first not in the second. Kept class rows are clipped to the
 * resulting neuron set (a class's critical neurons inside the result); scores come from the first slice when it
 * has the class.
 */
export function setOp(a: SliceState, b: SliceState, op: SetOp): SliceState {
  checkCompatible(a, b, op);
  const inA = new Set(a.classes);
  const inB = new Set(b.classes);
  const all = [...new Set([...a.classes, ...b.classes])].sort((x, y) => x - y);
  const classes = all.filter((c) => (op === 'union' ? true : op === 'intersect' ? inA.has(c) && inB.has(c) : inA.has(c) && !inB.has(c)));
  const critical: CriticalSets = {};
  const scores: Record<string, Float64Array> = {};
  const selection: Record<string, Uint8Array> = {};
  for (const s of a.sites) {
    const n = s.neurons;
    const sa = selectionAt(a, s.name);
    const sb = selectionAt(b, s.name);
    const sel = sa.map((x, i) => (op === 'union' ? x | sb[i]! : op === 'intersect' ? x & sb[i]! : x & (1 - sb[i]!)));
    const f = new Uint8Array(classes.length * n);
    const sc = new Float64Array(classes.length * n);
    classes.forEach((c, i) => {
      const ra = inA.has(c) ? rowOf(a, c) : -1;
      const rb = inB.has(c) ? rowOf(b, c) : -1;
      const [src, r] = ra >= 0 ? [a, ra] : [b, rb];
      sc.set(src.scores[s.name]!.subarray(r * n, (r + 1) * n), i * n);
      for (let j = 0; j < n; j++) {
        const va = ra >= 0 ? a.critical[s.name]![ra * n + j]! : 0;
        const vb = rb >= 0 ? b.critical[s.name]![rb * n + j]! : 0;
        f[i * n + j] = (va | vb) & sel[j]!;
      }
    });
    critical[s.name] = f;
    scores[s.name] = sc;
    selection[s.name] = sel;
  }
  return buildState({ ...a, classes, critical, scores, selection, stability: null }); // the rows changed: a's bootstrap no longer describes them
}

/** Sorted indices of the slice's neurons at a site. */
export function neuronsOp(st: SliceState, site: string): number[] {
  const sel = selectionAt(st, site);
  const out: number[] = [];
  sel.forEach((x, i) => { if (x) out.push(i); });
  return out;
}

/** site -> Float32Array with 1 for kept neurons, 0 for masked ones. */
export function maskOp(st: SliceState): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const s of st.sites) out[s.name] = Float32Array.from(selectionAt(st, s.name));
  return out;
}

/** One row per site: site, kind, neurons, critical (size of the slice's set), then the category counts. */
export function summaryOp(st: SliceState): aq.ColumnTable {
  const cols: Record<string, Array<string | number>> = { site: [], kind: [], neurons: [], critical: [], exclusive: [], shared: [], common: [], idle: [] };
  for (const s of st.sites) {
    const cats = st.categories[s.name]!;
    const count = (k: string) => cats.filter((x) => x === k).length;
    cols.site!.push(s.name);
    cols.kind!.push(s.kind);
    cols.neurons!.push(s.neurons);
    cols.critical!.push(neuronsOp(st, s.name).length);
    for (const k of ['exclusive', 'shared', 'common', 'idle']) cols[k]!.push(count(k));
  }
  return aq.table(cols);
}
