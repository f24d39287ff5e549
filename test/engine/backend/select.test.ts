import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  nativeAddon, nativeStatus,
  AUTO_ORDER, backendInfo, initBackend, withBackend, wasmPatchesRegistered,
} from '../../../src/engine/backend/index.js';
import { isSemsliceError, type SemsliceError } from '../../../src/engine/errors.js';
import { withLogger } from '../../../src/engine/log.js';

const quietLog = { warn: () => {}, info: () => {} };

async function tfjsNodeInstalled(): Promise<boolean> {
  for (const p of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try { await import(p); return true; } catch { /* not here */ }
  }
  return false;
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<SemsliceError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isSemsliceError(e), `expected a SemsliceError, got ${String(e)}`);
    assert.equal((e as SemsliceError).code, code);
    return e as SemsliceError;
  }
  throw new assert.AssertionError({ message: `expected rejection with ${code}` });
}

describe('backend: initBackend selection', function () {
  let savedEnv: string | undefined;
  let savedBackend: string | null;
  beforeEach(() => {
    savedEnv = process.env['SEMSLICE_BACKEND'];
    delete process.env['SEMSLICE_BACKEND'];
    savedBackend = tf.engine().backendName ?? null; // not tf.getBackend(): that would initialise a default
  });
  afterEach(async () => {
    if (savedEnv === undefined) delete process.env['SEMSLICE_BACKEND'];
    else process.env['SEMSLICE_BACKEND'] = savedEnv;
    if (savedBackend) await tf.setBackend(savedBackend);
  });

  it("'auto' tries tensorflow, then webgpu, then wasm, then cpu and says why", async function () {
    assert.deepEqual(AUTO_ORDER, ['tensorflow', 'webgpu', 'wasm', 'cpu']);
    if (await tfjsNodeInstalled()) this.skip();
    await withBackend('cpu', () => {}); // make sure the next call is a fresh choice, not the cache
    const info = await withLogger(quietLog, () => initBackend({ backend: 'auto' }));
    assert.equal(info.name, 'wasm');
    assert.equal(info.requested, 'auto');
    assert.match(info.reason, /tensorflow \(.*not installed/);
    assert.equal(info.simd, true);
    assert.equal(info.threads, 1);
    assert.equal(tf.getBackend(), 'wasm');
    assert.ok(wasmPatchesRegistered());
  });

  it('is idempotent and logs the choice once', async () => {
    const lines: string[] = [];
    const log = { warn: () => {}, info: (m: string) => lines.push(m) };
    await withBackend('cpu', () => {});
    const a = await withLogger(log, () => initBackend({ backend: 'wasm' }));
    const b = await withLogger(log, () => initBackend({ backend: 'wasm' }));
    assert.equal(a, b);
    assert.deepEqual(lines, [nativeAddon() ? 'backend: wasm (SIMD, 1 thread; native kernels)' : `backend: wasm (SIMD, 1 thread; wasm kernels only: ${nativeStatus()})`]);
    assert.equal(backendInfo(), a);
    await withLogger(log, () => initBackend({ backend: 'wasm', quiet: true }));
    assert.equal(lines.length, 1);
  });

  it('SEMSLICE_BACKEND overrides auto; the option overrides the env', async () => {
    process.env['SEMSLICE_BACKEND'] = ' CPU ';
    const env = await initBackend({ quiet: true });
    assert.equal(env.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.match(env.reason, /SEMSLICE_BACKEND/);
    const opt = await initBackend({ backend: 'wasm', quiet: true });
    assert.equal(opt.name, 'wasm');
    assert.match(opt.reason, /option/);
  });

  it('an unknown name is a SemsliceError naming the value, its source and the choices', async () => {
    process.env['SEMSLICE_BACKEND'] = 'gpu';
    const e1 = await rejectsWith(initBackend({ quiet: true }), 'BACKEND_UNKNOWN');
    assert.match(e1.message, /SEMSLICE_BACKEND is "gpu"/);
    assert.match(e1.hint ?? '', /auto, tensorflow, webgpu, wasm, cpu/);
    const e2 = await rejectsWith(initBackend({ backend: 'wsam' as 'wasm', quiet: true }), 'BACKEND_UNKNOWN');
    assert.match(e2.message, /Did you mean "wasm"/);
  });

  it('a requested but unavailable tensorflow backend is an error with install advice, not a fallback', async function () {
    if (await tfjsNodeInstalled()) this.skip();
    const before = tf.getBackend();
    const e = await rejectsWith(initBackend({ backend: 'tensorflow', quiet: true }), 'BACKEND_UNAVAILABLE');
    assert.match(e.message, /"tensorflow".*@tensorflow\/tfjs-node/);
    assert.match(e.hint ?? '', /npm install @tensorflow\/tfjs-node@4\.22\.0/);
    assert.match(e.hint ?? '', /libtensorflow/);
    assert.equal(tf.getBackend(), before);
  });

  it('withBackend switches, restores on success and on throw', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const seen = await withBackend('cpu', (info) => [info.name, tf.getBackend(), backendInfo()?.name]);
    assert.deepEqual(seen, ['cpu', 'cpu', 'cpu']);
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(backendInfo()?.name, 'wasm');
    await assert.rejects(withBackend('cpu', () => { throw new Error('boom'); }), /boom/);
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('backendInfo is undefined after tfjs was switched behind its back', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    await tf.setBackend('cpu');
    assert.equal(backendInfo(), undefined);
    const info = await initBackend({ backend: 'wasm', quiet: true });
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(backendInfo(), info);
  });
});
