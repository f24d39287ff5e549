import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_SYSTEM_DIR, fashionMnist, fashionMnistMissingError, locateFashionMnist } from '../../../src/engine/data/index.js';
import { withLogger } from '../../../src/engine/log.js';
import { expectCode, tempDir, tinyIdxSet, withEnv, writeIdxSet } from './helpers.js';

describe('data/fashion-mnist', () => {
  const t = tempDir();
  after(t.cleanup);
  /** No real folder may leak into these tests: system dir and cache point into the temp folder. */
  const isolated = { systemDir: join(t.dir, 'no-system'), cacheDir: join(t.dir, 'cache') };

  it('reads Debian\'s /usr/share/datasets/fashion-mnist when installed: first train labels 9,0,0,3,0', async function () {
    if (!existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-labels-idx1-ubyte.gz'))) {
      console.log(`      (skipped: ${FASHION_MNIST_SYSTEM_DIR} absent; apt-get install dataset-fashion-mnist)`);
      this.skip();
    }
    const s = await withEnv({ SEMSLICE_DATA_DIR: undefined }, () => fashionMnist({ limit: 5 }));
    assert.deepEqual(Array.from(s.train.labels()), [9, 0, 0, 3, 0]);
    assert.deepEqual(Array.from(s.test.labels()), [9, 2, 1, 1, 6]);
    assert.equal(s.source, FASHION_MNIST_SYSTEM_DIR);
    assert.deepEqual(s.classNames, FASHION_MNIST_CLASS_NAMES);
    assert.equal(s.classNames[9], 'Ankle boot');
  });

  it('reads SEMSLICE_DATA_DIR (the folder itself or its fashion-mnist subfolder), before the system folder', async () => {
    const root = join(t.dir, 'data');
    const sub = join(root, 'fashion-mnist');
    mkdirSync(sub, { recursive: true });
    writeIdxSet(sub, tinyIdxSet(8, 28, 28, 3), true);
    const s = await withEnv({ SEMSLICE_DATA_DIR: root }, () => fashionMnist({ systemDir: FASHION_MNIST_SYSTEM_DIR }));
    assert.equal(s.train.size, 8);
    assert.deepEqual(Array.from(s.train.take(3).labels()), [3, 4, 5]);
    assert.match(s.source, /SEMSLICE_DATA_DIR/);
    const direct = await withEnv({ SEMSLICE_DATA_DIR: sub }, () => locateFashionMnist(isolated));
    assert.deepEqual(direct, { found: true, dir: sub, source: `SEMSLICE_DATA_DIR (${sub})` });
  });

  it('opts.dir comes first and may hold raw files', async () => {
    const d = join(t.dir, 'raw');
    mkdirSync(d);
    writeIdxSet(d, tinyIdxSet(4, 28, 28), false);
    const s = await fashionMnist({ dir: d, ...isolated });
    assert.equal(s.source, d);
    assert.equal(s.test.size, 2);
  });

  it('warns when the dir option lacks the files, then searches on', async () => {
    const warnings: string[] = [];
    const where = await withLogger({ warn: (m) => warnings.push(m), info: () => {} },
      () => withEnv({ SEMSLICE_DATA_DIR: undefined }, () => locateFashionMnist({ ...isolated, dir: join(t.dir, 'empty') })));
    assert.equal(where.found, false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /empty.*does not hold/);
  });

  it('missing data without download: names the apt package, the folder, the variable and the download option', async () => {
    const err = await withEnv({ SEMSLICE_DATA_DIR: undefined }, () => expectCode(() => fashionMnist(isolated), 'DATA_NOT_FOUND'));
    assert.match(err.message, /Fashion-MNIST not found/);
    assert.ok(err.message.includes(isolated.systemDir));
    const hint = err.hint ?? '';
    assert.match(hint, /apt-get install dataset-fashion-mnist/);
    assert.match(hint, /SEMSLICE_DATA_DIR/);
    assert.match(hint, /download: true/);
    assert.ok(hint.includes(join(isolated.cacheDir, 'fashion-mnist')));
    assert.ok(fashionMnistMissingError([]).hint?.includes(FASHION_MNIST_SYSTEM_DIR));
  });
});
