/**
 * The bridge to the running tslab kernel. Everything that touches tslab goes through
 * here, feature-detected, so the rest of src/notebook works the same in plain Node (where nothing here is found).
 *
 * Why `globalThis.__tslab__.require('tslab')`: a library doing its own `require('tslab')` may load a second copy whose
 * display throws "Not ready"; the kernel's own require always returns the copy the kernel drives.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A MIME bundle: MIME type -> data (strings, or JSON objects for `+json` types). */
export type MimeBundle = Record<string, unknown>;

/** The public tslab display API (the subset we use). */
export interface TslabDisplay {
  raw(contentType: string, b: string | Uint8Array): unknown;
  svg(s: string): void;
  html(s: string): void;
  text(s: string): void;
}
interface TslabPublic {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}
type WriteDisplayData = (msg: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;
/** The internal module tslab/dist/jupyter.js of the kernel's tslab copy. */
export interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
  JupyterHandlerImpl?: { prototype: Record<string, unknown> };
}

interface TslabGlobal {
  require: NodeJS.Require;
}

function tslabGlobal(): TslabGlobal | undefined {
  const g = (globalThis as { __tslab__?: TslabGlobal }).__tslab__;
  return g && typeof g.require === 'function' ? g : undefined;
}

/** Where displays go while cells run in-process (runCells): a sink instead of the kernel. */
export type DisplaySink = (bundle: MimeBundle, opts: { displayId?: string; update?: boolean }) => void;
let capture: DisplaySink | undefined;

/**
 * Run `fn` with every display (show, progress, writeBundle) sent to `sink` instead of a kernel or stdout: how
 * notebooks run in-process keep their outputs (see run-cells.ts).
 *
 * @example
 * const outs: MimeBundle[] = [];
 * await withDisplaySink((b) => outs.push(b), () => show(chart));
 */
export async function withDisplaySink<T>(sink: DisplaySink, fn: () => Promise<T>): Promise<T> {
  const prev = capture;
  capture = sink;
  try {
    return await fn();
  } finally {
    capture = prev;
  }
}

/** True while displays go to a sink (withDisplaySink). */
export function capturingDisplays(): boolean {
  return capture !== undefined;
}

/**
 * True when running inside a tslab kernel (a cell's code or a library it loaded).
 *
 * @example
 * if (inKernel()) console.log('in Jupyter');
 */
export function inKernel(): boolean {
  return tslabGlobal() !== undefined;
}

/** The kernel's public tslab module, or undefined outside a kernel. */
export function kernelTslab(): TslabPublic | undefined {
  const g = tslabGlobal();
  if (!g) return undefined;
  try {
    const t = g.require('tslab') as TslabPublic;
    return t && typeof t.newDisplay === 'function' ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The kernel's internal tslab/dist/jupyter.js module (needed for multi-MIME bundles and for magics), found in the
 * require cache next to the public module the kernel resolves, so a second tslab copy is never picked.
 */
export function kernelJupyterModule(): TslabJupyterModule | undefined {
  const g = tslabGlobal();
  if (!g) return undefined;
  const cache = createRequire(import.meta.url).cache;
  let preferred: string | undefined;
  try {
    preferred = join(dirname(g.require.resolve('tslab')), 'jupyter.js');
  } catch {
    preferred = undefined;
  }
  const key =
    (preferred && cache[preferred] ? preferred : undefined) ??
    Object.keys(cache).find((k) => k.replace(/\\/g, '/').endsWith('/tslab/dist/jupyter.js'));
  const mod = key ? (cache[key]?.exports as TslabJupyterModule | undefined) : undefined;
  return mod && 'lastWriteDisplayData' in mod ? mod : undefined;
}

/**
 * Send one display message with all MIME types of `bundle`. Uses the internal writer when present (one output with
 * every MIME type); otherwise falls back to one public `raw` call per MIME type (several outputs, richest first).
 * `displayId` + `update` re-emit an existing display in place. Returns false outside a kernel (and, with
 * `internalOnly`, when the internal writer is missing, so the caller can use its own fallback).
 */
export function writeBundle(bundle: MimeBundle, opts: { displayId?: string; update?: boolean; internalOnly?: boolean } = {}): boolean {
  if (capture) {
    capture(bundle, { ...(opts.displayId ? { displayId: opts.displayId } : {}), ...(opts.update ? { update: true } : {}) });
    return true;
  }
  const jm = kernelJupyterModule();
  if (jm && typeof jm.lastWriteDisplayData === 'function') {
    const transient = opts.displayId ? { display_id: opts.displayId } : {};
    jm.lastWriteDisplayData({ data: bundle, metadata: {}, transient }, opts.update === true);
    return true;
  }
  const t = opts.internalOnly ? undefined : kernelTslab();
  if (!t) return false;
  // Fallback: one MIME type per output; text/plain only when nothing richer exists (it would be a duplicate).
  const rich = Object.keys(bundle).filter((k) => k !== 'text/plain');
  for (const mime of rich.length > 0 ? rich : ['text/plain']) t.display.raw(mime, bundle[mime] as string);
  return true;
}
