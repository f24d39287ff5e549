import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { forward, logitsOf } from '../../../src/engine/graph/executor.js';
import { evaluate, predictLabels } from '../../../src/engine/train/evaluate.js';
import { mlpWithBn, residualCnn, tinyCnn } from '../slicing/reference/models.js';
import { randomDataset } from '../slicing/reference/array-dataset.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Zero neuron i of weight layer `name` by hand: its kernel column (last axis) and bias; optionally its BN shift too. */
function deleteNeuron(model: tf.LayersModel, name: string, i: number, bn?: string): void {
  const zeroLast = (t: tf.Tensor) => tf.tidy(() => {
    const n = t.shape.at(-1)!;
    const keep = tf.tensor1d(Array.from({ length: n }, (_, j) => (j === i ? 0 : 1)));
    return tf.mul(t, keep);
  });
  const layer = model.getLayer(name);
  const w = layer.getWeights().map(zeroLast);
  layer.setWeights(w);
  tf.dispose(w);
  if (bn) {
    // BN(x=0) = beta - gamma * mean / sqrt(var + eps): zero beta and the moving mean so the deleted neuron stays 0.
    const b = model.getLayer(bn);
    const [gamma, beta, mean, variance] = b.getWeights();
    const nw = [gamma!.clone(), zeroLast(beta!), zeroLast(mean!), variance!.clone()];
    b.setWeights(nw);
    tf.dispose(nw);
  }
}

describe('engine/graph/executor', () => {
  let base = 0;
  const models: tf.LayersModel[] = [];
  const track = (m: tf.LayersModel) => { models.push(m); return m; };
  before(async () => { await tf.setBackend('cpu'); });
  beforeEach(() => { base = tf.memory().numTensors; });
  afterEach(() => {
    models.splice(0).forEach((m) => m.dispose());
    assert.equal(tf.memory().numTensors, base, 'tensor leak');
  });

  for (const [name, build, shape] of [['mlp+bn', mlpWithBn, [4, 4, 1]], ['residual cnn', residualCnn, [6, 6, 2]], ['tiny cnn', tinyCnn, [8, 8, 1]]] as const) {
    it(`${name}: softmax(forward logits) equals model.predict`, () => {
      const m = track(build(3));
      const x = tf.randomUniform([5, ...shape], 0, 1, 'float32', 7) as tf.Tensor4D;
      const { logits, taps } = forward(m, x);
      const p = m.predict(x) as tf.Tensor;
      const isSoftmax = name !== 'tiny cnn';
      const q = isSoftmax ? tf.softmax(logits) : logits.clone();
      assert.ok(maxAbsDiff(q, p) < 1e-6);
      assert.deepEqual(Object.keys(taps), []);
      if (isSoftmax) assert.ok(maxAbsDiff(logits, p) > 1e-3, 'logits must be pre-softmax');
      tf.dispose([x, logits, p, q]);
    });
  }

  it('taps return each site read value, and perturbations add at the read point', () => {
    const m = track(tinyCnn(2));
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const a = forward(m, x, { taps: true });
    assert.deepEqual(Object.keys(a.taps), ['conv1', 'conv2', 'fc1']);
    assert.deepEqual(a.taps['conv1']!.shape, [4, 8, 8, 3]);
    assert.deepEqual(a.taps['fc1']!.shape, [4, 5]);
    const conv1 = m.getLayer('conv1').apply(x) as tf.Tensor;
    assert.ok(maxAbsDiff(conv1, a.taps['conv1']!) < 1e-6);
    const p = tf.fill([4, 5], 0.25);
    const b = forward(m, x, { taps: true, perturb: { fc1: p } });
    assert.ok(Math.abs(maxAbsDiff(a.taps['fc1']!, b.taps['fc1']!) - 0.25) < 1e-6);
    const w = m.getLayer('logits').getWeights()[0]!;
    const shift = tf.tidy(() => tf.add(a.logits, tf.sum(tf.mul(w, 0.25), 0)));
    assert.ok(maxAbsDiff(shift, b.logits) < 1e-5);
    tf.dispose([x, a.logits, b.logits, p, conv1, shift, ...Object.values(a.taps), ...Object.values(b.taps)]);
  });

  const cases = [
    { what: 'Dense without BN', build: mlpWithBn, site: 'fc1', i: 3, n: 8, bn: undefined, shape: [4, 4, 1] },
    { what: 'Dense with BN following', build: mlpWithBn, site: 'fc2', i: 2, n: 6, bn: 'bn2', shape: [4, 4, 1] },
    { what: 'Conv2D (residual branch)', build: residualCnn, site: 'conv1', i: 1, n: 4, bn: undefined, shape: [6, 6, 2] },
    { what: 'Conv2D with BN following', build: residualCnn, site: 'conv2', i: 0, n: 4, bn: 'bn2', shape: [6, 6, 2] },
  ] as const;
  for (const c of cases) {
    it(`masking equals deleting the neuron from the weights: ${c.what}`, () => {
      const m = track(c.build(5));
      const edited = track(c.build(5));
      deleteNeuron(edited, c.site, c.i, c.bn);
      const x = tf.randomUniform([6, ...c.shape], 0, 1, 'float32', 11) as tf.Tensor4D;
      const mask = new Float32Array(c.n).fill(1);
      mask[c.i] = 0;
      const masked = logitsOf(m, x, { [c.site]: mask });
      const byHand = logitsOf(edited, x);
      const plain = logitsOf(m, x);
      assert.ok(maxAbsDiff(masked, byHand) < 1e-5, `diff ${maxAbsDiff(masked, byHand)}`);
      assert.ok(maxAbsDiff(masked, plain) > 1e-4, 'the mask must change something');
      tf.dispose([x, masked, byHand, plain]);
    });
  }

  it('zeroing kernel column and bias alone is not enough when BN follows (why masks act at the read point)', () => {
    const m = track(mlpWithBn(5));
    const x = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', 11) as tf.Tensor4D;
    let differs = 0;
    for (let i = 0; i < 6; i++) {
      const edited = track(mlpWithBn(5));
      deleteNeuron(edited, 'fc2', i);
      const mask = new Float32Array(6).fill(1);
      mask[i] = 0;
      const d = tf.tidy(() => maxAbsDiff(logitsOf(m, x, { fc2: mask }), logitsOf(edited, x)));
      if (d > 1e-4) differs++;
    }
    x.dispose();
    assert.ok(differs > 0, 'some neuron has BN(0) > 0, so zeroed weights alone leave it alive');
  });

  it('rejects unknown sites, wrong mask lengths and wrong input shapes with hints', () => {
    const m = track(tinyCnn());
    const x = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    const y = tf.zeros([1, 9, 8, 1]) as tf.Tensor4D;
    assert.throws(() => logitsOf(m, x, { fc9: new Float32Array(5) }), (e: Error & { code?: string }) => e.code === 'UNKNOWN_SITE' && /fc1/.test(String((e as { hint?: string }).hint)));
    assert.throws(() => logitsOf(m, x, { fc1: new Float32Array(4) }), (e: Error & { code?: string }) => e.code === 'BAD_MASK' && /5 neurons/.test(e.message));
    assert.throws(() => logitsOf(m, y), (e: Error & { code?: string }) => e.code === 'BAD_INPUT_SHAPE' && /\[1, 9, 8, 1\]/.test(e.message));
    tf.dispose([x, y]);
  });

  it('the evaluator with a mask: accuracy and per-class accuracy agree with argmax of the masked logits', async () => {
    const m = track(tinyCnn(4));
    const data = randomDataset(23, [8, 8, 1], 3, 9);
    const mask = new Float32Array(5).fill(1);
    mask[0] = 0;
    const r = { ...(await evaluate(m, data, { mask: { fc1: mask }, batchSize: 8 })), predictions: await predictLabels(m, data, { mask: { fc1: mask }, batchSize: 8 }) };
    const x = tf.tensor4d(data.gather(Int32Array.from({ length: 23 }, (_, i) => i)).images, [23, 8, 8, 1]);
    const pred = tf.tidy(() => tf.argMax(logitsOf(m, x, { fc1: mask }), 1).dataSync());
    assert.deepEqual(Array.from(r.predictions), Array.from(pred));
    const labels = data.labels();
    const ok = Array.from(pred).filter((p, i) => p === labels[i]).length;
    assert.equal(r.accuracy, ok / 23);
    assert.deepEqual(r.counts, [8, 8, 7]);
    const c0 = Array.from(pred).filter((p, i) => labels[i] === 0 && p === 0).length / 8;
    assert.equal(r.perClass[0], c0);
    x.dispose();
  });
});
