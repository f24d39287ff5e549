import assert from 'node:assert/strict';
import { buildChart, classDamage, niBars, restructureCurves } from '../../src/viz/index.js';
import { assertGoodChart, dataMarks } from './helpers.js';

const runs = [
  { method: 'none + lamp', rows: [{ iteration: 0, cr: 0, accuracy: 0.98 }, { iteration: 1, cr: 0.2, accuracy: 0.979 }, { iteration: 2, cr: 0.36, accuracy: 0.975 }], ni: 2, cr: 0.36, ma: 0.975, reached: false },
  { method: 'slice + lamp', rows: [{ iteration: 0, cr: 0.3, accuracy: 0.975 }, { iteration: 1, cr: 0.44, accuracy: 0.974 }], ni: 1, cr: 0.44, ma: 0.974, reached: true },
];

describe('viz/restructure-charts', () => {
  it('restructureCurves: a point per iteration and method, rules for the bound and the target', async () => {
    const spec = restructureCurves(runs, { bound: 0.97, targetCR: 0.4 });
    const svg = await assertGoodChart(spec);
    const symbols = await dataMarks(spec, 'symbol');
    assert.equal(symbols.reduce((a, m) => a + m.items, 0), 5, 'five iterations drawn as points');
    const rules = await dataMarks(spec, 'rule');
    assert.equal(rules.length, 2);
    assert.ok(svg.includes('slice + lamp') && svg.includes('compression rate'));
    assert.match(JSON.stringify(spec.title), /accuracy bound 97%, target CR 40%/);
    const values = (spec.data as { values: Array<{ crPct: number; accuracyPct: number }> }).values;
    assert.deepEqual(values.map((v) => v.crPct), [0, 20, 36, 30, 44]);
    assert.throws(() => restructureCurves([runs[0]!, runs[0]!]), (e: Error & { code?: string }) => e.code === 'VIZ_BAD_INPUT' && /repeat/.test(e.message));
    assert.throws(() => restructureCurves([{ method: 'x', rows: [{ iteration: 0, cr: Number.NaN, accuracy: 1 }] }]), /cr/);
  });

  it('niBars: one bar per method at its NI, coloured by outcome', async () => {
    const spec = niBars(runs);
    await assertGoodChart(spec);
    const [bars] = await dataMarks(spec, 'rect');
    assert.equal(bars!.items, 2);
    const values = (spec.data as { values: Array<{ ni: number; outcome: string }> }).values;
    assert.deepEqual(values.map((v) => [v.ni, v.outcome]), [[2, 'stopped before the target'], [1, 'target reached']]);
    assert.throws(() => niBars([{ method: 'a', rows: [] }]), /ni/);
  });

  it('classDamage: points lost per class and method; NaN classes skipped; lengths checked; registered', async () => {
    const input = { classNames: ['a', 'b', 'c'], before: [0.9, 0.8, Number.NaN], methods: [{ method: 'none', perClass: [0.85, 0.82, 0.5] }, { method: 'slice', perClass: [0.9, 0.7, 0.5] }] };
    const spec = classDamage(input);
    await assertGoodChart(spec);
    const [bars] = await dataMarks(spec, 'rect');
    assert.equal(bars!.items, 4);
    const values = (spec.data as { values: Array<{ dropPts: number }> }).values;
    assert.deepEqual(values.map((v) => v.dropPts), [5, -2, 0, 10]);
    assert.throws(() => classDamage({ ...input, before: [1] }), /before has 1 values for 3 classes/);
    assert.deepEqual(buildChart('class-damage', input), classDamage(input));
    assert.deepEqual(buildChart('ni-bars', runs), niBars(runs));
    assert.deepEqual(buildChart('restructure-curves', runs), restructureCurves(runs));
  });
});
