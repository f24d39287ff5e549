import * as tf from '@tensorflow/tfjs';
import type { LogitsModel } from '../graph/index.js';
import { crossEntropy, groupedLogits } from './loss.js';
import type { WeightPlan } from './weight-plan.js';
import type { FusedAdam } from './adam.js';

/** One optimizer step's outputs, still on the device (read them rarely: a read is a sync point). */
export interface StepResult {
  /** Mean loss of the batch. */
  loss: tf.Scalar;
  /** Number of correctly classified samples in the batch. */
  correct: tf.Scalar;
}

/**
 * Build the training step: forward in training mode on the logits (each sample's softmax restricted to its group
 * when `groups`, loss.ts's groupTable, is given), fused softmax cross-entropy (plus the extra loss
 * terms, if any), gradients of the planned variables only, one Adam update with the gradient masks applied inside
 * it, then frozen entries restored. The caller owns the batch.
 */
export function makeStep(head: LogitsModel, plan: WeightPlan, optimizer: FusedAdam, extraLoss?: () => tf.Scalar, groups?: tf.Tensor2D): (xs: tf.Tensor4D, ys: tf.Tensor1D) => StepResult {
  return (xs, ys) => {
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const s = groupedLogits(head.apply(xs, true), ys, groups);
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(s, 1), ys), 'float32')) as tf.Scalar);
      const ce = crossEntropy(s, ys, head.units);
      return extraLoss ? tf.add(ce, extraLoss()) as tf.Scalar : ce;
    }, plan.varList);
    try {
      optimizer.step(grads, { masks: plan.gradientMasks });
    } finally {
      tf.dispose(grads);
    }
    plan.restore();
    return { loss: value as tf.Scalar, correct: correct! };
  };
}
