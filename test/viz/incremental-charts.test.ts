import assert from 'node:assert/strict';
import { capacityChart, capacityPoints, forgettingChart, forgettingPoints } from '../../src/viz/incremental-charts.js';
import { buildChart } from '../../src/viz/index.js';
import { assertGoodChart, dataMarks } from './helpers.js';

const rows = [
  { method: 'naive', oldBefore: 0.97, oldAfter: 0.31, newAfter: 0.95, allAfter: 0.47 },
  { method: 'replay-10%', oldBefore: 0.97, oldAfter: 0.88, newAfter: 0.94, allAfter: 0.81 },
  { method: 'ours', oldBefore: 0.96, oldAfter: 0.96, newAfter: 0.9, allAfter: 0.85 },
];
const cap = {
  tasks: ['0-4', '5-9'],
  sites: [
    { site: 'conv1', neurons: 6, perTask: [5, 3], used: 6, free: 0 },
    { site: 'fc1', neurons: 120, perTask: [81, 30], used: 96, free: 24 },
  ],
  minFree: 0.1,
};

describe('viz/incremental-charts', () => {
  it('forgetting: one bar per method and measure, grouped by method, in percent', async () => {
    const spec = forgettingChart(rows);
    const svg = await assertGoodChart(spec);
    const [bars] = await dataMarks(spec, 'rect');
    assert.equal(bars!.items, 12);
    assert.ok(svg.includes('replay-10%') && svg.includes('old task after'));
    const pts = forgettingPoints(rows);
    assert.deepEqual(pts.filter((p) => p.method === 'naive').map((p) => p.accuracyPct), [97, 31, 95, 47]);
    assert.equal((spec.encoding as any).xOffset.field, 'measure');
  });

  it('forgetting: the all-class bar is optional; repeated names and NaN are refused', async () => {
    const spec = forgettingChart(rows.map(({ allAfter: _a, ...r }) => r));
    const [bars] = await dataMarks(spec, 'rect');
    assert.equal(bars!.items, 9);
    assert.throws(() => forgettingChart([rows[0]!, rows[0]!]), (e: any) => e.code === 'VIZ_BAD_INPUT' && /repeat/.test(e.message));
    assert.throws(() => forgettingChart([{ ...rows[0]!, oldAfter: NaN }]), (e: any) => e.code === 'VIZ_BAD_INPUT');
    assert.throws(() => forgettingChart([]), (e: any) => e.code === 'VIZ_BAD_INPUT');
  });

  it('capacity: a used and a free segment per site, the threshold rule, per-task counts in the tooltip', async () => {
    const spec = capacityChart(cap);
    const svg = await assertGoodChart(spec);
    const marks = await dataMarks(spec, 'rect');
    assert.equal(marks[0]!.items, 4);
    assert.ok(svg.includes('conv1') && svg.includes('fc1'));
    const pts = capacityPoints(cap);
    assert.deepEqual(pts.map((p) => p.pct), [100, 0, 80, 20]);
    assert.equal(pts[2]!.perTask, '0-4: 81, 5-9: 30');
    assert.equal((spec as any).layer[1].data.values[0].x, 90);
    assert.throws(() => capacityChart({ ...cap, sites: [{ site: 'x', neurons: 4, perTask: [1], used: 1, free: 1 }] }), (e: any) => e.code === 'VIZ_BAD_INPUT' && /used 1 \+ free 1/.test(e.message));
    assert.throws(() => capacityChart({ ...cap, sites: [] }), (e: any) => e.code === 'VIZ_BAD_INPUT');
  });

  it('both are in the chart registry', async () => {
    assert.deepEqual(buildChart('forgetting', rows), forgettingChart(rows));
    assert.deepEqual(buildChart('capacity', cap), capacityChart(cap));
  });
});
