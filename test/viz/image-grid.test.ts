import assert from 'node:assert/strict';
import { buildChart, compileSpec } from '../../src/viz/index.js';
import { imageGrid } from '../../src/viz/image-grid.js';
import { validateVegaLite } from './helpers.js';

describe('viz/image-grid', () => {
  const px = (f: (i: number) => number) => Float32Array.from({ length: 16 }, (_, i) => f(i));
  const input = { height: 4, width: 4, images: [
    { pixels: px((i) => i / 15), title: '3', row: 'clean' }, { pixels: px(() => 0), title: '5', row: 'clean' },
    { pixels: px((i) => 1 - i / 15), title: '3 -> 8', row: 'FGSM' }, { pixels: px(() => 1), title: '5 -> 6', row: 'FGSM' },
  ] };

  it('one rect per pixel, rows in the given order, valid Vega-Lite that compiles; registered', async () => {
    const spec = imageGrid(input) as unknown as { data: { values: Array<{ v: number; row: string; x: number; y: number }> }; facet: { row: { sort: string[] } } };
    assert.equal(spec.data.values.length, 4 * 16);
    assert.deepEqual(spec.facet.row.sort, ['clean', 'FGSM']);
    assert.equal(spec.data.values[15]!.v, 1);
    assert.deepEqual([spec.data.values[5]!.x, spec.data.values[5]!.y], [1, 1]);
    const v = validateVegaLite(spec);
    assert.ok(v.valid, v.errors);
    await compileSpec(spec as never);
    assert.deepEqual(buildChart('image-grid', input), imageGrid(input));
  });

  it('refuses empty input and non-finite pixels', () => {
    assert.throws(() => imageGrid({ height: 2, width: 2, images: [] }), { name: 'SemsliceError' });
    assert.throws(() => imageGrid({ height: 2, width: 2, images: [{ pixels: [0, NaN, 0, 0], title: 'x' }] }), { name: 'SemsliceError' });
  });
});

describe('viz/readapt-curves', () => {
  it('two panels, a line per method, percentages; valid Vega-Lite; refuses NaN', async () => {
    const { readaptCurves } = await import('../../src/viz/readapt-curves.js');
    const rows = [{ epoch: 0, newAccuracy: 0.1, cleanAccuracy: 0.9 }, { epoch: 1, newAccuracy: 0.6, cleanAccuracy: 0.88 }];
    const spec = readaptCurves([{ method: 'critical', rows }, { method: 'full', rows }]) as unknown as { data: { values: Array<{ accuracyPct: number; set: string }> } };
    assert.equal(spec.data.values.length, 8);
    assert.equal(spec.data.values[2]!.accuracyPct, 60);
    const v = validateVegaLite(spec);
    assert.ok(v.valid, v.errors);
    await compileSpec(spec as never);
    assert.throws(() => readaptCurves([{ method: 'x', rows: [{ epoch: 0, newAccuracy: NaN, cleanAccuracy: 1 }] }]), { name: 'SemsliceError' });
  });
});
