import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { applyStopRule, restructure } from '../../../src/engine/maintenance/index.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { getStudy, listStudies } from '../../../src/engine/studies/index.js';
import { clearRestructureStudyCache, restructureGrid, RESTRUCTURE_SIZES } from '../../../src/engine/studies/restructure.js';
import { train } from '../../../src/engine/train/index.js';
import { prototypeData } from '../slicing/fixtures.js';

describe('engine/studies/restructure', function () {
  this.timeout(600_000);
  before(async () => { await initBackend({ quiet: true }); });
  after(() => clearRestructureStudyCache());

  it('the grids: item 7 of issue 12 in full, a handful of cells in small', () => {
    assert.ok(listStudies().some((d) => d.name === 'restructure'));
    const full = restructureGrid('full');
    // LeNet-5 (2 datasets) and vgg-small: 3 pre-steps; resnet-small: 4 (deeparc); 4 pruners; 3 seeds.
    assert.equal(full.length, (3 + 3 + 3 + 4) * 4 * 3);
    assert.deepEqual([...new Set(full.map((c) => `${c.model}/${c.dataset}/${c.batchNorm}`))],
      ['lenet5/mnist/false', 'lenet5/fashion-mnist/false', 'resnet-small/fashion-mnist/false', 'vgg-small/fashion-mnist/true']);
    assert.deepEqual([...new Set(full.filter((c) => c.model === 'resnet-small').map((c) => c.pre))], ['none', 'slice', 'random', 'deeparc']);
    assert.deepEqual([...new Set(full.map((c) => c.pruner))], ['lamp', 'global', 'uniform-plus', 'erk']);
    assert.deepEqual(RESTRUCTURE_SIZES.full.targets, [0.9, 0.95]);
    assert.ok(restructureGrid('small').length <= 4);
  });

  it('the stop rule read off one run to the larger target gives what a run to the smaller target returns', async () => {
    const trainData = prototypeData({ classes: 4, perClass: 40, seed: 3 });
    const testData = prototypeData({ classes: 4, perClass: 15, seed: 3, split: 'test' });
    const model = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 2, width: 0.25 });
    await train(model, trainData, { epochs: 6, batchSize: 16, seed: 1, learningRate: 0.01 });
    const o = { train: trainData, test: testData, pruner: 'lamp', fineTune: { steps: 3, batchSize: 16 }, seed: 1 };
    const long = await restructure(model, null, { ...o, maxDrop: 0.2, targetCR: 0.9 });
    let compared = 0;
    for (const [t, d] of [[0.3, 0.05], [0.5, 0.05], [0.7, 0.05], [0.7, 0.02], [0.8, 0.2]] as const) {
      const short = await restructure(model, null, { ...o, maxDrop: d, targetCR: t });
      const at = applyStopRule(long.rows, long.original.accuracy - d, t);
      const row = long.rows.find((x) => x.iteration === at.iteration)!;
      assert.deepEqual({ ni: at.ni, cr: at.cr, ma: row.testAccuracy, reached: at.reached, stop: at.stop }, { ni: short.ni, cr: short.cr, ma: short.ma, reached: short.reached, stop: short.stop }, `target ${t}, bound ${d}`);
      if (short.reached) compared++;
      short.model.dispose();
    }
    assert.ok(compared >= 1, 'at least one target is reached, so the comparison covers the target branch');
    long.model.dispose();
    model.dispose();
  });

  it('one small cell: a row per target CR with NI, CR, MA and the budget every method shares', async () => {
    const def = getStudy('restructure');
    const cell = restructureGrid('small').find((c) => c.pre === 'slice')!;
    const rows = await def.run(cell, { preset: 'small' });
    assert.equal(rows.length, 4);
    assert.deepEqual(rows.map((r) => [r['maxDrop'], r['targetCR']]), [[0.01, 0.9], [0.01, 0.95], [0.03, 0.9], [0.03, 0.95]]);
    const s = RESTRUCTURE_SIZES.small;
    for (const r of rows) {
      assert.ok(Number.isInteger(r['ni']) && (r['ni'] as number) >= 0);
      assert.ok((r['cr'] as number) > 0 && (r['cr'] as number) < 1);
      assert.ok((r['preCR'] as number) > 0 && (r['neuronsRemoved'] as number) > 0, 'the slice removed neurons');
      if (r['reached']) assert.ok((r['cr'] as number) >= (r['targetCR'] as number) && (r['valAccuracy'] as number) >= (r['originalValAccuracy'] as number) - (r['maxDrop'] as number));
      else assert.notEqual(r['stop'], 'target');
      assert.equal(r['ftSteps'], s.fineTune.steps);
      assert.equal(r['ftBatchSize'], s.fineTune.batchSize);
      assert.equal(r['ftLearningRate'], s.fineTune.learningRate);
      assert.equal(r['optimizer'], 'adam');
      assert.equal(r['trainCount'], s.trainCount);
      assert.equal(r['testCount'], s.testCount);
      const traj = r['trajectory'] as Array<[number, number, number]>;
      assert.equal(traj.length, (r['ni'] as number) + 1);
    }
    // The 0.90 result never uses more iterations than the 0.95 one, nor the 1-point bound more than the 3-point one
    // (same run, earlier stop).
    assert.ok((rows[0]!['ni'] as number) <= (rows[1]!['ni'] as number));
    assert.ok((rows[1]!['ni'] as number) <= (rows[3]!['ni'] as number));
    // The same cell again (base model from the cache): the same rows, byte for byte (no wall times in rows).
    const again = await def.run(cell, { preset: 'small' });
    assert.equal(JSON.stringify(again), JSON.stringify(rows));
    assert.ok(tf.memory().numTensors > 0);
  });
});
