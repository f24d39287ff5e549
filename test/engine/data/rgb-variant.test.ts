import assert from 'node:assert/strict';
import { mnist, syntheticSync, toRgbVariant } from '../../../src/engine/data/index.js';
import { expectCode } from './helpers.js';

describe('data/rgb-variant (CIFAR-shaped MNIST)', () => {
  it('pads to 32x32x3 with seeded colours, keeping labels; the digit stays where it was, centred', async () => {
    const test = (await mnist({ limit: 4 })).test;
    const rgb = toRgbVariant(test, { seed: 1 });
    assert.deepEqual(rgb.sampleShape, [32, 32, 3]);
    assert.equal(rgb.name, 'mnist-rgb32');
    assert.deepEqual(Array.from(rgb.labels()), [7, 2, 1, 0]);
    assert.equal(rgb.fingerprint(), toRgbVariant(test, { seed: 1 }).fingerprint());
    assert.notEqual(rgb.fingerprint(), toRgbVariant(test, { seed: 2 }).fingerprint());
    const grey = test.sample(0);
    const px = rgb.sample(0);
    // corner = background colour (dark), brightest grey pixel = foreground colour (bright)
    assert.ok(px[0]! <= 0.3 && px[1]! <= 0.3 && px[2]! <= 0.3);
    const j = grey.indexOf(1);
    const [y, x] = [Math.floor(j / 28) + 2, (j % 28) + 2];
    for (let k = 0; k < 3; k++) assert.ok(px[(y * 32 + x) * 3 + k]! >= 0.5);
  });

  it('rejects colour or oversized input', async () => {
    await expectCode(() => toRgbVariant(syntheticSync({ classes: 2, perClass: 1, shape: [4, 4, 3] }).train), 'DATA_SHAPE_MISMATCH');
    await expectCode(() => toRgbVariant(syntheticSync({ classes: 2, perClass: 1, shape: [40, 4, 1] }).train), 'DATA_SHAPE_MISMATCH');
  });
});
