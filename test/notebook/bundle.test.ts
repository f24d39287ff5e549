import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { chartBundle, chartBundleSync, tableBundle, VEGA_LITE_MIME } from '../../src/notebook/bundle.js';
import { isChartSpec, isTable, chartTitle, type TableLike } from '../../src/notebook/parts.js';
import { chartText, tableText } from '../../src/notebook/text.js';

const spec = {
  title: 'Tiny',
  mark: 'bar',
  data: { values: [{ a: 'x', b: 1 }, { a: 'y', b: 2 }] },
  encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
};

describe('notebook/bundle', () => {
  it('builds one chart bundle with the spec object, an SVG and a text line', async () => {
    const b = await chartBundle(spec);
    assert.deepEqual(Object.keys(b).sort(), [VEGA_LITE_MIME, 'image/svg+xml', 'text/plain'].sort());
    const vl = b[VEGA_LITE_MIME] as Record<string, unknown>;
    assert.equal(typeof vl, 'object', 'the spec is an object, not a JSON string (vega-embed treats strings as URLs)');
    assert.equal(vl.$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
    assert.equal(vl.mark, 'bar');
    assert.match(b['image/svg+xml'] as string, /^<svg[\s\S]*<\/svg>$/);
    assert.equal(b['text/plain'], '<Chart: Tiny>');
    assert.equal((spec as Record<string, unknown>).$schema, undefined, 'the input spec is not mutated');
  });

  it('renders the same SVG twice (deterministic)', async () => {
    assert.equal((await chartBundle(spec))['image/svg+xml'], (await chartBundle(spec))['image/svg+xml']);
  });

  it('sync chart bundles get the same SVG from a worker thread (or none when asked)', async () => {
    const sync = chartBundleSync(spec);
    assert.deepEqual(Object.keys(sync).sort(), [VEGA_LITE_MIME, 'image/svg+xml', 'text/plain'].sort());
    assert.equal(sync['image/svg+xml'], (await chartBundle(spec))['image/svg+xml']);
    assert.deepEqual(Object.keys(chartBundleSync(spec, false)).sort(), [VEGA_LITE_MIME, 'text/plain'].sort());
  });

  it('caps table rows before rendering and notes the rest', () => {
    const t = aq.table({ i: Array.from({ length: 30 }, (_, k) => k), s: Array.from({ length: 30 }, (_, k) => `r${k}`) });
    let renderedRows = -1;
    const spy: TableLike = {
      numRows: () => t.numRows(), numCols: () => t.numCols(), columnNames: () => t.columnNames(),
      objects: () => t.objects(), toHTML: () => { renderedRows = t.numRows(); return t.toHTML(); },
      slice: (a?: number, b?: number) => {
        const s = t.slice(a, b);
        return { ...(s as unknown as TableLike), numRows: () => s.numRows(), columnNames: () => s.columnNames(), objects: () => s.objects(), slice: s.slice.bind(s) as TableLike['slice'], numCols: () => s.numCols(), toHTML: () => { renderedRows = s.numRows(); return s.toHTML(); } };
      },
    };
    const b = tableBundle(spy);
    assert.equal(renderedRows, 20, 'toHTML ran on the 20-row slice, not the full table');
    const html = b['text/html'] as string;
    assert.equal((html.match(/<tr>/g) ?? []).length, 21, 'header + 20 rows');
    assert.match(html, /… 10 more rows/);
    assert.match(b['text/plain'] as string, /… 10 more rows$/);
    const small = tableBundle(t, { limit: 100 });
    assert.doesNotMatch(small['text/html'] as string, /more row/);
  });

  it('tells charts from tables (an arquero table has a concat method but is no spec)', () => {
    const t = aq.table({ a: [1] });
    assert.equal(isTable(t), true);
    assert.equal(isChartSpec(t), false);
    assert.equal(isChartSpec(spec), true);
    assert.equal(isChartSpec({ hconcat: [spec] }), true);
    assert.equal(isChartSpec({ $schema: 'https://vega.github.io/schema/vega/v5.json', marks: [] }), false);
    assert.equal(isChartSpec({ a: 1 }), false);
    assert.equal(isTable(spec), false);
  });

  it('prints tables and charts as plain text', () => {
    const t = aq.table({ name: ['a', 'bb'], v: [1.5, 22] });
    assert.equal(tableText(t), 'name  v\n----  ---\na     1.5\nbb    22');
    assert.equal(tableText(aq.table({ k: [1, 2, 3] }), 1), 'k\n-\n1\n… 2 more rows');
    assert.equal(chartText(spec), 'Chart: Tiny (bar; 2 data rows; fields: a, b)');
    assert.equal(chartTitle({ title: { text: 'T' } }), 'T');
    assert.equal(chartTitle({ description: 'D' }), 'D');
  });

  it('an empty table cell is empty in HTML, not the word null (issue 10, point 7)', () => {
    const html = tableBundle(aq.table({ method: ['semantic', 'global-topk'], theta: [0.9, null], k: [null, 50] }) as unknown as TableLike)['text/html'] as string;
    assert.doesNotMatch(html, />null</);
    assert.match(html, />0\.9</);
  });
});
