import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { weightEnds, weightMasksFor } from '../../../src/engine/masks/weight-masks.js';
import { buildModel } from '../../../src/engine/models/zoo.js';

describe('masks/weight-masks', () => {
  before(async () => { await tf.setBackend('cpu'); });

  const mlp = () => tf.sequential({ layers: [
    tf.layers.dense({ units: 3, inputShape: [2], activation: 'relu', name: 'fc1' }),
    tf.layers.batchNormalization({ name: 'bn1' }),
    tf.layers.dense({ units: 2, activation: 'relu', name: 'fc2' }),
    tf.layers.dense({ units: 2, name: 'out' }),
  ] });

  it('MLP by hand: critical-incoming and both-ends-critical', () => {
    const m = mlp();
    const mask = { fc1: Float32Array.from([1, 0, 1]), fc2: Float32Array.from([0, 1]) };
    const inc = weightMasksFor(m, mask, 'critical-incoming');
    // fc1/kernel [2, 3]: columns of neurons 0 and 2
    assert.deepEqual(Array.from(inc['fc1/kernel']!), [1, 0, 1, 1, 0, 1]);
    assert.deepEqual(Array.from(inc['fc1/bias']!), [1, 0, 1]);
    assert.deepEqual(Array.from(inc['bn1/gamma']!), [1, 0, 1]);
    assert.deepEqual(Array.from(inc['bn1/moving_mean']!), [1, 0, 1]);
    assert.deepEqual(Array.from(inc['fc2/kernel']!), [0, 1, 0, 1, 0, 1]);
    assert.deepEqual(Array.from(inc['out/kernel']!), [0, 0, 0, 0]); // the classifier is no site
    const both = weightMasksFor(m, mask, 'both-ends-critical');
    assert.deepEqual(Array.from(both['fc1/kernel']!), [1, 0, 1, 1, 0, 1]); // inputs count as critical
    // fc2/kernel [3, 2]: rows of fc1 neurons 0, 2 x column of fc2 neuron 1
    assert.deepEqual(Array.from(both['fc2/kernel']!), [0, 1, 0, 0, 0, 1]);
    // out/kernel [2, 2]: rows of fc2 neuron 1, all logits
    assert.deepEqual(Array.from(both['out/kernel']!), [0, 0, 1, 1]);
    assert.deepEqual(Array.from(both['out/bias']!), [1, 1]);
    m.dispose();
  });

  it('lenet5: Flatten channels-last (fc1 row i comes from conv2 channel i % C) and a custom rule', () => {
    const m = buildModel('lenet5', { inputShape: [16, 16, 1], numClasses: 3, seed: 1, width: 0.5 });
    const ends = weightEnds(m).find((w) => w.name === 'fc1/kernel')!;
    const c = m.getLayer('conv2').getConfig()['filters'] as number;
    for (const i of [0, 5, 17, ends.in!.length - 1]) assert.deepEqual(ends.in![i], [{ kind: 'site', site: 'conv2', neuron: i % c }]);
    const conv2Mask = new Float32Array(c); conv2Mask[1] = 1;
    const masks = weightMasksFor(m, { conv2: conv2Mask }, (o, i) => !!i && i.critical && o.critical);
    const k = masks['fc1/kernel']!; const units = ends.shape[1]!;
    for (let row = 0; row < ends.shape[0]!; row++) assert.equal(k[row * units], row % c === 1 ? 1 : 0);
    m.dispose();
  });

  it('resnet-small: a channel joined by an Add belongs to every joined site; critical if any is', () => {
    const m = buildModel('resnet-small', { inputShape: [8, 8, 1], numClasses: 3, seed: 1, width: 0.25 });
    const e = weightEnds(m).find((w) => w.name === 'block2_conv1/kernel')!;
    assert.deepEqual(e.in![2]!.map((o) => (o.kind === 'site' ? o.site : o.kind)).sort(), ['block1_conv2', 'stem']);
    const zero = new Float32Array(4);
    const masks = weightMasksFor(m, { stem: zero, block1_conv2: Float32Array.from([0, 0, 1, 0]) }, 'both-ends-critical');
    const k = masks['block2_conv1/kernel']!; // [3, 3, 4, 4]
    for (let i = 0; i < 4; i++) assert.equal(k[i * 4], i === 2 ? 1 : 0);
    m.dispose();
  });
});
