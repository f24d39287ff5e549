import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { downloadFashionMnist, fashionMnist, locateFashionMnist, type ExpectedFile } from '../../../src/engine/data/index.js';
import { setLogger, type Logger } from '../../../src/engine/log.js';
import { expectCode, tempDir, tinyIdxSet, withEnv } from './helpers.js';

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

/** Serve generated .gz files on 127.0.0.1 (ephemeral port); `override` replaces a file's served bytes. */
async function serve(files: Record<string, Buffer>): Promise<{ url: string; server: Server; override: Map<string, Buffer | 'drop'> }> {
  const override = new Map<string, Buffer | 'drop'>();
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    const body = override.get(name) ?? files[name];
    if (!body) { res.writeHead(404).end(); return; }
    if (body === 'drop') {
      // promise the full length, send half, then cut the connection
      res.writeHead(200, { 'content-length': files[name]!.length });
      res.write(files[name]!.subarray(0, files[name]!.length >> 1), () => res.destroy());
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, override };
}

describe('data/download (local HTTP server, no real network)', () => {
  const t = tempDir();
  const gz = Object.fromEntries(Object.entries(tinyIdxSet(6, 28, 28)).map(([k, v]) => [`${k}.gz`, gzipSync(v)]));
  const table: Record<string, ExpectedFile> = Object.fromEntries(Object.entries(gz).map(([k, v]) => [k, { size: v.length, md5: md5(v) }]));
  let srv: Awaited<ReturnType<typeof serve>>;
  let n = 0;
  const fresh = (): { cacheDir: string; systemDir: string; baseUrl: string; files: typeof table } =>
    ({ cacheDir: join(t.dir, `cache${n++}`), systemDir: join(t.dir, 'none'), baseUrl: srv.url, files: table });
  const cacheFiles = (o: { cacheDir: string }): string[] => {
    const d = join(o.cacheDir, 'fashion-mnist');
    return existsSync(d) ? readdirSync(d) : [];
  };

  const infos: string[] = [];
  let previousLogger: Logger;
  before(async () => {
    srv = await serve(gz);
    previousLogger = setLogger({ warn: (m) => infos.push(m), info: (m) => infos.push(m) });
  });
  after(() => { setLogger(previousLogger); srv.server.close(); t.cleanup(); });
  afterEach(() => srv.override.clear());

  it('downloads, verifies and loads when download is allowed; later loads use the cache', async () => {
    const o = fresh();
    const events: number[] = [];
    const s = await withEnv({ SEMSLICE_DATA_DIR: undefined }, () => fashionMnist({ ...o, download: true, onProgress: (e) => events.push(e.done) }));
    assert.equal(s.train.size, 6);
    assert.match(s.source, /download/);
    assert.deepEqual(cacheFiles(o).sort(), Object.keys(gz).sort());
    assert.ok(events.length >= 4);
    assert.ok(infos.some((m) => m.startsWith(`downloading ${srv.url}train-images-idx3-ubyte.gz`)), infos.join('\n'));
    // a second search finds the cache folder (without downloading: the base URL points nowhere)
    const where = await withEnv({ SEMSLICE_DATA_DIR: undefined }, () => locateFashionMnist({ ...o, baseUrl: 'http://127.0.0.1:9/' }));
    assert.ok(where.found && where.source.startsWith('cache'));
    assert.equal(await withEnv({ SEMSLICE_DATA_DIR: undefined }, () => fashionMnist({ ...o, baseUrl: 'http://127.0.0.1:9/' })), s);
  });

  it('rejects a truncated file (size) and leaves nothing in the cache', async () => {
    const o = fresh();
    const name = 'train-images-idx3-ubyte.gz';
    srv.override.set(name, gz[name]!.subarray(0, 100));
    const err = await expectCode(() => downloadFashionMnist(o), 'DOWNLOAD_SIZE_MISMATCH');
    assert.match(err.message, new RegExp(`${name}.*got 100 bytes, expected ${gz[name]!.length}`));
    assert.deepEqual(cacheFiles(o), []);
  });

  it('rejects a corrupted file (md5) and leaves nothing in the cache', async () => {
    const o = fresh();
    const name = 't10k-labels-idx1-ubyte.gz';
    const bad = Buffer.from(gz[name]!);
    bad[bad.length - 3]! ^= 0xff;
    srv.override.set(name, bad);
    const err = await expectCode(() => downloadFashionMnist(o), 'DOWNLOAD_CHECKSUM_MISMATCH');
    assert.ok(err.message.includes(table[name]!.md5));
    assert.deepEqual(cacheFiles(o), []);
  });

  it('rejects a cut connection, an oversized body and HTTP errors, leaving nothing', async () => {
    const o = fresh();
    srv.override.set('train-labels-idx1-ubyte.gz', 'drop');
    await expectCode(() => downloadFashionMnist(o), 'DOWNLOAD_FAILED');
    srv.override.set('train-labels-idx1-ubyte.gz', Buffer.concat([gz['train-labels-idx1-ubyte.gz']!, Buffer.alloc(10)]));
    await expectCode(() => downloadFashionMnist(o), 'DOWNLOAD_SIZE_MISMATCH');
    srv.override.clear();
    const err = await expectCode(() => downloadFashionMnist({ ...o, files: { ...table, 'missing.gz': { size: 1, md5: '0' } } }), 'DOWNLOAD_FAILED');
    assert.match(err.message, /HTTP 404/);
    assert.deepEqual(cacheFiles(o), []);
  });
});
