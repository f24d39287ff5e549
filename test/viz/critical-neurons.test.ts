import assert from 'node:assert/strict';
import { criticalNeuronRows, criticalNeuronsChart, type CriticalNeuronRow } from '../../src/viz/index.js';
import { assertGoodChart, dataMarks, dataValues } from './helpers.js';
import { sliceFixture } from './fixtures.js';

describe('viz/critical-neurons', () => {
  it('counts each class\'s critical neurons per site and category', () => {
    const rows = criticalNeuronRows(sliceFixture());
    const get = (site: string, cls: string, cat: string) => rows.find((r) => r.site === site && r.class === cls && r.category === cat)?.neurons ?? 0;
    // conv1: ankle boot has n0 exclusive, n1 shared, n3 common
    assert.equal(get('conv1', 'ankle boot', 'exclusive'), 1);
    assert.equal(get('conv1', 'ankle boot', 'shared'), 1);
    assert.equal(get('conv1', 'ankle boot', 'common'), 1);
    assert.equal(get('conv1', 'coat', 'shared'), 0);
    assert.equal(get('fc1', 'bag', 'common'), 1);
    // totals per (site, class) equal the critical set sizes
    const s = sliceFixture();
    for (const site of s.sites) s.classNames.forEach((c, i) => {
      const total = rows.filter((r) => r.site === site.name && r.class === c).reduce((a, r) => a + r.neurons, 0);
      assert.equal(total, s.critical[site.name]![i]!.length, `${site.name}/${c}`);
    });
    assert.ok(rows.every((r) => r.neurons > 0 && r.category !== 'idle'));
  });

  it('names idle neurons in each site\'s panel header', () => {
    const labels = [...new Set(criticalNeuronRows(sliceFixture()).map((r) => r.siteLabel))];
    assert.deepEqual(labels, ['conv1: 4 neurons, 0 idle', 'fc1: 6 neurons, 2 idle']);
  });

  it('is a valid spec that renders, one panel per site, class names on x', async () => {
    const spec = criticalNeuronsChart(sliceFixture());
    const svg = await assertGoodChart(spec);
    assert.ok(svg.includes('fc1: 6 neurons, 2 idle'));
    assert.ok(svg.includes('ankle boot'));
    const rects = await dataMarks(spec, 'rect');
    assert.equal(rects.length, 2, 'one bar mark per site panel');
    assert.equal(rects.reduce((a, m) => a + m.items, 0), dataValues<CriticalNeuronRow>(spec).length);
    const colorScale = ((spec.spec as any).encoding.color.scale) as { domain: string[]; range: string[] };
    assert.deepEqual(colorScale.domain, ['exclusive', 'shared', 'common']);
    assert.equal(colorScale.range.length, 3);
  });

  it('honours options and rejects what is not a slice', () => {
    const spec = criticalNeuronsChart(sliceFixture(), { columns: 1, sharedY: true, title: 'Mine', width: 300 });
    assert.equal(spec.columns, 1);
    assert.equal((spec.title as { text: string }).text, 'Mine');
    assert.equal((spec.spec as { width: number }).width, 300);
    assert.deepEqual((spec.resolve as any).scale, { y: 'shared' });
    assert.throws(() => criticalNeuronsChart({ classNames: [] } as never), (e: any) => e.name === 'SemsliceError' && /SliceJSON/.test(e.message) && /toJSON/.test(e.hint));
  });

  it('keeps a panel for a site without critical neurons', async () => {
    const s = sliceFixture();
    s.critical.fc1 = [[], [], []];
    const fc1 = criticalNeuronRows(s).filter((r) => r.site === 'fc1');
    assert.deepEqual(fc1.map((r) => r.neurons), [0]);
    assert.equal((await dataMarks(criticalNeuronsChart(s), 'rect')).length, 2);
  });

  it('uses the slice\'s class subset when it lists one', () => {
    const s = sliceFixture();
    // a slice for classes 0 and 2 only: per-class arrays have two entries
    Object.assign(s, { classes: [0, 2] });
    s.critical = { conv1: [[0, 1, 3], [2, 3]], fc1: [[0, 2], [2, 3]] };
    const classes = [...new Set(criticalNeuronRows(s).map((r) => r.class))];
    assert.deepEqual(classes, ['ankle boot', 'coat']);
  });
});
