/**
 * Tape-free forward/backward for profiling a plain layer chain (e.g. LeNet after its first site): every step after
 * the first tapped tensor has one input and one output, consumed only by the next step, and is a Dense or Conv2D
 * (relu or linear), MaxPooling2D, Flatten, Dropout or a relu Activation. The forward keeps every step's input and
 * output (references, no copies); the backward of sum_b z_{y_b} is then propagated by hand with the same ops the
 * recorded path uses (matmul with Wᵀ materialised first, relu masks by step(y), conv2dTranspose, MaxPoolGrad), so
 * the gradients are the same values. tfjs's tape would copy every tensor it saves (wasm's Identity copies) and
 * record every op; here nothing is copied and each gradient is released as soon as the next one exists.
 * Anything else (residual Adds, BatchNormalization, other activations, masks) returns undefined from planChain and
 * runs on the tape as before.
 */
import * as tf from '@tensorflow/tfjs';
import { logitsSource } from './logits.js';
import { modelGraph } from './model-graph.js';
import { siteReads } from './sites.js';

type Act = 'relu' | 'linear';

type ChainStep =
  | { kind: 'dense'; act: Act; w: () => tf.Tensor; bias: () => tf.Tensor | undefined }
  | { kind: 'conv'; act: Act; w: () => tf.Tensor4D; bias: () => tf.Tensor | undefined; strides: [number, number]; pad: 'same' | 'valid' }
  | { kind: 'maxpool'; size: [number, number]; strides: [number, number]; pad: 'same' | 'valid' }
  | { kind: 'flatten' }
  | { kind: 'identity' }
  | { kind: 'relu' };

export interface ChainPlan {
  steps: ChainStep[];
  /** Per step, the slot (site index, 1-based among tapIds) whose gradient is read at its output, or -1. */
  slotAt: number[];
}

interface WeightLayer { kernel?: { read(): tf.Tensor }; bias?: { read(): tf.Tensor } | null }

const pairOf = (v: unknown, dflt: [number, number]): [number, number] =>
  (v === undefined || v === null ? dflt : Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : [v as number, v as number]);

/**
 * The chain from the tensor `startId` (slot 0's tap) to the logits, or undefined when the graph there is not a
 * plain chain of supported layers whose site reads are all on it (slots 1..n in order).
 */
export function planChain(model: tf.LayersModel, startId: number, startRank: number): ChainPlan | undefined {
  const g = modelGraph(model);
  const src = logitsSource(model);
  const reads = siteReads(model);
  const slotOf = new Map(reads.map((r, i) => [r.tensorId, i]));
  const steps: ChainStep[] = [];
  const slotAt: number[] = [];
  let at = startId;
  let nextSlot = 1;
  let rank = startRank;
  while (at !== src.tensorId) {
    const cons = g.consumers.get(at) ?? [];
    if (cons.length !== 1 || g.outputIds.includes(at) && at !== src.tensorId) return undefined;
    const step = cons[0]!;
    if (step.inputIds.length !== 1 || step.outputIds.length !== 1) return undefined;
    const cfg = step.layer.getConfig() as Record<string, unknown>;
    const l = step.layer as unknown as WeightLayer;
    const preAct = src.mode === 'pre-activation' && step.layer.name === src.layer;
    const actOf = (): Act | undefined => {
      if (preAct) return 'linear';
      const a = cfg['activation'];
      return a === 'relu' || a === 'linear' ? a : undefined;
    };
    let s: ChainStep | undefined;
    switch (step.spec.kind) {
      case 'dense': {
        const act = actOf();
        if (act && l.kernel && rank === 2) s = { kind: 'dense', act, w: () => l.kernel!.read(), bias: () => l.bias?.read() };
        break;
      }
      case 'conv2d': {
        const act = actOf();
        const dil = pairOf(cfg['dilationRate'], [1, 1]);
        const pad = cfg['padding'];
        if (act && l.kernel && rank === 4 && dil[0] === 1 && dil[1] === 1 && cfg['dataFormat'] !== 'channelsFirst' && (pad === 'same' || pad === 'valid')) {
          s = { kind: 'conv', act, w: () => l.kernel!.read() as tf.Tensor4D, bias: () => l.bias?.read(), strides: pairOf(cfg['strides'], [1, 1]), pad };
        }
        break;
      }
      case 'max-pool': {
        const pad = cfg['padding'];
        const size = pairOf(cfg['poolSize'], [2, 2]);
        if (rank === 4 && cfg['dataFormat'] !== 'channelsFirst' && (pad === 'same' || pad === 'valid')) s = { kind: 'maxpool', size, strides: pairOf(cfg['strides'], size), pad };
        break;
      }
      case 'flatten':
        if (cfg['dataFormat'] !== 'channelsFirst') {
          s = { kind: 'flatten' };
          rank = 2;
        }
        break;
      case 'dropout':
        s = { kind: 'identity' };
        break;
      case 'activation':
        if (cfg['activation'] === 'relu') s = { kind: 'relu' };
        else if (cfg['activation'] === 'linear') s = { kind: 'identity' };
        break;
      default:
        break;
    }
    if (!s) return undefined;
    at = step.outputIds[0]!;
    const slot = slotOf.get(at);
    if (slot !== undefined) {
      if (slot !== nextSlot) return undefined;
      nextSlot++;
    }
    steps.push(s);
    slotAt.push(slot ?? -1);
  }
  if (nextSlot !== reads.length) return undefined;
  return { steps, slotAt };
}

function forwardStep(s: ChainStep, x: tf.Tensor): tf.Tensor {
  switch (s.kind) {
    case 'dense': {
      const w = s.w();
      const bias = s.bias();
      const [b, k] = x.shape as [number, number];
      const inputs: tf.NamedTensorMap = { a: tf.reshape(x, [1, b, k]), b: tf.reshape(w, [1, k, w.shape[1]!]) };
      if (bias) inputs['bias'] = bias;
      const y3 = tf.engine().runKernel('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation: s.act }) as tf.Tensor;
      return tf.reshape(y3, [b, w.shape[1]!]);
    }
    case 'conv': {
      const inputs: tf.NamedTensorMap = { x, filter: s.w() };
      const bias = s.bias();
      if (bias) inputs['bias'] = bias;
      return tf.engine().runKernel('FusedConv2D', inputs, { strides: s.strides, pad: s.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: s.act }) as tf.Tensor;
    }
    case 'maxpool':
      return tf.maxPool(x as tf.Tensor4D, s.size, s.strides, s.pad);
    case 'flatten':
      return tf.reshape(x, [x.shape[0]!, -1]);
    case 'identity':
      return x;
    case 'relu':
      return tf.relu(x);
  }
}

/** dL/dx of one step from dL/dy; x and y are the step's input and output. */
function backwardStep(s: ChainStep, dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  switch (s.kind) {
    case 'dense': {
      const m = s.act === 'relu' ? masked(dy, y) : dy;
      const wT = tf.transpose(s.w());
      const dx = tf.matMul(m, wT);
      tf.dispose(m === dy ? [wT] : [m, wT]);
      return dx;
    }
    case 'conv': {
      const m = s.act === 'relu' ? masked(dy, y) : dy;
      const dx = tf.conv2dTranspose(m as tf.Tensor4D, s.w(), x.shape as [number, number, number, number], s.strides, s.pad);
      if (m !== dy) m.dispose();
      return dx;
    }
    case 'maxpool':
      return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: s.size, strides: s.strides, pad: s.pad }) as tf.Tensor;
    case 'flatten':
      return tf.reshape(dy, x.shape);
    case 'identity':
      return dy;
    case 'relu':
      return masked(dy, y);
  }
}

/** dy ⊙ relu'(y), releasing the step mask at once (its memory is reused by the next allocation). */
function masked(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const d = tf.step(y);
  const m = tf.mul(dy, d);
  d.dispose();
  return m;
}

/**
 * Run the chain from `start` (slot 0's tensor) to the logits and back. Returns the logits, the value at every
 * slot > 0 (index = slot) and dz/da for every slot (index 0 = at `start`). Call inside tf.tidy: the results belong to
 * the enclosing scope; intermediates are released early.
 */
export function runChain(plan: ChainPlan, start: tf.Tensor, onehot: tf.Tensor, slots: number):
  { logits: tf.Tensor2D; values: tf.Tensor[]; grads: tf.Tensor[] } {
  const xs: tf.Tensor[] = [start];
  const values: tf.Tensor[] = new Array<tf.Tensor>(slots);
  values[0] = start;
  for (let i = 0; i < plan.steps.length; i++) {
    const y = forwardStep(plan.steps[i]!, xs[i]!);
    xs.push(y);
    if (plan.slotAt[i]! >= 0) values[plan.slotAt[i]!] = y;
  }
  const logits = xs[xs.length - 1]! as tf.Tensor2D;
  const grads: tf.Tensor[] = new Array<tf.Tensor>(slots);
  const keep = new Set<tf.Tensor>([...values, logits]);
  let g: tf.Tensor = onehot;
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const slot = plan.slotAt[i]!;
    if (slot >= 0) grads[slot] = g;
    const gx = backwardStep(plan.steps[i]!, g, xs[i]!, xs[i + 1]!);
    // Release what no later step reads: this step's output (unless a site value or the logits) and its dy.
    if (g !== onehot && slot < 0 && gx !== g) g.dispose();
    const y = xs[i + 1]!;
    if (!keep.has(y) && y !== xs[i]) y.dispose();
    g = gx;
  }
  grads[0] = g;
  return { logits, values, grads };
}
