import assert from 'node:assert/strict';
import { buildChart, damageHeatmap, stabilityChart, subsetFidelityChart, subsetPoints } from '../../src/viz/index.js';
import { summarise } from '../../src/engine/slicing/damage.js';
import type { DamageMatrix } from '../../src/engine/slicing/damage.js';
import type { SubsetFidelityRow } from '../../src/engine/slicing/subset-fidelity.js';
import { assertGoodChart, dataMarks } from './helpers.js';
import { sliceFixture } from './fixtures.js';

const names = ['coat', 'shirt', 'ankle boot'];
const drop = [[0.4, 0.05, 0], [0.1, 0.3, 0], [0, 0, 0.5]];
const damage: DamageMatrix = {
  classNames: names, classes: [0, 1, 2], fraction: 0.1, knockedOut: [{}, {}, {}], baseline: [0.9, 0.8, 0.95],
  accuracy: drop.map((r) => r.map((v, c) => [0.9, 0.8, 0.95][c]! - v)), drop, summary: summarise(drop),
};
const subsets: SubsetFidelityRow[] = [
  { kind: 'component', name: '{coat, shirt}', classes: [0, 1], samples: 200, cr: 0.4, accuracy: 0.85, fullAccuracy: 0.88, baselineAccuracy: 0.8, baselineK: [40, 41] },
  { kind: 'class', name: 'ankle boot vs rest', classes: [2], samples: 300, cr: 0.7, accuracy: 0.9, fullAccuracy: 0.97, baselineAccuracy: null, baselineK: null },
];

describe('viz/stability, damage-matrix, subset-fidelity', () => {
  it('stability: bars per class with the lowest replicate, and the co-membership heatmap', async () => {
    const s = sliceFixture() as any;
    s.stability = { replicates: 5, seed: 0, classes: [0, 1, 2], jaccard: [0.9, 0.7, 1], jaccardMin: [0.8, 0.5, 1],
      coMembership: [[1, 0.6, 0], [0.6, 1, 0], [0, 0, 1]], componentCounts: [2, 2, 3, 2, 2] };
    const spec = stabilityChart(s);
    await assertGoodChart(spec);
    assert.equal((await dataMarks(spec, 'rect')).reduce((a, m) => a + m.items, 0), 3 + 3 + 9, '3 bars, 3 ticks (drawn as rects), 9 cells');
    assert.throws(() => stabilityChart(sliceFixture()), (e: any) => e.code === 'VIZ_BAD_INPUT' && /bootstrap/.test(e.hint));
  });
  it('damage matrix: one cell per pair, the summary in the subtitle, registered by name', async () => {
    const spec = damageHeatmap(damage);
    const svg = await assertGoodChart(spec);
    assert.equal((await dataMarks(spec, 'rect'))[0]!.items, 9);
    assert.ok(svg.includes('diagonal largest in 3 of 3 rows'));
    assert.deepEqual(buildChart('damage-matrix', damage), damageHeatmap(damage)); // fresh: rendering tags spec data
  });
  it('subset fidelity: slice, baseline (when reachable) and unmasked model per subset', async () => {
    const spec = subsetFidelityChart(subsets);
    await assertGoodChart(spec);
    const pts = subsetPoints(subsets);
    assert.equal(pts.length, 5, 'the unreachable baseline is left out');
    assert.deepEqual(pts.filter((p) => p.subset === '{coat, shirt}').map((p) => p.accuracyPct), [85, 80, 88]);
  });
});
