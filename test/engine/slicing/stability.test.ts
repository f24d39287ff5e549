import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { prototypeData, fitDeterministic } from './fixtures.js';
import { slice } from '../../../src/engine/slicing/slice-entry.js';
import { resamplePositions, MIN_STABLE_SAMPLES } from '../../../src/engine/slicing/stability.js';
import { withLogger } from '../../../src/engine/log.js';
import { Rng } from '../../../src/engine/rng.js';

const train = prototypeData({ classes: 3, perClass: 8, seed: 11 }); // below MIN_STABLE_SAMPLES per class

describe('slicing/stability (bootstrap)', function () {
  this.timeout(60000);
  let model: tf.LayersModel;
  before(async () => {
    const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
    model = await fitDeterministic(tf.sequential({ layers: [
      tf.layers.flatten({ inputShape: [6, 6, 1] }),
      tf.layers.dense({ units: 12, activation: 'relu', name: 'fc1', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out', kernelInitializer: init(2) }),
    ] }), train);
  });
  after(() => model.dispose());

  it('resamples within each class, keeping class sizes', () => {
    const labels = [0, 1, 0, 1, 2];
    const pos = resamplePositions(labels, 3, new Rng(1));
    assert.equal(pos.length, 5);
    assert.deepEqual([...pos].map((p) => labels[p]).sort(), [0, 0, 1, 1, 2]);
  });

  it('gives per-class Jaccard and co-membership, deterministically, without leaks; warns on a small sample', async () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m), info: () => {} };
    const before = tf.memory().numTensors;
    const a = await withLogger(log, () => slice(model, train, { theta: 0.9, bootstrap: 4, seed: 3 }));
    assert.equal(tf.memory().numTensors, before);
    const st = a.stability!;
    assert.equal(st.replicates, 4);
    assert.equal(st.componentCounts.length, 4);
    assert.deepEqual(st.classes, [0, 1, 2]);
    for (let i = 0; i < 3; i++) {
      assert.ok(st.jaccard[i]! >= st.jaccardMin[i]! && st.jaccard[i]! <= 1 && st.jaccardMin[i]! >= 0);
      assert.equal(st.coMembership[i]![i], 1);
      for (let j = 0; j < 3; j++) assert.equal(st.coMembership[i]![j], st.coMembership[j]![i]);
    }
    assert.ok(warnings.some((w) => /few profiling samples/.test(w) && new RegExp(`fewer than ${MIN_STABLE_SAMPLES}`).test(w)), warnings.join('\n'));
    const b = await withLogger(log, () => slice(model, train, { theta: 0.9, bootstrap: 4, seed: 3 }));
    assert.deepEqual(b.stability, st);
    assert.equal((await withLogger(log, () => slice(model, train, { theta: 0.9 }))).stability, null);
    await assert.rejects(() => slice(model, train, { bootstrap: -1 }), (e: any) => e.code === 'BAD_OPTION');
  });
});
