import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultReportPath, renderReport, reportCommand, writeReport } from '../../src/report/index.js';
import { codeCell, display, markdownCell, notebook } from './helpers/notebook.js';

describe('report/write-report', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'semslice-report-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const nbFile = (nb: unknown, name = 'run.ipynb') => {
    const p = join(dir, name);
    writeFileSync(p, typeof nb === 'string' ? nb : JSON.stringify(nb));
    return p;
  };

  it('writes the report and returns path, bytes, charts and warnings; no temp file left', async () => {
    const input = nbFile(notebook([markdownCell('intro'), codeCell('x', [display({ 'application/x-y': 1 })])]));
    const r = await writeReport(input, join(dir, 'out', 'report.html'));
    assert.equal(r.outputPath, join(dir, 'out', 'report.html'));
    const html = readFileSync(r.outputPath, 'utf8');
    assert.equal(r.bytes, Buffer.byteLength(html));
    assert.equal(r.charts, 0);
    assert.equal(r.warnings.length, 1);
    assert.match(html, /<title>run<\/title>/, 'file name as the fallback title');
    assert.equal(html, renderReport(JSON.parse(readFileSync(input, 'utf8')), { fallbackTitle: 'run' }));
    assert.deepEqual(readdirSync(join(dir, 'out')), ['report.html']);
  });

  it('refuses to write over its input, however the path is spelled', async () => {
    const input = nbFile(notebook([]));
    const before = readFileSync(input, 'utf8');
    for (const out of [input, join(dir, '.', 'x', '..', 'run.ipynb')]) {
      await assert.rejects(writeReport(input, out), (e: Error & { code?: string }) => e.code === 'OUTPUT_IS_INPUT');
    }
    const hard = join(dir, 'hard.ipynb');
    linkSync(input, hard);
    await assert.rejects(writeReport(input, hard), /hard\.ipynb is the input file .*run\.ipynb/);
    assert.equal(readFileSync(input, 'utf8'), before);
  });

  it('on bad input throws a SemsliceError and leaves an existing output untouched', async () => {
    const out = join(dir, 'report.html');
    writeFileSync(out, 'previous report');
    const cases: Array<[unknown, string]> = [
      ['{"nbformat": 4, "cells": [', 'NOTEBOOK_NOT_JSON'],
      [{ nbformat: 3, worksheets: [] }, 'NOTEBOOK_VERSION'],
      [{ nbformat: 4, metadata: {} }, 'NOTEBOOK_INVALID'],
    ];
    for (const [nb, code] of cases) {
      await assert.rejects(writeReport(nbFile(nb), out), (e: Error & { code?: string; hint?: string }) => e.code === code && !!e.hint);
      assert.equal(readFileSync(out, 'utf8'), 'previous report');
    }
    await assert.rejects(writeReport(join(dir, 'missing.ipynb'), join(dir, 'm.html')), (e: Error & { code?: string }) => e.code === 'NOTEBOOK_NOT_FOUND');
    assert.ok(!existsSync(join(dir, 'm.html')));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
  });

  it('reports an unwritable output (a folder) as a SemsliceError and leaves no temp file', async () => {
    const input = nbFile(notebook([]));
    const folder = join(dir, 'folder.html');
    mkdirSync(folder);
    await assert.rejects(writeReport(input, folder), (e: Error & { code?: string }) => e.code === 'OUTPUT_WRITE_FAILED');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    assert.equal(defaultReportPath(join('a', 'run.ipynb')), join('a', 'run.html'));
  });

  it('reportCommand defaults the output next to the input and prints a summary and the warnings', async () => {
    const input = nbFile(notebook([codeCell('x', [display({ 'application/x-y': 1 })])]));
    const printed: string[] = [];
    const warned: string[] = [];
    const r = await reportCommand({ input, print: (l) => printed.push(l), warn: (l) => warned.push(l) });
    assert.equal(r.outputPath, join(dir, 'run.html'));
    assert.match(printed[0]!, /^wrote .*run\.html \(\d+ KB, 0 interactive charts\)$/);
    assert.deepEqual(warned, ['warning: cell 0: output 0 has no renderable MIME type (application/x-y)']);
  });

  it('renders a notebook whose code cells have no outputs field', async () => {
    const raw = { nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: 'code', source: 'let a = 1', metadata: {} }] };
    const r = await writeReport(nbFile(raw), join(dir, 'r.html'));
    assert.match(readFileSync(r.outputPath, 'utf8'), /let a = 1/);
  });
});
