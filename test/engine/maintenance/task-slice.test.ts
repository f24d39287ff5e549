/**
 * The slice policy of maintenance (taskSlice): samples drawn one way (a stratified validation split of the task's
 * training data, a seeded per-class draw of the rest profiled), theta 'auto' = the smallest theta of the grid whose
 * masked accuracy on the validation samples stays within the tolerance of the unmasked model's, optionally leaving
 * minFree of every site free; the choice is recorded in every result and manifest.
 */
import { strict as assert } from 'node:assert';
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { synthetic } from '../../../src/engine/data/index.js';
import type { Dataset, DatasetSplits } from '../../../src/engine/data/types.js';
import { extend, extendSequence, taskSlice, THETA_GRID } from '../../../src/engine/maintenance/index.js';
import { buildModel } from '../../../src/engine/models/index.js';
import { evaluate, train } from '../../../src/engine/train/index.js';
import { isSemsliceError } from '../../../src/engine/errors.js';
import { Slice } from '../../../src/engine/slicing/index.js';
import { buildState } from '../../../src/engine/slicing/slice-state.js';

const OLD = [0, 1, 2];
const NEW = [3, 4, 5];

describe('maintenance/taskSlice (the slice policy)', function () {
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
    const { slice: s, choice: c } = await taskSlice(model, profiled, OLD, { metric: 'taylor', theta: 'auto', validation: held, tolerance });
    assert.equal(c.rule, 'auto');
    assert.equal(c.metric, 'taylor');
    assert.equal(s.params.theta, c.theta, 'the slice records the chosen theta');
    assert.equal(s.params.metric, 'taylor');
    assert.deepEqual(s.classes, OLD);
    assert.deepEqual(c.classes, OLD);
    assert.equal(c.validationSamples, held.size);
    assert.deepEqual(c.thetaGrid, [...THETA_GRID]);
    const unmasked = (await evaluate(model, held, { classes: OLD, confusion: false })).accuracy;
    assert.equal(c.unmasked, unmasked);
    // Every theta tried, recomputed independently with a numeric theta on the same samples.
    assert.deepEqual(c.grid.map((g) => g.theta), [...THETA_GRID].slice(0, c.grid.length), 'tried in ascending order, stopping at the first hit');
    for (const g of c.grid) {
      const direct = await taskSlice(model, profiled, OLD, { metric: 'taylor', theta: g.theta, validation: held });
      assert.equal(direct.choice.rule, 'fixed');
      assert.equal(direct.choice.masked, g.masked, `theta ${g.theta}`);
      const masked = (await evaluate(model, held, { classes: OLD, mask: direct.slice.mask(), confusion: false })).accuracy;
      assert.equal(g.masked, masked, `theta ${g.theta}`);
    }
    for (let i = 1; i < c.grid.length; i++) assert.ok(c.grid[i]!.kept >= c.grid[i - 1]!.kept, 'a larger theta keeps at least as many neurons');
    if (c.withinTolerance) {
      assert.ok(c.masked! >= c.unmasked! - tolerance - 1e-12, `chosen ${c.theta}: ${c.masked} vs ${c.unmasked}`);
      for (const g of c.grid.slice(0, -1)) assert.ok(g.masked < c.unmasked! - tolerance, `theta ${g.theta} was within tolerance but not chosen`);
      assert.equal(c.grid.at(-1)!.theta, c.theta);
    } else {
      assert.equal(c.grid.length, THETA_GRID.length);
      assert.equal(c.masked, Math.max(...c.grid.map((g) => g.masked)));
    }
  });

  it('a tolerance of 1 accepts the smallest theta; a grid of one tiny theta with tolerance 0 reports when it falls short', async () => {
    const loose = await taskSlice(model, profiled, OLD, { theta: 'auto', validation: held, tolerance: 1, thetaGrid: [0.9, 0.3, 0.6] });
    assert.equal(loose.choice.theta, 0.3, 'the grid is searched from its smallest theta');
    assert.equal(loose.choice.grid.length, 1);
    const strict = await taskSlice(model, profiled, OLD, { theta: 'auto', validation: held, tolerance: 0, thetaGrid: [0.02] });
    const c = strict.choice;
    assert.equal(c.withinTolerance, c.masked! >= c.unmasked!);
    assert.equal(c.theta, 0.02, 'the best of the grid is kept even when it falls short');
  });

  it('minFree: the chosen theta leaves that share of every site free, capacity winning over accuracy when both cannot hold', async () => {
    const plain = await taskSlice(model, profiled, OLD, { theta: 'auto', validation: held, tolerance: 0 });
    const want = 0.5;
    const r = await taskSlice(model, profiled, OLD, { theta: 'auto', validation: held, tolerance: 0, minFree: want });
    assert.equal(r.choice.minFree, want);
    const deciding = r.choice.capacitySites!;
    const minShare = Math.min(...deciding.map((site) => r.choice.freeShare[site]!));
    if (r.choice.capacityMet) assert.ok(deciding.length > 0 && minShare >= want - 1e-12, `every deciding site keeps ${want} free: ${minShare}`);
    // A site decides when the smallest theta of the grid leaves it that share free.
    const first = r.choice.grid[0]!;
    assert.ok(first.minFreeShare >= want - 1e-12 || deciding.length === 0);
    assert.ok(r.choice.theta! <= plain.choice.theta!, 'the capacity condition never raises theta');
    for (const [site, share] of Object.entries(r.choice.freeShare)) {
      const n = r.slice.sites.find((x) => x.name === site)!.neurons;
      assert.equal(share, (n - r.slice.neurons(site).length) / n, site);
    }
  });

  it('keep (earlier tasks): each theta is measured through its union with them; minFree is a share of the neurons they leave free', async () => {
    const sub = [0, 1];
    const earlier = (await taskSlice(model, profiled, [2], { theta: 0.9, validation: held })).slice;
    const keep = earlier.mask();
    const want = 0.5;
    const r = await taskSlice(model, profiled, sub, { theta: 'auto', validation: held, tolerance: 0, minFree: want, keep });
    const union = (site: string): Float32Array => r.slice.mask()[site]!.map((v, i) => (v || keep[site]![i] ? 1 : 0));
    const inference = Object.fromEntries(r.slice.sites.map((x) => [x.name, union(x.name)]));
    assert.equal(r.choice.masked, (await evaluate(model, held, { classes: sub, mask: inference, confusion: false })).accuracy, 'measured through the union');
    for (const x of r.slice.sites) {
      const u = union(x.name);
      assert.equal(r.choice.freeShare[x.name], u.filter((v) => !v).length / x.neurons, `${x.name}: free share after both`);
    }
    if (r.choice.capacityMet) {
      for (const site of r.choice.capacitySites!) {
        const before = keep[site]!.filter((v) => !v).length;
        const after = union(site).filter((v) => !v).length;
        assert.ok(after >= want * before - 1e-9, `${site}: ${after} of the ${before} neurons free before stay free`);
      }
    }
  });

  it('holds out a stratified, seeded 10% of the task data when no validation set is given, and profiles the rest', async () => {
    const r = await taskSlice(model, profiled, OLD, { theta: 'auto', seed: 3 });
    const perClass = OLD.map((c) => profiled.subsetClasses([c]).size);
    assert.equal(r.choice.validationSamples, perClass.reduce((a, n) => a + Math.round(0.1 * n), 0));
    assert.equal(r.choice.profileSamples, profiled.size - r.choice.validationSamples);
    const again = await taskSlice(model, profiled, OLD, { theta: 'auto', seed: 3 });
    assert.deepEqual(again.slice.toJSON(), r.slice.toJSON(), 'same seed, same slice');
  });

  it('rejects an empty grid, a theta out of range on the grid, a bad tolerance or minFree and an unknown class before profiling', async () => {
    for (const [o, code] of [[{ thetaGrid: [] }, 'BAD_SLICE_POLICY'], [{ thetaGrid: [0.5, 1.5] }, 'BAD_THETA'], [{ tolerance: -0.1 }, 'BAD_SLICE_POLICY'], [{ minFree: 1 }, 'BAD_SLICE_POLICY']] as const) {
      await assert.rejects(taskSlice(model, profiled, OLD, { theta: 'auto', validation: held, ...o }), (e: unknown) => isSemsliceError(e) && e.code === code, JSON.stringify(o));
    }
    await assert.rejects(taskSlice(model, profiled, [0, 9]), (e: unknown) => isSemsliceError(e) && e.code === 'BAD_SLICE_POLICY');
  });

  it('extend records the old choice, slices the new task by the same policy, and keeps the old logits bit-identical', async () => {
    const ts = await taskSlice(model, profiled, OLD, { metric: 'taylor', theta: 'auto', validation: held });
    const r = await extend(model, ts, d.train.subsetClasses(NEW), { test: d.test, epochs: 2, batchSize: 16, learningRate: 0.01, seed: 3 });
    try {
      assert.deepEqual(r.sliceChoice.old, ts.choice);
      const n = r.sliceChoice.new!;
      assert.equal(n.rule, 'auto', 'the new task is sliced with auto as well');
      assert.deepEqual(n.thetaGrid, [...THETA_GRID], 'on the same grid');
      assert.equal(n.tolerance, ts.choice.tolerance);
      assert.equal(r.taskSlice!.params.theta, n.theta);
      assert.deepEqual(r.manifest.slice!.choice, ts.choice);
      assert.deepEqual(r.manifest.newSlice!.choice, n);
      assert.equal(r.oldLogits.identical, true);
      const masked = (await evaluate(model, held, { classes: OLD, mask: ts.slice.mask(), confusion: false })).accuracy;
      assert.equal(masked, ts.choice.masked);
    } finally { r.model.dispose(); }
  });

  it('extend without a slice slices the old task by the policy on its training data, with the capacity condition', async () => {
    const r = await extend(model, null, d.train.subsetClasses(NEW), { oldData: profiled, oldClasses: OLD, test: d.test, epochs: 1, batchSize: 16, seed: 2, minFree: 0.3 });
    try {
      assert.equal(r.sliceChoice.old!.rule, 'auto');
      assert.equal(r.sliceChoice.old!.minFree, 0.3);
      assert.equal(r.oldLogits.identical, true);
    } finally { r.model.dispose(); }
  });

  it('a full site is learnt through (a warning, old logits bit-identical); only when every site is full is it an error', async () => {
    const { slice: s } = await taskSlice(model, profiled, OLD, { theta: 0.6, validation: held });
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

  it('extendSequence slices every task by the policy (taylor, theta auto) and reports each theta', async () => {
    const fresh = buildModel('mlp', { inputShape: [16, 16, 1], numClasses: 6, seed: 2, width: 0.25 });
    const r = await extendSequence(fresh, [[0, 1], [2, 3], [4, 5]], { train: d.train, test: d.test, epochs: 2, batchSize: 16, learningRate: 0.01, seed: 1 });
    try {
      assert.equal(r.rows.length, 2);
      assert.ok(r.firstTheta !== null && THETA_GRID.includes(r.firstTheta));
      for (const row of r.rows) {
        assert.ok(row.theta !== null && THETA_GRID.includes(row.theta), `task ${row.task}: theta ${row.theta}`);
        assert.equal(row.choice!.rule, 'auto');
        assert.equal(row.oldLogitsIdentical, true);
      }
      assert.equal(r.slice!.params.metric, 'taylor');
    } finally { r.model.dispose(); fresh.dispose(); }
  });
});
