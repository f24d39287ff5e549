import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPreprocessors, listTemplates, registerPreprocessor, renderReport } from '../../src/report/index.js';
import { codeCell, display, markdownCell, notebook } from './helpers/notebook.js';

describe('report/template', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'semslice-tpl-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const nb = notebook([markdownCell('# T'), codeCell('x', [display({ 'text/html': ['<b>html</b>'], 'text/plain': ['plain'] })])]);

  it('lists the built-in templates', () => {
    const t = listTemplates();
    assert.ok(t.some((x) => x.name === 'default' && x.description.length > 0));
  });

  it('names an unknown template, suggests the close one and lists the available ones', () => {
    assert.throws(() => renderReport(nb, { template: 'defualt' }), (e: Error & { code?: string; hint?: string }) =>
      e.code === 'UNKNOWN_TEMPLATE' && /Did you mean "default"/.test(e.message) && /default/.test(e.hint ?? ''));
    assert.throws(() => renderReport(nb, { template: join(dir, 'nope') }), /no such folder/);
  });

  it('uses a template folder that extends default: its own template.html and MIME priority, the base style', () => {
    const t = join(dir, 'mine');
    mkdirSync(t);
    writeFileSync(join(t, 'conf.json'), JSON.stringify({ name: 'mine', base: 'default', mimePriority: ['text/plain', 'text/html'] }));
    writeFileSync(join(t, 'template.html'), '<!DOCTYPE html><title>{{title}}</title><style>{{style}}</style><main>{{cells}}</main>{{unknown}}');
    const h = renderReport(nb, { template: t });
    assert.match(h, /^<!DOCTYPE html><title>T<\/title><style>\/\* semslice default report style/);
    assert.match(h, /<pre class="ss-text">plain<\/pre>/);
    assert.doesNotMatch(h, /<b>html<\/b>|\{\{/);
  });

  it('refuses a template whose preprocessors omit sanitize for an untrusted notebook', () => {
    const t = join(dir, 'unsafe');
    mkdirSync(t);
    writeFileSync(join(t, 'conf.json'), JSON.stringify({ base: 'default', preprocessors: ['markdown', 'title'] }));
    assert.throws(() => renderReport(nb, { template: t }), (e: Error & { code?: string }) => e.code === 'TEMPLATE_INVALID');
    assert.doesNotThrow(() => renderReport(nb, { template: t, trusted: true }));
  });

  it('detects a base loop', () => {
    for (const n of ['a', 'b']) mkdirSync(join(dir, n));
    writeFileSync(join(dir, 'a', 'conf.json'), JSON.stringify({ base: '../b' }));
    writeFileSync(join(dir, 'b', 'conf.json'), JSON.stringify({ base: '../a' }));
    assert.throws(() => renderReport(nb, { template: join(dir, 'a') }), /base chain loops/);
  });

  it('keeps the preprocessor registry honest', () => {
    assert.ok(listPreprocessors().includes('sanitize'));
    assert.throws(() => registerPreprocessor({ name: 'sanitize', run: () => undefined }), /already registered/);
    assert.throws(() => registerPreprocessor({ name: 'Bad Name', run: () => undefined }), /Invalid preprocessor name "Bad Name"/);
  });
});
