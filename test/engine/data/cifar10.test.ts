import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_CLASS_NAMES, cifar10, parseCifar10Batch } from '../../../src/engine/data/index.js';
import { expectCode, tempDir } from './helpers.js';

/** n records; record i: label i % 10, channel c of pixel p = (i + c * 50 + p) % 256. */
function batch(n: number, start: number): Buffer {
  const b = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    const o = i * 3073;
    b[o] = (start + i) % 10;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) b[o + 1 + c * 1024 + p] = (start + i + c * 50 + p) % 256;
  }
  return b;
}

describe('data/cifar10 (binary reader)', () => {
  it('parses records: label byte, CHW planes -> HWC', () => {
    const { images, labels } = parseCifar10Batch(batch(2, 0), 'b');
    assert.deepEqual(Array.from(labels), [0, 1]);
    // sample 1, pixel 5: R = 1+5, G = 1+50+5, B = 1+100+5
    assert.deepEqual(Array.from(images.subarray(3072 + 15, 3072 + 18)), [6, 56, 106]);
  });

  it('rejects partial records and labels above 9', async () => {
    const err = await expectCode(() => parseCifar10Batch(batch(2, 0).subarray(0, 5000), 'data_batch_1.bin'), 'CIFAR_BAD_SIZE');
    assert.match(err.message, /data_batch_1\.bin.*5000 bytes/);
    const bad = batch(1, 0);
    bad[0] = 12;
    await expectCode(() => parseCifar10Batch(bad, 'x'), 'LABEL_OUT_OF_RANGE');
  });

  it('loads a folder (or its cifar-10-batches-bin subfolder) into 32x32x3 train/test datasets', async () => {
    const t = tempDir();
    try {
      const d = join(t.dir, 'cifar-10-batches-bin');
      mkdirSync(d);
      for (let k = 1; k <= 5; k++) writeFileSync(join(d, `data_batch_${k}.bin`), batch(2, 2 * (k - 1)));
      writeFileSync(join(d, 'test_batch.bin'), batch(3, 0));
      const s = await cifar10(t.dir);
      assert.equal(s.train.size, 10);
      assert.equal(s.test.size, 3);
      assert.deepEqual(s.train.sampleShape, [32, 32, 3]);
      assert.deepEqual(Array.from(s.train.labels()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(s.classNames[0], 'airplane');
      assert.equal(s.classNames[9], 'truck');
      assert.deepEqual(s.classNames, CIFAR10_CLASS_NAMES);
      assert.equal(s.train.sample(3)[1], Math.fround((3 + 50) / 255));
      assert.equal((await cifar10(d, { limit: 3 })).train.size, 3);
    } finally {
      t.cleanup();
    }
  });

  it('names the missing files and where to get the data', async () => {
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, 'data_batch_1.bin'), batch(1, 0));
      const err = await expectCode(() => cifar10(t.dir), 'DATA_NOT_FOUND');
      assert.match(err.message, /data_batch_2\.bin.*test_batch\.bin/);
      assert.doesNotMatch(err.message, /data_batch_1\.bin/);
      assert.match(err.hint ?? '', /binary version/);
    } finally {
      t.cleanup();
    }
  });
});
