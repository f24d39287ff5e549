/**
 * A user's model with Keras' BatchNormalization momentum 0.99 and little training: train() warns once, naming the
 * layers and the fix, and by default re-estimates the moving statistics on the training data, so evaluation is not
 * silently at chance; recomputeBatchNormStatistics() is exact, deterministic and touches nothing else.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { fromArrays, synthetic } from '../../../src/engine/data/index.js';
import type { DatasetSplits } from '../../../src/engine/data/types.js';
import { withLogger } from '../../../src/engine/log.js';
import { modelFingerprint } from '../../../src/engine/models/fingerprint.js';
import { evaluate, recomputeBatchNormStatistics, staleBatchNorms, train, type TrainOptions } from '../../../src/engine/train/index.js';
import { Rng } from '../../../src/engine/rng.js';
import { mobilenetSmall } from '../mobilenet/models.js';

async function trainCapturing(model: tf.LayersModel, d: DatasetSplits, o: TrainOptions): Promise<string[]> {
  const warnings: string[] = [];
  await withLogger({ warn: (m) => warnings.push(m), info: () => {} }, () => train(model, d.train, { epochs: 3, batchSize: 16, seed: 0, learningRate: 0.01, workers: 1, ...o }));
  return warnings;
}

const BN_LAYERS = ['stem_bn', 'block1_dw_bn', 'block1_pw_bn', 'block2_dw_bn', 'block2_pw_bn'];

describe('engine/train: BatchNormalization statistics after short training', function () {
  this.timeout(120_000);
  let d: DatasetSplits;
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    d = await synthetic({ classes: 4, perClass: 100, testPerClass: 30, shape: [16, 16, 1], seed: 1 });
  });
  const build = () => mobilenetSmall(0, { inputShape: [16, 16, 1], classes: 4 });

  it('recomputeBatchNorm false: one warning naming every layer, the steps and the fix; evaluation is at chance (the failure it names)', async () => {
    const m = build();
    const w = await trainCapturing(m, d, { recomputeBatchNorm: false });
    assert.equal(w.length, 1, w.join('\n'));
    for (const l of BN_LAYERS) assert.match(w[0]!, new RegExp(`\\b${l}\\b`));
    assert.match(w[0]!, /momentum 0\.99\) start untrained and get 75 training steps/);
    assert.match(w[0]!, /recomputeBatchNorm: true/);
    assert.match(w[0]!, /recomputeBatchNormStatistics\(model, data\)/);
    assert.ok((await evaluate(m, d.train)).accuracy <= 0.35, 'measured: chance (0.25) on the very data it fits in training mode');
    m.dispose();
  });

  it("default ('auto'): one warning saying what was done; test accuracy follows training accuracy; same bytes run after run", async () => {
    const start = tf.memory().numTensors;
    const a = build(), b = build();
    const w = await trainCapturing(a, d, {});
    await withLogger({ warn: () => {}, info: () => {} }, () => trainCapturing(b, d, {}));
    assert.equal(w.length, 1);
    assert.match(w[0]!, /re-estimated on 400 training samples after training \(\{ recomputeBatchNorm: "auto" \}/);
    const acc = (await evaluate(a, d.test)).accuracy;
    assert.ok(acc >= 0.9, `test accuracy ${acc}`);
    assert.equal((await modelFingerprint(a)), (await modelFingerprint(b)));
    a.dispose(); b.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it('a trained model is never stale: fine-tuning it warns nothing', async () => {
    const m = build();
    await trainCapturing(m, d, {});
    assert.deepEqual(await staleBatchNorms(m, 1), []);
    const w = await trainCapturing(m, d, { epochs: 1 });
    assert.deepEqual(w, []);
    m.dispose();
  });

  it('momentum 0.9 with enough steps is not stale; a short run of it is', async () => {
    const m = mobilenetSmall(0, { inputShape: [16, 16, 1], classes: 4, momentum: 0.9 });
    assert.deepEqual(await staleBatchNorms(m, 66), []);
    assert.deepEqual((await staleBatchNorms(m, 65)).map((s) => s.layer), BN_LAYERS);
    m.dispose();
  });

  it('frozen moving statistics keep their values through the re-estimate', async () => {
    const m = build();
    await trainCapturing(m, d, { trainable: (n) => !n.startsWith('stem_bn/'), recomputeBatchNorm: true });
    const [mean, variance] = [m.getLayer('stem_bn').getWeights()[2]!, m.getLayer('stem_bn').getWeights()[3]!];
    assert.ok(mean.dataSync().every((v) => v === 0) && variance.dataSync().every((v) => v === 1));
    assert.ok(m.getLayer('block1_dw_bn').getWeights()[2]!.dataSync().some((v) => v !== 0), 'the others are re-estimated');
    m.dispose();
  });

  it('recomputeBatchNormStatistics: the sample-weighted mean of the batches\' statistics; nothing else changes; deterministic', async () => {
    const rng = new Rng(4);
    const n = 40;
    const images = Float32Array.from({ length: n * 6 }, () => 3 + 2 * rng.normal());
    const data = fromArrays({ name: 'gauss', images, labels: Int32Array.from({ length: n }, (_, i) => i % 2), sampleShape: [1, 2, 3] });
    const make = () => tf.sequential({ layers: [
      tf.layers.flatten({ inputShape: [1, 2, 3] }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.dense({ units: 2, name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    ] });
    const m = make();
    const others = m.getLayer('out').getWeights().map((t) => Array.from(t.dataSync()));
    const r = await recomputeBatchNormStatistics(m, data, { batchSize: 16 });
    assert.deepEqual(r, { layers: ['bn'], samples: 40 });
    // Batches of 16, 16 and 8: per feature the weighted mean of the batch means (= the overall mean) and of the
    // batch (biased) variances.
    const [, , mean, variance] = m.getLayer('bn').getWeights().map((t) => t.dataSync());
    for (let f = 0; f < 6; f++) {
      const col = Array.from({ length: n }, (_, i) => images[i * 6 + f]!);
      const batches = [col.slice(0, 16), col.slice(16, 32), col.slice(32)];
      const mu = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
      const v = batches.reduce((a, b) => a + b.length * mu(b.map((x) => (x - mu(b)) ** 2)), 0) / n;
      assert.ok(Math.abs(mean![f]! - mu(col)) < 1e-5, `mean ${mean![f]} vs ${mu(col)}`);
      assert.ok(Math.abs(variance![f]! - v) < 1e-4 * v, `variance ${variance![f]} vs ${v}`);
    }
    assert.deepEqual(m.getLayer('out').getWeights().map((t) => Array.from(t.dataSync())), others);
    assert.equal((m.getLayer('bn') as unknown as { momentum: number }).momentum, 0.99, 'momentum restored');
    const again = make();
    await recomputeBatchNormStatistics(again, data, { batchSize: 16 });
    assert.equal((await modelFingerprint(again)), (await modelFingerprint(m)));
    await assert.rejects(recomputeBatchNormStatistics(m, data, { batchSize: 0 }), { code: 'BAD_ARGUMENT' });
    await assert.rejects(train(m, data, { recomputeBatchNorm: 'yes' as unknown as boolean }), { code: 'BAD_TRAIN_OPTIONS' });
    m.dispose(); again.dispose();
  });
});
