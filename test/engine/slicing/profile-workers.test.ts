import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend/index.js';
import { closeProfileWorkers, profile } from '../../../src/engine/slicing/profile/profile.js';
import type { ProfileStats } from '../../../src/engine/slicing/profile/stats.js';
import { tinyCnn } from './reference/models.js';
import { randomDataset } from './reference/array-dataset.js';

function bytesOf(s: ProfileStats): string {
  const parts: string[] = [JSON.stringify(s.counts)];
  for (const m of s.metrics) for (const site of s.sites) {
    parts.push(Buffer.from(s.get(m, site.name).buffer).toString('hex'), Buffer.from(s.getGlobal(m, site.name).buffer).toString('hex'));
  }
  return parts.join('|');
}

describe('engine/slicing/profile with worker threads', () => {
  before(async () => { await initBackend({ backend: 'wasm', quiet: true }); });

  it('3 threads (main + 2 workers, batches handed out dynamically) give byte-identical statistics to the in-process run (wasm)', async function () {
    this.timeout(60000);
    const m = tinyCnn(23);
    const data = randomDataset(70, [8, 8, 1], 3, 6);
    const base = tf.memory().numTensors;
    const one = await profile(m, data, { onlyCorrect: false, batchSize: 16 });
    const three = await profile(m, data, { onlyCorrect: false, batchSize: 16, workers: 3 });
    assert.equal(bytesOf(three), bytesOf(one));
    // Workers are kept and reused: a second run, now with a different model, is right too.
    const m2 = tinyCnn(9);
    const again = await profile(m2, data, { onlyCorrect: false, batchSize: 8, workers: 3 });
    assert.equal(bytesOf(again), bytesOf(await profile(m2, data, { onlyCorrect: false, batchSize: 8 })));
    m2.dispose();
    assert.equal(tf.memory().numTensors, base);
    m.dispose();
  });

  it('errors in workers (NaN in the data) and aborts reach the caller', async function () {
    this.timeout(60000);
    const m = tinyCnn(23);
    const bad = randomDataset(40, [8, 8, 1], 3, 6);
    (bad.sample(30) as Float32Array)[0] = NaN;
    await assert.rejects(profile(m, bad, { onlyCorrect: false, batchSize: 8, workers: 2 }), (e: Error & { code?: string }) => e.code === 'NAN_IN_DATA' && /24\.\.31/.test(e.message));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(profile(m, randomDataset(400, [8, 8, 1], 3), { onlyCorrect: false, batchSize: 4, workers: 2, signal: ac.signal }),
      (e: Error & { code?: string }) => e.code === 'ABORTED');
    m.dispose();
    await closeProfileWorkers();
  });
});
