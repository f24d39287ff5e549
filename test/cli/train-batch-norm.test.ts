/** `semslice train` on a model whose BatchNormalization layers a short run leaves stale says so once, on stderr. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

describe('cli: semslice train warns once about stale BatchNormalization statistics', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'semslice-cli-bn-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('mobilenet-small for 4 steps: one warning naming the layers; the run completes', async () => {
    const r = await runCli(['train', '--model', 'mobilenet-small', '--data', 'synthetic', '--limit', '64', '--batch-size', '16', '--out', join(dir, 'm'), '--backend', 'wasm']);
    assert.equal(r.code, 0, r.err);
    const lines = r.err.split('\n').filter((l) => /BatchNormalization layers/.test(l));
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0]!, /stem_bn, block1_dw_bn, block1_pw_bn, block2_dw_bn, block2_pw_bn \(momentum 0\.9\) start untrained and get 4 training steps/);
    assert.match(lines[0]!, /re-estimated on 64 training samples/);
    assert.match(r.out, /test accuracy/);
  });
});
