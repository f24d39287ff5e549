import assert from 'node:assert/strict';
import { similarityCells, similarityHeatmap } from '../../src/viz/index.js';
import { assertGoodChart, dataMarks } from './helpers.js';
import { CLASS_NAMES, sliceFixture } from './fixtures.js';

describe('viz/similarity-heatmap', () => {
  it('has classes^2 cells with class names, overall by default', async () => {
    const spec = similarityHeatmap(sliceFixture());
    const svg = await assertGoodChart(spec);
    const [rects] = await dataMarks(spec, 'rect');
    assert.equal(rects!.items, 9);
    const [texts] = await dataMarks(spec, 'text');
    assert.equal(texts!.items, 9);
    // overall c0-c2 = 2/7, printed with 2 decimals
    assert.ok(svg.includes('>0.29<'), 'cell text with 2 decimals');
    const cell = similarityCells(sliceFixture()).find((c) => c.row === 'ankle boot' && c.col === 'coat');
    assert.equal(cell?.value, 0.2857);
    assert.deepEqual((spec.encoding as any).x.sort, CLASS_NAMES);
  });

  it('shows one site on request and names the choices for an unknown site', async () => {
    const cells = similarityCells(sliceFixture(), 'conv1');
    assert.equal(cells.find((c) => c.row === 'ankle boot' && c.col === 'coat')?.value, 0.25);
    const spec = similarityHeatmap(sliceFixture(), { site: 'conv1' });
    assert.match(JSON.stringify(spec.title), /site conv1/);
    await assertGoodChart(spec);
    assert.throws(() => similarityHeatmap(sliceFixture(), { site: 'conv2' }),
      (e: any) => e.code === 'VIZ_UNKNOWN_SITE' && /conv2/.test(e.message) && /Did you mean "conv1"/.test(e.message) && /conv1, fc1/.test(e.hint));
  });

  it('has a colour scale fixed to [0, 1] (viridis) and tooltips', () => {
    const rect = (similarityHeatmap(sliceFixture()).layer as any[])[0];
    assert.deepEqual(rect.encoding.color.scale, { scheme: 'viridis', domain: [0, 1] });
    assert.deepEqual(rect.encoding.tooltip.map((t: any) => t.field), ['row', 'col', 'value']);
  });

  it('rejects a matrix of the wrong size or with NaN', () => {
    const s = sliceFixture();
    s.similarity.overall = [[1, 0], [0, 1]];
    assert.throws(() => similarityHeatmap(s), /3 x 3 matrix/);
    const t = sliceFixture();
    t.similarity.overall[0]![1] = NaN;
    assert.throws(() => similarityHeatmap(t), /similarity\[0\]\[1\] is number NaN/);
  });
});
