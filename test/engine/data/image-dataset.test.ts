import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../../src/engine/backend/index.js';
import { ImageDataset, bytesToUnit, fromArrays, stratifiedSplit, syntheticSync } from '../../../src/engine/data/index.js';
import { expectCode } from './helpers.js';

/** 12 samples of 2x2x1, sample i all pixels i/100 + offset j/1000, label i % 3. */
function toy(): ImageDataset {
  const n = 12;
  const pixels = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) pixels[i * 4 + j] = i / 100 + j / 1000;
  return new ImageDataset({ name: 'toy', split: 'train', classNames: ['a', 'b', 'c'], sampleShape: [2, 2, 1], pixels,
    labels: Array.from({ length: n }, (_, i) => i % 3) });
}
const firstPixel = (ds: ImageDataset, i: number): number => Math.round(ds.sample(i)[0]! * 100);

describe('data/image-dataset', () => {

  it('validates labels: LABEL_OUT_OF_RANGE names the first bad index and value', async () => {
    const err = await expectCode(() => new ImageDataset({ name: 'x', split: 'train', classNames: ['a', 'b'], sampleShape: [1, 1, 1],
      pixels: new Float32Array(4), labels: [0, 1, 2, 5] }), 'LABEL_OUT_OF_RANGE');
    assert.match(err.message, /index 2 is 2/);
    assert.ok(err.hint);
  });

  it('validates pixel count and NaN (DATA_NAN names the sample)', async () => {
    await expectCode(() => fromArrays({ images: new Float32Array(7), labels: [0, 1], sampleShape: [2, 2, 1] }), 'DATA_SIZE_MISMATCH');
    const px = new Float32Array(3 * 4);
    px[9] = NaN;
    const err = await expectCode(() => fromArrays({ images: px, labels: [0, 1, 0], sampleShape: [2, 2, 1] }), 'DATA_NAN');
    assert.match(err.message, /sample 2/);
    await expectCode(() => fromArrays({ images: new Float32Array(4), labels: [0], sampleShape: [2, 2, 0] as never }), 'DATA_BAD_SHAPE');
  });

  it('fromArrays scales uint8 by 1/255 and keeps a Float32Array by reference', () => {
    const u8 = fromArrays({ images: Uint8Array.from([0, 255, 51, 102]), labels: [0, 1], sampleShape: [1, 2, 1], classNames: ['p', 'q'] });
    assert.deepEqual(Array.from(u8.sample(1)), [Math.fround(51 / 255), Math.fround(102 / 255)]);
    assert.deepEqual(u8.classNames, ['p', 'q']);
    const f = new Float32Array([0.5, 0.25]);
    const ds = fromArrays({ images: f, labels: [1, 0], sampleShape: [1, 1, 1] });
    assert.equal(ds.sample(0).buffer, f.buffer);
    assert.deepEqual(ds.classNames, ['0', '1']);
  });

  it('views share the pixel buffer (no copy) and compose', () => {
    const ds = toy();
    const base = ds.sample(0).buffer;
    const v = ds.shuffle(3).subsetClasses([2, 0]).take(5).select([4, 0]).perClassCap(1);
    assert.equal(v.sample(0).buffer, base);
    assert.ok(v.size <= 2);
    assert.deepEqual(ds.take(4).labels(), Int32Array.from([0, 1, 2, 0]));
    assert.deepEqual(ds.select([5, 1]).labels(), Int32Array.from([2, 1]));
    assert.equal(firstPixel(ds.select([5, 1]), 0), 5);
    assert.deepEqual(ds.perClassCap(2).classCounts(), [2, 2, 2]);
    assert.equal(ds.take(0).size, 0);
    assert.equal(ds.take(100).size, 12);
  });

  it('subsetClasses keeps labels, or relabels in the order given', () => {
    const ds = toy();
    const kept = ds.subsetClasses([2, 0]);
    assert.deepEqual(Array.from(kept.labels()), [0, 2, 0, 2, 0, 2, 0, 2]);
    assert.equal(kept.numClasses, 3);
    const re = ds.subsetClasses([2, 0], { relabel: true });
    assert.deepEqual(Array.from(re.labels()), [1, 0, 1, 0, 1, 0, 1, 0]);
    assert.deepEqual(re.classNames, ['c', 'a']);
    assert.deepEqual(re.classCounts(), [4, 4]);
    // nested relabel: classes refer to the view's labels
    const re2 = re.subsetClasses([1], { relabel: true });
    assert.deepEqual(re2.classNames, ['a']);
    assert.deepEqual(Array.from(re2.labels()), [0, 0, 0, 0]);
    assert.equal(firstPixel(re2, 1), 3);
  });

  it('rejects bad view arguments', async () => {
    const ds = toy();
    await expectCode(() => ds.subsetClasses([3]), 'CLASS_OUT_OF_RANGE');
    await expectCode(() => ds.subsetClasses([1, 1]), 'BAD_ARGUMENT');
    await expectCode(() => ds.select([12]), 'INDEX_OUT_OF_RANGE');
    await expectCode(() => ds.select([1.5]), 'INDEX_OUT_OF_RANGE');
    await expectCode(() => ds.take(-1), 'BAD_ARGUMENT');
    await expectCode(() => ds.label(-1), 'INDEX_OUT_OF_RANGE');
    await expectCode(() => ds.batches(0), 'BAD_ARGUMENT');
  });

  it('shuffle is a seeded permutation: same seed same order, another seed another order', () => {
    const ds = toy();
    const order = (v: ImageDataset): number[] => Array.from({ length: v.size }, (_, i) => firstPixel(v, i));
    assert.deepEqual(order(ds.shuffle(7)), order(toy().shuffle(7)));
    assert.notDeepEqual(order(ds.shuffle(7)), order(ds.shuffle(8)));
    assert.deepEqual([...order(ds.shuffle(7))].sort((a, b) => a - b), order(ds));
  });

  for (const backend of ['cpu', 'wasm']) {
    describe(`batches on ${backend}`, () => {
      let previous: string;
      // initBackend, not tf.setBackend: a bare wasm backend (no semslice kernels) would leak into later test files.
      before(async () => { await tf.ready(); previous = tf.getBackend(); await initBackend({ backend: backend as 'cpu' | 'wasm', quiet: true }); });
      after(async () => { await tf.setBackend(previous); });

      it('batches gather views into NHWC float32 / int32 tensors, in order, without leaks', () => {
        const ds = toy().shuffle(1);
        const before = tf.memory().numTensors;
        const seen: number[] = [];
        let count = 0;
        for (const b of ds.batches(5)) {
          assert.equal(b.xs.dtype, 'float32');
          assert.equal(b.ys.dtype, 'int32');
          assert.deepEqual(b.xs.shape.slice(1), [2, 2, 1]);
          const xs = b.xs.dataSync();
          const ys = b.ys.dataSync();
          b.positions.forEach((p, k) => {
            assert.equal(ys[k], ds.label(p));
            assert.equal(xs[k * 4 + 3], ds.sample(p)[3]);
            seen.push(p);
          });
          count++;
          tf.dispose([b.xs, b.ys]);
        }
        assert.equal(count, 3);
        assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => i));
        assert.equal(tf.memory().numTensors, before);
      });
    });
  }

  it('gather copies samples and labels of view positions', () => {
    const ds = toy().subsetClasses([1], { relabel: true });
    const { images, labels } = ds.gather([1, 0]);
    assert.deepEqual(Array.from(labels), [0, 0]);
    assert.equal(Math.round(images[0]! * 100), 4);
    assert.equal(Math.round(images[4]! * 100), 1);
  });

  it('fingerprint is stable, cached, and changes with order, content and labels', () => {
    const ds = toy();
    const fp = ds.fingerprint();
    assert.match(fp, /^[0-9a-f]{16}$/);
    assert.equal(toy().fingerprint(), fp);
    assert.equal(ds.fingerprint(), fp);
    assert.notEqual(ds.shuffle(1).fingerprint(), fp);
    assert.equal(ds.shuffle(1).fingerprint(), toy().shuffle(1).fingerprint());
    assert.notEqual(ds.subsetClasses([0, 1, 2], { relabel: true }).subsetClasses([1, 0, 2], { relabel: true }).fingerprint(), fp);
    assert.equal(ds.select(Array.from({ length: 12 }, (_, i) => i)).fingerprint(), fp);
  });

  it('fingerprints views larger than one hash chunk consistently', () => {
    const { train } = syntheticSync({ classes: 3, perClass: 2000, shape: [2, 2, 1], seed: 5 });
    const a = train.shuffle(2).fingerprint();
    assert.equal(a, syntheticSync({ classes: 3, perClass: 2000, shape: [2, 2, 1], seed: 5 }).train.shuffle(2).fingerprint());
    assert.notEqual(a, train.fingerprint());
  });

  it('stratifiedSplit keeps class balance, is seeded, and partitions the view', async () => {
    const { train } = syntheticSync({ classes: 4, perClass: 10, seed: 2 });
    const { first, second } = stratifiedSplit(train, { fraction: 0.2, seed: 9 });
    assert.deepEqual(second.classCounts(), [2, 2, 2, 2]);
    assert.deepEqual(first.classCounts(), [8, 8, 8, 8]);
    assert.equal(stratifiedSplit(train, { fraction: 0.2, seed: 9 }).second.fingerprint(), second.fingerprint());
    assert.notEqual(stratifiedSplit(train, { fraction: 0.2, seed: 10 }).second.fingerprint(), second.fingerprint());
    assert.equal(first.sample(0).buffer, train.sample(0).buffer);
    await expectCode(() => stratifiedSplit(train, { fraction: 1.5 }), 'BAD_ARGUMENT');
  });
});

describe('engine/data/ImageDataset backed by bytes', () => {
  it('gives the same samples, batches and fingerprint as the same pixels as floats, in a quarter of the memory', () => {
    const bytes = Uint8Array.from({ length: 6 * 4 }, (_, i) => (i * 37) % 256);
    const init = { name: 'b', split: 'train', classNames: ['a', 'b', 'c'], sampleShape: [2, 2, 1] as const, labels: [0, 1, 2, 0, 1, 2] };
    const asBytes = new ImageDataset({ ...init, pixels: bytes, finite: true });
    const asFloats = new ImageDataset({ ...init, pixels: bytesToUnit(bytes) });
    assert.deepEqual(Array.from(asBytes.sample(3)), Array.from(asFloats.sample(3)));
    assert.deepEqual(asBytes.shuffle(2).gather([0, 5]), asFloats.shuffle(2).gather([0, 5]));
    assert.equal(asBytes.fingerprint(), asFloats.fingerprint());
    assert.equal(asBytes.subsetClasses([1]).fingerprint(), asFloats.subsetClasses([1]).fingerprint());
  });
});
