import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

// tslab turns every import in a cell into require(): the built entry must load from CommonJS, which needs no
// top-level await anywhere in its graph (vega is only reached through import()), and package.json's top-level
// main/types fields (tslab's TypeScript ignores "exports").
describe('package entry point', function () {
  before(function () {
    if (!existsSync('dist/index.js')) throw new Error('dist/index.js is missing: run `npm run build` first (npm test does).');
  });

  it('package.json has main and types next to exports, pointing at built files', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    assert.equal(pkg.type, 'module');
    assert.ok(existsSync(pkg.main), pkg.main);
    assert.ok(existsSync(pkg.types), pkg.types);
    assert.equal(pkg.exports['.'].default, pkg.main);
    assert.equal(pkg.dependencies['@tensorflow/tfjs'], '4.22.0');
    assert.equal(pkg.dependencies['@tensorflow/tfjs-backend-wasm'], '4.22.0');
    assert.equal(pkg.dependencies['@uwdata/flechette'], '2.6.0');
    assert.ok(pkg.peerDependenciesMeta['@tensorflow/tfjs-node'].optional);
  });

  it('require() of dist/index.js from CommonJS works and exposes the API', async () => {
    const script = `
      const ss = require(${JSON.stringify(process.cwd() + '/dist/index.js')});
      const names = ['slice', 'profile', 'fidelitySweep', 'train', 'initBackend', 'show', 'enableMagics', 'magic'];
      const missing = names.filter((n) => typeof ss[n] !== 'function');
      if (missing.length) throw new Error('missing: ' + missing);
      if (typeof ss.data.mnist !== 'function' || typeof ss.models.load !== 'function' || typeof ss.viz.fidelityCurves !== 'function') throw new Error('namespaces');
      if (typeof ss.report.renderReport !== 'function') throw new Error('report');
      console.log('ok ' + Object.keys(ss).length);
    `;
    const { stdout, stderr } = await run(process.execPath, ['-e', script]);
    assert.match(stdout, /^ok \d+/);
    assert.doesNotMatch(stderr, /ExperimentalWarning|Error/);
  });

  it('no module under src imports vega statically', async () => {
    const { stdout } = await run('grep', ['-rlE', "from '(vega|vega-lite|vega-embed)'", 'src']).catch(() => ({ stdout: '' }));
    assert.equal(stdout.trim(), '', `static vega imports in: ${stdout}`);
  });
});
