import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** IDX ubyte bytes for these dims and values. */
export function idxBytes(dims: number[], data: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(Array.from(data))]);
}

/** A fresh temp folder; call the returned cleanup in after/finally. */
export function tempDir(prefix = 'semslice-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Small MNIST-layout image/label sets: n samples of h x w, pixel (i, j) = (i * 7 + j) % 256, label i % 10. */
export function tinyIdxSet(n: number, h = 4, w = 4, labelOffset = 0): Record<string, Buffer> {
  const images = (k: number): Buffer => idxBytes([k, h, w], Array.from({ length: k * h * w }, (_, j) => (Math.floor(j / (h * w)) * 7 + j) % 256));
  const labels = (k: number): Buffer => idxBytes([k], Array.from({ length: k }, (_, i) => (i + labelOffset) % 10));
  return {
    'train-images-idx3-ubyte': images(n),
    'train-labels-idx1-ubyte': labels(n),
    't10k-images-idx3-ubyte': images(Math.max(1, Math.floor(n / 2))),
    't10k-labels-idx1-ubyte': labels(Math.max(1, Math.floor(n / 2))),
  };
}

/** Write a set into dir, gzipped (with ".gz" names) or raw. */
export function writeIdxSet(dir: string, set: Record<string, Buffer>, gzip: boolean): void {
  for (const [name, bytes] of Object.entries(set)) {
    writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  }
}

/** Run fn with env variables set (undefined = unset), restoring them afterwards. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>): void => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** Assert fn throws (sync or async) a SemsliceError with this code; returns it for more checks. */
export async function expectCode(fn: () => unknown, code: string): Promise<Error & { code: string; hint?: string }> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error & { code: string; hint?: string };
    if (err.code !== code) throw new Error(`expected error code ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  throw new Error(`expected a SemsliceError ${code}, nothing was thrown`);
}
