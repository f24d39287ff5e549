import assert from 'node:assert/strict';
import { neutraliseVegaSpec, sanitizeUntrusted } from '../../src/report/index.js';

describe('report/sanitize', () => {
  it('removes scripts, handlers, javascript: URLs, frames, objects and embeds', () => {
    const out = sanitizeUntrusted('<p onclick="x()">a</p><script>x()</script><a href="javascript:x()">l</a><a href=" JaVaScRiPt:x()">m</a>' +
      '<iframe src="http://e/"></iframe><object data="o"></object><embed src="e"><form action="http://e"><input></form>');
    assert.doesNotMatch(out, /onclick|<script|javascript:|<iframe|<object|<embed|<form|<input/i);
    assert.match(out, /<p>a<\/p>/);
    assert.match(out, /<a>l<\/a>/);
  });

  it('drops ids the report uses itself (no DOM clobbering) and keeps others', () => {
    assert.equal(sanitizeUntrusted('<div id="ss-charts">a</div><p id="chart-1-0">b</p><p id="cell-3">c</p><p id="mine">d</p>'),
      '<div>a</div><p>b</p><p>c</p><p id="mine">d</p>');
  });

  it('turns external images into unloaded links and keeps data: images', () => {
    const out = sanitizeUntrusted('<img src="http://e/p.png" alt="pic"><img src="data:image/png;base64,iVBORw0KGgo=">');
    assert.match(out, /<a href="http:\/\/e\/p.png" class="ss-blocked-image">\[external image not loaded: pic\]<\/a>/);
    assert.match(out, /<img src="data:image\/png;base64,iVBORw0KGgo=" \/>/);
    assert.doesNotMatch(out, /<img src="http/);
  });

  it('drops styles that load url() but keeps plain styles and #fragment clip paths', () => {
    const out = sanitizeUntrusted('<div style="background:url(http://e/x)">a</div><p style="color: red">b</p>' +
      '<svg><rect clip-path="url(#c1)" fill="url(http://e/f)"/></svg>');
    assert.match(out, /<div>a<\/div>/);
    assert.match(out, /style="color: red"/);
    assert.match(out, /clip-path="url\(#c1\)"/);
    assert.doesNotMatch(out, /http:\/\/e\/(x|f)/);
  });

  it('keeps tables and the SVG structure vega produces (self-closing paths stay siblings, clipPath kept)', () => {
    const svg = '<svg class="marks" viewBox="0 0 10 10"><defs><clipPath id="c"><rect width="1"/></clipPath></defs>' +
      '<g transform="translate(1,1)"><path d="M0,0L1,1"/><text font-size="10px">t</text></g></svg>';
    const out = sanitizeUntrusted(svg);
    assert.equal(out, '<svg class="marks" viewbox="0 0 10 10"><defs><clipPath id="c"><rect width="1"></rect></clipPath></defs>' +
      '<g transform="translate(1,1)"><path d="M0,0L1,1"></path><text font-size="10px">t</text></g></svg>');
    const table = '<table><thead><tr><th colspan="2">h</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>';
    assert.equal(sanitizeUntrusted(table), table);
  });

  it('neutralises vega specs: url and href removed, inline values untouched, input unmodified', () => {
    const spec = { data: { url: 'http://e/d.json' }, layer: [{ mark: 'image', encoding: { url: { field: 'u' }, href: { field: 'h' } } }],
      datasets: { d: [{ url: 'keep' }] }, transform: [{ lookup: 'k', from: { data: { url: 'http://e/l.csv' }, key: 'k' } }],
      usermeta: { embedOptions: { loader: {} }, other: 1 } };
    const before = JSON.stringify(spec);
    const r = neutraliseVegaSpec(spec);
    assert.deepEqual(r.urls, ['http://e/d.json', '{"field":"u"}', 'http://e/l.csv']); // the image url channel loads too
    assert.equal(r.hrefs, 1);
    assert.equal(r.embedOptions, true);
    assert.doesNotMatch(JSON.stringify(r.spec), /http|"href"|embedOptions/);
    assert.match(JSON.stringify(r.spec), /"url":"keep"/);
    assert.equal(JSON.stringify(spec), before);
  });

  it('tags written in capitals are kept lower-cased, and a capitalised external image loads nothing', () => {
    assert.equal(sanitizeUntrusted('<TABLE><TR><TD>x</TD></TR></TABLE><B>b</B><IMG src="http://e/x.png"><p>after</p>'),
      '<table><tr><td>x</td></tr></table><b>b</b><img /><p>after</p>');
  });
});
