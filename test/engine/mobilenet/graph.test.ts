/**
 * A user's MobileNet-shaped models (built with stock tfjs layers, saved with model.save, loaded through semslice's
 * loader): the layer table reads every layer, SeparableConv2D filters are sites, depthwise filters follow their
 * input channels, and masks, compression accounting, per-weight masks and surgery agree on what a masked neuron
 * takes with it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { filterReads, findSites, forward, layerSpec, logitsSource, modelGraph } from '../../../src/engine/graph/index.js';
import { compressionReport } from '../../../src/engine/masks/compression.js';
import { weightMasksFor } from '../../../src/engine/masks/weight-masks.js';
import { loadModel, saveModel } from '../../../src/engine/models/index.js';
import { removeNeuronsDetailed } from '../../../src/engine/surgery/index.js';
import { paramCount, randomMask, randomiseWeights } from '../surgery/helpers.js';
import { mobilenetSmall, mobilenetV2Like, saveAsUser } from './models.js';

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

/** One neuron of a site masked, the rest kept. */
function only(model: tf.LayersModel, masked: Record<string, number[]>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const s of findSites(model)) {
    if (!masked[s.name]) continue;
    const m = new Float32Array(s.neurons).fill(1);
    for (const j of masked[s.name]!) m[j] = 0;
    out[s.name] = m;
  }
  return out;
}

describe('MobileNet-shaped models: layer table, masks, compression, surgery', function () {
  this.timeout(120_000);
  let dir: string;
  let small: tf.LayersModel;
  let v2: tf.LayersModel;

  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    dir = mkdtempSync(path.join(tmpdir(), 'semslice-mobilenet-'));
    for (const [name, build] of [['small', mobilenetSmall], ['v2', mobilenetV2Like]] as const) {
      const m = build(1);
      await saveAsUser(m, path.join(dir, name));
      m.dispose();
    }
    small = await loadModel(path.join(dir, 'small'));
    v2 = await loadModel(path.join(dir, 'v2'));
    randomiseWeights(small, 3);
    randomiseWeights(v2, 4);
  });
  after(() => {
    small.dispose(); v2.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the issue\'s model: 3,946 parameters; sites are the three convolutions and the SeparableConv2D; both depthwise layers are filters', () => {
    assert.equal(paramCount(small), 3946);
    assert.deepEqual(findSites(small).map((s) => [s.name, s.kind, s.neurons, s.readLayer]), [
      ['stem', 'conv2d', 16, 'stem_relu'], ['block1_pw', 'conv2d', 16, 'block1_pw_bn'],
      ['block2_pw', 'conv2d', 32, 'block2_pw_relu'], ['sep', 'separable-conv2d', 48, 'sep'],
    ]);
    assert.deepEqual(filterReads(small).map((f) => [f.layer, f.followers]), [
      ['block1_dw', ['block1_dw_bn', 'block1_dw_relu']], ['block2_dw', ['block2_dw_bn', 'block2_dw_relu']],
    ]);
    const kinds = Object.fromEntries(small.layers.map((l) => [l.name, layerSpec(l).kind]));
    assert.deepEqual(kinds, {
      input: 'input', stem: 'conv2d', stem_bn: 'batch-norm', stem_relu: 'activation', block1_dw: 'depthwise-conv2d',
      block1_dw_bn: 'batch-norm', block1_dw_relu: 'activation', block1_pw: 'conv2d', block1_pw_bn: 'batch-norm', block1_add: 'merge',
      block2_pad: 'spatial', block2_dw: 'depthwise-conv2d', block2_dw_bn: 'batch-norm', block2_dw_relu: 'activation', block2_pw: 'conv2d',
      block2_pw_bn: 'batch-norm', block2_pw_relu: 'activation', sep: 'separable-conv2d', gap: 'global-pool', dropout: 'dropout', predictions: 'dense',
    });
    assert.ok(layerSpec(small.getLayer('stem_relu')).zeroPreserving && layerSpec(small.getLayer('stem_relu')).follower);
    assert.deepEqual(layerSpec(small.getLayer('block1_dw')).weights, { depthwise_kernel: { out: 2, in: 2 }, bias: { out: 0 } });
    assert.equal(logitsSource(small).mode, 'pre-activation');
  });

  it('the v2-shaped model: expansions, bottlenecks and the head are sites; Reshapes keep channels; the 1x1 conv classifier is not a site', () => {
    assert.deepEqual(findSites(v2).map((s) => s.name), ['stem', 'block0_project', 'block1_expand', 'block1_project', 'block2_expand',
      'block2_project', 'block3_expand', 'block3_project', 'head']);
    assert.equal(filterReads(v2).length, 4);
    assert.equal(layerSpec(v2.getLayer('reshape_1')).kind, 'reshape');
    assert.equal(layerSpec(v2.getLayer('reshape_2')).kind, 'reshape');
    assert.ok(layerSpec(v2.getLayer('block2_expand_relu')).zeroPreserving, "Activation('relu6') maps 0 to 0");
    assert.deepEqual(logitsSource(v2), { layer: 'predictions', mode: 'input', tensorId: modelGraph(v2).steps.find((s) => s.layer.name === 'reshape_2')!.outputIds[0] });
    assert.equal(modelGraph(v2).steps.filter((s) => s.spec.kind === 'merge').length, 2);
  });

  it('a masked neuron zeroes the depthwise filter channel it feeds (after its BatchNormalization and ReLU6), and only that one', () => {
    const mask = only(small, { stem: [3] });
    const read = filterReads(small)[0]!.tensorId;
    const got: tf.Tensor[] = [];
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const keep = (id: number, v: tf.Tensor) => { if (id === read) got.push(tf.keep(v.clone())); return v; };
    tf.dispose(forward(small, x, { masks: mask, hook: keep }).logits);
    tf.dispose(forward(small, x, { hook: keep }).logits);
    const [masked, plain] = got as [tf.Tensor, tf.Tensor];
    const channelMax = (t: tf.Tensor) => tf.tidy(() => Array.from(tf.max(tf.abs(t), [0, 1, 2]).dataSync()));
    const m = channelMax(masked), p = channelMax(plain);
    assert.equal(m[3], 0);
    assert.ok(p[3]! > 0, 'unmasked, the channel is live (BatchNormalization makes a constant of a zero input)');
    m.forEach((v, c) => { if (c !== 3) assert.equal(v, p[c]); });
    tf.dispose([x, masked, plain]);
  });

  it('compression accounting counts what a masked neuron takes with it', () => {
    const removed = (m: Record<string, number[]>) => compressionReport(small, only(small, m)).removed;
    // sep neuron: its pointwise column (32), bias (1) and the classifier's row (10).
    assert.equal(removed({ sep: [5] }), 43);
    // block2_pw neuron: kernel column (16), BN (4), the sep depthwise filter that reads only it (9), sep's pointwise row (48).
    assert.equal(removed({ block2_pw: [7] }), 77);
    // stem neuron: kernel column (9), BN (4), block1_dw's filter (9) and BN (4), block1_pw's row (16); the Add keeps
    // the channel alive for block2 (block1_pw's output joins it).
    assert.equal(removed({ stem: [3] }), 42);
    // ... and masked on both sides of the Add the joined channel dies: block1_pw's column (16, one entry of which is in
    // the row counted above) and BN (4), block2_dw's filter (9) and BN (4), block2_pw's row (32) go too.
    assert.equal(removed({ stem: [3], block1_pw: [3] }), 42 + 15 + 4 + 45);
  });

  it('per-weight masks: a depthwise filter belongs to its input channel; a SeparableConv2D\'s depthwise kernel to all of its neurons', () => {
    const mask = only(small, { stem: [2], block2_pw: [5], sep: Array.from({ length: 47 }, (_, j) => j + 1) });
    const inc = weightMasksFor(small, mask, 'critical-incoming');
    const both = weightMasksFor(small, mask, 'both-ends-critical');
    // block1_dw kernel [3, 3, 16, 1]: channel 2 (masked stem neuron, joined by nothing before the Add) is not critical.
    const dw = inc['block1_dw/depthwise_kernel']!;
    for (let k = 0; k < dw.length; k++) assert.equal(dw[k], k % 16 === 2 ? 0 : 1, `block1_dw entry ${k}`);
    // sep depthwise kernel [3, 3, 32, 1]: owned by sep's neurons (neuron 0 is critical): trains under
    // critical-incoming; both ends critical except input channel 5 (block2_pw's masked neuron).
    const sd = inc['sep/depthwise_kernel']!, sb = both['sep/depthwise_kernel']!;
    assert.ok(sd.every((v) => v === 1));
    for (let k = 0; k < sb.length; k++) assert.equal(sb[k], k % 32 === 5 ? 0 : 1);
    // sep pointwise [1, 1, 32, 48]: only column 0 (the one critical neuron) is incoming-critical.
    const pw = inc['sep/pointwise_kernel']!;
    for (let k = 0; k < pw.length; k++) assert.equal(pw[k], k % 48 === 0 ? 1 : 0);
  });

  for (const which of ['small', 'v2'] as const) {
    it(`${which}: surgery keeps stock layers, logits equal the masked model's to 1e-5, params = original - removed + retained zeros`, async () => {
      const model = which === 'small' ? small : v2;
      const start = tf.memory().numTensors;
      for (const seed of [1, 2, 3]) {
        const mask = randomMask(model, seed, 0.6);
        const report = compressionReport(model, mask);
        const r = await removeNeuronsDetailed(model, mask);
        const x = tf.randomUniform([6, 28, 28, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
        const masked = forward(model, x, { masks: mask }).logits;
        const full = forward(model, x).logits;
        const cut = forward(r.model, x).logits;
        assert.ok(maxAbs(masked, cut) < 1e-5, `logit gap ${maxAbs(masked, cut)}`);
        assert.ok(maxAbs(masked, full) > 1e-3, 'the mask changes the logits (the comparison can fail)');
        assert.equal(r.params, paramCount(model) - report.removed + r.retainedDead);
        assert.ok(r.params < paramCount(model));
        assert.deepEqual(r.model.layers.map((l) => l.getClassName()), model.layers.map((l) => l.getClassName()));
        tf.dispose([x, masked, full, cut]);
        r.model.dispose();
      }
      assert.equal(tf.memory().numTensors, start);
    });
  }

  it('v2: removing head neurons rewrites the Reshape to [1, 1, kept]; the smaller model loads in stock tfjs and predicts the same', async () => {
    const mask = randomMask(v2, 9, 0.5);
    const r = await removeNeuronsDetailed(v2, mask);
    const kept = r.kept['head']!.length;
    assert.ok(kept < 64);
    assert.deepEqual((r.model.getLayer('reshape_1').getConfig() as { targetShape: number[] }).targetShape, [1, 1, kept]);
    const out = path.join(dir, 'v2-small');
    await saveModel(r.model, out);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    const want = Array.from((r.model.predict(x) as tf.Tensor).dataSync());
    const child = `
      import * as tf from '@tensorflow/tfjs';
      import { readFileSync } from 'node:fs';
      const dir = process.argv[1];
      const json = JSON.parse(readFileSync(dir + '/model.json', 'utf8'));
      const bin = readFileSync(dir + '/weights.bin');
      await tf.setBackend('cpu');
      const m = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));
      const x = tf.tensor(JSON.parse(process.argv[2]), [2, 28, 28, 1]);
      process.stdout.write(JSON.stringify(Array.from(m.predict(x).dataSync())));`;
    const got = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', child, out, JSON.stringify(Array.from(x.dataSync()))], { cwd: process.cwd(), encoding: 'utf8' })) as number[];
    assert.equal(got.length, want.length);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5, `${v} vs ${want[i]}`));
    x.dispose(); r.model.dispose();
  });
});
