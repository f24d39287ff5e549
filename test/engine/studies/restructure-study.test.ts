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

  it('the grids: every method of each configuration with each pruner and seed, a recovery cell first in full', () => {
    assert.ok(listStudies().some((d) => d.name === 'restructure'));
    const full = restructureGrid('full');
    const s = RESTRUCTURE_SIZES.full;
    assert.equal(full[0]!['kind'], 'recovery');
    const runs = full.filter((c) => c['kind'] === 'run');
    assert.equal(runs.length, s.configs.reduce((a, c) => a + c.methods.length * (c.pruners ?? s.pruners).length, 0) * s.seeds.length);
    assert.deepEqual([...new Set(runs.filter((c) => c['model'] === 'resnet-9').map((c) => c['method']))], ['none', 'slice', 'random', 'low-activation', 'deeparc', 'deeparc-lowest']);
    assert.deepEqual([...new Set(runs.filter((c) => c['model'] === 'lenet5').map((c) => c['method']))], ['none', 'slice', 'slice-0.95', 'random', 'low-activation']);
    assert.deepEqual(s.targets, [0.5, 0.7, 0.8, 0.9, 0.95]);
    assert.ok(restructureGrid('small').length >= 3, 'the Slurm test needs at least 3 small cells');
  });

  it('the stop rule read off one run to the larger target gives what a run to the smaller target returns', async () => {
    const trainData = prototypeData({ classes: 4, perClass: 40, seed: 3 });
    const testData = prototypeData({ classes: 4, perClass: 15, seed: 3, split: 'test' });
    const model = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 2, width: 0.25 });
    await train(model, trainData, { epochs: 6, batchSize: 16, seed: 1, learningRate: 0.01 });
    const o = { train: trainData, test: testData, pre: 'none', pruner: 'lamp', fineTune: { steps: 3, batchSize: 16 }, seed: 1 };
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

  it('small cells: the whole trajectory, accuracy at equal CR, the stop rule per bound and target, the arithmetic; a report', async () => {
    const def = getStudy('restructure');
    const s = RESTRUCTURE_SIZES.small;
    const cells = restructureGrid('small');
    const records = [];
    for (const [index, params] of cells.entries()) {
      const rows = await def.run(params, { preset: 'small' });
      assert.equal(rows.length, 1);
      const r = rows[0]!;
      const traj = r['trajectory'] as Array<[number, number, number, number]>;
      assert.ok(traj.length >= 2 && traj[0]![0] === 0);
      for (let i = 1; i < traj.length; i++) assert.ok(traj[i]![1] > traj[i - 1]![1], 'CR grows along the trajectory');
      assert.equal(r['rounds'], traj.length, 'one fine-tuning round per row: after the pre-step and after every iteration');
      const m = r['preCR'] as number;
      assert.equal(r['niArithmeticSaving'], m > 0 ? Math.log(1 - m) / Math.log(0.8) : 0);
      if (params['method'] === 'none') assert.equal(m, 0);
      else assert.ok(m > 0 && (r['neuronsRemoved'] as number) > 0, `${String(params['method'])} removed neurons`);
      const stops = r['stops'] as Array<{ maxDrop: number; targetCR: number; ni: number; reached: boolean }>;
      assert.equal(stops.length, s.maxDrops.length * s.targets.length);
      for (const t of s.targets) {
        const acc = r[`acc${Math.round(100 * t)}`] as number | null;
        if (traj.at(-1)![1] >= t) assert.ok(acc !== null && acc > 0 && acc <= 1, `accuracy read at CR ${t}`);
      }
      assert.equal(r['ftSteps'], s.fineTune.steps);
      assert.ok((r['timing'] as { seconds: number }).seconds > 0);
      const { timing: _t, ...det } = r;
      records.push({ index, id: JSON.stringify(params), params, rows: [det], seconds: 1 });
    }
    // The same cell again (base model and slices from the cache): the same rows, byte for byte, timings aside.
    const again = await def.run(cells[1]!, { preset: 'small' });
    const { timing: _a, ...detAgain } = again[0]!;
    assert.equal(JSON.stringify(detAgain), JSON.stringify(records[1]!.rows[0]));
    const rep = def.report!(records, 'small');
    assert.equal(rep.title, 'RQ2: restructuring');
    assert.ok(rep.claims.length >= 4 && rep.claims.every((c) => ['holds', 'does not hold', 'cannot be tested here'].includes(c.verdict)));
    assert.ok(rep.tables.some((t) => /at equal CR/.test(t.title)));
    assert.ok(tf.memory().numTensors > 0);
  });
});
