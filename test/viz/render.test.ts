import assert from 'node:assert/strict';
import {
  compileSpec, criticalNeuronsChart, fidelityCurves, normaliseIds, renderSvg, similarityHeatmap, toChartBundle, VEGA_LITE_MIME,
  type VegaLiteSpec,
} from '../../src/viz/index.js';
import { fidelityFixture, sliceFixture } from './fixtures.js';

describe('viz/render', () => {
  it('gives the same SVG bytes for the same spec, whatever was rendered before', async () => {
    const spec = fidelityCurves(fidelityFixture(), { baseline: 0.98 }); // faceted: clip paths
    const a = await renderSvg(spec);
    await renderSvg(criticalNeuronsChart(sliceFixture()));
    await renderSvg(similarityHeatmap(sliceFixture()));
    const b = await renderSvg(fidelityCurves(fidelityFixture(), { baseline: 0.98 }));
    assert.equal(a, b);
    assert.ok(!/\bid="[^"]*\d{3,}"/.test(a), 'no large generated ids');
  });

  it('renumbers generated ids in order, without touching text', () => {
    const svg = '<defs><clipPath id="clip7"/><clipPath id="clip3"/></defs><g clip-path="url(#clip7)"><text>clip7</text></g><g clip-path="url(#clip3)"/>';
    assert.equal(normaliseIds(svg),
      '<defs><clipPath id="clip1"/><clipPath id="clip2"/></defs><g clip-path="url(#clip1)"><text>clip7</text></g><g clip-path="url(#clip2)"/>');
  });

  it('reports vega-lite warnings and throws a SemsliceError when compiling fails', async () => {
    const spec: VegaLiteSpec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: 't', description: 'd',
      data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative' }, shape: { field: 'a', type: 'nominal' } },
    };
    const { warnings } = await compileSpec(spec);
    assert.ok(warnings.some((w) => /shape/.test(w)), JSON.stringify(warnings)); // shape is not supported by bar
    const seen: string[] = [];
    await renderSvg(spec, { onWarning: (w) => seen.push(w) });
    assert.ok(seen.length > 0);
    await assert.rejects(compileSpec({ ...spec, mark: 'nope' } as VegaLiteSpec), (e: any) => e.code === 'VIZ_COMPILE' && /"t"/.test(e.message));
  });

  it('builds the three-MIME display bundle', async () => {
    const spec = similarityHeatmap(sliceFixture());
    const bundle = await toChartBundle(spec);
    assert.deepEqual(Object.keys(bundle).sort(), ['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
    assert.equal(bundle[VEGA_LITE_MIME], spec, 'the spec object itself, not a string');
    assert.ok(bundle['image/svg+xml'].startsWith('<svg'));
    assert.equal(bundle['text/plain'], '<Chart: Class similarity of critical neurons>');
  });

  it('specs are plain JSON and deterministic', () => {
    const a = JSON.stringify(criticalNeuronsChart(sliceFixture()));
    assert.equal(a, JSON.stringify(criticalNeuronsChart(sliceFixture())));
    assert.deepEqual(JSON.parse(a), criticalNeuronsChart(sliceFixture()));
  });
});
