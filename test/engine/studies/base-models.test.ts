import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/engine/backend/index.js';
import { modelFingerprint } from '../../../src/engine/models/fingerprint.js';
import { baseModelKey, studyBaseModel } from '../../../src/engine/studies/base-models.js';

describe('engine/studies/base-models', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    dir = await mkdtemp(join(tmpdir(), 'semslice-base-'));
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('trains to the early stop on a validation split, caches, and loads the same weights; the key follows the recipe', async () => {
    const recipe = { model: 'mlp', dataset: 'synthetic', seed: 3, maxEpochs: 6, patience: 1, width: 0.25, learningRate: 0.01 };
    const a = await studyBaseModel(recipe, { cacheDir: dir });
    assert.equal(a.cached, false);
    assert.ok(a.curve.length >= 1 && a.curve.length <= 6);
    assert.ok(a.bestEpoch >= 1 && a.bestEpoch <= a.curve.length);
    assert.equal(a.valAccuracy, Math.max(...a.curve.map((e) => e.valAccuracy)), 'the best epoch is kept');
    assert.ok(a.splits.validation.size > 0);
    assert.equal(a.splits.train.size + a.splits.validation.size, 500, 'the validation split is held out of the training split');
    const b = await studyBaseModel(recipe, { cacheDir: dir });
    assert.equal(b.cached, true);
    assert.equal(await modelFingerprint(b.model), await modelFingerprint(a.model));
    assert.deepEqual(b.curve, a.curve);
    assert.equal(b.testAccuracy, a.testAccuracy);
    assert.notEqual(baseModelKey({ ...recipe, seed: 4 }), baseModelKey(recipe));
    assert.notEqual(baseModelKey({ ...recipe, classes: [0, 1] }), baseModelKey(recipe));
    assert.equal((await readdir(dir)).length, 1);
    a.model.dispose(); b.model.dispose();
  });
});
