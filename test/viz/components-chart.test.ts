import assert from 'node:assert/strict';
import { componentMembership, componentNeurons, componentsChart } from '../../src/viz/index.js';
import { assertGoodChart, dataMarks } from './helpers.js';
import { sliceFixture } from './fixtures.js';

describe('viz/components-chart', () => {
  it('lists which classes belong to which component', () => {
    assert.deepEqual(componentMembership(sliceFixture()).map((r) => [r.component, r.class]),
      [['C1', 'ankle boot'], ['C1', 'bag'], ['C2', 'coat']]);
  });

  it('counts each component\'s neurons per site', () => {
    const rows = componentNeurons(sliceFixture());
    assert.deepEqual(rows.map((r) => [r.component, r.site, r.neurons]),
      [['C1', 'conv1', 3], ['C1', 'fc1', 3], ['C2', 'conv1', 2], ['C2', 'fc1', 2]]);
    assert.equal(rows[0]!.sharePct, 75);
    assert.equal(rows[0]!.members, 'ankle boot, bag');
  });

  it('is a valid two-panel spec that renders both matrices', async () => {
    const spec = componentsChart(sliceFixture());
    const svg = await assertGoodChart(spec);
    assert.ok(svg.includes('classes per component') && svg.includes('critical neurons per site'));
    const rects = await dataMarks(spec, 'rect');
    assert.deepEqual(rects.map((m) => m.items), [3, 4]); // 3 memberships, 2 components x 2 sites
  });

  it('rejects a slice without components', () => {
    const s = sliceFixture();
    s.components = [];
    assert.throws(() => componentsChart(s), (e: any) => e.code === 'VIZ_BAD_INPUT' && /no semantic components/.test(e.message));
  });
});
