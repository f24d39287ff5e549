import assert from 'node:assert/strict';
import { listCharts } from '../../src/viz/index.js';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// vega, vega-lite and vega-embed have a top-level await: a static import anywhere would make semslice
// un-require()-able, and tslab require()s what a cell imports.
describe('viz/no static vega import', () => {
  const dir = join(process.cwd(), 'src', 'viz');

  it('src/viz has no static import of vega, vega-lite or vega-embed', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 8);
    for (const f of files) {
      const src = readFileSync(join(dir, f), 'utf8');
      assert.doesNotMatch(src, /^\s*(import|export)\b[^;(]*\bfrom\s*['"]vega/m, f);
      assert.doesNotMatch(src, /^\s*import\s*['"]vega/m, f);
      assert.doesNotMatch(src, /require\(\s*['"]vega/, f);
    }
  });

  it('src/viz/index.ts can be require()d (loaded through tsx in a child process)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e',
      "const v = require('./src/viz/index.ts'); process.stdout.write(String(typeof v.renderSvg) + ' ' + v.listCharts().length)"],
    { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    // Every built-in chart registers when the module is require()d (the count grows as charts are added).
    assert.equal(out, `function ${listCharts().length}`);
    assert.ok(listCharts().length >= 6);
  });
});
