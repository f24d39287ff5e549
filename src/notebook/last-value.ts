/**
 * What a tslab cell shows for its last value and for displays it did not await.
 *
 * tslab prints a cell's last value with its own captured console.log, i.e. util.inspect. A chart spec is a plain
 * object (printed as JSON text) and a display call left un-awaited returns a promise (printed `Promise { <pending> }`,
 * its output arriving after the cell finished, where nbconvert no longer records it). So:
 * - chart specs made by semslice carry a non-enumerable `[util.inspect.custom]` (invisible to JSON, spreads, clones
 *   and validation) that, in a kernel, displays the chart and prints nothing;
 * - the promise a display call returns prints nothing (its output was already written, see show());
 * - in a kernel, a display still pending when the cell's code returns (an asynchronous display handler) is awaited
 *   before the cell reports completion (tslab's handleExecuteImpl, feature-detected, wrapped once).
 * "Prints nothing": inspect returns a marker line that the kernel's stdout writer drops (createWriteToIopub, wrapped).
 */
import { inspect } from 'node:util';
import { chartBundleSync } from './bundle.js';
import { inKernel, kernelJupyterModule, writeBundle } from './kernel.js';
import { isChartSpec } from './parts.js';

/** Invisible marker: a console.log of exactly this line is dropped by the kernel's stdout writer. */
const SILENT = '\u2063semslice-displayed\u2063';
const WRAPPED = Symbol.for('semslice.lastValueWrapped');
const pending = new Set<Promise<unknown>>();

function defineInspect(target: object, fn: (this: object) => unknown): void {
  Object.defineProperty(target, inspect.custom, { value: fn, enumerable: false, configurable: true, writable: true });
}

/** Mark p as the result of a display call: as a cell's last value it prints nothing (in a kernel). */
export function markDisplayPromise<T>(p: Promise<T>): Promise<T> {
  defineInspect(p, function (this: object) { return inKernel() ? SILENT : 'Promise { <display> }'; });
  return p;
}

/** Keep p until it settles, so the cell that started it waits for it. */
export function trackDisplay<T>(p: Promise<T>): Promise<T> {
  const settled = p.then(() => undefined, () => undefined);
  pending.add(settled);
  void settled.then(() => pending.delete(settled));
  return p;
}

/**
 * Make a chart spec display itself as a cell's last value (in a kernel; elsewhere it inspects as before).
 * Returns the same object.
 *
 * @example
 * selfDisplaying(trainingCurves(history))    // last line of a cell: the chart
 */
export function selfDisplaying<T>(spec: T): T {
  if (isChartSpec(spec) && !Object.prototype.hasOwnProperty.call(spec, inspect.custom)) {
    defineInspect(spec, function (this: object) {
      if (!inKernel() || !writeBundle(chartBundleSync(this as Record<string, unknown>))) return this; // default formatting
      return SILENT;
    });
  }
  return spec;
}

/** A namespace whose functions' chart-spec results display themselves (other results pass through). */
export function selfDisplayingFunctions<T extends object>(ns: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ns)) {
    out[k] = typeof v === 'function' && !/^[A-Z]/.test(k)
      ? function (this: unknown, ...args: unknown[]) { return selfDisplaying((v as (...a: unknown[]) => unknown).apply(this, args)); }
      : v;
  }
  return out as T;
}

let installed = false;

/** In a tslab kernel: drop the marker lines, and wait for pending displays at the end of each cell. Idempotent. */
export function installLastValueDisplay(): void {
  if (installed || !inKernel()) return;
  installed = true;
  const proto = kernelJupyterModule()?.JupyterHandlerImpl?.prototype as Record<string, unknown> | undefined;
  if (!proto) return;
  type Fn = ((this: unknown, ...args: unknown[]) => unknown) & Record<symbol, unknown>;
  const writer = proto['createWriteToIopub'] as Fn | undefined;
  if (typeof writer === 'function' && !writer[WRAPPED]) {
    const w = function (this: unknown, ...args: unknown[]) {
      const write = writer.apply(this, args) as (b: string | Uint8Array, e?: unknown) => boolean;
      return (b: string | Uint8Array, e?: unknown) => (b === `${SILENT}\n` ? true : write(b, e));
    } as Fn;
    w[WRAPPED] = true;
    proto['createWriteToIopub'] = w;
  }
  const exec = proto['handleExecuteImpl'] as Fn | undefined;
  if (typeof exec === 'function' && !exec[WRAPPED]) {
    const wrapped = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      try {
        return await exec.apply(this, args);
      } finally {
        while (pending.size > 0) await Promise.all([...pending]);
      }
    } as Fn;
    for (const s of Object.getOwnPropertySymbols(exec)) wrapped[s] = exec[s]; // keep enableMagics' own marker
    wrapped[WRAPPED] = true;
    proto['handleExecuteImpl'] = wrapped;
  }
}
