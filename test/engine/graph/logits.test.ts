import * as tf from '@tensorflow/tfjs';
import { strict as assert } from 'node:assert';
import { forward, logitsModel, logitsSource } from '../../../src/engine/graph/index.js';
import { evaluate } from '../../../src/engine/train/evaluate.js';
import { randomDataset } from '../slicing/reference/array-dataset.js';

describe('engine/graph/logits: one resolver for training, evaluation and profiling', () => {
  it('a Dense classifier with a fused softmax: every path reads the same pre-softmax logits', () => {
    const m = tf.sequential({ layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({ units: 6, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'fc1' }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: 'out' }),
    ] });
    assert.equal(logitsSource(m).mode, 'pre-activation');
    const x = tf.randomUniform([5, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const trainPath = logitsModel(m).apply(x, false);
    const { logits: profilePath } = forward(m, x);
    const probs = m.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(trainPath.dataSync()), Array.from(profilePath.dataSync()));
    // They are logits, not probabilities: softmax of them is the model's output, and they are not that output.
    const sm = tf.softmax(trainPath);
    const diff = tf.max(tf.abs(tf.sub(sm, probs))).dataSync()[0]!;
    assert.ok(diff < 1e-6, `softmax(logits) vs output: ${diff}`);
    assert.ok(tf.max(tf.abs(tf.sub(trainPath, probs))).dataSync()[0]! > 1e-3);
    tf.dispose([x, trainPath, profilePath, probs, sm]);
    m.dispose();
  });

  it('the evaluator masked and unmasked agree when the mask keeps everything', async () => {
    const m = tf.sequential({ layers: [
      tf.layers.flatten({ inputShape: [8, 8, 1] }),
      tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }), name: 'fc1' }),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }), name: 'logits' }),
      tf.layers.activation({ activation: 'softmax', name: 'softmax' }),
    ] });
    const data = randomDataset(30, [8, 8, 1], 3, 7);
    const plain = await evaluate(m, data);
    const masked = await evaluate(m, data, { mask: { fc1: new Float32Array(5).fill(1) } });
    assert.deepEqual(masked.confusion, plain.confusion);
    const sub = await evaluate(m, data, { classes: [0, 2] });
    assert.equal(sub.samples, data.subsetClasses([0, 2]).size);
    assert.ok(sub.confusion!.every((row) => row[1] === 0), 'argmax restricted to the class set never predicts class 1');
    m.dispose();
  });
});
