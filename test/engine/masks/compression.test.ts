import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { compressionRate, compressionReport } from '../../../src/engine/masks/compression.js';
import { findSites } from '../../../src/engine/graph/index.js';
import { buildModel } from '../../../src/engine/models/zoo.js';

function mlp(): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu', name: 'fc1' }),
    tf.layers.dense({ units: 2, name: 'out' }),
  ] });
}

describe('masks/compression', () => {
  it('MLP by hand: a masked fc neuron frees its column, bias and the classifier row', () => {
    const m = mlp();
    const r = compressionReport(m, { fc1: Float32Array.from([1, 0, 1]) });
    // total 4*3+3 + 3*2+2 = 23; removed: column 4 + bias 1 + outgoing row 2 = 7
    assert.equal(r.total, 23);
    assert.equal(r.removed, 7);
    assert.equal(r.rate, 7 / 23);
    assert.equal(compressionRate(m, { fc1: Float32Array.from([1, 1, 1]) }), 0);
    // all masked: fc1 entirely (15) + out kernel (6); the output bias still sets the logits
    assert.equal(compressionReport(m, { fc1: new Float32Array(3) }).removed, 21);
    m.dispose();
  });

  it('MLP with BatchNormalization: all four BN arrays of a masked unit count', () => {
    const m = tf.sequential({ layers: [
      tf.layers.dense({ units: 3, inputShape: [4], name: 'fc1' }),
      tf.layers.batchNormalization({ name: 'bn1' }),
      tf.layers.activation({ activation: 'relu', name: 'relu1' }),
      tf.layers.dense({ units: 2, name: 'out' }),
    ] });
    const r = compressionReport(m, { fc1: Float32Array.from([0, 1, 1]) });
    assert.equal(r.total, 15 + 12 + 8);
    assert.equal(r.removed, 5 + 4 + 2);
    m.dispose();
  });

  it('CNN with Flatten by hand: rows of channel c are the flat indices with i % C == c', () => {
    const m = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [4, 4, 1], activation: 'relu', name: 'conv1' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 3, activation: 'relu', name: 'fc1' }),
      tf.layers.dense({ units: 2, name: 'out' }),
    ] });
    const r = compressionReport(m, { conv1: Float32Array.from([0, 1]) });
    // conv 3*3*1*2 + 2 = 20; flat 2x2x2 = 8 -> fc1 8*3 + 3 = 27; out 3*2 + 2 = 8 => 55
    // removed: conv column 9 + bias 1; fc1 rows of channel 0 (4 of 8) * 3 = 12 => 22
    assert.equal(r.total, 55);
    assert.equal(r.removed, 22);
    assert.deepEqual(r.layers.map((l) => [l.layer, l.removed]), [['conv1', 10], ['fc1', 12], ['out', 0]]);
    // masking fc1 unit 2 as well: column 6 of the live rows... count: fc1 column (8 rows, of which 4 live) -> 4, bias 1, out row 2
    const r2 = compressionReport(m, { conv1: Float32Array.from([0, 1]), fc1: Float32Array.from([1, 1, 0]) });
    assert.equal(r2.removed, 22 + 4 + 1 + 2);
    m.dispose();
  });

  it('pooling keeps the channel identity', () => {
    const m = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 3, kernelSize: 1, inputShape: [4, 4, 2], name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 2, name: 'out' }),
    ] });
    // conv 1*1*2*3 + 3 = 9; flat 2*2*3 = 12 -> out 12*2 + 2 = 26
    const r = compressionReport(m, { conv1: Float32Array.from([1, 0, 1]) });
    assert.equal(r.total, 35);
    assert.equal(r.removed, 2 + 1 + 4 * 2);
    m.dispose();
  });

  it('residual Add: a masked channel still feeds through the shortcut', () => {
    const x = tf.input({ shape: [4] });
    const h = tf.layers.dense({ units: 3, activation: 'relu', name: 'fc1' }).apply(x) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, activation: 'relu', name: 'fc2' }).apply(h) as tf.SymbolicTensor;
    const s = tf.layers.add({ name: 'add' }).apply([h, b]) as tf.SymbolicTensor;
    const y = tf.layers.dense({ units: 2, name: 'out' }).apply(s) as tf.SymbolicTensor;
    const m = tf.model({ inputs: x, outputs: y });
    // total: fc1 15, fc2 12, out 8 = 35
    // mask fc2 unit 0: its column (3) + bias (1) are freed; add channel 0 still = h0 -> out row 0 stays live
    assert.equal(compressionReport(m, { fc2: Float32Array.from([0, 1, 1]) }).removed, 4);
    // mask fc1 unit 0: fc1 column 4 + bias 1, and h0 = 0 frees fc2 row 0 (3); add channel 0 = b0 stays alive
    assert.equal(compressionReport(m, { fc1: Float32Array.from([0, 1, 1]) }).removed, 4 + 1 + 3);
    // both paths dead for channel 0
    const both = compressionReport(m, { fc1: Float32Array.from([0, 1, 1]), fc2: Float32Array.from([0, 1, 1]) });
    // fc1: 5; fc2: dead input row 0 (3 entries) + column 0 over live rows (2) + bias 0 (1) = 6; out: row 0 (2) => 13
    assert.equal(both.removed, 13);
    m.dispose();
  });
});

describe('masks/compression on the zoo', () => {
  const sizeOf = (m: tf.LayersModel, prefix: string) => m.layers.filter((l) => l.name.startsWith(prefix)).reduce((a, l) => a + l.countParams(), 0);

  it('totals are all parameters; masking everything leaves only the classifier bias', () => {
    for (const name of ['lenet5', 'resnet-small']) {
      for (const batchNorm of [false, true]) {
        const m = buildModel(name, { inputShape: [12, 12, 1], numClasses: 4, seed: 0, batchNorm });
        const zero = Object.fromEntries(findSites(m).map((s) => [s.name, new Float32Array(s.neurons)]));
        const r = compressionReport(m, zero);
        assert.equal(r.total, m.countParams(), `${name} bn=${batchNorm}`);
        assert.equal(r.total - r.removed, 4, `${name} bn=${batchNorm}`);
        assert.equal(compressionRate(m, {}), 0);
        m.dispose();
      }
    }
  });

  it('resnet: masking a residual branch frees that branch only; the shortcut keeps the rest live', () => {
    const m = buildModel('resnet-small', { inputShape: [12, 12, 1], numClasses: 4, seed: 0, batchNorm: true });
    const sites = findSites(m);
    const n = sites.find((s) => s.name === 'block2_conv2')!.neurons;
    const r = compressionReport(m, { block2_conv2: new Float32Array(n) });
    // block2_conv1 only feeds block2_conv2, so it stops influencing the output too
    assert.equal(r.removed, sizeOf(m, 'block2_conv'));
    m.dispose();
  });
});
