/**
 * Issue 10, point 3 outside a notebook: without initBackend, the API's entry points choose the backend by
 * initBackend's rule (SEMSLICE_BACKEND honoured) on first use, and tfjs's "install tfjs-node" banner never prints.
 * Each case runs in a fresh process: the choice is once per process.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const SCRIPT = `
import * as ss from './src/index.ts';
const d = await ss.data.synthetic({ classes: 3, perClass: 10, seed: 1 });
const m = ss.models.build('mlp', { inputShape: [8, 8, 1], numClasses: 3, seed: 1 });
try {
  await ss.profile(m, d.train, { onlyCorrect: false });
  console.log('backend=' + ss.backendInfo()?.name);
} catch (e) {
  console.log('error=' + e.code);
}
`;

async function firstUse(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { env: { ...process.env, ...env }, timeout: 120_000 });
}

describe('engine/backend: backend on first use', function () {
  this.timeout(180_000);

  it('profile without initBackend runs on auto\'s choice (not tfjs\'s cpu fallback), no banner', async () => {
    const r = await firstUse({ SEMSLICE_BACKEND: '' });
    assert.match(r.stdout, /backend=(wasm|tensorflow)\n/);
    assert.doesNotMatch(r.stdout + r.stderr, /looks like you are running TensorFlow\.js in Node/);
  });

  it('honours SEMSLICE_BACKEND, and a bad value is a SemsliceError', async () => {
    assert.match((await firstUse({ SEMSLICE_BACKEND: 'cpu' })).stdout, /backend=cpu\n/);
    assert.match((await firstUse({ SEMSLICE_BACKEND: 'bogus' })).stdout, /error=BACKEND_UNKNOWN\n/);
  });
});
