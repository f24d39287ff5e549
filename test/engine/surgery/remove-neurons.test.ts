import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { forward, siteReads } from '../../../src/engine/graph/index.js';
import { compressionReport } from '../../../src/engine/masks/compression.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { saveModel } from '../../../src/engine/models/index.js';
import { removeNeuronsDetailed, removeNeurons } from '../../../src/engine/surgery/index.js';
import { residualCnn } from '../slicing/reference/models.js';
import { paramCount, randomMask, randomiseWeights } from './helpers.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Logits of the masked original vs the physically smaller model on seeded inputs. */
function logitGap(model: tf.LayersModel, small: tf.LayersModel, mask: Record<string, Float32Array>, shape: number[]): number {
  const x = tf.randomUniform([8, ...shape], 0, 1, 'float32', 7) as unknown as tf.Tensor4D;
  const a = forward(model, x, { masks: mask }).logits;
  const b = forward(small, x).logits;
  const d = maxAbsDiff(a, b);
  tf.dispose([x, a, b]);
  return d;
}

const ZOO: Array<[string, boolean, number[]]> = [
  ['mlp', false, [8, 8, 1]],
  ['lenet5', false, [16, 16, 1]],
  ['vgg-small', false, [8, 8, 1]],
  ['vgg-small', true, [8, 8, 1]],
  ['resnet-small', false, [8, 8, 1]],
  ['resnet-small', true, [8, 8, 1]],
];

describe('surgery/removeNeurons', () => {
  before(async () => { await tf.setBackend('cpu'); });

  for (const [name, batchNorm, shape] of ZOO) {
    it(`${name}${batchNorm ? ' (BatchNorm)' : ''}: logits equal the masked model's; params = original - removed (+ retained zeros)`, async () => {
      const start = tf.memory().numTensors;
      const model = buildModel(name, { inputShape: shape as [number, number, number], numClasses: 4, seed: 3, batchNorm, width: 0.25 });
      randomiseWeights(model, 11);
      const mask = randomMask(model, 5);
      const r = await removeNeuronsDetailed(model, mask);
      assert.ok(logitGap(model, r.model, mask, shape) < 1e-5);
      const report = compressionReport(model, mask);
      assert.ok(report.removed > 0);
      assert.equal(paramCount(r.model), paramCount(model) - report.removed + r.retainedDead);
      assert.equal(r.params, paramCount(r.model));
      // Stock layers only, smaller.
      assert.ok(r.params < r.originalParams);
      for (const l of r.model.layers) assert.ok(['InputLayer', 'Dense', 'Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D', 'Flatten', 'Dropout', 'Add', 'GlobalAveragePooling2D'].includes(l.getClassName()));
      if (name !== 'resnet-small') assert.equal(r.retainedDead, 0);
      model.dispose(); r.model.dispose();
      assert.equal(tf.memory().numTensors, start);
    });
  }

  it('resnet-small: a mask that agrees across the Add removes joined channels with nothing retained', async () => {
    const model = buildModel('resnet-small', { inputShape: [8, 8, 1], numClasses: 3, seed: 1, width: 0.5 });
    randomiseWeights(model, 2);
    const joined = new Float32Array(8).fill(1); joined[1] = 0; joined[6] = 0;
    const mask = { stem: joined, block1_conv2: joined, block2_conv2: joined, block3_conv2: joined, block2_conv1: Float32Array.from([1, 0, 1, 0, 1, 1, 1, 1]) };
    const r = await removeNeuronsDetailed(model, mask);
    assert.equal(r.retainedDead, 0);
    assert.deepEqual(r.kept['stem'], [0, 2, 3, 4, 5, 7]);
    assert.deepEqual(r.kept['block2_conv1'], [0, 2, 4, 5, 6, 7]);
    assert.equal(paramCount(r.model), paramCount(model) - compressionReport(model, mask).removed);
    assert.ok(logitGap(model, r.model, mask, [8, 8, 1]) < 1e-5);
    // A channel masked at only one joined site is kept (as zeros at that site).
    const one = { stem: joined };
    const r2 = await removeNeuronsDetailed(model, one);
    assert.equal(r2.kept['stem']!.length, 8);
    assert.ok(r2.retainedDead > 0);
    assert.ok(logitGap(model, r2.model, one, [8, 8, 1]) < 1e-5);
    model.dispose(); r.model.dispose(); r2.model.dispose();
  });

  it('a functional residual model with BatchNormalization (add of a relu conv and a BN branch)', async () => {
    const model = residualCnn(4);
    randomiseWeights(model, 9);
    for (const seed of [1, 2, 3]) {
      const mask = randomMask(model, seed, 0.6);
      const r = await removeNeuronsDetailed(model, mask);
      assert.ok(logitGap(model, r.model, mask, [6, 6, 2]) < 1e-5);
      assert.equal(paramCount(r.model), paramCount(model) - compressionReport(model, mask).removed + r.retainedDead);
      r.model.dispose();
    }
    model.dispose();
  });

  it('Flatten after a conv: the dense rows of removed channels go (channels-last index)', async () => {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [4, 4, 1], activation: 'relu', name: 'conv1' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 2, name: 'out' }),
    ] });
    randomiseWeights(model, 1);
    const r = await removeNeuronsDetailed(model, { conv1: Float32Array.from([1, 0, 1]) });
    const k = r.model.getLayer('out').getWeights()[0]!;
    const full = model.getLayer('out').getWeights()[0]!;
    assert.deepEqual(k.shape, [8, 2]);
    // Flat index (h * W + w) * C + c: rows 0, 2, 3, 5, 6, 8, 9, 11 of the original (c = 0 or 2).
    const want = tf.gather(full, [0, 2, 3, 5, 6, 8, 9, 11]);
    assert.equal(maxAbsDiff(k, want), 0);
    tf.dispose([want]);
    model.dispose(); r.model.dispose();
  });

  it('bad masks are SemsliceErrors', async () => {
    const model = buildModel('mlp', { inputShape: [4, 4, 1], numClasses: 3, seed: 1, width: 0.1 });
    await assert.rejects(removeNeurons(model, { nope: new Float32Array(3) }), { code: 'UNKNOWN_SITE' });
    await assert.rejects(removeNeurons(model, { fc1: new Float32Array(2) }), { code: 'BAD_MASK' });
    const n = siteReads(model)[0]!.site.neurons;
    await assert.rejects(removeNeurons(model, { fc1: new Float32Array(n) }), { code: 'EMPTY_LAYER' });
    model.dispose();
  });

  it('saved with models.save, the smaller model loads with stock tf.loadLayersModel in a process that never imports semslice', async () => {
    const model = buildModel('lenet5', { inputShape: [16, 16, 1], numClasses: 4, seed: 2, width: 0.5 });
    randomiseWeights(model, 3);
    const small = await removeNeurons(model, randomMask(model, 4));
    const dir = mkdtempSync(path.join(tmpdir(), 'semslice-surgery-'));
    try {
      await saveModel(small, path.join(dir, 'm'));
      const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 3);
      const want = Array.from((small.predict(x) as tf.Tensor).dataSync());
      const child = `
        import * as tf from '@tensorflow/tfjs';
        import { readFileSync } from 'node:fs';
        const dir = process.argv[1];
        const json = JSON.parse(readFileSync(dir + '/model.json', 'utf8'));
        const bin = readFileSync(dir + '/weights.bin');
        const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
        await tf.setBackend('cpu');
        const m = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
        const x = tf.tensor(JSON.parse(process.argv[2]), [2, 16, 16, 1]);
        process.stdout.write(JSON.stringify([Object.keys(globalThis).some((k) => k.includes('semslice')), Array.from(m.predict(x).dataSync())]));`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', child, path.join(dir, 'm'), JSON.stringify(Array.from(x.dataSync()))], { cwd: process.cwd(), encoding: 'utf8' });
      const [leak, got] = JSON.parse(out) as [boolean, number[]];
      assert.equal(leak, false);
      assert.equal(got.length, want.length);
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6));
      x.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      model.dispose(); small.dispose();
    }
  });
});
