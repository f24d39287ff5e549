import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { prototypeData, fitDeterministic } from './fixtures.js';
import { slice } from '../../../src/engine/slicing/slice-entry.js';
import { subsetFidelity, bracketK } from '../../../src/engine/slicing/subset-fidelity.js';
import { damageMatrix, knockoutSets, summarise } from '../../../src/engine/slicing/damage.js';
import { compressionRate } from '../../../src/engine/masks/compression.js';
import { evaluate } from '../../../src/engine/train/evaluate.js';
import { withLogger } from '../../../src/engine/log.js';
import type { Slice } from '../../../src/engine/slicing/slice.js';

const data = { train: prototypeData({ classes: 4, perClass: 16, seed: 7 }), test: prototypeData({ classes: 4, perClass: 16, seed: 7, split: 'test' }) };
const quiet = { warn: () => {}, info: () => {} };

async function tinyMlp(): Promise<tf.LayersModel> {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const m = tf.sequential({ layers: [
    tf.layers.flatten({ inputShape: [6, 6, 1], name: 'flat' }),
    tf.layers.dense({ units: 20, activation: 'relu', name: 'fc1', kernelInitializer: init(1) }),
    tf.layers.dense({ units: 12, activation: 'relu', name: 'fc2', kernelInitializer: init(2) }),
    tf.layers.dense({ units: 4, activation: 'softmax', name: 'out', kernelInitializer: init(3) }),
  ] });
  return fitDeterministic(m, data.train);
}

describe('slicing/subsetFidelity and damageMatrix', function () {
  this.timeout(60000);
  let model: tf.LayersModel;
  let s: Slice;
  before(async () => {
    model = await tinyMlp();
    s = await withLogger(quiet, () => slice(model, data.train, { metric: 'taylor', theta: 0.9, tau: 0.99 })); // one component per class
  });
  after(() => model.dispose());

  it('bracketK finds the two k whose CRs straddle a target (CR falls as k grows)', () => {
    const crOf = (k: number) => 1 - Math.ceil(k / 10) / 10; // steps of 0.1
    const [lo, hi] = bracketK(crOf, 0.55)!;
    assert.ok(crOf(lo) >= 0.55 && crOf(hi) <= 0.55 && hi - lo < 1e-3, `${lo} ${hi}`);
    assert.equal(bracketK(crOf, 0.995), null, 'top-k cannot remove more than its smallest k does');
  });

  it('one row per component and per class; CR and accuracies measured as documented', async () => {
    const before = tf.memory().numTensors;
    const rows = await subsetFidelity(model, data.test, s);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(rows.map((r) => r.kind), ['component', 'component', 'component', 'component', 'class', 'class', 'class', 'class']);
    const r0 = rows[4]!;
    assert.equal(r0.name, 'class0 vs rest');
    assert.equal(r0.samples, data.test.size);
    assert.equal(r0.cr, compressionRate(model, s.forClasses([0]).mask()));
    // a component of one class: argmax over that class alone is always right
    assert.equal(rows[0]!.accuracy, 1);
    assert.equal(rows[0]!.samples, 16);
    for (const r of rows) {
      assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.fullAccuracy > 0.5, JSON.stringify(r));
      if (r.baselineAccuracy !== null) assert.ok(r.baselineK![0] <= r.baselineK![1]);
    }
  });

  it('damage: each class loses its most specific critical neurons; the matrix and its summary', async () => {
    const sets = knockoutSets(s, 0.25);
    for (const [r, set] of sets.entries()) {
      assert.ok(set['fc1']!.length <= 5 && set['fc2']!.length <= 3);
      for (const i of set['fc1']!) assert.ok(s.critical(r, 'fc1').includes(i), 'only critical neurons of that class');
    }
    const before = tf.memory().numTensors;
    const d = await damageMatrix(model, data.test, s, { fraction: 0.25 });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(d.drop.length, 4);
    const full = (await evaluate(model, data.test)).perClass;
    assert.deepEqual(d.baseline, full);
    d.drop.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - (d.baseline[c]! - d.accuracy[r]![c]!)) < 1e-12)));
    assert.deepEqual(summarise([[0.5, 0], [0.1, 0.4]]), { meanDiagonalDrop: 0.45, meanOffDiagonalDrop: 0.05, diagonalMaxRows: 2, rows: 2 });
    await assert.rejects(damageMatrix(model, data.test, s, { fraction: 0 }), (e: any) => e.code === 'BAD_OPTION');
  });
});
