import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModel, loadModel, modelFingerprint, modelMetadata, saveModel } from '../../../src/engine/models/index.js';
import type { SemsliceError } from '../../../src/engine/errors.js';

const code = (c: string, re?: RegExp) => (e: SemsliceError) => e.code === c && (!re || re.test(e.message)) && !!e.hint;

/** Write a model in the stock tfjs layout: 2 weight groups, the first split into 2 shards mid-weight. */
async function writeStockLayout(model: tf.LayersModel, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
    const specs = a.weightSpecs!;
    const cut = 2; // first two weights in group 1, the rest in group 2
    const bytes1 = specs.slice(0, cut).reduce((s, w) => s + 4 * w.shape.reduce((x, y) => x * y, 1), 0);
    const g1 = data.subarray(0, bytes1), g2 = data.subarray(bytes1);
    assert.ok(bytes1 > 301 + 100);
    const mid = 301; // not a multiple of 4: shards split inside a float, as stock 4 MB shards do
    await fs.writeFile(path.join(dir, 'group1-shard1of2.bin'), g1.subarray(0, mid));
    await fs.writeFile(path.join(dir, 'group1-shard2of2.bin'), g1.subarray(mid));
    await fs.writeFile(path.join(dir, 'group2-shard1of1.bin'), g2);
    const json = {
      modelTopology: a.modelTopology, format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
      weightsManifest: [
        { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: specs.slice(0, cut) },
        { paths: ['group2-shard1of1.bin'], weights: specs.slice(cut) },
      ],
    };
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

describe('engine/models/io', () => {
  let tmp: string;
  let model: tf.LayersModel;
  before(async () => {
    await tf.setBackend('cpu');
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'semslice-io-'));
    model = buildModel('lenet5', { inputShape: [12, 12, 1], numClasses: 3, seed: 3, batchNorm: true });
  });
  after(async () => { model.dispose(); await fs.rm(tmp, { recursive: true, force: true }); });

  it('round-trips weights, predictions and metadata; nothing leaks', async () => {
    const base = tf.memory().numTensors;
    const dir = path.join(tmp, 'rt');
    const res = await saveModel(model, dir, { metadata: { data: 'synthetic', accuracy: 0.5, seed: 3 } });
    assert.deepEqual((await fs.readdir(dir)).sort(), ['.semslice-output.json', 'model.json', 'weights.bin']);
    assert.equal(res.weightsFingerprint, await modelFingerprint(model));
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
    const back = await loadModel(dir);
    assert.equal(await modelFingerprint(back), await modelFingerprint(model));
    assert.deepEqual(modelMetadata(back), { data: 'synthetic', accuracy: 0.5, seed: 3, weightsFingerprint: res.weightsFingerprint });
    const [p, q] = tf.tidy(() => { const x = tf.randomUniform([2, 12, 12, 1], 0, 1, 'float32', 1);
      return [(model.predict(x) as tf.Tensor).arraySync(), (back.predict(x) as tf.Tensor).arraySync()]; });
    assert.deepEqual(p, q);
    assert.deepEqual(back.layers.map((l) => l.name), model.layers.map((l) => l.name));
    assert.deepEqual(back.layers.map((l) => l.getClassName()), model.layers.map((l) => l.getClassName()));
    back.dispose();
    assert.equal(tf.memory().numTensors, base);
  });

  it('same model saved twice gives byte-identical files', async () => {
    await saveModel(model, path.join(tmp, 'd1'));
    await saveModel(model, path.join(tmp, 'd2'));
    for (const f of ['model.json', 'weights.bin']) {
      assert.ok((await fs.readFile(path.join(tmp, 'd1', f))).equals(await fs.readFile(path.join(tmp, 'd2', f))), f);
    }
  });

  it('refuses a saved model without force; force replaces only a folder semslice wrote, never other files', async () => {
    const dir = path.join(tmp, 'exists');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'keep.txt'), 'x');
    await assert.rejects(saveModel(model, dir), code('OUTPUT_NOT_OURS', /keep\.txt/));
    await assert.rejects(saveModel(model, dir, { force: true }), code('OUTPUT_NOT_OURS', /did not write/));
    assert.deepEqual(await fs.readdir(dir), ['keep.txt']);
    const ours = path.join(tmp, 'ours');
    await saveModel(model, ours);
    await assert.rejects(saveModel(model, ours), code('OUTPUT_EXISTS', /already holds a saved model/));
    await saveModel(model, ours, { force: true });
    assert.deepEqual((await fs.readdir(ours)).sort(), ['.semslice-output.json', 'model.json', 'weights.bin']);
    assert.deepEqual((await fs.readdir(tmp)).filter((n) => n.endsWith('.part')), [], 'no temp files left');
    await fs.mkdir(path.join(tmp, 'empty'));
    await saveModel(model, path.join(tmp, 'empty'));
  });

  it('loads the stock layout: several groups and shards split mid-weight', async () => {
    const dir = path.join(tmp, 'stock');
    await writeStockLayout(model, dir);
    const back = await loadModel(dir);
    assert.equal(await modelFingerprint(back), await modelFingerprint(model));
    assert.deepEqual(modelMetadata(back), {});
    back.dispose();
    const viaJson = await loadModel(path.join(dir, 'model.json'));
    viaJson.dispose();
  });

  it('names the file for each kind of bad input', async () => {
    await assert.rejects(loadModel(path.join(tmp, 'nope')), code('MODEL_NOT_FOUND', /nope/));
    const empty = path.join(tmp, 'nojson'); await fs.mkdir(empty);
    await assert.rejects(loadModel(empty), code('MODEL_NOT_FOUND', /model\.json/));
    const bad = path.join(tmp, 'badjson'); await fs.mkdir(bad);
    await fs.writeFile(path.join(bad, 'model.json'), '{"format": "layers-');
    await assert.rejects(loadModel(bad), code('BAD_MODEL_JSON', /badjson.*not valid JSON/));
    await fs.writeFile(path.join(bad, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    await assert.rejects(loadModel(bad), code('NOT_LAYERS_MODEL', /graph-model/));
  });

  it('detects missing, truncated, oversized and corrupt weights', async () => {
    const src = path.join(tmp, 'stock');
    const copy = async (name: string) => { const d = path.join(tmp, name); await fs.cp(src, d, { recursive: true }); return d; };
    const miss = await copy('miss');
    await fs.rm(path.join(miss, 'group2-shard1of1.bin'));
    await assert.rejects(loadModel(miss), code('MISSING_WEIGHTS', /group2-shard1of1\.bin/));
    const trunc = await copy('trunc');
    const f = path.join(trunc, 'group1-shard2of2.bin');
    await fs.writeFile(f, (await fs.readFile(f)).subarray(0, 100));
    await assert.rejects(loadModel(trunc), code('TRUNCATED_WEIGHTS', /group1-shard2of2\.bin/));
    const big = await copy('big');
    await fs.appendFile(path.join(big, 'group2-shard1of1.bin'), Buffer.alloc(8));
    await assert.rejects(loadModel(big), code('CORRUPT_WEIGHTS', /group2-shard1of1\.bin/));
    const nan = await copy('nan');
    const g = path.join(nan, 'group2-shard1of1.bin');
    const buf = await fs.readFile(g); buf.writeFloatLE(NaN, 16); await fs.writeFile(g, buf);
    await assert.rejects(loadModel(nan), code('CORRUPT_WEIGHTS', /group2-shard1of1\.bin.*non-finite/));
    // A flipped byte in a saveModel file is caught by the weights fingerprint.
    const flip = path.join(tmp, 'flip');
    await saveModel(model, flip);
    const w = path.join(flip, 'weights.bin');
    const wb = await fs.readFile(w); wb[40] = wb[40]! ^ 0x01; await fs.writeFile(w, wb);

    await assert.rejects(loadModel(flip), code('CORRUPT_WEIGHTS', /fingerprint/));
  });

  it('round-trips every zoo model (sequential and functional, with BatchNorm)', async () => {
    for (const name of ['mlp', 'lenet5', 'vgg-small', 'resnet-small']) {
      const m = buildModel(name, { inputShape: [12, 12, 1], numClasses: 3, seed: 1, batchNorm: true, width: 0.25 });
      await saveModel(m, path.join(tmp, `zoo-${name}`));
      const back = await loadModel(path.join(tmp, `zoo-${name}`));
      assert.equal(await modelFingerprint(back), await modelFingerprint(m), name);
      assert.deepEqual(back.layers.map((l) => l.name), m.layers.map((l) => l.name), name);
      m.dispose(); back.dispose();
    }
  });
});
