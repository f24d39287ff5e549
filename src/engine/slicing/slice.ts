/**
 * The Slice: per-class critical neurons of a model (bitsets), their scores, categories, class similarity and
 * semantic components, the parameters used, and the model and data fingerprints (docs/algorithm.md). Immutable;
 * every method is a thin delegation to a free function in slice-ops / slice-schema.
 */
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import type * as tf from '@tensorflow/tfjs';
import type * as aq from 'arquero';
import { writeFileAtomic } from '../atomic-write.js';
import { fail } from '../messages/index.js';
import { checkFileTarget, uninterrupted } from '../output-target.js';
import { checkSliceFits, type SliceFitOptions, type SliceOrigin } from './slice-fit.js';
import { forClassesOp, maskOp, neuronsOp, setOp, summaryOp } from './slice-ops.js';
import { stateFromJSON, stateToJSON, stringifySlice, validateSliceJSON } from './slice-schema.js';
import { rowOf, siteInfo, type SliceState } from './slice-state.js';
import type { Component, MergeInfo, NeuronCategory, SiteInfo, SliceJSON, SliceParams, SliceStability } from './types.js';

/** Options of {@link Slice.save}. */
export interface SliceSaveOptions {
  /** Replace an existing slice file (or other file semslice wrote). Default false (OUTPUT_EXISTS). */
  force?: boolean;
  /** The option that names the file in messages (the CLI passes its flag's, 'out'). Default: "path". */
  option?: string;
}

export interface SliceLoadOptions extends SliceFitOptions {
  /** When given, the slice must have been made from this model (checkSliceFits: its sites and fingerprint). */
  model?: tf.LayersModel;
}

export class Slice {
  static readonly className = 'Slice';
  /** @internal the plain state; use the accessors. */
  readonly state: SliceState;
  /** Path the slice was loaded from (save() refuses to overwrite it). */
  readonly source: string | null;

  /** @internal build with slice(), sliceFromStats() or Slice.fromJSON(). */
  constructor(state: SliceState, source: string | null = null) {
    this.state = state;
    this.source = source;
  }

  get params(): SliceParams { return { ...this.state.params }; }
  get sites(): SiteInfo[] { return this.state.sites.map((s) => ({ ...s, followers: [...s.followers] })); }
  get classNames(): string[] { return [...this.state.classNames]; }
  /** Class labels this slice keeps per-class information for. */
  get classes(): number[] { return [...this.state.classes]; }
  get components(): Component[] {
    return this.state.components.map((c) => ({ classes: [...c.classes], neurons: Object.fromEntries(Object.entries(c.neurons).map(([k, v]) => [k, [...v]])) }));
  }
  get counts(): number[] { return [...this.state.counts]; }
  /** How the classes were merged: rule ('fixed', 'silhouette', 'fallback'), the cut used, the dendrogram heights. */
  get merge(): MergeInfo { return { ...this.state.merge, heights: [...this.state.merge.heights] }; }
  /**
   * Bootstrap stability (slice(..., { bootstrap: B })): per class the mean and lowest Jaccard of its critical set
   * across replicates, per class pair the fraction of replicates in which they share a component. null when not
   * measured, and after set algebra (the per-class sets changed).
   *
   * @example
   * const s = await slice(model, data.train, { bootstrap: 20 });
   * s.stability?.jaccard; // [0.93, 0.88, ...]
   */
  get stability(): SliceStability | null {
    const x = this.state.stability;
    return x ? { ...x, classes: [...x.classes], jaccard: [...x.jaccard], jaccardMin: [...x.jaccardMin], coMembership: x.coMembership.map((r) => [...r]), componentCounts: [...x.componentCounts] } : null;
  }
  get fingerprints(): { model: string; data: string } { return { ...this.state.fingerprints }; }
  /** Class x class Jaccard of critical sets (rows/columns in `classes` order), per site and overall. */
  get similarity(): SliceState['similarity'] {
    const copy = (m: number[][]) => m.map((r) => [...r]);
    const sim = this.state.similarity;
    return { perSite: Object.fromEntries(Object.entries(sim.perSite).map(([k, v]) => [k, copy(v)])), overall: copy(sim.overall) };
  }

  /** Category of every neuron of a site (among this slice's classes). */
  categories(site: string): NeuronCategory[] {
    siteInfo(this.state, site);
    return [...this.state.categories[site]!];
  }

  /**
   * Sorted indices of the slice's neurons at a site.
   *
   * @example
   * slice.forClasses([3, 5]).neurons('fc1'); // [0, 4, 7, ...]
   */
  neurons(site: string): number[] {
    return neuronsOp(this.state, site);
  }

  /** Sorted indices of class c's critical neurons at a site. */
  critical(c: number, site: string): number[] {
    const n = siteInfo(this.state, site).neurons;
    const r = rowOf(this.state, c);
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (this.state.critical[site]![r * n + i]) out.push(i);
    return out;
  }

  /** Class c's normalised scores at a site (sum 1, or all zero). */
  scores(c: number, site: string): Float64Array {
    const n = siteInfo(this.state, site).neurons;
    const r = rowOf(this.state, c);
    return this.state.scores[site]!.slice(r * n, (r + 1) * n);
  }

  /**
   * The slice for a class subset: neurons(site) = union over c in S of c's critical set.
   *
   * @example
   * const taskA = slice.forClasses([0, 1, 2, 3, 4]);
   */
  forClasses(classes: readonly number[]): Slice {
    return new Slice(forClassesOp(this.state, classes));
  }

  /** Neurons in either slice (same sites required). @example a.union(b).neurons('fc1') */
  union(other: Slice): Slice { return new Slice(setOp(this.state, other.state, 'union')); }
  /** Neurons in both slices. @example a.intersect(b) */
  intersect(other: Slice): Slice { return new Slice(setOp(this.state, other.state, 'intersect')); }
  /** Neurons of this slice not in the other. @example all.minus(taskA) */
  minus(other: Slice): Slice { return new Slice(setOp(this.state, other.state, 'minus')); }

  /** site -> Float32Array over its neurons, 1 = kept, 0 = masked. @example forward(model, x, { masks: slice.mask() }) */
  mask(): Record<string, Float32Array> {
    return maskOp(this.state);
  }

  /**
   * One row per site: site, kind, neurons, critical (the slice's neurons there), exclusive, shared, common, idle.
   *
   * @example
   * slice.summary().print();
   */
  summary(): aq.ColumnTable {
    return summaryOp(this.state);
  }

  /** The versioned, deterministic JSON form. @example JSON.stringify(slice.toJSON()) */
  toJSON(): SliceJSON {
    return stateToJSON(this.state);
  }

  /** className/config pair (tfjs-style serialisation). */
  toConfig(): SliceJSON { return this.toJSON(); }
  static fromConfig(config: SliceJSON): Slice { return Slice.fromJSON(config); }

  /**
   * Rebuild from JSON: validated against schema/slice.schema.json and for internal consistency. To check it
   * against a model, `await s.checkModel(model)` (Slice.load does it with `{ model }`).
   *
   * @example
   * const s = Slice.fromJSON(JSON.parse(text));
   */
  static fromJSON(json: unknown, opts: { source?: string } = {}): Slice {
    const source = opts.source ?? 'The slice';
    validateSliceJSON(json, source);
    return new Slice(stateFromJSON(json, source), opts.source ?? null);
  }

  /**
   * Throws SLICE_MODEL_MISMATCH unless this slice was made from `model` (checkSliceFits: sites and weights
   * fingerprint; a slice of another model with the same layers only with `allowForeignSlice: true`); returns how it
   * relates to the model (recorded in manifests).
   *
   * @example
   * await Slice.fromJSON(json).checkModel(model);
   */
  checkModel(model: tf.LayersModel, opts: SliceFitOptions = {}): Promise<SliceOrigin> {
    return checkSliceFits(model, this, opts);
  }

  /**
   * Write the slice as deterministic JSON, atomically (temp file + rename), by the output rule (output-target.ts):
   * an existing file only with `force: true`, and then only a file semslice wrote; never the file it was loaded from;
   * through a symbolic link to the file it points to.
   *
   * @example
   * await slice.save('out/lenet5.slice.json');
   * await slice.save('out/lenet5.slice.json', { force: true }); // replace the earlier one
   */
  async save(path: string, opts: SliceSaveOptions = {}): Promise<void> {
    const t = await checkFileTarget(path, { what: 'slice file', force: opts.force, ...(opts.option !== undefined ? { option: opts.option } : {}), inputs: this.source ? [this.source] : [] });
    await uninterrupted(() => writeFileAtomic(t.path, stringifySlice(this.toJSON())));
  }

  /**
   * Read a slice file written by save().
   *
   * @example
   * const s = await Slice.load('out/lenet5.slice.json', { model });
   */
  static async load(path: string, opts: SliceLoadOptions = {}): Promise<Slice> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw fail('FILE_NOT_FOUND', { case: 'slice', path, reason: (e as Error).message });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw fail('INVALID_SLICE_FILE', { case: 'json', path, reason: (e as Error).message });
    }
    const s = Slice.fromJSON(json, { source: path });
    if (opts.model) await s.checkModel(opts.model, opts);
    return s;
  }

  /** Short description for the console and notebooks. */
  toString(): string {
    const p = this.state.params;
    const sizes = this.state.sites.map((s) => `${s.name} ${this.neurons(s.name).length}/${s.neurons}`).join(', ');
    return `Slice(${p.method} ${p.metric} ${p.method === 'semantic' ? `theta=${p.theta}` : `k=${p.k}`}, classes ${this.state.classes.length}, ${this.state.components.length} components; ${sizes})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
