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
    // Checkpoint rows with steps: the x axis is optimiser steps.
    const steps = readaptCurves([{ method: 'critical', rows: [{ steps: 0, epoch: 0, newAccuracy: 0, cleanAccuracy: 0.99 }, { steps: 20, epoch: 0.25, newAccuracy: 0.4, cleanAccuracy: 0.97 }] }]) as unknown as { data: { values: Array<{ x: number }> }; spec: { encoding: { x: { title: string } } } };
    assert.deepEqual(steps.data.values.map((v) => v.x), [0, 0, 20, 20]);
    assert.equal(steps.spec.encoding.x.title, 'optimiser steps');
  });
});

describe('viz/readapt-tradeoff', () => {
  it('a point per clean ratio joined in ratio order, a line per method; valid Vega-Lite; refuses NaN and empty input', async () => {
    const { readaptTradeoff } = await import('../../src/viz/readapt-curves.js');
    const spec = readaptTradeoff([
      { method: 'full', points: [{ ratio: 4, newAccuracy: 0.85, cleanAccuracy: 0.981 }, { ratio: 1, newAccuracy: 0.883, cleanAccuracy: 0.966 }] },
      { method: 'critical', points: [{ ratio: 1, newAccuracy: 0.871, cleanAccuracy: 0.968 }] },
    ]) as unknown as { data: { values: Array<{ method: string; ratio: number; newPct: number; cleanPct: number }> }; encoding: { order: { field: string } } };
    assert.equal(spec.data.values.length, 3);
    assert.deepEqual(spec.data.values[0], { method: 'full', ratio: 4, newPct: 85, cleanPct: 98.1 });
    assert.equal(spec.encoding.order.field, 'ratio');
    const v = validateVegaLite(spec);
    assert.ok(v.valid, v.errors);
    await compileSpec(spec as never);
    assert.throws(() => readaptTradeoff([]), { name: 'SemsliceError' });
    assert.throws(() => readaptTradeoff([{ method: 'x', points: [{ ratio: 1, newAccuracy: NaN, cleanAccuracy: 1 }] }]), { name: 'SemsliceError' });
  });
});
