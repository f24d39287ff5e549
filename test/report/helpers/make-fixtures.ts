/**
 * Writes the report fixtures test/fixtures/notebooks/report-*.ipynb (committed; rerun after changing them):
 *   npx tsx test/report/helpers/make-fixtures.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barSpec, chartOutput, codeCell, display, heatmapSpec, lineSpec, lines, markdownCell, notebook, renderSvg, RUN_META, stream } from './notebook.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'notebooks');
const save = (name: string, nb: unknown) => writeFileSync(join(dir, name), JSON.stringify(nb, null, 1) + '\n');

const TABLE = '<table border="1" class="dataframe">\n<thead><tr><th>site</th><th>neurons</th><th>critical</th></tr></thead>\n' +
  '<tbody><tr><td>conv1</td><td>6</td><td>4</td></tr><tr><td>fc1</td><td>120</td><td>37</td></tr></tbody>\n</table>\n';

async function charts(): Promise<unknown> {
  return notebook([
    markdownCell('# Slicing LeNet-5 on MNIST\n\nA small run with **three** charts.'),
    codeCell('// parameters\nconst theta = 0.95;\nconst seed = 42;', [], { tags: ['parameters'] }),
    codeCell('import * as ss from "semslice";\nss.showRun();', [display({ 'application/vnd.semslice.run+json': RUN_META, 'text/plain': ['semslice 0.1.0 on wasm'] })]),
    markdownCell('## Accuracy per class'),
    codeCell('ss.show(ss.viz.perClass(acc));', [await chartOutput(barSpec(1)), stream('stdout', '<Chart>\n')]),
    markdownCell('## Fidelity\n\nSemantic slicing against the global top-k baseline.'),
    codeCell('ss.show(ss.viz.fidelityCurves(sweep));', [await chartOutput(lineSpec())]),
    codeCell('slice.summary()', [display({ 'text/html': lines(TABLE), 'text/plain': ['site neurons critical'] }), stream('stdout', 'ColumnTable 2 rows\n')]),
    markdownCell('### Similarity'),
    codeCell('ss.show(ss.viz.jaccard(slice));', [await chartOutput(heatmapSpec())]),
    codeCell('console.warn("theta 0.95: class 7 has no correct samples")', [stream('stderr', 'theta 0.95: class 7 has no correct samples\n')]),
  ], { semslice: { semslice: '0.1.0', seed: 42 } });
}

async function unsafe(): Promise<unknown> {
  const urlSpec = { ...barSpec(2), data: { url: 'http://example.com/data.json' } };
  const hrefSpec = { ...barSpec(3), encoding: { ...(barSpec(3).encoding as object), href: { field: 'class', type: 'nominal' } } };
  const svg = await renderSvg(barSpec(2));
  return notebook([
    markdownCell('# Untrusted notebook\n\n<script>window.__pwned = "md-script"; alert(1)</script>\n\n[click me](javascript:window.__pwned=\'md-link\')\n\n' +
      '![tracker](http://example.com/pixel.png)\n\n<img src=x onerror="window.__pwned=\'md-img\'">'),
    codeCell('html', [display({ 'text/html': lines('<div onclick="window.__pwned=\'click\'">click</div>\n<script>window.__pwned = "html-script"; alert("x")</script>\n' +
      '<img src="http://example.com/a.png" onerror="window.__pwned=\'img\'">\n<img src=x onerror="window.__pwned=\'onerror\'">\n' +
      '<a href="javascript:window.__pwned=\'link\'">link</a>\n<iframe src="http://example.com/"></iframe>\n<object data="http://example.com/x.swf"></object>\n' +
      '<embed src="http://example.com/y">\n<div style="background-image: url(http://example.com/bg.png)">styled</div>\n<body onload="window.__pwned=\'body\'">\n' +
      '<div id="ss-charts">[{"id":"chart-4-0","mode":"vega-lite","spec":{"data":{"url":"http://example.com/clobber.json"},"mark":"bar"}}]</div>\n' +
      '<details open ontoggle="window.__pwned=\'toggle\'"><summary>d</summary>x</details>\n<meta http-equiv="refresh" content="0;url=http://example.com/">\n'), 'text/plain': ['<html>'] })]),
    codeCell('svg', [display({ 'image/svg+xml': lines('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=\'svg\'" width="50" height="50">' +
      '<script>window.__pwned="svg-script"</script><a href="javascript:window.__pwned=\'svg-link\'"><rect width="50" height="50" fill="red"/></a>' +
      '<image href="http://example.com/i.png" width="10" height="10"/></svg>\n') })]),
    codeCell('chart with data.url', [display({ 'application/vnd.vegalite.v5+json': urlSpec, 'image/svg+xml': lines(svg), 'text/plain': ['<Chart>'] })]),
    codeCell('chart with href', [await chartOutput(hrefSpec)]),
    codeCell('markdown output', [display({ 'text/markdown': ['[x](javascript:window.__pwned=\'mdout\')\n', '<script>window.__pwned="mdout-script"</script>\n'] })]),
  ]);
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFElEQVR4nGP8z8DwnwEImBigAAAfFwICgH3ifwAAAABJRU5ErkJggg==';
const JPEG = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';

async function vegaOutput(): Promise<Record<string, unknown>> {
  const vl = await import('vega-lite');
  const spec = vl.compile(barSpec(5) as never).spec as unknown as Record<string, unknown>;
  return display({ 'application/vnd.vega.v5+json': spec, 'image/svg+xml': lines(await renderSvg(barSpec(5))), 'text/plain': ['<Chart>'] });
}

async function mime(): Promise<unknown> {
  return notebook([
    markdownCell('# All output kinds'),
    codeCell('png', [display({ 'image/png': PNG + '\n', 'text/plain': ['<Image>'] }, { 'image/png': { width: 20, height: 20 } })]),
    codeCell('jpeg', [display({ 'image/jpeg': JPEG, 'text/plain': ['<Image>'] })]),
    codeCell('latex', [display({ 'text/latex': ['$$\\theta = 0.95$$'], 'text/plain': ['theta'] })]),
    codeCell('markdown output', [display({ 'text/markdown': ['**bold** and a list:\n', '\n', '- a\n', '- b\n'] })]),
    codeCell('unknown', [display({ 'application/x-weird+json': { a: 1 } })]),
    codeCell('unknown with text', [display({ 'application/x-weird': 'zzz', 'text/plain': ['plain fallback'] })]),
    { cell_type: 'code', execution_count: 3, metadata: {}, source: ['// saved without outputs'] },
    codeCell('throw', [{ output_type: 'error', ename: 'RangeError', evalue: 'bad theta', traceback: ['\u001b[31mRangeError\u001b[0m: bad theta', '    at <cell>:1:7'] }]),
    codeCell('progress', [stream('stdout', 'epoch 1\r'), stream('stdout', 'epoch 2\r'), stream('stdout', 'epoch 3\ndone <&> "ok"\n')]),
    codeCell('hidden', [stream('stdout', 'visible output\n')], { tags: ['remove-input'] }),
    codeCell('gone', [stream('stdout', 'removed cell\n')], { tags: ['remove-cell'] }),
    { output_type: 'x', cell_type: 'raw', metadata: {}, source: ['raw <text>'] },
    codeCell('vega (not lite)', [await vegaOutput()]),
    { ...markdownCell('An attached image: ![dot](attachment:dot.png)'), attachments: { 'dot.png': { 'image/png': PNG } } },
  ], { title: 'MIME fixture' });
}

save('report-charts.ipynb', await charts());
save('report-unsafe.ipynb', await unsafe());
save('report-mime.ipynb', await mime());
console.log('wrote report fixtures to', dir);
