import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';
import { releaseBackend } from '../../src/engine/backend/index.js';
import { backendBefore } from '../engine/backend/webgpu-support.js';

describe('cli: semslice backend', function () {
  this.timeout(120_000);
  let restore: () => Promise<void>;
  before(() => { restore = backendBefore(); });
  after(async () => { await restore(); });

  it('names the backend auto takes and why the ones before it were skipped', async () => {
    const r = await runCli(['backend', '--backend', 'auto']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^backend: (tensorflow|webgpu|wasm|cpu) \(.+\)$/m);
    assert.match(r.out, /^why: auto; /m);
    if (/^backend: wasm/m.test(r.out)) assert.match(r.out, /skipped tensorflow \(.*\); webgpu \(.+\)/);
  });

  it('--backend webgpu names the adapter and its Dawn backend, or fails with the install hint in CLI terms', async () => {
    const r = await runCli(['backend', '--backend', 'webgpu']);
    releaseBackend();
    if (r.code === 0) {
      assert.match(r.out, /^backend: webgpu \(.+; Dawn \w+.*; (software|hardware) adapter/m);
      assert.match(r.out, /^why: requested by option backend$/m);
    } else {
      assert.equal(r.code, 2);
      assert.match(r.err, /error: Backend "webgpu" was requested/);
      assert.match(r.err, /hint: .*npm install webgpu @tensorflow\/tfjs-backend-webgpu@4\.22\.0.*--backend wasm/);
    }
  });
});
