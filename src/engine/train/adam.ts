/**
 * The training loop's Adam: tfjs' AdamOptimizer, whose per-variable update (a dozen small kernels, a third of a
 * LeNet-5 step on wasm) runs as one native call where the backend has it (ADAM_KERNEL, registered with the native
 * addon). Same arithmetic in the same float32 order, so the weights are bit for bit those of tf.train.adam (a test);
 * elsewhere it is tf.train.adam unchanged. Saving and restoring its state (getWeights/setWeights) is the base class's.
 *
 * @example
 * const opt = adam(1e-3);
 * opt.applyGradients(grads);
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL } from '../backend/index.js';

type NamedVars = Array<{ originalName: string; variable: tf.Variable }>;

/**
 * Gradients of other replicas, flattened in one tensor: variable `name` gets grad + values[offsets(name) ...] /
 * divisor (then its mask, if any) before the update.
 */
export interface GradientAddend {
  values: tf.Tensor1D;
  offsets: ReadonlyMap<string, number>;
  divisor: number;
}

/** What `FusedAdam.step` folds into the gradients: other replicas' sums, and per-variable masks (multiplied last). */
export interface StepExtras {
  addend?: GradientAddend;
  masks?: ReadonlyMap<string, tf.Tensor>;
}

/** Adam with the one-call update where available. Defaults as tf.train.adam: beta1 0.9, beta2 0.999. */
export class FusedAdam extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    this.update(variableGradients, {});
  }

  /**
   * One update with `extras` folded into the gradients: (grad + addend / divisor) * mask per variable, inside the
   * one-call kernel where it exists, else as tensor ops before tfjs' own update (same values).
   *
   * @example
   * opt.step(grads, { addend: { values: otherReplicas, offsets, divisor: 64 }, masks });
   */
  step(grads: tf.NamedTensorMap, extras: StepExtras): void {
    this.update(grads as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0], extras);
  }

  private update(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0], extras: StepExtras): void {
    const { addend, masks } = extras;
    if (tf.getKernel(ADAM_KERNEL, tf.getBackend()) === undefined) {
      if (!addend && !masks) {
        super.applyGradients(variableGradients);
        return;
      }
      const grads = variableGradients as tf.NamedTensorMap;
      tf.tidy(() => {
        const folded: tf.NamedTensorMap = {};
        for (const [name, g] of Object.entries(grads)) {
          let x: tf.Tensor = g;
          const off = addend?.offsets.get(name);
          if (addend && off !== undefined) x = tf.add(x, tf.div(tf.reshape(tf.slice(addend.values, off, g.size), g.shape), addend.divisor));
          const m = masks?.get(name);
          folded[name] = m ? tf.mul(x, m) : x;
        }
        super.applyGradients(folded as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
      });
      return;
    }
    // The base class's fields, used the same way so that its state handling stays valid.
    const self = this as unknown as {
      accumulatedFirstMoment: NamedVars; accumulatedSecondMoment: NamedVars; accBeta1: tf.Variable; accBeta2: tf.Variable;
      learningRate: number; beta1: number; beta2: number; epsilon: number;
    };
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const grad: tf.Tensor | undefined = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
        if (grad == null) return;
        const m = self.accumulatedFirstMoment[i]!.variable;
        const v = self.accumulatedSecondMoment[i]!.variable;
        const off = addend?.offsets.get(name);
        const mask = masks?.get(name);
        const [nextValue, nextM, nextV] = tf.engine().runKernel(ADAM_KERNEL,
          { value, m, v, grad, accBeta1: self.accBeta1, accBeta2: self.accBeta2,
            ...(addend && off !== undefined ? { extra: addend.values } : {}), ...(mask ? { mask } : {}) },
          { beta1: self.beta1, beta2: self.beta2, epsilon: self.epsilon, learningRate: self.learningRate,
            ...(addend && off !== undefined ? { extraOffset: off, extraDivisor: addend.divisor } : {}) }) as tf.Tensor[];
        m.assign(nextM!);
        v.assign(nextV!);
        value.assign(nextValue!);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}

/** tf.train.adam's signature, with the one-call update where available. */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdam {
  return new FusedAdam(learningRate, beta1, beta2, epsilon);
}
