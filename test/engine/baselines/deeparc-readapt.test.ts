import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { deeparcReadaptRanking, residualBlocks } from '../../../src/engine/baselines/deeparc/index.js';
import { getReadaptMethod } from '../../../src/engine/maintenance/index.js';
import { buildModel } from '../../../src/engine/models/zoo.js';
import { prototypeData } from '../slicing/fixtures.js';

describe('baselines/deeparc: re-adaptation ranking', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('residual model: blocks ranked by the CKA drop, the top k train whole, everything else (classifier too) frozen', async () => {
    const model = buildModel('resnet-small', { inputShape: [6, 6, 1], numClasses: 4, seed: 1, width: 0.5 });
    const clean = prototypeData({ classes: 4, perClass: 8, seed: 2 });
    // "New" samples: the same images, inverted (a strong, deterministic change of the representation).
    const all = clean.gather(Int32Array.from({ length: clean.size }, (_, i) => i));
    const { fromArrays } = await import('../../../src/engine/data/from-arrays.js');
    const fresh = fromArrays({ images: all.images.map((v) => 1 - v), labels: all.labels, sampleShape: [6, 6, 1] });
    const r = await deeparcReadaptRanking(model, clean, fresh, { topK: 1 });
    assert.equal(r.level, 'blocks');
    assert.equal(r.units.length, residualBlocks(model).length);
    assert.equal(r.units.filter((u) => u.chosen).length, 1);
    const best = r.units.reduce((a, b) => (b.score > a.score ? b : a));
    assert.ok(best.chosen, 'the largest drop is chosen');
    const set = await getReadaptMethod('deeparc').select(model, { fresh, pairs: clean, seed: 0, params: { topK: 1 } });
    const chosenLayers = new Set(r.layers[best.unit]);
    for (const l of model.layers) for (const w of l.weights) {
      const ones = set.masks[w.originalName]!.reduce((a, v) => a + v, 0);
      assert.equal(ones > 0, chosenLayers.has(l.name), `${w.originalName}`);
    }
    model.dispose();
  });

  it('chain model: sites are the units; without pairs or a reference the method refuses', async () => {
    const model = buildModel('mlp', { inputShape: [6, 6, 1], numClasses: 4, seed: 1, width: 0.25 });
    const d = prototypeData({ classes: 4, perClass: 5, seed: 2 });
    const r = await deeparcReadaptRanking(model, d, d);
    assert.equal(r.level, 'layers');
    assert.ok(r.units.every((u) => Math.abs(u.score) < 1e-9), 'identical inputs: no drop anywhere');
    await assert.rejects(async () => getReadaptMethod('deeparc').select(model, { fresh: d, seed: 0 }), { code: 'BAD_READAPT_OPTIONS' });
    model.dispose();
  });
});
