import assert from 'node:assert/strict';
import { perClassAccuracy, perClassPoints } from '../../src/viz/index.js';
import { assertGoodChart, dataMarks } from './helpers.js';
import { CLASS_NAMES } from './fixtures.js';

const input = {
  classNames: CLASS_NAMES,
  series: [
    { name: 'original', perClass: [0.9, 0.8, 0.95] },
    { name: 'sliced θ=0.95', perClass: [0.85, 0.7, 0.9] },
  ],
};

describe('viz/per-class-accuracy', () => {
  it('draws one bar per class and series, grouped by class', async () => {
    const spec = perClassAccuracy(input);
    const svg = await assertGoodChart(spec);
    const [bars] = await dataMarks(spec, 'rect');
    assert.equal(bars!.items, 6);
    assert.ok(svg.includes('sliced θ=0.95') && svg.includes('ankle boot'));
    assert.deepEqual((spec.encoding as any).xOffset.field, 'series');
    assert.deepEqual((spec.encoding as any).y.scale.domain, [0, 100]);
  });

  it('converts to percent and checks lengths and names', () => {
    assert.deepEqual(perClassPoints(input).map((p) => p.accuracyPct), [90, 80, 95, 85, 70, 90]);
    assert.throws(() => perClassAccuracy({ classNames: CLASS_NAMES, series: [{ name: 'a', perClass: [1, 1] }] }),
      (e: any) => e.code === 'VIZ_BAD_INPUT' && /"a" has 2 values for 3 classes/.test(e.message));
    assert.throws(() => perClassAccuracy({ classNames: CLASS_NAMES, series: [input.series[0]!, input.series[0]!] }), /repeat/);
    assert.throws(() => perClassAccuracy({ classNames: CLASS_NAMES, series: [] }), /non-empty array of series/);
  });
});
