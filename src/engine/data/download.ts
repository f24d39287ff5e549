import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { isSemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import { logger, type ProgressCallback } from '../log.js';
import { tempPathFor } from '../atomic-write.js';

/** What a downloaded file must be: its exact byte size and its md5 (hex). */
export interface ExpectedFile {
  size: number;
  md5: string;
}

/** Options of downloadVerified. */
export interface DownloadOptions {
  /** Abort after this many milliseconds. Default 600,000 (10 minutes). */
  timeoutMs?: number;
  /** Called as bytes arrive (phase "download", units: bytes). */
  onProgress?: ProgressCallback;
}

/**
 * Download `url` to a temporary file next to `target`, checking the byte size while streaming and the md5 at the
 * end. Returns the temporary path (the caller renames it onto target, so a set of files can be committed together).
 * On any failure the temporary file is deleted and a SemsliceError names the URL, what was expected and what came.
 *
 * @example
 * const tmp = await downloadVerified(url, '/cache/x.gz', { size: 5148, md5: 'bb300c...' });
 * await rename(tmp, '/cache/x.gz');
 */
export async function downloadVerified(url: string, target: string, expected: ExpectedFile, opts: DownloadOptions = {}): Promise<string> {
  const tmp = tempPathFor(target);
  const hash = createHash('md5');
  let bytes = 0;
  try {
    logger().info(`downloading ${url} (${expected.size} bytes)`);
    // identity: fetch would transparently gunzip a body sent with Content-Encoding: gzip, and the size check is on raw bytes.
    const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 600_000), headers: { 'accept-encoding': 'identity' } });
    if (!res.ok || !res.body) {
      throw fail('DOWNLOAD_FAILED', { case: 'http', url, status: res.status, statusText: res.statusText });
    }
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > expected.size) {
          cb(sizeError(url, expected.size, `more than ${expected.size} (at least ${bytes})`));
          return;
        }
        hash.update(chunk);
        opts.onProgress?.({ phase: 'download', done: bytes, total: expected.size, message: url });
        cb(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), meter, createWriteStream(tmp, { flags: 'wx' }));
    if (bytes !== expected.size) throw sizeError(url, expected.size, String(bytes));
    const md5 = hash.digest('hex');
    if (md5 !== expected.md5.toLowerCase()) {
      throw fail('DOWNLOAD_CHECKSUM_MISMATCH', { url, md5, expected: expected.md5 });
    }
    return tmp;
  } catch (e) {
    await rm(tmp, { force: true });
    if (isSemsliceError(e)) throw e;
    throw fail('DOWNLOAD_FAILED', { case: 'network', url, bytes, reason: describe(e) });
  }
}

function sizeError(url: string, want: number, got: string): Error {
  return fail('DOWNLOAD_SIZE_MISMATCH', { url, got, expected: want });
}

function describe(e: unknown): string {
  const err = e as Error & { cause?: { message?: string; code?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message} (${cause})` : String(err.message ?? e);
}
