/**
 * `SEMSLICE_BACKEND=webgpu semslice demo --eval-samples 1000`, as a user runs it, in a fresh process: it completes on
 * webgpu (on a machine without a GPU: Mesa's llvmpipe through Dawn's OpenGL ES backend), writes its notebook and
 * report, and Node exits by itself. On llvmpipe the whole demo takes about an hour (DEMO_MINUTES_ON_LLVMPIPE: training
 * LeNet-5 on 60,000 images, the 84-point sweep and the incremental section dominate), so it runs only with
 * SEMSLICE_TEST_WEBGPU_DEMO=1; the engine's webgpu paths are covered in about a minute by
 * test/engine/backend/webgpu-parity.test.ts.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Measured on this project's shared 2-core VM under load (llvmpipe, 2026-12-07): 77 minutes wall (45 of CPU), of which
 * 18 went to re-adaptation's search for FGSM sources, since cut to under 3: about an hour.
 */
const DEMO_MINUTES_ON_LLVMPIPE = 60;

describe('semslice demo on webgpu (SEMSLICE_BACKEND=webgpu, --eval-samples 1000)', function () {
  this.timeout(3 * 3600_000);

  it('completes: the backend line names the adapter, the notebook and report are written, the process exits', async function () {
    if (process.env['SEMSLICE_TEST_WEBGPU_DEMO'] !== '1') {
      console.log(`      skipped: the full demo takes about ${DEMO_MINUTES_ON_LLVMPIPE} minutes on llvmpipe here; set SEMSLICE_TEST_WEBGPU_DEMO=1 to run it`);
      this.skip();
    }
    if (!existsSync('dist/cli/main.js')) assert.fail('build first (npm run build): the test runs bin/semslice.js');
    const dir = await mkdtemp(join(tmpdir(), 'semslice-demo-webgpu-'));
    try {
      const t0 = Date.now();
      const r = await run(process.execPath, ['bin/semslice.js', 'demo', '--eval-samples', '1000', '--out-dir', join(dir, 'out'), '--model-dir', join(dir, 'model')],
        { env: { ...process.env, SEMSLICE_BACKEND: 'webgpu' }, maxBuffer: 64 * 2 ** 20, timeout: 3 * 3600_000 })
        .catch((e: { code?: number; stdout?: string; stderr?: string }) => e);
      const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
      if (/Backend "webgpu" was requested .* cannot be loaded/.test(out)) {
        console.log(`      skipped: ${out.split('\n').find((l) => l.startsWith('error'))}`);
        this.skip();
      }
      assert.ok(!('code' in r) || r.code === undefined || r.code === 0, out.slice(-4000));
      console.log(`      demo on webgpu: ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
      assert.match(out, /backend: webgpu \(.+; Dawn \w+/);
      assert.match(out, /^model trained; test accuracy \d+\.\d\d%$/m);
      assert.match(out, /^slice \(taylor, theta 0\.95\): CR \d+\.\d\d%/m);
      const nb = JSON.parse(await readFile(join(dir, 'out', 'demo.ipynb'), 'utf8')) as { metadata: { semslice?: { backend?: string } } };
      assert.equal(nb.metadata.semslice?.backend, 'webgpu');
      assert.match(await readFile(join(dir, 'out', 'demo.html'), 'utf8'), /<html/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
