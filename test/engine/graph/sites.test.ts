import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { findSites, logitsSource } from '../../../src/engine/graph/index.js';
import { mlpWithBn, residualCnn, tinyCnn } from '../slicing/reference/models.js';

describe('engine/graph/sites', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('finds Dense sites after their elementwise followers, excluding the softmax classifier (Sequential)', () => {
    const m = mlpWithBn();
    assert.deepEqual(findSites(m), [
      { name: 'fc1', kind: 'dense', neurons: 8, readLayer: 'drop1', followers: ['drop1'] },
      { name: 'fc2', kind: 'dense', neurons: 6, readLayer: 'relu2', followers: ['bn2', 'relu2'] },
    ]);
    assert.equal(logitsSource(m).mode, 'pre-activation');
    assert.equal(logitsSource(m).layer, 'logits');
  });

  it('handles a functional residual model: a branching output has no followers; softmax layer read before', () => {
    const m = residualCnn();
    assert.deepEqual(findSites(m), [
      { name: 'conv1', kind: 'conv2d', neurons: 4, readLayer: 'conv1', followers: [] },
      { name: 'conv2', kind: 'conv2d', neurons: 4, readLayer: 'relu2', followers: ['bn2', 'relu2'] },
    ]);
    assert.deepEqual({ ...logitsSource(m), tensorId: 0 }, { layer: 'softmax', mode: 'input', tensorId: 0 });
  });

  it('stops before pooling and excludes a linear final classifier', () => {
    const m = tinyCnn();
    assert.deepEqual(findSites(m).map((s) => [s.name, s.kind, s.neurons, s.readLayer]), [
      ['conv1', 'conv2d', 3, 'conv1'], ['conv2', 'conv2d', 4, 'conv2'], ['fc1', 'dense', 5, 'fc1'],
    ]);
    assert.equal(logitsSource(m).mode, 'output');
  });

  it('throws NO_SITES for a model with only a classifier', () => {
    const m = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    assert.throws(() => findSites(m), (e: Error & { code?: string; hint?: string }) => e.code === 'NO_SITES' && /Dense, Conv2D or SeparableConv2D/.test(e.message) && !!e.hint);
  });
});
