import assert from 'node:assert/strict';
import { fidelityCurves, fidelityPoints } from '../../src/viz/index.js';
import { assertGoodChart, dataMarks } from './helpers.js';
import { fidelityFixture } from './fixtures.js';

describe('viz/fidelity-curves', () => {
  it('draws one line per method and metric, one panel per metric', async () => {
    const spec = fidelityCurves(fidelityFixture());
    const svg = await assertGoodChart(spec);
    const lines = await dataMarks(spec, 'line');
    assert.equal(lines.length, 6, '3 methods x 2 metrics');
    assert.ok(lines.every((l) => l.items === 3), 'three sweep points per line');
    assert.equal((await dataMarks(spec, 'symbol')).reduce((a, m) => a + m.items, 0), 18);
    for (const t of ['compression rate (CR %)', 'test accuracy (%)', 'semantic (θ)', 'global top-k%']) assert.ok(svg.includes(t), t);
    assert.deepEqual((spec.facet as any).sort, ['avg', 'taylor']);
  });

  it('puts points in percent with theta or k and tooltips for all of them', () => {
    const pts = fidelityPoints(fidelityFixture());
    const p = pts.find((x) => x.metric === 'taylor' && x.param === 'θ = 0.95')!;
    assert.equal(p.crPct, 35);
    assert.equal(p.accuracyPct, 96);
    assert.ok(pts.some((x) => x.param === 'k = 70%'));
    const point = ((fidelityCurves(fidelityFixture()).spec as any).layer as any[])[1];
    assert.deepEqual(point.encoding.tooltip.map((t: any) => t.title), ['method', 'metric', 'θ or k', 'CR %', 'accuracy %', 'grid']);
    assert.equal(point.encoding.opacity, undefined, 'no grid legend when every point is on the paper grid');
  });

  it('marks points beyond the paper\'s theta grid (paler, own legend, in the tooltip)', async () => {
    const rows = fidelityFixture();
    rows.push({ method: 'semantic', metric: 'taylor', theta: 0.6, k: null, cr: 0.7, accuracy: 0.8, perClass: [0.8, 0.8, 0.8], beyondPaper: true });
    const spec = fidelityCurves(rows);
    const svg = await assertGoodChart(spec);
    assert.ok(svg.includes('beyond the paper (θ &lt; 0.90)') || svg.includes('beyond the paper (θ < 0.90)'), 'legend entry');
    const pts = fidelityPoints(rows);
    assert.equal(pts.filter((p) => p.grid.startsWith('beyond')).length, 1);
    const point = ((spec.spec as any).layer as any[])[1];
    assert.deepEqual(point.encoding.opacity.scale.range, [1, 0.35]);
  });

  it('is independent of row order, ties included', () => {
    const rows = fidelityFixture();
    // two points with the same CR (a tie on the main sort key)
    rows.push({ ...rows[0]!, theta: 0.97, accuracy: 0.5 }, { ...rows[0]!, theta: 0.96, accuracy: 0.6 });
    assert.deepEqual(fidelityCurves([...rows].reverse()), fidelityCurves(rows));
  });

  it('overlay layout: one panel, dashes per metric; baseline rule per panel', async () => {
    const overlay = fidelityCurves(fidelityFixture(), { layout: 'overlay' });
    assert.equal(overlay.facet, undefined);
    await assertGoodChart(overlay);
    assert.equal((await dataMarks(overlay, 'line')).length, 6);
    const withBase = fidelityCurves(fidelityFixture(), { baseline: 0.985 });
    await assertGoodChart(withBase);
    const rules = await dataMarks(withBase, 'rule');
    assert.deepEqual(rules.map((r) => r.items), [1, 1]);
  });

  it('one metric gives one panel; bad rows fail clearly', () => {
    const one = fidelityCurves(fidelityFixture().filter((r) => r.metric === 'avg'));
    assert.equal(one.facet, undefined);
    assert.throws(() => fidelityCurves([]), (e: any) => e.code === 'VIZ_BAD_INPUT' && /fidelitySweep/.test(e.hint));
    const bad = fidelityFixture();
    bad[2]!.accuracy = NaN;
    assert.throws(() => fidelityCurves(bad), /rows\[2\]\.accuracy/);
  });
});
