/**
 * Replace tfjs' registered gradient of a kernel, keeping the original for the cases the replacement does not take
 * and for restoring it. Gradients are global in tfjs (not per backend), so a replacement checks the backend itself
 * and hands other cases to `original`.
 *
 * @example
 * const relu = gradientOverride('Relu', ['x'], (original) => (dy, saved, attrs) => original.gradFunc(dy, saved, attrs));
 * relu.register(); relu.restore();
 */
import * as tf from '@tensorflow/tfjs';

type GradFunc = tf.GradConfig['gradFunc'];

export interface GradientOverride {
  /** Register the replacement (idempotent). */
  register(): void;
  /** Put the original gradient back. */
  restore(): void;
}

export function gradientOverride(kernelName: string, inputsToSave: string[], make: (original: tf.GradConfig) => GradFunc): GradientOverride {
  let stock: tf.GradConfig | undefined;
  return {
    register() {
      if (stock !== undefined) return;
      const original = tf.getGradient(kernelName);
      if (original === undefined) return;
      stock = original;
      tf.registerGradient({ kernelName, inputsToSave, gradFunc: make(original) });
    },
    restore() {
      if (stock === undefined) return;
      tf.registerGradient(stock);
      stock = undefined;
    },
  };
}
