import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { buildReport, renderReport } from '../../src/report/index.js';
import { barSpec, chartOutput, codeCell, display, markdownCell, notebook, RUN_META, stream } from './helpers/notebook.js';

const fixture = (n: string) => JSON.parse(readFileSync(`test/fixtures/notebooks/report-${n}.ipynb`, 'utf8')) as unknown;
/** The report body without the inlined vendor scripts and style, for readable matching. */
const body = (html: string) => html.slice(html.indexOf('<body'), html.indexOf('<script type="application/json"') >>> 0 || undefined);

describe('report/render', () => {
  it('renders each MIME type with its block, and a placeholder naming an unknown type', () => {
    const r = buildReport(fixture('mime'));
    const h = body(r.html);
    assert.match(h, /<img class="ss-image" alt="output 1 of cell 1" width="20" height="20" src="data:image\/png;base64,iVBOR[^"\s]+==">/);
    assert.match(h, /src="data:image\/jpeg;base64,\/9j\//);
    assert.match(h, /<pre class="ss-latex">\$\$\\theta = 0.95\$\$<\/pre>/);
    assert.match(h, /<div class="ss-markdown-output"><p><strong>bold<\/strong>/);
    assert.match(h, /Output of type application\/x-weird\+json cannot be shown in this report/);
    assert.match(h, /<pre class="ss-text">plain fallback<\/pre>/, 'an unknown type with text/plain falls back to it');
    assert.deepEqual(r.warnings, ['cell 5: output 0 has no renderable MIME type (application/x-weird+json)']);
    assert.equal(r.charts, 1, 'the vega (not lite) output');
  });

  it('handles streams, errors, missing outputs, tags and raw cells', () => {
    const h = body(renderReport(fixture('mime')));
    assert.match(h, /<section class="ss-cell ss-code" id="cell-7"><div class="ss-input"><span class="ss-prompt">\[3\]<\/span>/);
    assert.match(h, /<div class="ss-error" role="alert"><pre>RangeError: bad theta\n    at &lt;cell&gt;:1:7<\/pre>/, 'ANSI stripped, escaped');
    assert.doesNotMatch(h, /\u001b/);
    assert.match(h, /<pre class="ss-stream ss-stdout">epoch 3\ndone &lt;&amp;&gt; &quot;ok&quot;\n<\/pre>/, 'streams merged, \\r applied');
    assert.match(h, /id="cell-10"><div class="ss-outputs"><pre class="ss-stream ss-stdout">visible output/, 'remove-input');
    assert.doesNotMatch(h, /removed cell|id="cell-11"/, 'remove-cell');
    assert.match(h, /<section class="ss-cell ss-raw" id="cell-12"><pre>raw &lt;text&gt;<\/pre>/);
  });

  it('styles stderr as a warning and shows tables from text/html', () => {
    const h = body(renderReport(fixture('charts')));
    assert.match(h, /<pre class="ss-stream ss-stderr">theta 0.95: class 7 has no correct samples\n<\/pre>/);
    assert.match(h, /<div class="ss-html"><table border="1" class="dataframe">/);
    assert.doesNotMatch(h, /<pre class="ss-text">site neurons critical/, 'text/plain of the same bundle not shown');
  });

  it('makes Vega-Lite outputs interactive charts with the bundle SVG as fallback, specs escaped', async () => {
    const spec = { ...barSpec(1), title: '</script><!-- x' };
    const nb = notebook([codeCell('c', [await chartOutput(spec)])]);
    const r = buildReport(nb);
    assert.equal(r.charts, 1);
    assert.match(r.html, /<figure class="ss-chart"><div class="ss-vega" id="chart-0-0"><\/div><div class="ss-chart-fallback"><svg /);
    const json = r.html.slice(r.html.indexOf('<script type="application/json" id="ss-charts">'));
    const inner = json.slice(json.indexOf('>') + 1, json.indexOf('</script>'));
    assert.doesNotMatch(inner, /<\/script|<!--/i);
    assert.equal((JSON.parse(inner) as Array<{ spec: { title: string } }>)[0]!.spec.title, '</script><!-- x');
  });

  it('inlines vega, vega-lite and vega-embed, fetches nothing, and allows only its own scripts by hash', () => {
    const html = renderReport(fixture('charts'));
    assert.doesNotMatch(html, /<script[^>]+src=|<link\b|@import|url\(http/i);
    assert.match(html, /vegaEmbed/);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    assert.equal(scripts.length, 4, 'vega, vega-lite, vega-embed, report.js');
    assert.ok(scripts[1]!.includes('"6.4.3"'), 'the installed vega-lite build');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    for (const s of scripts) assert.ok(csp.includes(`'sha256-${createHash('sha256').update(s).digest('base64')}'`));
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp.split(';').find((d) => d.includes('script-src'))!, /unsafe-inline/);
  });

  it('leaves the vega scripts out when there is no chart', () => {
    const html = renderReport(notebook([markdownCell('# x')]));
    assert.ok(html.length < 20000, `${html.length} bytes`);
    assert.match(html, /script-src &#39;none&#39;/);
    assert.doesNotMatch(html, /<script/);
  });

  it('takes the title from options, then metadata.title, then the first H1, then the fallback', () => {
    const cells = [markdownCell('# First heading\ntext'), markdownCell('## Sub')];
    const title = (h: string) => /<title>(.*)<\/title>/.exec(h)![1];
    assert.equal(title(renderReport(notebook(cells, { title: 'Meta' }), { title: 'Opt <1>' })), 'Opt &lt;1&gt;');
    assert.equal(title(renderReport(notebook(cells, { title: 'Meta' }))), 'Meta');
    assert.equal(title(renderReport(notebook(cells))), 'First heading');
    assert.equal(title(renderReport(notebook([markdownCell('## only h2')]), { fallbackTitle: 'run' })), 'run');
    assert.doesNotMatch(renderReport(notebook(cells)), /id="report-title"/, 'the H1 that gave the title is not repeated');
  });

  it('builds a table of contents with unique anchors', () => {
    const h = renderReport(notebook([markdownCell('# Results\n## Setup'), markdownCell('## Setup\n#### deep')]));
    assert.match(h, /<h2 id="setup">Setup<\/h2>[\s\S]*<h2 id="setup-2">Setup<\/h2>/);
    assert.match(h, /<nav id="toc"[^>]*><h2>Contents<\/h2><ul><li class="ss-toc-l1"><a href="#results">Results<\/a><\/li><li class="ss-toc-l2"><a href="#setup">Setup<\/a><\/li><li class="ss-toc-l2"><a href="#setup-2">/);
    assert.doesNotMatch(h, /href="#deep"/, 'levels 1-3 only');
  });

  it('shows, folds or hides code, escaping it', () => {
    const nb = notebook([codeCell('const s = "<script>alert(1)</script>";', [stream('stdout', 'ok\n')])]);
    assert.match(renderReport(nb), /<div class="ss-input"><pre class="ss-source"><code class="language-typescript">const s = &quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;;<\/code>/);
    assert.match(renderReport(nb, { codeFolding: 'fold' }), /<details class="ss-input"><summary>Code<\/summary><pre class="ss-source">/);
    for (const h of [renderReport(nb, { codeFolding: 'hide' }), renderReport(nb, { noInput: true })]) {
      assert.doesNotMatch(h, /class="ss-source"/);
      assert.match(h, />ok\n</);
    }
    assert.throws(() => renderReport(nb, { codeFolding: 'collapse' as never }), /renderReport: codeFolding must be one of "show", "fold", "hide", got "collapse"/);
  });

  it('renders run metadata from outputs and metadata.semslice, plus kernel and nbformat', () => {
    const h = renderReport(fixture('charts'));
    const section = h.slice(h.indexOf('<section id="run-metadata"'));
    assert.match(section, /<th scope="row">Backend<\/th><td>wasm<\/td>/);
    assert.match(section, /<th scope="row">Seed<\/th><td>42<\/td>/);
    assert.match(section, /<strong>mnist-test<\/strong> <span class="ss-kv">fingerprint: <code>3f2a9c1d0b7e6a54<\/code>/);
    assert.match(section, /<strong>lenet5-mnist<\/strong>/);
    assert.match(section, /<th scope="row">Kernel<\/th><td>tslab \(TypeScript\)<\/td>/);
    assert.match(section, /<th scope="row">nbformat<\/th><td>4.5<\/td>/);
    const onlyMeta = renderReport(notebook([], { semslice: { ...RUN_META, backend: 'cpu' } }));
    assert.match(onlyMeta, /<th scope="row">Backend<\/th><td>cpu<\/td>/);
    assert.match(renderReport(notebook([])), /recorded no run metadata/);
  });

  it('escapes untrusted markdown HTML and keeps it when trusted', () => {
    const nb = notebook([markdownCell('<b>bold</b> [x](javascript:alert(1))')]);
    assert.match(renderReport(nb), /&lt;b&gt;bold&lt;\/b&gt;/);
    assert.doesNotMatch(renderReport(nb), /href="javascript/);
    assert.match(renderReport(nb, { trusted: true }), /<b>bold<\/b>/);
  });

  it('is deterministic: the same notebook gives byte-identical HTML', async () => {
    const nb = notebook([markdownCell('# T'), codeCell('x', [await chartOutput(barSpec(4)), display({ 'text/plain': ['1'] })])]);
    const a = renderReport(nb);
    const b = renderReport(JSON.parse(JSON.stringify(nb)));
    assert.equal(a, b);
    assert.equal(renderReport(fixture('unsafe')), renderReport(fixture('unsafe')));
  });
});

describe('report/render: more blocks', () => {
  it('renders Vega (not Vega-Lite) outputs as vega-mode charts and markdown attachments as data: images', () => {
    const r = buildReport(fixture('mime'));
    assert.equal(r.charts, 1);
    assert.match(r.html, /"mode":"vega"/);
    assert.match(r.html, /<img src="data:image\/png;base64,iVBOR[^"]+" alt="dot" \/>/);
  });

  it('shows ename: evalue when the traceback lacks it', () => {
    const nb = notebook([codeCell('x', [{ output_type: 'error', ename: 'TypeError', evalue: 'x is undefined', traceback: ['at line 1'] }])]);
    assert.match(renderReport(nb), /<pre>TypeError: x is undefined\nat line 1<\/pre>/);
  });
});

describe('report/svg-ids', () => {
  it('prefixes ids and their references per output, so two SVGs with gradient_0 do not collide', () => {
    const svg = '<svg><defs><linearGradient id="gradient_0"></linearGradient></defs><rect fill="url(#gradient_0)"/><use href="#gradient_0"/></svg>';
    const h = renderReport(notebook([codeCell('a', [display({ 'image/svg+xml': [svg] })]), codeCell('b', [display({ 'image/svg+xml': [svg] })])]));
    assert.match(h, /id="o0-0-gradient_0"[\s\S]*fill="url\(#o0-0-gradient_0\)"/);
    assert.match(h, /id="o1-0-gradient_0"[\s\S]*fill="url\(#o1-0-gradient_0\)"/);
    assert.doesNotMatch(h, /"gradient_0"|#gradient_0/);
    const trusted = renderReport(notebook([codeCell('a', [display({ 'image/svg+xml': [svg] })])]), { trusted: true });
    assert.match(trusted, /<use href="#o0-0-gradient_0"\/>/);
  });
});

describe('report/imports', () => {
  it('src/report imports nothing of the engine but errors.ts, registry.ts and the message module, and no tfjs', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync('src/report', { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 10);
    for (const f of files) {
      const src = readFileSync(`src/report/${f}`, 'utf8');
      for (const m of src.matchAll(/^(?:import|export)\b[^;]*?from\s*'([^']+)'|^import\s*'([^']+)'|\bimport\('([^']+)'\)/gm)) {
        const spec = (m[1] ?? m[2] ?? m[3])!;
        const ok = spec.startsWith('node:') || ['sanitize-html', 'markdown-it'].includes(spec)
          || (spec.startsWith('.') && (!spec.includes('engine/') || spec.endsWith('engine/errors.js') || spec.endsWith('engine/registry.js')
            || /engine\/messages\/[a-z-]+\.js$/.test(spec)));
        assert.ok(ok, `${f} imports ${spec}`);
      }
    }
    // errors.ts, registry.ts and the message module import nothing but each other: report code loads them without tfjs.
    const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from\s*'([^']+)'|^import\s*'([^']+)'|\bimport\('([^']+)'\)/gm)]
      .map((m) => resolvePath(dirname(file), (m[1] ?? m[2] ?? m[3])!));
    const base = ['src/engine/errors.ts', 'src/engine/registry.ts', ...readdirSync('src/engine/messages').map((f) => `src/engine/messages/${f}`)];
    const allowed = new Set(base.map((f) => resolvePath(f).replace(/\.ts$/, '.js')));
    for (const f of base) for (const spec of importsOf(f)) assert.ok(allowed.has(spec), `${f} imports ${spec}`);
  });
});
