import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { prototypeData, fitDeterministic } from './fixtures.js';
import type { Dataset } from '../../../src/engine/data/types.js';
import { slice } from '../../../src/engine/slicing/slice-entry.js';
import { Slice } from '../../../src/engine/slicing/slice.js';
import { stringifySlice } from '../../../src/engine/slicing/slice-schema.js';
import { profile } from '../../../src/engine/slicing/profile/profile.js';
import { sliceFromStats } from '../../../src/engine/slicing/slice-entry.js';
import { applyMask, evaluateMasked } from '../../../src/engine/train/evaluate.js';
import { isSemsliceError } from '../../../src/engine/errors.js';

const data = { train: prototypeData({ classes: 3, perClass: 24, seed: 3 }), test: prototypeData({ classes: 3, perClass: 24, seed: 3, split: 'test' }) };

/** A tiny seeded MLP trained deterministically (no shuffling) to high accuracy on the synthetic data. */
async function tinyMlp(seed = 1): Promise<tf.LayersModel> {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 10 + s });
  const m = tf.sequential({ layers: [
    tf.layers.flatten({ inputShape: [6, 6, 1], name: 'flat' }),
    tf.layers.dense({ units: 12, activation: 'relu', name: 'fc1', kernelInitializer: init(1) }),
    tf.layers.dense({ units: 8, activation: 'relu', name: 'fc2', kernelInitializer: init(2) }),
    tf.layers.dense({ units: 3, activation: 'softmax', name: 'out', kernelInitializer: init(3) }),
  ] });
  return fitDeterministic(m, data.train);
}

/** Same function, fc1 units permuted: fc1 kernel columns and bias, fc2 kernel rows (host-side copies). */
function permuteFc1(m: tf.LayersModel, perm: number[]): void {
  const fc1 = m.getLayer('fc1');
  const fc2 = m.getLayer('fc2');
  const [k1, b1] = fc1.getWeights().map((w) => w.dataSync() as Float32Array);
  const [k2, b2] = fc2.getWeights().map((w) => w.dataSync() as Float32Array);
  const n = perm.length;
  const inDim = k1!.length / n;
  const outDim = k2!.length / n;
  const nk1 = Float32Array.from({ length: k1!.length }, (_, i) => k1![Math.floor(i / n) * n + perm[i % n]!]!);
  const nb1 = Float32Array.from(perm, (p) => b1![p]!);
  const nk2 = Float32Array.from({ length: k2!.length }, (_, i) => k2![perm[Math.floor(i / outDim)]! * outDim + (i % outDim)]!);
  const ts = [tf.tensor2d(nk1, [inDim, n]), tf.tensor1d(nb1), tf.tensor2d(nk2, [n, outDim]), tf.tensor1d(Float32Array.from(b2!))];
  fc1.setWeights([ts[0]!, ts[1]!]);
  fc2.setWeights([ts[2]!, ts[3]!]);
  tf.dispose(ts);
}

describe('slicing/slice() end to end', function () {
  this.timeout(60000);
  let model: tf.LayersModel;
  before(async () => { model = await tinyMlp(); });
  after(() => model.dispose());

  it('the model learned the data (so onlyCorrect keeps samples of every class)', async () => {
    assert.ok((await evaluateMasked(model, data.test, {})).accuracy > 0.9);
  });

  it('same seed and data give byte-identical JSON, also from an independently built model', async () => {
    const a = stringifySlice((await slice(model, data.train, { theta: 0.9, maxPerClass: 10, seed: 7 })).toJSON());
    const b = stringifySlice((await slice(model, data.train, { theta: 0.9, maxPerClass: 10, seed: 7 })).toJSON());
    assert.equal(a, b);
    const twin = await tinyMlp();
    const c = stringifySlice((await slice(twin, data.train, { theta: 0.9, maxPerClass: 10, seed: 7 })).toJSON());
    twin.dispose();
    assert.equal(a, c);
    const json = JSON.parse(a);
    assert.equal(json.params.seed, 7);
    assert.equal(json.params.maxPerClass, 10);
    assert.deepEqual(json.counts.every((n: number) => n > 0 && n <= 10), true);
    assert.equal(json.fingerprints.data, data.train.fingerprint());
  });

  it('permuting a layer\'s neurons permutes the slice', async () => {
    const perm = [5, 0, 11, 3, 7, 1, 9, 2, 10, 4, 8, 6];
    const s = await slice(model, data.train, { theta: 0.9 });
    const twin = await tinyMlp();
    permuteFc1(twin, perm);
    const p = await slice(twin, data.train, { theta: 0.9 });
    twin.dispose();
    for (let c = 0; c < 3; c++) {
      // new unit j is old unit perm[j]
      assert.deepEqual(p.critical(c, 'fc1'), s.critical(c, 'fc1').map((i) => perm.indexOf(i)).sort((x, y) => x - y));
      assert.deepEqual(p.critical(c, 'fc2'), s.critical(c, 'fc2'));
      const sc = s.scores(c, 'fc1');
      p.scores(c, 'fc1').forEach((v, j) => assert.ok(Math.abs(v - sc[perm[j]!]!) < 1e-5));
    }
    assert.notEqual(p.fingerprints.model, s.fingerprints.model);
  });

  it('checkModel / load check the slice against the model (the one rule, checkSliceFits)', async () => {
    const s = await slice(model, data.train, { theta: 0.95 });
    await Slice.fromJSON(s.toJSON()).checkModel(model);
    const other = await tinyMlp(2);
    await assert.rejects(Slice.fromJSON(s.toJSON()).checkModel(other), (e: unknown) => isSemsliceError(e) && e.code === 'SLICE_MODEL_MISMATCH'
      && e.message.includes(s.fingerprints.model) && /has fingerprint [0-9a-f]{16}/.test(e.message) && /allowForeignSlice: true/.test(e.hint ?? ''));
    assert.equal(await Slice.fromJSON(s.toJSON()).checkModel(other, { allowForeignSlice: true }), 'foreign', 'the documented override');
    other.dispose();
  });

  it('a masked model: full mask keeps accuracy, the slice mask zeroes the rest', async () => {
    const s = await slice(model, data.train, { theta: 0.99 });
    const full = await evaluateMasked(model, data.test, {});
    const masked = applyMask(model, s.mask());
    const r = await masked.evaluate(data.test);
    assert.equal(r.perClass.length, 3);
    assert.ok(r.accuracy > 0.5);
    const x = tf.zeros([2, 6, 6, 1]) as tf.Tensor4D;
    const z = masked.predict(x);
    assert.deepEqual(z.shape, [2, 3]);
    tf.dispose([x, z]);
    const none = await evaluateMasked(model, data.test, { fc1: new Float32Array(12) });
    assert.ok(none.accuracy < full.accuracy);
  });

  it('bad input: unknown metric, theta out of range, a class with no samples', async () => {
    await assert.rejects(slice(model, data.train, { metric: 'tayler' }), (e: unknown) => isSemsliceError(e) && /Did you mean "taylor"/.test(e.message));
    await assert.rejects(slice(model, data.train, { theta: 1.5 }), /theta = 1.5 is out of range/);
    await assert.rejects(slice(model, data.train, { method: 'global-topk' }), /k = null is out of range/);
    const two: Dataset = data.train.subsetClasses([0, 1]);
    await assert.rejects(slice(model, two, {}), (e: unknown) => isSemsliceError(e) && e.code === 'NO_SAMPLES' && /label 2/.test(e.message));
  });

  it('reports progress and honours an abort signal', async () => {
    const events: string[] = [];
    await slice(model, data.train, { maxPerClass: 8, batchSize: 8, onProgress: (e) => events.push(`${e.phase} ${e.done}/${e.total}`) });
    assert.deepEqual(events, ['profile 8/24', 'profile 16/24', 'profile 24/24', 'slice 1/1']);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(slice(model, data.train, { signal: ac.signal }), (e: unknown) => isSemsliceError(e) && e.code === 'ABORTED');
  });

  it('one profile serves many thetas; more theta keeps more neurons', async () => {
    const stats = await profile(model, data.train, {});
    const sizes = [0.5, 0.8, 0.95, 1].map((theta) => sliceFromStats(stats, { theta }).neurons('fc1').length);
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! >= sizes[i - 1]!, `sizes ${sizes.join(', ')}`);
  });

  it('tf.memory().numTensors returns to its baseline after 20 slices', async () => {
    await slice(model, data.train, { maxPerClass: 4 }); // warm-up (lazy tfjs state)
    const base = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const s = await slice(model, data.train, { theta: 0.9 + i * 0.004, maxPerClass: 4, seed: i });
      await evaluateMasked(model, data.test.take(6), s.mask());
    }
    assert.equal(tf.memory().numTensors, base);
  });
});
