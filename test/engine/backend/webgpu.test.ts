/**
 * The webgpu backend in the selection rule: 'auto' takes it only on a hardware adapter and says why not otherwise;
 * SEMSLICE_BACKEND=webgpu forces it on any adapter (here Mesa llvmpipe through Dawn's OpenGL ES backend);
 * SEMSLICE_WEBGPU_FLAGS reaches Dawn; an install without the packages works as before; releaseBackend lets Node
 * exit; worker-thread replicas are refused on webgpu.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { AUTO_ORDER, backendInfo, initBackend, releaseBackend, webgpuFlags } from '../../../src/engine/backend/index.js';
import { missingGpuDevice, webgpuProbe } from '../../../src/engine/backend/webgpu.js';
import { restoreBackendState } from '../../../src/engine/backend/select.js';
import { isSemsliceError, type SemsliceError } from '../../../src/engine/errors.js';
import { withLogger } from '../../../src/engine/log.js';
import { buildModel } from '../../../src/engine/models/index.js';
import { syntheticSync } from '../../../src/engine/data/synthetic.js';
import { train } from '../../../src/engine/train/index.js';
import { profile } from '../../../src/engine/slicing/profile/profile.js';
import { backendBefore, webgpuOrSkip } from './webgpu-support.js';

const run = promisify(execFile);
const quiet = { warn: () => {}, info: () => {} };

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

/** Run fn with the probe's parts replaced and SEMSLICE_WEBGPU_FLAGS set (or unset), restoring both after. */
async function withProbe<T>(probe: Partial<typeof webgpuProbe>, flags: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = { ...webgpuProbe };
  const savedFlags = process.env['SEMSLICE_WEBGPU_FLAGS'];
  Object.assign(webgpuProbe, probe);
  if (flags === undefined) delete process.env['SEMSLICE_WEBGPU_FLAGS'];
  else process.env['SEMSLICE_WEBGPU_FLAGS'] = flags;
  try {
    return await fn();
  } finally {
    Object.assign(webgpuProbe, saved);
    if (savedFlags === undefined) delete process.env['SEMSLICE_WEBGPU_FLAGS'];
    else process.env['SEMSLICE_WEBGPU_FLAGS'] = savedFlags;
  }
}

const notFound = (name: string) => Object.assign(new Error(`Cannot find package '${name}' imported from select.ts`), { code: 'ERR_MODULE_NOT_FOUND' });
const gpuPresent = { missingGpuDevice: () => undefined };

describe('backend: webgpu in the selection rule', function () {
  this.timeout(120_000);
  let restore: () => Promise<void>;
  let savedEnv: string | undefined;
  before(() => { restore = backendBefore(); });
  after(async () => { await restore(); });
  beforeEach(() => {
    savedEnv = process.env['SEMSLICE_BACKEND'];
    delete process.env['SEMSLICE_BACKEND'];
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env['SEMSLICE_BACKEND'];
    else process.env['SEMSLICE_BACKEND'] = savedEnv;
  });

  describe('the rule', () => {
    // Each case is a fresh choice, not initBackend's cached one. webgpu, once loaded, is not released here: the
    // forced cases below load it as few times as they can (each load is a Dawn instance of its own).
    beforeEach(async () => {
      await tf.setBackend('cpu');
      restoreBackendState(undefined);
    });

    it('auto tries webgpu after tensorflow and before wasm; without a GPU device it says so and never loads Dawn', async function () {
      assert.deepEqual(AUTO_ORDER, ['tensorflow', 'webgpu', 'wasm', 'cpu']);
      if (missingGpuDevice() === undefined) this.skip(); // a GPU machine: auto may take webgpu there
      let loaded = false;
      const info = await withProbe({ load: async (n) => { loaded = true; return import(n); } }, undefined,
        () => withLogger(quiet, () => initBackend({ backend: 'auto' })));
      assert.notEqual(info.name, 'webgpu');
      assert.match(info.reason, /webgpu \(no GPU device \(no \/dev\/dri\/renderD\*, \/dev\/nvidia\*, \/dev\/dxg\)\)/);
      assert.equal(loaded, false, 'no package was imported');
    });

    it('an install without the packages works as before: auto goes on to wasm, a forced request explains the install', async () => {
      for (const missing of ['webgpu', '@tensorflow/tfjs-backend-webgpu']) {
        restoreBackendState(undefined);
        const load = async (n: string) => { if (n === missing) throw notFound(n); return import(n); };
        const auto = await withProbe({ ...gpuPresent, load }, undefined, () => withLogger(quiet, () => initBackend({ backend: 'auto' })));
        assert.equal(auto.name, 'wasm');
        assert.ok(auto.reason.includes(`webgpu (${missing}: not installed)`), auto.reason);
        const e = await withProbe({ load }, undefined, () => rejectsWith(initBackend({ backend: 'webgpu', quiet: true }), 'BACKEND_UNAVAILABLE'));
        assert.ok(e.message.includes(`"webgpu" was requested (option backend) but cannot be loaded: ${missing}: not installed`), e.message);
        assert.match(e.hint ?? '', /npm install webgpu @tensorflow\/tfjs-backend-webgpu@4\.22\.0/);
        assert.match(e.hint ?? '', /libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri/);
      }
    });

    it('a package that cannot load (a broken binary) is skipped with its message, not a crash', async () => {
      const load = async (n: string) => { if (n === 'webgpu') throw new Error('dawn.node: cannot open shared object file: No such file or directory'); return import(n); };
      const info = await withProbe({ ...gpuPresent, load }, undefined, () => withLogger(quiet, () => initBackend({ backend: 'auto' })));
      assert.equal(info.name, 'wasm');
      assert.match(info.reason, /webgpu \(webgpu: dawn\.node: cannot open shared object file/);
    });

    it('SEMSLICE_WEBGPU_FLAGS: parsed as key=value options, the backend one chooses Dawn\'s backend', async () => {
      assert.deepEqual(webgpuFlags(' backend=vulkan  enable-dawn-features=allow_unsafe_apis,dump_shaders '), { backend: 'vulkan', rest: ['enable-dawn-features=allow_unsafe_apis,dump_shaders'] });
      assert.deepEqual(webgpuFlags(undefined), { rest: [] });
      // Dawn itself answers: the flag reached it.
      const e = await withProbe({}, 'backend=bogus', () => rejectsWith(initBackend({ backend: 'webgpu', quiet: true }), 'BACKEND_UNAVAILABLE'));
      if (/not installed/.test(e.message)) return; // the packages are absent here: covered by the test above
      assert.match(e.message, /Dawn bogus: unrecognised backend 'bogus'.*'vulkan'.*'opengles'/);
    });

    it('Node exits after a CLI command on webgpu (the CLI releases the backend)', async function () {
      // A fresh process: the CLI's main() on webgpu, then nothing; it must end by itself.
      const script = "import { main } from './src/cli/main.ts'; process.exitCode = await main(['node', 'semslice', 'info', process.env.MODEL_DIR]);";
      const dir = (await import('node:os')).tmpdir() + `/semslice-wg-exit-${process.pid}`;
      const { saveModel } = await import('../../../src/engine/models/index.js');
      const m = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 2, seed: 1, width: 0.1 });
      await saveModel(m, dir, { force: true });
      m.dispose();
      try {
        const r = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script],
          { env: { ...process.env, SEMSLICE_BACKEND: 'webgpu', MODEL_DIR: dir }, timeout: 90_000 }).catch((e: { code?: number; killed?: boolean; stderr?: string; stdout?: string }) => e);
        if ('killed' in r && r.killed) assert.fail('the process did not exit within 90 s');
        const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
        if (/cannot be loaded/.test(out)) { console.log(`      skipped: ${out.split('\n').find((l) => l.startsWith('error'))}`); this.skip(); }
        assert.match(out, /model .*: \d+ layers/);
      } finally {
        await (await import('node:fs/promises')).rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('on this machine\'s adapter (forced)', () => {
    it('SEMSLICE_BACKEND=webgpu takes whatever adapter exists; the info and the banner name it', async function () {
      process.env['SEMSLICE_BACKEND'] = 'webgpu';
      const lines: string[] = [];
      const info = await withLogger({ warn: () => {}, info: (m) => lines.push(m) }, async () => {
        try { return await initBackend(); } catch (e) { return e as Error; }
      });
      if (info instanceof Error) {
        console.log(`      skipped: webgpu is not available here (${info.message})`);
        this.skip();
      }
      assert.equal(info.name, 'webgpu');
      assert.equal(tf.getBackend(), 'webgpu');
      assert.match(info.reason, /SEMSLICE_BACKEND/);
      const a = info.adapter!;
      assert.ok(a.device.length > 0 && a.dawnBackend.length > 0, JSON.stringify(a));
      assert.equal(lines.length, 1);
      assert.ok(lines[0]!.startsWith(`backend: webgpu (${a.device}`), lines[0]);
      assert.ok(lines[0]!.includes(`Dawn ${a.dawnBackend}`));
      assert.ok(lines[0]!.includes(a.software ? 'software adapter' : 'hardware adapter'));
      if (missingGpuDevice() !== undefined) {
        // No GPU: Mesa's llvmpipe through OpenGL ES at the compatibility feature level.
        assert.deepEqual([a.dawnBackend, a.featureLevel, a.software], ['opengles', 'compatibility', true]);
        assert.match(a.device, /llvmpipe/);
      }
      const x = tf.tensor2d([[1, 2], [3, 4]]);
      const y = tf.matMul(x, x);
      assert.deepEqual(Array.from(await y.data()), [7, 10, 15, 22]);
      tf.dispose([x, y]);
    });

    it('auto refuses a software adapter even where a GPU device exists, and says so', async function () {
      await webgpuOrSkip(this);
      const a = backendInfo()!.adapter!;
      releaseBackend();
      if (!a.software) this.skip(); // a real GPU: auto would take it
      const info = await withProbe(gpuPresent, `backend=${a.dawnBackend}`, () => withLogger(quiet, () => initBackend({ backend: 'auto' })));
      assert.equal(info.name, 'wasm');
      assert.match(info.reason, /webgpu \(only the software adapter .*llvmpipe|webgpu \(only the software adapter/);
      assert.match(info.reason, /not taken automatically; SEMSLICE_BACKEND=webgpu forces it/);
    });

    it('releaseBackend gives back the device and navigator.gpu; the next request chooses again', async function () {
      await webgpuOrSkip(this);
      assert.ok((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu);
      releaseBackend();
      assert.equal((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu, undefined);
      assert.equal(backendInfo(), undefined);
      assert.equal(tf.findBackendFactory('webgpu'), null);
      const again = await initBackend({ backend: 'webgpu', quiet: true });
      assert.equal(tf.getBackend(), 'webgpu');
      assert.equal(again.name, 'webgpu');
    });

    it('worker-thread replicas are refused on webgpu; auto uses one', async function () {
      await webgpuOrSkip(this);
      const d = syntheticSync({ perClass: 8, testPerClass: 2, shape: [8, 8, 1], classes: 2, seed: 1 });
      const m = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 2, seed: 1, width: 0.1 });
      try {
        const before = tf.memory().numTensors;
        const e = await rejectsWith(train(m, d.train, { epochs: 1, batchSize: 8, workers: 2 }), 'WORKERS_ON_WEBGPU');
        assert.equal(tf.memory().numTensors, before, 'nothing left behind');
        assert.match(e.message, /train: workers is 2: .*webgpu/);
        assert.match(e.hint ?? '', /\{ workers: 1 \}/);
        await rejectsWith(profile(m, d.train, { workers: 2, onlyCorrect: false }), 'WORKERS_ON_WEBGPU');
        const h = await train(m, d.train, { epochs: 1, batchSize: 8, workers: 'auto' });
        assert.equal(h.workers, 1);
      } finally {
        m.dispose();
      }
    });
  });
});
