import assert from 'node:assert/strict';
import { readNotebook } from '../../src/report/index.js';
import { isSemsliceError } from '../../src/report/errors.js';

function code(fn: () => unknown): string {
  try { fn(); } catch (e) { assert.ok(isSemsliceError(e), `expected a SemsliceError, got ${String(e)}`); return (e as { code: string }).code; }
  assert.fail('did not throw');
}

describe('report/reader', () => {
  it('rejects text that is not JSON, naming the input and a fix', () => {
    assert.equal(code(() => readNotebook('{"cells": [', 'run.ipynb')), 'NOTEBOOK_NOT_JSON');
    assert.throws(() => readNotebook('nope', 'run.ipynb'), (e: Error & { hint?: string }) =>
      /run\.ipynb is not valid JSON/.test(e.message) && /ipynb/.test(e.hint ?? ''));
  });

  it('rejects nbformat 3 (worksheets) and other versions with the version and the upgrade command', () => {
    assert.throws(() => readNotebook({ nbformat: 3, worksheets: [{ cells: [] }] }),
      (e: Error & { hint?: string }) => /nbformat 3/.test(e.message) && /--nbformat 4/.test(e.hint ?? ''));
    assert.throws(() => readNotebook({ worksheets: [] }), /nbformat 3/);
    assert.throws(() => readNotebook({ nbformat: 5, cells: [] }), /nbformat 5/);
  });

  it('rejects non-notebooks: arrays, missing cells, bad cells', () => {
    assert.equal(code(() => readNotebook([])), 'NOTEBOOK_INVALID');
    assert.equal(code(() => readNotebook({ nbformat: 4 })), 'NOTEBOOK_INVALID');
    assert.equal(code(() => readNotebook({ nbformat: 4, cells: [42] })), 'NOTEBOOK_INVALID');
    assert.equal(code(() => readNotebook({ nbformat: 4, cells: [{ source: 'x' }] })), 'NOTEBOOK_INVALID');
    assert.equal(code(() => readNotebook({})), 'NOTEBOOK_INVALID');
  });

  it('returns a normalised copy: joined sources, [] for missing outputs, input untouched', () => {
    const input = { nbformat: 4, nbformat_minor: 5, metadata: { a: { b: 1 } }, cells: [
      { cell_type: 'code', source: ['a\n', 'b'], metadata: {} },
      { cell_type: 'code', source: 'x', metadata: {}, outputs: [{ output_type: 'stream', name: 'stdout', text: ['1\n', '2\n'] }] },
    ] };
    const before = JSON.stringify(input);
    const nb = readNotebook(input);
    assert.equal(nb.cells[0]!.source, 'a\nb');
    assert.deepEqual(nb.cells[0]!.outputs, []);
    assert.deepEqual(nb.cells[1]!.outputs[0], { output_type: 'stream', name: 'stdout', text: '1\n2\n' });
    (nb.metadata.a as { b: number }).b = 2;
    assert.equal(JSON.stringify(input), before);
  });

  it('accepts a Buffer with a BOM', () => {
    const nb = readNotebook(Buffer.from('\uFEFF{"nbformat":4,"nbformat_minor":2,"metadata":{},"cells":[]}'));
    assert.equal(nb.nbformat_minor, 2);
  });
});
