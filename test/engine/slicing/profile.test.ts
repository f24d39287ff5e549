import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { profile } from '../../../src/engine/slicing/profile/profile.js';
import { createBatchContext, disposeBatchContext } from '../../../src/engine/slicing/profile/batch.js';
import { findSites } from '../../../src/engine/graph/index.js';
import { referenceProfile, poolWindowCensus } from './reference/float64.js';
import { tinyCnn, tinyMlp, wideCnn } from './reference/models.js';
import { arrayDataset, randomDataset } from './reference/array-dataset.js';
import type { Dataset } from '../../../src/engine/data/types.js';
import { tieDataset } from './reference/tie-data.js';
import type { ProfileStats } from '../../../src/engine/slicing/profile/stats.js';

const RAW = ['avg', 'var', 'taylor', 'deeplift'] as const;

/** |x - r| <= tol * (|r| + 1e-3 * max|r|) elementwise: 1e-4 relative, with a floor for entries near zero. */
export function assertClose(got: Float32Array, want: Float64Array, tol: number, what: string): void {
  assert.equal(got.length, want.length, what);
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    assert.ok(err <= tol * (Math.abs(want[i]!) + 1e-3 * scale), `${what}[${i}]: ${got[i]} vs ${want[i]} (max ${scale})`);
  }
}

export function compareWithReference(stats: ProfileStats, model: tf.LayersModel, data: Parameters<typeof referenceProfile>[1], onlyCorrect: boolean): void {
  const ref = referenceProfile(model, data, onlyCorrect);
  assert.deepEqual(stats.counts, ref.counts);
  for (const s of stats.sites) {
    for (const m of RAW) {
      assertClose(stats.get(m, s.name), ref.stats[m][s.name]!, 1e-4, `${m} ${s.name}`);
      assertClose(stats.getGlobal(m, s.name), ref.global[m][s.name]!, 1e-4, `global ${m} ${s.name}`);
    }
  }
}

/** The data relabelled with the model's own predictions, except every k-th sample, which gets a wrong label. */
export function labelByModel(m: tf.LayersModel, data: Dataset, k: number): Dataset {
  const all = Int32Array.from({ length: data.size }, (_, i) => i);
  const { images } = data.gather(all);
  const classes = data.numClasses;
  const pred = tf.tidy(() => tf.argMax(m.predict(tf.tensor4d(images, [data.size, ...data.sampleShape])) as tf.Tensor, 1).dataSync());
  const labels = Int32Array.from(pred, (p, i) => (i % k === 0 ? (p + 1) % classes : p));
  return arrayDataset(images, labels, [...data.sampleShape] as [number, number, number], classes);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`engine/slicing/profile on ${backend}: statistics equal a float64 reference`, () => {
    before(async () => { await initBackend({ backend, quiet: true }); });

    it('tiny MLP: avg, var, taylor, deeplift per class and global', async () => {
      const m = tinyMlp(3);
      const data = randomDataset(40, [3, 3, 1], 3, 5);
      const stats = await profile(m, data, { onlyCorrect: false, batchSize: 16 });
      compareWithReference(stats, m, data, false);
      m.dispose();
    });

    it('tiny CNN with max pooling, dead windows and ties: all statistics, also with onlyCorrect', async () => {
      const m = tinyCnn(23); // a seed whose random model predicts all three classes
      // conv1 feeds only a 2x2 pool and its a_ref is constant: its gradient is taken after the pool (checked here too).
      const ctx = await createBatchContext(m, findSites(m), [8, 8, 1], { numClasses: 3, needGrad: true, onlyCorrect: false });
      assert.deepEqual(ctx.pooledFirst?.poolShape, [4, 4, 3]);
      disposeBatchContext(ctx);
      const data = tieDataset(30, [8, 8, 1], 3, 4);
      const census = poolWindowCensus(m, data);
      assert.ok(census.dead > 0 && census.positiveTies > 0, `data must exercise dead windows and ties: ${JSON.stringify(census)}`);
      compareWithReference(await profile(m, data, { onlyCorrect: false, batchSize: 8 }), m, data, false);
      const mixed = labelByModel(m, data, 4);
      const correct = await profile(m, mixed, { batchSize: 8 });
      assert.equal(correct.counts.reduce((a, b) => a + b), 30 - 8, 'every 4th sample is misclassified and dropped');
      compareWithReference(correct, m, mixed, true);
      m.dispose();
    });

    it('a conv site with many channels (reduced by tf.sum instead of the pooling matrix)', async () => {
      const m = wideCnn(5);
      const data = tieDataset(20, [6, 6, 1], 3, 9);
      compareWithReference(await profile(m, data, { onlyCorrect: false, batchSize: 8 }), m, data, false);
      m.dispose();
    });
  });
}
