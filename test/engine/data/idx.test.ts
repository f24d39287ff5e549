import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdx, readIdxHead } from '../../../src/engine/data/index.js';
import { expectCode, idxBytes, tempDir } from './helpers.js';

describe('data/idx', () => {
  const t = tempDir();
  after(t.cleanup);
  const values = Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 10);
  const raw = idxBytes([3, 2, 2], values);

  it('reads a raw IDX buffer: dims and bytes', () => {
    const { dims, data } = readIdx(raw);
    assert.deepEqual(dims, [3, 2, 2]);
    assert.deepEqual(Array.from(data), values);
  });

  it('reads a gzip IDX file by path (magic 0x1f8b)', () => {
    const p = join(t.dir, 'a.gz');
    writeFileSync(p, gzipSync(raw));
    const { dims, data } = readIdx(p);
    assert.deepEqual(dims, [3, 2, 2]);
    assert.deepEqual(Array.from(data), values);
  });

  it('rejects a truncated file, naming it and the expected vs actual size', async () => {
    const p = join(t.dir, 'short');
    writeFileSync(p, raw.subarray(0, raw.length - 5));
    const err = await expectCode(() => readIdx(p), 'IDX_TRUNCATED');
    assert.match(err.message, /short/);
    assert.match(err.message, new RegExp(`expected ${raw.length} bytes.*got ${raw.length - 5}`));
  });

  it('rejects trailing bytes and a corrupt gzip stream', async () => {
    await expectCode(() => readIdx(Buffer.concat([raw, Buffer.from([1, 2])]), 'x'), 'IDX_SIZE_MISMATCH');
    const gz = gzipSync(raw);
    const err = await expectCode(() => readIdx(gz.subarray(0, gz.length - 10), 'cut.gz'), 'IDX_CORRUPT');
    assert.match(err.message, /cut\.gz/);
  });

  it('rejects a bad magic and a non-ubyte type', async () => {
    const bad = Buffer.from(raw);
    bad[0] = 0x50;
    const err = await expectCode(() => readIdx(bad, 'img.png'), 'IDX_BAD_MAGIC');
    assert.match(err.message, /img\.png.*50 00 08 03/);
    const float = Buffer.from(raw);
    float[2] = 0x0d;
    assert.match((await expectCode(() => readIdx(float), 'IDX_UNSUPPORTED_TYPE')).message, /float/);
    await expectCode(() => readIdx(Buffer.from([0, 0])), 'IDX_TRUNCATED');
  });

  it('readIdxHead reads the first n records of a raw file, and of a gzip file by fallback', () => {
    const p = join(t.dir, 'head');
    writeFileSync(p, raw);
    const h = readIdxHead(p, 2);
    assert.deepEqual(h.dims, [2, 2, 2]);
    assert.deepEqual(Array.from(h.data), values.slice(0, 8));
    assert.deepEqual(readIdxHead(p, 99).dims, [3, 2, 2]);
    const g = join(t.dir, 'head.gz');
    writeFileSync(g, gzipSync(raw));
    assert.deepEqual(Array.from(readIdxHead(g, 1).data), values.slice(0, 4));
    assert.deepEqual(readIdxHead(g, 5).dims, [3, 2, 2]);
  });

  it('readIdxHead on a large gzip file inflates only a prefix, and equals readIdx', () => {
    const n = 1000; // ~784 KB of incompressible bytes: far more than the first 64 KB prefix
    const px = new Uint8Array(n * 784);
    for (let i = 0; i < px.length; i++) px[i] = Math.imul(i + 1, 2654435761) >>> 24;
    const big = Buffer.concat([idxBytes([n, 28, 28], []), px]);
    const g = join(t.dir, 'big.gz');
    writeFileSync(g, gzipSync(big));
    const head = readIdxHead(g, 10);
    assert.deepEqual(head.dims, [10, 28, 28]);
    assert.deepEqual(Buffer.from(head.data), big.subarray(16, 16 + 7840));
    assert.deepEqual(Buffer.from(readIdxHead(g, n).data), big.subarray(16));
  });

  it('readIdxHead rejects a file too short for the records asked, and a missing file', async () => {
    const p = join(t.dir, 'head-short');
    writeFileSync(p, raw.subarray(0, 16 + 6));
    assert.equal(readIdxHead(p, 1).data.length, 4);
    await expectCode(() => readIdxHead(p, 2), 'IDX_TRUNCATED');
    const err = await expectCode(() => readIdx(join(t.dir, 'nope')), 'FILE_NOT_FOUND');
    assert.match(err.message, /nope/);
  });
});
