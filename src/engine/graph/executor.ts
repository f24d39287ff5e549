/**
 * The forward executor: one mechanism that runs a LayersModel's layer graph on concrete tensors (inference mode) and
 * lets profiling, masking and evaluation act at the sites (sites.ts): multiply a 0/1 neuron mask into a site's read
 * value (and zero the channels of a depthwise filter whose input channel the mask zeroes, dead-channels.ts), add a
 * perturbation there (differentiating w.r.t. a zero perturbation gives dz/da at every site in one
 * backward pass), and tap the read values. Logits are read before any final softmax.
 */
import * as tf from '@tensorflow/tfjs';
import { fail, unknownNameError } from '../messages/index.js';
import { inputGradLayerCall } from './input-grad-ops.js';
import { logitsSource } from './logits.js';
import { modelGraph, type GraphStep } from './model-graph.js';
import { filterReads, siteReads, type SiteRead } from './sites.js';
import { deadChannels } from './dead-channels.js';

export interface ForwardOptions {
  /** Per site name, a 0/1 (or any weight) vector over its neurons, multiplied into the site's read value. */
  masks?: Record<string, Float32Array>;
  /** Per site name, a tensor of the read value's shape added at the read point (after the mask). */
  perturb?: Record<string, tf.Tensor>;
  /** Return each site's read value (after mask and perturbation). Default false. */
  taps?: boolean;
  /**
   * The caller differentiates only w.r.t. x or the perturbations, never w.r.t. weights: Dense and Conv2D layers
   * then run as single fused ops with an input-only gradient (input-grad-ops.ts), which is much faster in
   * gradient mode. Weight gradients through such a forward are wrong. Default false.
   */
  inputGradsOnly?: boolean;
  /** Internal (profiling): called with every computed graph tensor (by symbolic id); what it returns flows on. */
  hook?: (tensorId: number, value: tf.Tensor) => tf.Tensor;
  /**
   * Internal (profiling): graph tensors already computed (by symbolic id), taken as final values (no mask,
   * perturbation, tap or hook applied to them); a step whose outputs are all seeded is skipped.
   */
  seed?: ReadonlyMap<number, tf.Tensor>;
  /**
   * Run Dropout and BatchNormalization in training mode (the training loop); 'batch-norm': BatchNormalization only
   * (batch statistics, moving statistics updated; re-estimating them), everything else in inference mode. Default
   * false (inference).
   */
  training?: boolean | 'batch-norm';
}

export interface ForwardResult {
  /** Pre-softmax logits [batch, classes]. */
  logits: tf.Tensor2D;
  /** Site name -> read value ([b, units] or [b, h, w, channels]); empty unless `taps` was set. */
  taps: Record<string, tf.Tensor>;
}

/** An activation object that tfjs layers treat as "linear" (used to evaluate a fused-softmax classifier). */
const LINEAR = { getClassName: () => 'linear', apply: (x: tf.Tensor) => x };

function callStep(step: GraphStep, inputs: tf.Tensor[], withoutActivation: boolean, inputGradsOnly: boolean, training: boolean): tf.Tensor[] {
  if (inputGradsOnly && !withoutActivation && inputs.length === 1) {
    const fast = inputGradLayerCall(step.layer, step.spec.kind, inputs[0]!);
    if (fast) return [fast];
  }
  const kwargs: Record<string, unknown> = { ...step.callArgs, training };
  delete kwargs['mask'];
  const layer = step.layer as unknown as { activation: unknown; call(x: tf.Tensor | tf.Tensor[], k: unknown): tf.Tensor | tf.Tensor[] };
  const saved = layer.activation;
  if (withoutActivation) layer.activation = LINEAR;
  try {
    const out = layer.call(inputs.length === 1 ? inputs[0]! : inputs, kwargs);
    return Array.isArray(out) ? out : [out];
  } finally {
    if (withoutActivation) layer.activation = saved;
  }
}

function checkInput(model: tf.LayersModel, x: tf.Tensor): void {
  const want = modelGraph(model).inputShape;
  const got = x.shape.slice(1);
  if (got.length !== want.length || want.some((d, i) => d !== null && d !== got[i])) {
    throw fail('BAD_INPUT_SHAPE', { shape: x.shape, model: model.name, want });
  }
}

function checkSiteMap(model: tf.LayersModel, reads: SiteRead[], what: string, map: Record<string, Float32Array | tf.Tensor> | undefined): void {
  if (!map) return;
  const names = reads.map((r) => r.site.name);
  for (const [name, v] of Object.entries(map)) {
    const r = reads.find((s) => s.site.name === name);
    if (!r) throw unknownNameError('UNKNOWN_SITE', `site in ${what} for model "${model.name}"`, name, names);
    if (what === 'masks' && (v as ArrayLike<number>).length !== r.site.neurons) {
      throw fail('BAD_MASK', { case: 'site', site: name, entries: (v as ArrayLike<number>).length, neurons: r.site.neurons });
    }
  }
}

/**
 * Run the model on x (inference mode: Dropout off, BatchNormalization with moving statistics), with optional masks,
 * perturbations and taps at the sites. Runs inside tf.tidy: only the returned tensors survive; they belong to the
 * caller. Differentiable (use it inside tf.grads).
 *
 * @example
 * const { logits, taps } = forward(model, x, { masks: { fc1: mask }, taps: true });
 * logits.dispose(); Object.values(taps).forEach((t) => t.dispose());
 */
export function forward(model: tf.LayersModel, x: tf.Tensor4D, opts: ForwardOptions = {}): ForwardResult {
  const src = logitsSource(model);
  return tf.tidy(() => {
    const { values, taps } = runGraph(model, x, opts);
    const logits = values.get(src.tensorId);
    if (!logits || logits.rank !== 2) {
      throw fail('BAD_MODEL', { case: 'logits', model: model.name, ...(logits ? { shape: logits.shape } : {}) });
    }
    return { logits: logits as tf.Tensor2D, taps };
  });
}

/**
 * Internal (profiling): run the graph only until the tensor `stopId` is computed. Returns every graph tensor
 * computed so far (by symbolic id, as a seed for a later forward) and the taps of the sites among them. Runs
 * inside tf.tidy: the returned tensors belong to the caller.
 */
export function forwardPrefix(model: tf.LayersModel, x: tf.Tensor4D, stopId: number, opts: ForwardOptions = {}): { values: Map<number, tf.Tensor>; taps: Record<string, tf.Tensor> } {
  const r = tf.tidy(() => {
    const { values, taps } = runGraph(model, x, opts, stopId);
    const byId: Record<string, tf.Tensor> = {};
    for (const [id, v] of values) if (v !== x) byId[String(id)] = v;
    return { byId, taps };
  });
  return { values: new Map(Object.entries(r.byId).map(([id, v]) => [Number(id), v])), taps: r.taps };
}

/**
 * Per filter read point (DepthwiseConv2D after its followers) where a mask zeroes some of its input channels: 1 to
 * keep, 0 where the channel goes with its masked input (dead-channels.ts). Undefined when there is none.
 */
function filterMultipliers(model: tf.LayersModel, masks: Record<string, Float32Array>): Map<number, Float32Array> | undefined {
  const filters = filterReads(model);
  if (filters.length === 0) return undefined;
  const { zeroed } = deadChannels(model, masks);
  const out = new Map<number, Float32Array>();
  for (const f of filters) {
    const z = zeroed.get(f.tensorId);
    if (z?.some((v) => v === 1)) out.set(f.tensorId, Float32Array.from(z, (v) => 1 - v));
  }
  return out.size ? out : undefined;
}

/** The graph walk of forward(); stops once `stopId` (if given) is computed. Call inside tf.tidy. */
function runGraph(model: tf.LayersModel, x: tf.Tensor4D, opts: ForwardOptions, stopId?: number): { values: Map<number, tf.Tensor>; taps: Record<string, tf.Tensor> } {
  const g = modelGraph(model);
  // A model without sites (a single classifier layer) still runs; it just has nothing to mask or tap.
  const reads = opts.masks || opts.perturb || opts.taps ? siteReads(model) : [];
  const src = logitsSource(model);
  checkInput(model, x);
  checkSiteMap(model, reads, 'masks', opts.masks);
  checkSiteMap(model, reads, 'perturb', opts.perturb);
  const readAt = new Map(reads.map((r) => [r.tensorId, r.site]));
  const filterZeros = opts.masks ? filterMultipliers(model, opts.masks) : undefined;
  const values = new Map<number, tf.Tensor>([[g.inputIds[0]!, x]]);
  const taps: Record<string, tf.Tensor> = {};
  if (opts.seed) for (const [id, v] of opts.seed) values.set(id, v);
  for (const step of g.steps) {
    if (src.mode === 'input' && step.layer.name === src.layer) continue;
    if (opts.seed && step.outputIds.every((id) => opts.seed!.has(id))) continue;
    const inputs = step.inputIds.map((id) => values.get(id));
    if (inputs.some((t) => t === undefined)) continue;
    const training = opts.training === true || (opts.training === 'batch-norm' && step.spec.kind === 'batch-norm');
    const outs = callStep(step, inputs as tf.Tensor[], src.mode === 'pre-activation' && step.layer.name === src.layer, opts.inputGradsOnly === true, training);
    step.outputIds.forEach((id, k) => {
      let v = outs[k]!;
      const site = readAt.get(id);
      if (site) {
        const m = opts.masks?.[site.name];
        if (m) v = tf.mul(v, tf.tensor1d(m, 'float32'));
        const p = opts.perturb?.[site.name];
        if (p) v = tf.add(v, p);
        if (opts.taps) taps[site.name] = v;
      }
      const keep = filterZeros?.get(id);
      if (keep) v = tf.mul(v, tf.tensor1d(keep, 'float32'));
      if (opts.hook) v = opts.hook(id, v);
      values.set(id, v);
    });
    if (stopId !== undefined && values.has(stopId)) break;
  }
  return { values, taps };
}

/**
 * Pre-softmax logits of the model on x, with optional neuron masks. The tensor belongs to the caller.
 *
 * @example
 * const z = logitsOf(model, x, { fc1: mask }); z.dispose();
 */
export function logitsOf(model: tf.LayersModel, x: tf.Tensor4D, masks?: Record<string, Float32Array>): tf.Tensor2D {
  return forward(model, x, masks ? { masks } : {}).logits;
}
