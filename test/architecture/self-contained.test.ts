/** The repo explains itself: no source, doc, notebook or bench points to documents outside it. */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tsFiles } from './source-files.js';

const OUTSIDE = /DESIGN\.md|\bresearch\/|(?<!docs\/)\bmaintenance\.md|\bpaper\.md|\.\.\/shared\//;

function filesIn(dir: string, ext: string): string[] {
  return readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(ext)).map((f) => `${dir}/${f}`);
}

describe('architecture: the repo is self-contained', () => {
  it('no file points to documents outside the repo', () => {
    const files = [
      ...tsFiles(path.join(ROOT, 'src')), ...tsFiles(path.join(ROOT, 'test')), ...tsFiles(path.join(ROOT, 'scripts')),
      ...filesIn('docs', '.md'), ...filesIn('notebooks', '.ipynb'), 'README.md', 'CONTRIBUTING.md',
    ].filter((f) => f !== 'test/architecture/self-contained.test.ts');
    const bad: string[] = [];
    for (const f of files) {
      readFileSync(path.join(ROOT, f), 'utf8').split('\n').forEach((l, i) => { if (OUTSIDE.test(l)) bad.push(`${f}:${i + 1}`); });
    }
    assert.deepEqual(bad, []);
  });

  it('the pattern finds what it looks for', () => {
    assert.ok(OUTSIDE.test('see DESIGN.md section 4') && OUTSIDE.test('(research/maintenance.md 4.1)') && OUTSIDE.test('maintenance.md 5.3'));
    assert.ok(!OUTSIDE.test('see docs/maintenance.md'));
  });
});
