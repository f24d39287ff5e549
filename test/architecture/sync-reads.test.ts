/**
 * The engine reads tensors asynchronously: dataSync/arraySync/bufferSync (and a backend's readSync) do not work on
 * webgpu in Node (they draw through OffscreenCanvas, which Node lacks), so one such call on an engine path breaks that
 * path on the GPU. This scan fails on any synchronous read under src/engine outside the allow-list below, and on any
 * readTidy call that is not awaited.
 */
import assert from 'node:assert/strict';
import { codeOf, tsFiles, SRC } from './source-files.js';

/** Files that may read synchronously, each because it only ever runs on a CPU backend. */
const ALLOWED: Record<string, string> = {
  'src/engine/backend/batch-norm-grad.ts': 'a wasm gradient: it runs only when the backend is wasm with the native addon',
  'src/engine/backend/cpu-bridge.ts': 'copies tensors between the wasm and cpu backends for kernels wasm lacks',
  'src/engine/train/parallel/data-parallel.ts': 'data-parallel replicas run on wasm/cpu only (workers > 1 is refused on webgpu)',
  'src/engine/train/parallel/train-worker.ts': 'a replica worker thread: its own wasm/cpu backend',
};

const SYNC_READ = /\.(dataSync|arraySync|bufferSync|readSync)\s*\(/g;
const UNAWAITED_READ_TIDY = /(?<!await\s+)(?<![\w.])readTidy\s*(<[^>]*>)?\s*\(/g;

/** Line numbers and calls of the synchronous reads in a piece of code (comments already removed). */
export function syncReads(code: string): Array<{ line: number; call: string }> {
  const out: Array<{ line: number; call: string }> = [];
  for (const re of [SYNC_READ, UNAWAITED_READ_TIDY]) {
    for (const m of code.matchAll(re)) out.push({ line: code.slice(0, m.index).split('\n').length, call: m[0].trim() });
  }
  return out.sort((a, b) => a.line - b.line);
}

describe('architecture: no synchronous tensor reads on the engine\'s paths', () => {
  const files = tsFiles(SRC).filter((f) => f.startsWith('src/engine/'));

  it('the scan sees what it looks for', () => {
    assert.deepEqual(syncReads('const v = w.read().dataSync();\nx.arraySync()\nb.bufferSync ()').map((r) => r.line), [1, 2, 3]);
    assert.deepEqual(syncReads('const p = readTidy<Int32Array>(() => z);').map((r) => r.call), ['readTidy<Int32Array>(']);
    assert.deepEqual(syncReads('const p = await readTidy(() => z);\nawait t.data();\nreadFileSync(f); readSync(fd, b);'), []);
  });

  it('no dataSync, arraySync, bufferSync, readSync or unawaited readTidy outside the CPU-only allow-list', () => {
    const found = files.filter((f) => !ALLOWED[f] && f !== 'src/engine/read-tidy.ts')
      .flatMap((f) => syncReads(codeOf(f)).map((r) => `${f}:${r.line}: ${r.call}`));
    assert.deepEqual(found, [], 'read with `await t.data()` or `await readTidy(...)`; a file that runs only on CPU backends '
      + 'may go on the allow-list with its reason');
  });

  it('the allow-list is current: each file exists and still reads synchronously', () => {
    for (const f of Object.keys(ALLOWED)) {
      assert.ok(files.includes(f), `${f} is gone: remove it from the allow-list`);
      assert.ok(syncReads(codeOf(f)).length > 0, `${f} no longer reads synchronously: remove it from the allow-list`);
    }
  });

  it('readTidy itself is asynchronous', () => {
    assert.match(codeOf('src/engine/read-tidy.ts'), /export async function readTidy[\s\S]*await t\.data\(\)/);
  });
});
