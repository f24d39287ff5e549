/** The `extend` study's grid and sizes (no training here: the cells themselves run in bench/ and the study run). */
import { strict as assert } from 'node:assert';
import { EXTEND_SIZES, extendStudy, pairSizes } from '../../../src/engine/studies/extend.js';

describe('studies/extend: grid and sizes', () => {
  it('full: 4 pairs x 3 seeds and 3 sequence cells; vgg-small (BN) and resnet-small at their own sizes', () => {
    const grid = extendStudy.grid('full');
    assert.equal(grid.filter((c) => c['kind'] === 'pair').length, 12);
    assert.equal(grid.filter((c) => c['kind'] === 'sequence').length, 3);
    assert.ok(grid.some((c) => c['model'] === 'vgg-small' && c['batchNorm'] === true));
    const vgg = pairSizes(EXTEND_SIZES.full, 'vgg-small', 'fashion-mnist');
    assert.deepEqual([vgg.perTask, vgg.epochsA, vgg.epochsB], [2000, 2, 2]);
    const resnet = pairSizes(EXTEND_SIZES.full, 'resnet-small', 'fashion-mnist');
    assert.deepEqual([resnet.perTask, resnet.epochsA, resnet.epochsB], [5000, 4, 3]);
    const lenet = pairSizes(EXTEND_SIZES.full, 'lenet5', 'mnist');
    assert.deepEqual([lenet.perTask, lenet.epochsA, lenet.epochsB], [EXTEND_SIZES.full.perTask, EXTEND_SIZES.full.epochsA, EXTEND_SIZES.full.epochsB]);
    assert.match(extendStudy.presetNotes!.full ?? '', /2,000 images per task, 2 epochs each/);
    assert.match(extendStudy.presetNotes!.full ?? '', /taylor and theta auto/);
  });

  it('small: one LeNet-5 pair cell and one sequence cell', () => {
    const grid = extendStudy.grid('small');
    assert.deepEqual(grid.map((c) => c['kind']), ['pair', 'sequence']);
  });
});
