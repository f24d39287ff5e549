/**
 * Issue 14 follow-up: theta 'auto' for a task's slice: the smallest theta of the grid whose masked task accuracy on
 * held-out task data stays within the tolerance of the unmasked model's; recorded in the slice (thetaChoiceOf) and
 * in the extend result and manifest.
 */
import { strict as assert } from 'node:assert';
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { synthetic } from '../../../src/engine/data/index.js';
import type { Dataset, DatasetSplits } from '../../../src/engine/data/types.js';
import { extend, extendSequence } from '../../../src/engine/maintenance/index.js';
import { sliceTask, thetaChoiceOf, TASK_THETA_GRID } from '../../../src/engine/maintenance/slice-task.js';
import { buildModel } from '../../../src/engine/models/index.js';
import { evaluate, train } from '../../../src/engine/train/index.js';
import { isSemsliceError } from '../../../src/engine/errors.js';
import { Slice } from '../../../src/engine/slicing/index.js';
import { buildState } from '../../../src/engine/slicing/slice-state.js';
import '../../../src/engine/baselines/incremental/index.js';

const OLD = [0, 1, 2];
const NEW = [3, 4, 5];

describe('maintenance/sliceTask theta auto', function () {
  this.timeout(300_000);
  let d: DatasetSplits;
  let model: tf.LayersModel;
  let profiled: Dataset;
  let held: Dataset;
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    d = await synthetic({ classes: 6, perClass: 40, testPerClass: 15, shape: [16, 16, 1], seed: 4 });
    model = buildModel('mlp', { inputShape: [16, 16, 1], numClasses: 6, seed: 1, width: 0.25 });
    await train(model, d.train.subsetClasses(OLD), { epochs: 3, batchSize: 16, seed: 0, learningRate: 0.01 });
    profiled = d.train.subsetClasses(OLD);
    held = d.test.subsetClasses(OLD);
  });
  after(() => model.dispose());

  it('keeps the smallest theta of the grid within the tolerance, and the choice matches slices made at each theta', async () => {
    const tolerance = 0.01;
    const s = await sliceTask(model, profiled, OLD, { metric: 'taylor', theta: 'auto', validation: held, tolerance });
    const c = thetaChoiceOf(s);
    assert.ok(c, 'the choice is recorded');
    assert.equal(c.rule, 'auto');
    assert.equal(c.metric, 'taylor');
    assert.equal(s.params.theta, c.theta, 'the slice records the chosen theta');
    assert.equal(s.params.metric, 'taylor');
    assert.deepEqual(s.classes, OLD);
    assert.equal(c.validationSamples, held.size);
    assert.deepEqual(c.thetaGrid, [...TASK_THETA_GRID]);
    const unmasked = (await evaluate(model, held, { classes: OLD, confusion: false })).accuracy;
    assert.equal(c.unmasked, unmasked);
    // Every theta tried, recomputed independently with a numeric theta on the same profiling data.
    const ascending = [...TASK_THETA_GRID];
    assert.deepEqual(c.grid.map((g) => g.theta), ascending.slice(0, c.grid.length), 'tried in ascending order, stopping at the first hit');
    for (const g of c.grid) {
      const direct = await sliceTask(model, profiled, OLD, { metric: 'taylor', theta: g.theta });
      assert.equal(thetaChoiceOf(direct), null, 'a numeric theta records no choice');
      const masked = (await evaluate(model, held, { classes: OLD, mask: direct.mask(), confusion: false })).accuracy;
      assert.equal(g.masked, masked, `theta ${g.theta}`);
    }
    for (let i = 1; i < c.grid.length; i++) assert.ok(c.grid[i]!.kept >= c.grid[i - 1]!.kept, 'a larger theta keeps at least as many neurons');
    if (c.withinTolerance) {
      assert.ok(c.masked >= c.unmasked - tolerance - 1e-12, `chosen ${c.theta}: ${c.masked} vs ${c.unmasked}`);
      for (const g of c.grid.slice(0, -1)) assert.ok(g.masked < c.unmasked - tolerance, `theta ${g.theta} was within tolerance but not chosen`);
      assert.equal(c.grid.at(-1)!.theta, c.theta);
    } else {
      assert.equal(c.grid.length, TASK_THETA_GRID.length);
      assert.equal(c.masked, Math.max(...c.grid.map((g) => g.masked)));
    }
  });

  it('a tolerance of 1 accepts the smallest theta; a grid of one tiny theta with tolerance 0 reports when it falls short', async () => {
    const loose = await sliceTask(model, profiled, OLD, { theta: 'auto', validation: held, tolerance: 1, thetaGrid: [0.9, 0.3, 0.6] });
    assert.equal(thetaChoiceOf(loose)!.theta, 0.3, 'the grid is searched from its smallest theta');
    assert.equal(thetaChoiceOf(loose)!.grid.length, 1);
    const strict = await sliceTask(model, profiled, OLD, { theta: 'auto', validation: held, tolerance: 0, thetaGrid: [0.02] });
    const c = thetaChoiceOf(strict)!;
    assert.equal(c.withinTolerance, c.masked >= c.unmasked);
    assert.equal(c.theta, 0.02, 'the best of the grid is kept even when it falls short');
  });

  it('holds out a seeded 20% of the task data when no validation set is given', async () => {
    const s = await sliceTask(model, profiled, OLD, { theta: 'auto' });
    assert.equal(thetaChoiceOf(s)!.validationSamples, Math.round(0.2 * profiled.size));
  });

  it('rejects an empty grid, a theta out of range on the grid and a bad tolerance before profiling', async () => {
    for (const [o, code] of [[{ thetaGrid: [] }, 'BAD_EXTEND_OPTIONS'], [{ thetaGrid: [0.5, 1.5] }, 'BAD_THETA'], [{ tolerance: -0.1 }, 'BAD_EXTEND_OPTIONS']] as const) {
      await assert.rejects(sliceTask(model, profiled, OLD, { theta: 'auto', validation: held, ...o }), (e: unknown) => isSemsliceError(e) && e.code === code, JSON.stringify(o));
    }
  });

  it('extend records the old choice, slices the new task with auto too, and keeps the old logits bit-identical', async () => {
    const s = await sliceTask(model, profiled, OLD, { metric: 'taylor', theta: 'auto', validation: held });
    const r = await extend(model, s, d.train.subsetClasses(NEW), { test: d.test, epochs: 2, batchSize: 16, learningRate: 0.01, seed: 3 });
    try {
      assert.deepEqual(r.sliceChoice.old, thetaChoiceOf(s));
      assert.ok(r.sliceChoice.new, 'the new task is sliced with auto as well');
      assert.deepEqual(r.sliceChoice.new.thetaGrid, [...TASK_THETA_GRID], 'on the same grid');
      assert.equal(r.sliceChoice.new.tolerance, thetaChoiceOf(s)!.tolerance);
      assert.equal(r.taskSlice!.params.theta, r.sliceChoice.new.theta);
      assert.equal(r.manifest.slices.old!.theta, thetaChoiceOf(s)!.theta);
      assert.equal(r.manifest.slices.old!.metric, 'taylor');
      assert.deepEqual(r.manifest.slices.new!.choice, r.sliceChoice.new);
      assert.equal(r.oldLogits.identical, true);
      // The old task measured through the auto slice is within tolerance of the unmasked model on the held-out data.
      const masked = (await evaluate(model, held, { classes: OLD, mask: s.mask(), confusion: false })).accuracy;
      assert.equal(masked, thetaChoiceOf(s)!.masked);
    } finally { r.model.dispose(); }
  });

  it('a full site is learnt through (a warning, old logits bit-identical); only when every site is full is it an error', async () => {
    const s = await sliceTask(model, profiled, OLD, { theta: 0.6 });
    const [first, ...others] = s.sites;
    assert.ok(first && others.length > 0, 'the mlp has more than one site');
    // Give class 0 every neuron of the chosen sites: those sites are full, the others keep their free neurons.
    const withFull = (sites: readonly string[]): Slice => {
      const critical = Object.fromEntries(Object.entries(s.state.critical).map(([k, v]) => [k, Uint8Array.from(v)]));
      for (const name of sites) critical[name]!.fill(1, 0, s.sites.find((x) => x.name === name)!.neurons);
      return new Slice(buildState({ ...s.state, critical, selection: null, stability: null }));
    };
    const oneFull = withFull([first.name]);
    const r = await extend(model, oneFull, d.train.subsetClasses(NEW), { test: d.test, epochs: 1, batchSize: 16, seed: 3 });
    try {
      assert.deepEqual(r.capacityBefore!.full, [first.name]);
      assert.ok(r.warnings.some((w) => w.includes(first.name) && w.includes('frozen features')), r.warnings.join('; '));
      assert.equal(r.oldLogits.identical, true);
    } finally { r.model.dispose(); }
    const allFull = withFull(s.sites.map((x) => x.name));
    assert.equal(allFull.neurons(first.name).length, first.neurons);
    await assert.rejects(extend(model, allFull, d.train.subsetClasses(NEW), { test: d.test }), (e: unknown) => isSemsliceError(e) && e.code === 'EXTEND_NO_CAPACITY');
    const forced = await extend(model, allFull, d.train.subsetClasses(NEW), { test: d.test, epochs: 1, batchSize: 16, allowFull: true });
    assert.equal(forced.oldLogits.identical, true);
    forced.model.dispose();
  });

  it('extendSequence slices every task with taylor and theta auto by default and reports each theta', async () => {
    const fresh = buildModel('mlp', { inputShape: [16, 16, 1], numClasses: 6, seed: 2, width: 0.25 });
    const r = await extendSequence(fresh, [[0, 1], [2, 3], [4, 5]], { train: d.train, test: d.test, epochs: 2, batchSize: 16, learningRate: 0.01, seed: 1 });
    try {
      assert.equal(r.rows.length, 2);
      assert.ok(r.firstTheta !== null && TASK_THETA_GRID.includes(r.firstTheta));
      for (const row of r.rows) {
        assert.ok(row.theta !== null && TASK_THETA_GRID.includes(row.theta), `task ${row.task}: theta ${row.theta}`);
        assert.equal(row.oldLogitsIdentical, true);
      }
      assert.equal(r.slice!.params.metric, 'taylor');
    } finally { r.model.dispose(); fresh.dispose(); }
  });
});
