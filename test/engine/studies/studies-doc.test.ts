import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { studiesDoc } from '../../../scripts/studies-doc.js';

describe('docs/studies.md', () => {
  it('the table of studies is generated from the study definitions (npx tsx scripts/studies-doc.ts)', () => {
    const page = readFileSync('docs/studies.md', 'utf8');
    assert.equal(page, studiesDoc(page));
  });
});
