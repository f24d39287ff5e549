import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { profile } from '../../../src/engine/slicing/profile/profile.js';
import { tinyCnn, mlpWithBn, residualCnn } from './reference/models.js';
import { forward } from '../../../src/engine/graph/executor.js';
import { createBatchContext, disposeBatchContext } from '../../../src/engine/slicing/profile/batch.js';
import { findSites } from '../../../src/engine/graph/index.js';
import { randomDataset } from './reference/array-dataset.js';
import { tieDataset } from './reference/tie-data.js';

const RAW = ['avg', 'var', 'taylor', 'deeplift'] as const;

/** Reorder neuron axis `axis` of layer `name`'s weight `w` (0 = kernel, 1 = bias) by perm. */
function permuteWeight(model: tf.LayersModel, name: string, w: number, axis: number, perm: number[]): void {
  const layer = model.getLayer(name);
  const ws = layer.getWeights();
  const next = ws.map((t, i) => (i === w ? tf.gather(t, perm, axis) : t.clone()));
  layer.setWeights(next);
  tf.dispose(next);
}

function closeArrays(a: Float32Array, b: Float32Array, what: string): void {
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-12);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-5 * scale, `${what}[${i}] ${v} vs ${b[i]}`));
}

describe('engine/slicing/profile: behaviour', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('permuting a layer\'s neurons (and the next layer\'s input rows) permutes the statistics', async () => {
    const data = tieDataset(24, [8, 8, 1], 3, 7);
    const a = tinyCnn(23);
    const b = tinyCnn(23);
    const p1 = [2, 0, 1];
    permuteWeight(b, 'conv1', 0, 3, p1); permuteWeight(b, 'conv1', 1, 0, p1); permuteWeight(b, 'conv2', 0, 2, p1);
    const p2 = [4, 2, 0, 3, 1];
    permuteWeight(b, 'fc1', 0, 1, p2); permuteWeight(b, 'fc1', 1, 0, p2); permuteWeight(b, 'logits', 0, 0, p2);
    const sa = await profile(a, data, { onlyCorrect: false, batchSize: 10 });
    const sb = await profile(b, data, { onlyCorrect: false, batchSize: 10 });
    for (const m of RAW) {
      for (const [site, perm] of [['conv1', p1], ['fc1', p2], ['conv2', [0, 1, 2, 3]]] as const) {
        const ta = sa.get(m, site), tb = sb.get(m, site), n = perm.length;
        const permuted = Float32Array.from(tb, (_, j) => ta[Math.floor(j / n) * n + perm[j % n]!]!);
        closeArrays(tb, permuted, `${m} ${site}`);
      }
    }
    assert.notDeepEqual(Array.from(sa.get('taylor', 'conv1')), Array.from(sb.get('taylor', 'conv1')), 'the permutation must move something');
    a.dispose(); b.dispose();
  });

  it('profiles a functional residual model with BN: avg equals the class mean of the forward taps', async () => {
    const m = residualCnn(4);
    const data = randomDataset(18, [6, 6, 2], 3, 4);
    const s = await profile(m, data, { onlyCorrect: false, batchSize: 7 });
    const x = tf.tensor4d(data.gather(Int32Array.from({ length: 18 }, (_, i) => i)).images, [18, 6, 6, 2]);
    const want = tf.tidy(() => {
      const { logits, taps } = forward(m, x, { taps: true });
      logits.dispose();
      const mean = tf.mean(taps['conv2']!, [1, 2]); // [18, 4]
      const onehot = tf.oneHot(tf.tensor1d(data.labels(), 'int32'), 3).asType('float32');
      return tf.div(tf.matMul(onehot, mean, true), tf.expandDims(tf.sum(onehot, 0), 1)).dataSync() as Float32Array;
    });
    closeArrays(s.get('avg', 'conv2'), want, 'avg conv2');
    assert.ok(s.get('taylor', 'conv1').some((v) => v > 0), 'gradients reach the residual branch');
    const ctx = await createBatchContext(m, findSites(m), [6, 6, 2], { numClasses: 3, needGrad: true, onlyCorrect: false });
    assert.equal(ctx.pooledFirst, undefined, 'conv1 has two consumers: no pooled shortcut');
    disposeBatchContext(ctx);
    x.dispose();
    m.dispose();
  });

  it('returns tf.memory().numTensors to its baseline after 20 profiles', async () => {
    const m = tinyCnn(4);
    const data = randomDataset(12, [8, 8, 1], 3, 2);
    await profile(m, data, { onlyCorrect: false, batchSize: 5 });
    const base = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await profile(m, data, { onlyCorrect: false, batchSize: 5, metrics: i % 2 ? ['avg'] : undefined });
    assert.equal(tf.memory().numTensors, base);
    await assert.rejects(profile(m, data, { batchSize: 5 }), /no correctly classified/); // error path leaks nothing either
    assert.equal(tf.memory().numTensors, base);
    m.dispose();
  });

  it('a metric subset computes only what it needs, with the same numbers; ens brings all four', async () => {
    const m = mlpWithBn(2);
    const data = randomDataset(30, [4, 4, 1], 3, 8);
    const all = await profile(m, data, { onlyCorrect: false, batchSize: 7 });
    const some = await profile(m, data, { onlyCorrect: false, batchSize: 7, metrics: ['avg', 'var'] });
    assert.deepEqual(some.metrics, ['avg', 'var']);
    assert.deepEqual(Array.from(some.get('var', 'fc2')), Array.from(all.get('var', 'fc2')));
    assert.throws(() => some.get('taylor', 'fc2'), /no "taylor" statistics/);
    assert.throws(() => all.get('ens', 'fc2'), (e: Error & { code?: string }) => e.code === 'NOT_RAW');
    assert.deepEqual((await profile(m, data, { onlyCorrect: false, metrics: ['ens'] })).metrics, [...RAW]);
    m.dispose();
  });

  it('is deterministic and nearly independent of the batch size; toData is an independent copy', async () => {
    const m = tinyCnn(9);
    const data = randomDataset(33, [8, 8, 1], 3, 3);
    const a = await profile(m, data, { onlyCorrect: false, batchSize: 8 });
    const b = await profile(m, data, { onlyCorrect: false, batchSize: 8 });
    const c = await profile(m, data, { onlyCorrect: false, batchSize: 33 });
    for (const mt of RAW) {
      for (const s of a.sites) {
        assert.deepEqual(Buffer.from(a.get(mt, s.name).buffer), Buffer.from(b.get(mt, s.name).buffer));
        closeArrays(c.get(mt, s.name), a.get(mt, s.name), `${mt} ${s.name}`);
      }
    }
    const d = a.toData();
    d.stats.avg['fc1']![0] = 123;
    assert.notEqual(a.get('avg', 'fc1')[0], 123);
    assert.deepEqual(d.options, { onlyCorrect: false, maxPerClass: null, batchSize: 8 });
    m.dispose();
  });

  it('maxPerClass caps candidates per class; onProgress reports samples', async () => {
    const m = tinyCnn(9);
    const data = randomDataset(30, [8, 8, 1], 3, 3);
    const events: number[] = [];
    const s = await profile(m, data, { onlyCorrect: false, maxPerClass: 4, batchSize: 5, onProgress: (e) => events.push(e.done) });
    assert.deepEqual(s.counts, [4, 4, 4]);
    assert.deepEqual(events, [5, 10, 12]);
    m.dispose();
  });

  it('bad input: wrong shape, class count, NaN, no samples for a class, abort, bad options', async () => {
    const m = tinyCnn(9);
    const code = (c: string) => (e: Error & { code?: string; hint?: string }) => e.code === c && !!e.hint;
    await assert.rejects(profile(m, randomDataset(6, [7, 8, 1], 3)), code('DATA_SHAPE_MISMATCH'));
    // Labels beyond the logits are named as such (not as the classes they leave empty); fewer classes than logits: the count.
    await assert.rejects(profile(m, randomDataset(6, [8, 8, 1], 4)), (e: Error & { code?: string; hint?: string }) => e.code === 'LABEL_OUT_OF_RANGE' && /labels up to 3, outside/.test(e.message) && !!e.hint);
    await assert.rejects(profile(m, randomDataset(6, [8, 8, 1], 2)), code('CLASS_COUNT_MISMATCH'));
    const bad = randomDataset(9, [8, 8, 1], 3);
    (bad.sample(7) as Float32Array)[5] = NaN;
    await assert.rejects(profile(m, bad, { onlyCorrect: false, batchSize: 4 }), (e: Error & { code?: string }) => e.code === 'NAN_IN_DATA' && /4\.\.7/.test(e.message));
    await assert.rejects(profile(m, randomDataset(6, [8, 8, 1], 3).subsetClasses([0, 1]), { onlyCorrect: false }),
      (e: Error & { code?: string; hint?: string }) => e.code === 'NO_SAMPLES' && /"c2"/.test(e.message) && /more data/.test(e.hint!) === false);
    await assert.rejects(profile(m, randomDataset(6, [8, 8, 1], 3)), (e: Error & { code?: string; hint?: string }) => e.code === 'NO_SAMPLES' && /onlyCorrect: false/.test(e.hint!));
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(profile(m, randomDataset(6, [8, 8, 1], 3), { signal: ac.signal }), code('ABORTED'));
    const ac2 = new AbortController();
    const p = profile(m, randomDataset(40, [8, 8, 1], 3), { signal: ac2.signal, batchSize: 4, onlyCorrect: false, onProgress: (e) => { if (e.done >= 8) ac2.abort(); } });
    await assert.rejects(p, code('ABORTED'));
    await assert.rejects(profile(m, randomDataset(6, [8, 8, 1], 3), { metrics: ['tayler' as 'taylor'] }), (e: Error & { code?: string; message: string }) => e.code === 'UNKNOWN_METRIC' && /Did you mean "taylor"/.test(e.message));
    await assert.rejects(profile(m, randomDataset(6, [8, 8, 1], 3), { batchSize: 0 }), code('BAD_OPTION'));
    m.dispose();
  });
});
