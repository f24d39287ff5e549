import { createHash } from 'node:crypto';

/** A short, stable content hash (sha256, first 16 hex chars) over byte views and strings, in order. */
export function fingerprint(...parts: Array<ArrayBufferView | string>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'string') h.update(p, 'utf8');
    else h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}
