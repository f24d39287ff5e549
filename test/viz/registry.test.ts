import assert from 'node:assert/strict';
import { buildChart, listCharts, registerChart, unregisterChart, similarityHeatmap, VEGA_LITE_SCHEMA } from '../../src/viz/index.js';
import { sliceFixture } from './fixtures.js';

describe('viz/registry', () => {
  afterEach(() => { unregisterChart('test-chart'); });

  it('lists the built-in charts with descriptions', () => {
    const names = listCharts().map((c) => c.name);
    assert.deepEqual(names, ['capacity', 'class-damage', 'components', 'critical-neurons', 'damage-matrix', 'fidelity-curves', 'forgetting', 'image-grid', 'ni-bars', 'per-class-accuracy', 'readapt-curves', 'readapt-tradeoff', 'restructure-curves', 'similarity-heatmap', 'stability', 'subset-fidelity', 'training-curves']);
    assert.ok(listCharts().every((c) => c.description.length > 10));
  });

  it('builds a chart by name with options', () => {
    assert.deepEqual(buildChart('similarity-heatmap', sliceFixture(), { site: 'fc1' }), similarityHeatmap(sliceFixture(), { site: 'fc1' }));
  });

  it('unknown names suggest the closest one', () => {
    assert.throws(() => buildChart('similarity-heatmpa', sliceFixture()),
      (e: any) => e.code === 'VIZ_UNKNOWN_CHART' && /Did you mean "similarity-heatmap"/.test(e.message) && /fidelity-curves/.test(e.hint));
  });

  it('registers new charts, refuses duplicates and bad names unless told', () => {
    const build = (n: number) => ({ $schema: VEGA_LITE_SCHEMA, title: `n=${n}`, description: 'test', mark: 'point' });
    registerChart({ name: 'test-chart', description: 'a test chart', build });
    assert.equal(buildChart('test-chart', 3).title, 'n=3');
    assert.throws(() => registerChart({ name: 'test-chart', description: 'again', build }), (e: any) => e.code === 'VIZ_DUPLICATE_CHART' && /override/.test(e.hint));
    registerChart({ name: 'test-chart', description: 'replaced', build: () => build(0) }, { override: true });
    assert.equal(buildChart('test-chart', 3).title, 'n=0');
    assert.throws(() => registerChart({ name: 'Bad Name', description: 'x', build }), (e: any) => e.code === 'VIZ_BAD_CHART_NAME');
    assert.throws(() => registerChart({ name: 'no-build', description: 'x' } as never), (e: any) => e.code === 'VIZ_BAD_CHART');
    assert.ok(listCharts().some((c) => c.name === 'test-chart' && c.description === 'replaced'));
  });
});
