import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { prototypeData, fitDeterministic } from './fixtures.js';
import { fidelitySweep, sweepRows } from '../../../src/engine/slicing/fidelity.js';
import { compressionRate } from '../../../src/engine/masks/compression.js';

const data = { train: prototypeData({ classes: 3, perClass: 16, seed: 5 }), test: prototypeData({ classes: 3, perClass: 16, seed: 5, split: 'test' }) };

async function tinyCnn(): Promise<tf.LayersModel> {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const m = tf.sequential({ layers: [
    tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1], name: 'conv1', kernelInitializer: init(1) }),
    tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
    tf.layers.flatten({ name: 'flat' }),
    tf.layers.dense({ units: 10, activation: 'relu', name: 'fc1', kernelInitializer: init(2) }),
    tf.layers.dense({ units: 3, activation: 'softmax', name: 'out', kernelInitializer: init(3) }),
  ] });
  return fitDeterministic(m, data.train);
}

describe('slicing/fidelitySweep', function () {
  this.timeout(60000);
  let model: tf.LayersModel;
  before(async () => { model = await tinyCnn(); });
  after(() => model.dispose());

  it('with precomputed stats it does not profile again and gives the same table; stats of another model are refused', async () => {
    const { profile } = await import('../../../src/engine/slicing/profile/profile.js');
    const stats = await profile(model, data.train, { metrics: ['taylor', 'avg'] });
    const phases = new Set<string>();
    const a = await fidelitySweep(model, data.test, { stats, onProgress: (e) => phases.add(e.phase) });
    assert.deepEqual([...phases], ['sweep'], 'no profiling phase');
    const b = await fidelitySweep(model, data.test, { profileData: data.train });
    assert.deepEqual(sweepRows(a), sweepRows(b));
    const onlyAvg = await profile(model, data.train, { metrics: ['avg'] });
    await assert.rejects(fidelitySweep(model, data.test, { stats: onlyAvg, metrics: ['taylor'] }), (e: Error & { code?: string }) => e.code === 'MISSING_STATS' && /taylor/.test(e.message));
    const other = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [6, 6, 1] }), tf.layers.dense({ units: 4, activation: 'relu', name: 'fcx' }), tf.layers.dense({ units: 3 })] });
    await assert.rejects(fidelitySweep(other, data.test, { stats }), (e: Error & { code?: string }) => e.code === 'MISSING_STATS' && /another model/.test(e.message));
    other.dispose();
  });

  it('returns one row per (method, metric, threshold) from one profile; CR grows as theta falls', async () => {
    const base = tf.memory().numTensors;
    const phases = new Set<string>();
    const t = await fidelitySweep(model, data.test, { profileData: data.train, onProgress: (e) => phases.add(e.phase) });
    assert.equal(tf.memory().numTensors, base);
    assert.deepEqual(t.columnNames(), ['method', 'metric', 'theta', 'k', 'cr', 'accuracy', 'perClass', 'beyondPaper']);
    const rows = sweepRows(t);
    assert.equal(rows.length, 2 * 22 + 2 * 2 * 10);
    assert.deepEqual([...phases], ['profile', 'sweep']);
    for (const metric of ['taylor', 'avg']) {
      const sem = rows.filter((r) => r.method === 'semantic' && r.metric === metric);
      // the default grid: 0.30..0.85 beyond the paper, then the paper's 0.90..0.99, each row marked
      assert.deepEqual(sem.map((r) => r.theta), [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
        0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99]);
      assert.deepEqual(sem.map((r) => r.beyondPaper), sem.map((r) => r.theta! < 0.9));
      assert.ok(rows.filter((r) => r.method !== 'semantic').every((r) => r.beyondPaper === false));
      const paper = sem.filter((r) => !r.beyondPaper);
      assert.ok(sem.every((r) => r.k === null && r.perClass.length === 3 && r.cr >= 0 && r.cr < 1));
      for (let i = 1; i < sem.length; i++) assert.ok(sem[i - 1]!.cr >= sem[i]!.cr, `cr must not grow with theta (${metric})`);
      assert.equal(paper.length, 10);
      for (const method of ['category-topk', 'global-topk']) {
        const top = rows.filter((r) => r.method === method && r.metric === metric);
        assert.deepEqual(top.map((r) => r.k), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
        for (let i = 1; i < top.length; i++) assert.ok(top[i - 1]!.cr >= top[i]!.cr);
        assert.equal(top.at(-1)!.cr, 0); // k = 100 keeps everything
      }
    }
    // global top-10%: ceil(0.6) = 1 of 6 channels, 1 of 10 units -> CR from the exact formula
    const g10 = rows.find((r) => r.method === 'global-topk' && r.k === 10)!;
    const mask = { conv1: Float32Array.from([1, 0, 0, 0, 0, 0]), fc1: Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]) };
    // any 1-of-6 / 1-of-10 mask has the same CR in this architecture
    assert.equal(g10.cr, compressionRate(model, mask));
    const full = rows.find((r) => r.method === 'global-topk' && r.k === 100)!;
    assert.ok(full.accuracy > 0.8);
  });

  it('CR strictly increases as theta decreases over a wide range', async () => {
    const rows = sweepRows(await fidelitySweep(model, data.test, { methods: ['semantic'], metrics: ['taylor'], thetas: [0.99, 0.7, 0.5, 0.3] }));
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.cr <= rows[i]!.cr);
    assert.ok(rows[0]!.cr < rows.at(-1)!.cr, rows.map((r) => r.cr).join(', '));
  });

  it('honours methods, metrics, thetas and ks; rejects bad ones', async () => {
    const t = await fidelitySweep(model, data.test, { methods: ['semantic'], metrics: ['ens'], thetas: [0.5, 0.9] });
    assert.deepEqual(sweepRows(t).map((r) => [r.method, r.metric, r.theta]), [['semantic', 'ens', 0.5], ['semantic', 'ens', 0.9]]);
    const small = sweepRows(await fidelitySweep(model, data.test, { methods: ['global-topk'], metrics: ['avg'], ks: [100], evalData: data.test.take(6) }));
    assert.ok(Number.isInteger(small[0]!.accuracy * 6)); // accuracy measured on the 6 evaluation samples only
    await assert.rejects(fidelitySweep(model, data.test, { thetas: [0] }), /theta = 0 is out of range/);
    await assert.rejects(fidelitySweep(model, data.test, { ks: [150] }), /k = 150 is out of range/);
    await assert.rejects(fidelitySweep(model, data.test, { metrics: ['entropy'] }), /Unknown metric "entropy"/);
  });
});
