import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { erkCounts, getPruner, globalCounts, lampCounts, lampScores, listPruners, PruningState, registerPruner, roundHalfEven, uniformPlusCounts, type PrunableLayer } from '../../../src/engine/pruning/index.js';
import { train } from '../../../src/engine/train/index.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { syntheticSync } from '../../../src/engine/data/index.js';

function layer(name: string, shape: number[], values?: number[]): PrunableLayer {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, values: Float32Array.from(values ?? Array.from({ length: n }, (_, i) => i + 1)), mask: new Float32Array(n).fill(1) };
}

describe('pruning/pruners (hand-computed per-layer sparsities)', () => {
  it('the registry holds lamp, global, uniform-plus, erk and refuses unknown names', () => {
    assert.deepEqual(listPruners().slice(0, 4), ['lamp', 'global', 'uniform-plus', 'erk']);
    assert.throws(() => getPruner('lmap'), { code: 'UNKNOWN_PRUNER', message: /Did you mean "lamp"/ });
    assert.throws(() => registerPruner({ name: 'lamp', description: '', counts: () => [] }), { code: 'DUPLICATE_PRUNER' });
  });

  it('round half to even, as Python/torch round', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 22.5, -0.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 22, -0, 2, 3]);
  });

  const a = () => layer('a', [2, 2], [1, 2, 3, 4]);
  const b = () => layer('b', [2, 3], [0.5, 5, 6, 7, 8, 9]);

  it('global: prune round(0.5 * 10) = 5 smallest magnitudes model-wide -> a 4 of 4, b 1 of 6', () => {
    assert.deepEqual(globalCounts([a(), b()], 0.5), [4, 1]);
  });

  it('lamp: scores w^2 / sum of larger-or-equal w^2; keep the 5 best -> a keeps 2, b keeps 3', () => {
    const s = lampScores(Float32Array.from([1, 2, 3, 4]));
    assert.deepEqual(Array.from(s).map((x) => +x.toFixed(6)), [1 / 30, 4 / 29, 9 / 25, 1].map((x) => +x.toFixed(6)));
    // b: 0.25/255.25, 25/255, 36/230, 49/194, 64/145, 1 -> top 5 of all: 1, 1, 0.4414, 0.36, 0.2526
    assert.deepEqual(lampCounts([a(), b()], 0.5), [2, 3]);
  });

  it('uniform-plus: first conv unpruned; same fraction elsewhere; the last layer keeps >= 20%', () => {
    const conv = () => layer('c', [1, 1, 2, 5]);
    // 40 weights, prune 20: 20/30 of the rest -> round(13.33) = 13 and round(6.67) = 7
    assert.deepEqual(uniformPlusCounts([conv(), layer('d', [4, 5]), layer('e', [5, 2])], 0.5), [0, 13, 7]);
    // 60 weights, prune 45: fraction 0.9 would leave the last layer 1 < round(0.2 * 10) = 2 -> last prunes 8,
    // the middle (45 - 8) / 40 = 0.925 -> 37
    assert.deepEqual(uniformPlusCounts([conv(), layer('d', [8, 5]), layer('e', [5, 2])], 0.75), [0, 37, 8]);
    // a first dense layer is pruned like the others: 5 of 10 -> 2 and 3
    assert.deepEqual(uniformPlusCounts([a(), b()], 0.5), [2, 3]);
    assert.throws(() => uniformPlusCounts([conv(), layer('d', [1, 1])], 0.99), { code: 'PRUNE_LIMIT' });
  });

  it('erk: survivors proportional to the sum of dimensions; a layer that would exceed 100% stays dense', () => {
    // to survive 9: round(9 * 7/12) = 5 of 12 and round(9 * 5/12) = 4 of 6 -> prune 7 and 2
    assert.deepEqual(erkCounts([layer('x', [4, 3]), layer('y', [3, 2])], 0.5), [7, 2]);
    // to survive 52: layer [2, 2] would get round(52 * 4/24) = 9 > 4 -> dense; the other keeps 48 of 100
    assert.deepEqual(erkCounts([layer('x', [2, 2]), layer('y', [10, 10])], 0.5), [0, 52]);
  });

  it('amount applies to the surviving weights (masked entries are not counted again)', () => {
    const l = a(); l.mask[0] = 0; l.values[0] = 0;
    const m = b(); m.mask[0] = 0; m.values[0] = 0;
    // 8 survivors: prune 4 smallest: 2, 3, 4 (a) and 5 (b)
    assert.deepEqual(globalCounts([l, m], 0.5), [3, 1]);
  });
});

describe('pruning/PruningState', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('prunes the smallest survivors of each kernel, writes exact zeros, and they stay zero through train()', async () => {
    const start = tf.memory().numTensors;
    const model = buildModel('lenet5', { inputShape: [16, 16, 1], numClasses: 3, seed: 1, width: 0.5 });
    const p = new PruningState(model);
    const r1 = await p.step('lamp', 0.2);
    assert.equal(r1.pruned, r1.total - r1.surviving);

    await p.step('global', 0.2);
    const { surviving, total } = p.counts();
    assert.ok(Math.abs(surviving / total - 0.64) < 0.01);
    const masks = p.gradientMasks();
    const zerosBefore = Object.fromEntries(model.weights.filter((w) => masks[w.originalName]).map((w) => [w.originalName, w.read().dataSync().slice()]));
    const data = syntheticSync({ perClass: 20, testPerClass: 5, shape: [16, 16, 1], classes: 3, seed: 1 }).train;
    await train(model, data, { epochs: 1, batchSize: 16, seed: 1, gradientMasks: masks });
    let changed = 0;
    for (const w of model.weights) {
      const m = masks[w.originalName];
      if (!m) continue;
      const now = w.read().dataSync();
      m.forEach((v, k) => {
        if (v === 0) assert.ok(Object.is(now[k], zerosBefore[w.originalName]![k]) && now[k] === 0);
        else if (now[k] !== zerosBefore[w.originalName]![k]) changed++;
      });
    }
    assert.ok(changed > 0);
    model.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it('bad amounts and models without kernels are SemsliceErrors', async () => {
    const model = buildModel('mlp', { inputShape: [4, 4, 1], numClasses: 3, seed: 1, width: 0.1 });
    const p = new PruningState(model);
    await assert.rejects(p.step('lamp', 1), { code: 'BAD_PRUNE_AMOUNT' });
    model.dispose();
    const bare = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] })] });
    assert.throws(() => new PruningState(bare), { code: 'NOTHING_TO_PRUNE' });
  });
});
