/**
 * Merging finds planted structure: seeded synthetic images whose classes come in families that share features
 * (src/engine/data/synthetic.ts, `groups`), a small MLP trained on them, sliced with the default tau 'auto'.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { syntheticSync } from '../../../src/engine/data/synthetic.js';
import { buildModel } from '../../../src/engine/models/index.js';
import { slice } from '../../../src/engine/slicing/slice-entry.js';
import { averageLinkage } from '../../../src/engine/slicing/merge.js';
import { withLogger } from '../../../src/engine/log.js';
import { fitDeterministic } from './fixtures.js';

const groups = [[0, 1, 2], [3, 4, 5], [6, 7, 8]];
const quiet = { warn: () => {}, info: () => {} };

describe('slicing/merge on planted class families', function () {
  this.timeout(60000);
  for (const seed of [0, 1, 2]) {
    it(`recovers the three planted families exactly (seed ${seed}), where the old fixed tau 0.5 does not`, async () => {
      const d = syntheticSync({ classes: 9, perClass: 30, shape: [12, 12, 1], seed, groups, groupSpread: 0.15 });
      const m = buildModel('mlp', { inputShape: [12, 12, 1], numClasses: 9, seed, width: 0.5 });
      try {
        await fitDeterministic(m, d.train, 10);
        const before = tf.memory().numTensors; // after fit: the optimizer's variables stay with the model
        const s = await withLogger(quiet, () => slice(m, d.train, { metric: 'avg', theta: 0.9 }));
        assert.equal(s.params.tau, 'auto');
        assert.equal(s.state.merge.rule, 'silhouette');
        assert.deepEqual(s.components.map((c) => c.classes), groups);
        assert.notDeepEqual(averageLinkage(s.similarity.overall, 0.5), groups);
        // the JSON records the rule and the cut, and reloads to the same components
        const j = s.toJSON();
        assert.equal(j.version, 2);
        assert.equal(j.merge?.rule, 'silhouette');
        assert.equal(j.merge?.cut, s.state.merge.cut);
        assert.equal(tf.memory().numTensors, before);
      } finally {
        m.dispose();
      }
    });
  }
});
