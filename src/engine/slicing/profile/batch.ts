/**
 * One profiling batch on the backend: forward with taps and zero perturbations at every site, one backward pass of
 * sum_b z_{y_b} w.r.t. the perturbations (dz/da at every site), then the per-class reduction as matrix products
 * (one-hot^T x per-sample quantities), so only a [classes x 4·neurons] block leaves the backend, in one read.
 */
import * as tf from '@tensorflow/tfjs';
import { forward, forwardPrefix } from '../../graph/executor.js';
import { planChain, runChain, type ChainPlan } from '../../graph/chain-backward.js';
import { modelGraph, siteReads } from '../../graph/index.js';
import type { SiteInfo } from '../types.js';
import { readTidy } from '../../read-tidy.js';

/** What a batch computation needs besides the batch (built once per profile and backend). */
export interface BatchContext {
  model: tf.LayersModel;
  sites: SiteInfo[];
  numClasses: number;
  /** Compute taylor and deeplift (needs the backward pass). */
  needGrad: boolean;
  onlyCorrect: boolean;
  /** Per site, its read value on an all-zero input ([1, n] or [1, h, w, c]); kept tensors owned by the context. */
  aref: tf.Tensor[];
  /**
   * Per conv site with few channels, spatial-mean matrices [P·c, c]: `mean` (1/P on the channel diagonal) and `ref`
   * (a_ref/P there). Reducing by a matrix product beats tf.mean/sum over axes [1, 2], which transpose on wasm.
   */
  pool: Array<{ mean: tf.Tensor2D; ref: tf.Tensor2D } | null>;
  /**
   * When the first site feeds only a non-overlapping 'valid' max pool and its a_ref is spatially constant, its
   * gradient is taken at the pool output instead: max pooling routes g to one element per window, whose a is the
   * pooled value, so sum_p a·g = sum_w pooled·g_w and sum_p (a - a_ref)·g = sum_w (pooled - a_ref)·g_w. This skips
   * the MaxPoolGrad of that pool (nothing below the first site needs a gradient) and shrinks the perturbation.
   */
  pooledFirst?: {
    poolOutId: number; poolShape: number[]; arefPerChannel: tf.Tensor1D; positions: number;
    /**
     * [W·c, c] window-sum matrices over the pool output's W positions: `mean` (1/positions on the channel diagonal)
     * and `ref` (a_ref/positions there). As for `pool`, a product beats tf.sum over the middle axis (a transpose).
     */
    mean: tf.Tensor2D; ref: tf.Tensor2D;
  };
  /** With needGrad, when the graph after the first tapped tensor is a plain chain: its tape-free backward. */
  chain?: ChainPlan;
}

function pooledFirstSite(model: tf.LayersModel, aref: tf.Tensor, v: Float32Array): BatchContext['pooledFirst'] {
  if (aref.rank !== 4) return undefined;
  const g = modelGraph(model);
  const read = siteReads(model)[0]!;
  const consumers = g.consumers.get(read.tensorId) ?? [];
  if (consumers.length !== 1 || consumers[0]!.spec.kind !== 'max-pool') return undefined;
  const cfg = consumers[0]!.layer.getConfig() as { poolSize?: number[]; strides?: number[]; padding?: string; dataFormat?: string };
  const ps = cfg.poolSize ?? [2, 2];
  const st = cfg.strides ?? ps;
  if (cfg.padding !== 'valid' || cfg.dataFormat === 'channelsFirst' || ps[0] !== st[0] || ps[1] !== st[1]) return undefined;
  const [, h, w, c] = aref.shape as [number, number, number, number];
  for (let i = c; i < v.length; i++) if (v[i] !== v[i % c]) return undefined;
  const poolShape = [Math.floor(h / ps[0]!), Math.floor(w / ps[1]!), c];
  const windows = poolShape[0]! * poolShape[1]!;
  const mean = new Float32Array(windows * c * c);
  const ref = new Float32Array(windows * c * c);
  for (let i = 0; i < windows; i++) {
    for (let j = 0; j < c; j++) {
      mean[(i * c + j) * c + j] = 1 / (h * w);
      ref[(i * c + j) * c + j] = v[j]! / (h * w);
    }
  }
  return {
    poolOutId: consumers[0]!.outputIds[0]!,
    poolShape,
    arefPerChannel: tf.keep(tf.tensor1d(Array.from(v.subarray(0, c)))),
    positions: h * w,
    mean: tf.keep(tf.tensor2d(mean, [windows * c, c])),
    ref: tf.keep(tf.tensor2d(ref, [windows * c, c])),
  };
}

/** Conv sites with at most this many channels reduce by matrix product (its cost grows with channels²). */
const POOL_MATMUL_MAX_CHANNELS = 32;

function poolMatrices(aref: tf.Tensor, r: Float32Array): { mean: tf.Tensor2D; ref: tf.Tensor2D } | null {
  if (aref.rank !== 4 || aref.shape[3]! > POOL_MATMUL_MAX_CHANNELS) return null;
  const c = aref.shape[3]!;
  const p = aref.shape[1]! * aref.shape[2]!;
  const mean = new Float32Array(p * c * c);
  const ref = new Float32Array(p * c * c);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < c; j++) {
      mean[(i * c + j) * c + j] = 1 / p;
      ref[(i * c + j) * c + j] = r[i * c + j]! / p;
    }
  }
  return { mean: tf.keep(tf.tensor2d(mean, [p * c, c])), ref: tf.keep(tf.tensor2d(ref, [p * c, c])) };
}

/** Build the context (a_ref by a forward pass on zeros, pooling matrices). Dispose it with disposeBatchContext. */
export async function createBatchContext(model: tf.LayersModel, sites: SiteInfo[], inputShape: readonly number[],
  o: { numClasses: number; needGrad: boolean; onlyCorrect: boolean }): Promise<BatchContext> {
  const aref = referenceActivations(model, sites, inputShape);
  let values: Float32Array[];
  try {
    values = await Promise.all(aref.map((t) => t.data() as Promise<Float32Array>));
  } catch (e) {
    tf.dispose(aref);
    throw e;
  }
  const ctx: BatchContext = { model, sites, ...o, aref, pool: aref.map((t, i) => poolMatrices(t, values[i]!)) };
  const pf = o.needGrad ? pooledFirstSite(model, aref[0]!, values[0]!) : undefined;
  if (pf) ctx.pooledFirst = pf;
  if (o.needGrad && (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['SEMSLICE_PROFILE_TAPE'] !== '1') {
    const startId = pf ? pf.poolOutId : siteReads(model)[0]!.tensorId;
    const chain = planChain(model, startId, aref[0]!.rank);
    if (chain) ctx.chain = chain;
  }
  return ctx;
}

export function disposeBatchContext(ctx: BatchContext): void {
  tf.dispose(ctx.aref);
  for (const p of ctx.pool) if (p) tf.dispose([p.mean, p.ref]);
  if (ctx.pooledFirst) tf.dispose([ctx.pooledFirst.arefPerChannel, ctx.pooledFirst.mean, ctx.pooledFirst.ref]);
}

/**
 * Layout of a batch result (Float32Array): counts [C]; S1 [C x N] (sums of a); R [C x K·N] where per class the K
 * blocks of N are M2 (sum of squared deviations from the batch's class mean), then, with gradients, T (taylor
 * sums) and D (deeplift sums); last, the sum of all input values (a cheap NaN/Inf detector). N = all sites'
 * neurons, sites in order.
 */
export function batchLayout(numClasses: number, totalNeurons: number, needGrad: boolean) {
  const k = needGrad ? 3 : 1;
  return { k, s1: numClasses, r: numClasses + numClasses * totalNeurons, length: numClasses * (1 + (1 + k) * totalNeurons) + 1 };
}

/** The read values of every site on one all-zero input (a_ref of deeplift). Kept tensors: dispose them. */
export function referenceActivations(model: tf.LayersModel, sites: SiteInfo[], inputShape: readonly number[]): tf.Tensor[] {
  const r = tf.tidy(() => {
    const { logits, taps } = forward(model, tf.zeros([1, inputShape[0]!, inputShape[1]!, inputShape[2]!]) as tf.Tensor4D, { taps: true });
    logits.dispose();
    return sites.map((s) => taps[s.name]!);
  });
  return r.map((t) => tf.keep(t));
}

/** Per-sample quantities of one site: value (spatial mean for conv), taylor term, deeplift term, each [b, n]. */
function siteTerms(a: tf.Tensor, g: tf.Tensor | undefined, aref: tf.Tensor, pool: BatchContext['pool'][number]): { q: tf.Tensor; t?: tf.Tensor; d?: tf.Tensor } {
  if (a.rank === 2) {
    if (!g) return { q: a };
    return { q: a, t: tf.abs(tf.mul(a, g)), d: tf.abs(tf.mul(tf.sub(a, aref), g)) };
  }
  // Conv: per position, then reduced: |sum_p a·g| / P and |sum_p (a - a_ref)·g| / P (a_ref per position).
  const [b, h, w, c] = a.shape as [number, number, number, number];
  if (pool) {
    const flat = (x: tf.Tensor) => tf.reshape(x, [b, h * w * c]);
    const q = tf.matMul(flat(a), pool.mean);
    if (!g) return { q };
    const ag = tf.matMul(flat(tf.mul(a, g)), pool.mean);
    // sum_p (a - a_ref)·g = sum_p a·g - sum_p a_ref·g, the second as a product with the a_ref-weighted matrix.
    return { q, t: tf.abs(ag), d: tf.abs(tf.sub(ag, tf.matMul(flat(g), pool.ref))) };
  }
  const positions = h * w;
  const mean = (x: tf.Tensor) => tf.div(tf.sum(tf.reshape(x, [b, positions, c]), 1), positions);
  const q = mean(a);
  if (!g) return { q };
  return { q, t: tf.abs(mean(tf.mul(a, g))), d: tf.abs(mean(tf.mul(tf.sub(a, aref), g))) };
}

type CustomFn = Parameters<typeof tf.customGrad>[0];

/**
 * x itself on the tape (a reshape: no copy) whose gradient function hands dL/dx to `sink` (kept: the caller
 * disposes it). `dummy` (a scalar the pass differentiates with respect to) puts every tap on the path that tf.grads
 * walks, so the backward pass runs from the logits down to the first tap and no further. Replaces adding a zero
 * perturbation at each site (one Add and one zeros tensor per site and batch), with the same gradient values.
 */
function tapGrad(x: tf.Tensor, dummy: tf.Tensor, sink: (g: tf.Tensor) => void): tf.Tensor {
  const op = tf.customGrad(((v: tf.Tensor, d: tf.Tensor) => ({
    value: tf.reshape(v, v.shape),
    gradFunc: (dy: tf.Tensor) => {
      sink(tf.keep(dy));
      return [tf.reshape(dy, dy.shape), tf.zerosLike(d)];
    },
  })) as unknown as CustomFn);
  return op(x, dummy);
}

/**
 * Forward (and backward) of one batch: logits, site values and, with needGrad, dz_y/da at every site. The graph
 * up to the first tapped tensor (the first site, or with pooledFirst the output of its pool) runs before the
 * gradient pass, off the tape: nothing there needs a gradient, and on the tape every saved tensor is copied.
 * When the rest is a plain layer chain (ctx.chain), it runs forward and backward by hand, with no tape at all
 * (graph/chain-backward.ts); SEMSLICE_PROFILE_TAPE=1 forces the recorded path (for comparisons).
 */
function forwardBackward(ctx: BatchContext, xs: tf.Tensor4D, onehot: tf.Tensor2D, kept: tf.Tensor[]) {
  if (!ctx.needGrad) {
    const r = forward(ctx.model, xs, { taps: true });
    return { logits: r.logits, a: ctx.sites.map((s) => r.taps[s.name]!), g: undefined, pooled: undefined };
  }
  const pf = ctx.pooledFirst;
  const reads = siteReads(ctx.model);
  // Slot 0: the first site (or its pool's output); slot i > 0: site i.
  const tapIds = reads.map((r, i) => (i === 0 && pf ? pf.poolOutId : r.tensorId));
  const slotOf = new Map(tapIds.map((id, i) => [id, i]));
  const pre = forwardPrefix(ctx.model, xs, tapIds[0]!, { taps: true, inputGradsOnly: true });
  // Use the prefix only if no other site was computed in it (a graph whose first tap is not first in step order).
  const prefixOk = reads.every((r, i) => i === 0 || !pre.values.has(r.tensorId));
  if (!prefixOk) {
    tf.dispose([...pre.values.values()]);
    pre.values.clear();
  }
  if (prefixOk && ctx.chain) {
    const start = pre.values.get(tapIds[0]!)!;
    const r = runChain(ctx.chain, start, onehot, reads.length);
    const a = ctx.sites.map((s, i) => (i === 0 ? pre.taps[s.name]! : r.values[i]!));
    return { logits: r.logits, a, g: r.grads, pooled: pf ? start : undefined };
  }
  const grads: Array<tf.Tensor | undefined> = tapIds.map(() => undefined);
  let logits: tf.Tensor2D | undefined;
  let a: tf.Tensor[] = [];
  let pooled: tf.Tensor | undefined = prefixOk && pf ? pre.values.get(pf.poolOutId) : undefined;
  const f = (dummy: tf.Tensor): tf.Tensor => {
    const sink = (i: number) => (dy: tf.Tensor) => { grads[i] = dy; kept.push(dy); };
    const seed = new Map(pre.values);
    if (prefixOk) seed.set(tapIds[0]!, tapGrad(pre.values.get(tapIds[0]!)!, dummy, sink(0)));
    const hook = (id: number, v: tf.Tensor): tf.Tensor => {
      const i = slotOf.get(id);
      if (i === undefined) return v;
      if (i === 0 && pf) kept.push(pooled = tf.keep(v));
      return tapGrad(v, dummy, sink(i));
    };
    const r = forward(ctx.model, xs, { taps: true, inputGradsOnly: true, hook, seed });
    // tf.grads disposes what f creates except its result: keep what we read afterwards (disposed by the caller).
    logits = tf.keep(r.logits);
    a = ctx.sites.map((s, i) => (i === 0 && prefixOk ? pre.taps[s.name]! : tf.keep(r.taps[s.name]!)));
    kept.push(logits, ...a.filter((_, i) => i > 0 || !prefixOk));
    return tf.sum(tf.mul(r.logits, onehot));
  };
  tf.dispose(tf.grads(f)([tf.scalar(0)]));
  const g = grads.map((t, i) => t ?? tf.zerosLike(i === 0 && pooled ? pooled : a[i]!));
  return { logits: logits!, a, g, pooled };
}

/** Taylor and deeplift terms of the pooled first site (see BatchContext.pooledFirst), each [b, c]. */
function pooledTerms(pf: NonNullable<BatchContext['pooledFirst']>, pooled: tf.Tensor, g: tf.Tensor): { t: tf.Tensor; d: tf.Tensor } {
  const [b, h, w, c] = pooled.shape as [number, number, number, number];
  const flat = (x: tf.Tensor) => tf.reshape(x, [b, h * w * c]);
  const ag = tf.matMul(flat(tf.mul(pooled, g)), pf.mean);
  return { t: tf.abs(ag), d: tf.abs(tf.sub(ag, tf.matMul(flat(g), pf.ref))) };
}

/**
 * Profile one batch: xs [b, h, w, c] float32, ys [b] int32 labels. Resolves to the block described by batchLayout.
 * Leaves no tensors behind.
 */
export async function batchStats(ctx: BatchContext, xs: tf.Tensor4D, ys: tf.Tensor1D): Promise<Float32Array> {
  const kept: tf.Tensor[] = [];
  try {
    return await readTidy(() => {
      const c = ctx.numClasses;
      let onehot = tf.oneHot(tf.cast(ys, 'int32'), c).asType('float32') as tf.Tensor2D;
      const { logits, a, g, pooled } = forwardBackward(ctx, xs, onehot, kept);
      if (ctx.onlyCorrect) {
        const correct = tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(ys, 'int32')), 'float32');
        onehot = tf.mul(onehot, tf.expandDims(correct, 1));
      }
      const terms = a.map((ai, i) => (i === 0 && pooled && g
        ? { ...siteTerms(ai, undefined, ctx.aref[0]!, ctx.pool[0]!), ...pooledTerms(ctx.pooledFirst!, pooled, g[0]!) }
        : siteTerms(ai, g?.[i], ctx.aref[i]!, ctx.pool[i]!)));
      const q = tf.concat(terms.map((t) => t.q), 1);
      const counts = tf.sum(onehot, 0);
      const s1 = tf.matMul(onehot, q, true, false);
      // Deviations from the batch's own class means keep the variance exact (Chan merge on the host).
      const means = tf.div(s1, tf.expandDims(tf.maximum(counts, 1), 1));
      const dev = tf.square(tf.sub(q, tf.matMul(onehot, means)));
      const blocks = [dev, ...(g ? [...terms.map((t) => t.t!), ...terms.map((t) => t.d!)] : [])];
      const r = tf.matMul(onehot, tf.concat(blocks, 1), true, false);
      const out = tf.concat([counts, tf.reshape(s1, [-1]), tf.reshape(r, [-1]), tf.reshape(tf.sum(xs), [1])]);
      return out;
    });
  } finally {
    tf.dispose(kept);
  }
}
