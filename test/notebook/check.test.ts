import assert from 'node:assert/strict';
import { checkExecutedNotebook } from '../../src/notebook/check.js';
import type { Ipynb } from '../../src/notebook/ipynb.js';

const VL = 'application/vnd.vegalite.v5+json';

function executed(outputs: Ipynb['cells'][number]['outputs']): Ipynb {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a', cell_type: 'code', metadata: {}, source: 'x', outputs, execution_count: null }] };
}

describe('notebook/checkExecutedNotebook', () => {
  it('accepts a clean notebook with the expected outputs', () => {
    const nb = executed([
      { output_type: 'display_data', data: { [VL]: {}, 'image/svg+xml': ['<svg/>'], 'text/plain': ['<Chart>'] }, metadata: {} },
      { output_type: 'display_data', data: { 'text/html': ['<table/>'] }, metadata: {} },
      { output_type: 'stream', name: 'stdout', text: ['3\n'] },
    ]);
    assert.deepEqual(checkExecutedNotebook(nb, { expectMimes: [VL, 'image/svg+xml', 'text/html'] }), []);
  });

  it('reports stderr streams (tslab errors), error outputs, charts without SVG and missing MIME types', () => {
    const nb = executed([
      { output_type: 'stream', name: 'stderr', text: ['1:5 - Cannot find name \'x\'.\n'] },
      { output_type: 'error', ename: 'Boom', evalue: 'bad', traceback: [] },
      { output_type: 'display_data', data: { [VL]: {} }, metadata: {} },
    ]);
    assert.deepEqual(checkExecutedNotebook(nb, { expectMimes: ['text/html'] }), [
      "cell 0 (a): stderr: 1:5 - Cannot find name 'x'.",
      'cell 0 (a): error Boom: bad',
      'cell 0 (a): chart output without its image/svg+xml fallback',
      'expected output missing: no text/html output in any cell',
    ]);
    assert.equal(checkExecutedNotebook(nb, { allowStderrCells: ['a'] }).length, 2);
  });

  it('reports invalid nbformat', () => {
    assert.deepEqual(checkExecutedNotebook({ nbformat: 3, cells: [] }), ['invalid nbformat: nbformat is 3, expected 4', 'invalid nbformat: nbformat_minor is missing', 'invalid nbformat: metadata is missing']);
    assert.match(checkExecutedNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', metadata: {}, source: '' }] }).join('\n'), /id is missing[\s\S]*without outputs/);
    assert.deepEqual(checkExecutedNotebook('x'), ['invalid nbformat: not a JSON object']);
  });
});
