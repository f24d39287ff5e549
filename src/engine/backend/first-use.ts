/**
 * The backend on first use: semslice's entry points (profile, slice, train, fidelitySweep, loadModel) choose the
 * backend by initBackend's rule (SEMSLICE_BACKEND, else tensorflow -> webgpu -> wasm -> cpu) when nothing chose one yet, so a
 * notebook that never calls initBackend does not run on tfjs's pure-JS cpu backend 14-19x slower. And tfjs's
 * "install tfjs-node" banner is silenced: semslice picks and reports the backend itself.
 *
 * @example
 * await ensureBackend();                 // no-op after initBackend; else initBackend() once
 * export const profile = onFirstUse(profileImpl);
 */
import * as tf from '@tensorflow/tfjs';
import { backendState, initBackend } from './select.js';

/**
 * tfjs's cpu backend prints its banner on its first tensor write when `this.firstUse` is true (set in its
 * constructor by plain assignment). An accessor on the prototype that always reads false takes that assignment,
 * so the banner never prints, whichever code creates the backend first.
 */
export function silenceCpuBanner(): void {
  const proto = (tf as unknown as { MathBackendCPU?: { prototype: object } }).MathBackendCPU?.prototype;
  if (!proto || Object.getOwnPropertyDescriptor(proto, 'firstUse')) return;
  Object.defineProperty(proto, 'firstUse', { configurable: true, get: () => false, set: () => undefined });
}
silenceCpuBanner();

let firstUse: Promise<void> | undefined;

/**
 * Choose the backend by initBackend's rule unless some initBackend call already chose one (once per process, and
 * again after releaseBackend()).
 */
export function ensureBackend(): Promise<void> {
  if (backendState() !== undefined) return Promise.resolve();
  // Cleared once settled: a bad SEMSLICE_BACKEND fixed in the same process may be retried, and after
  // releaseBackend() the next call chooses again.
  firstUse ??= initBackend().then(() => { firstUse = undefined; }, (e: unknown) => {
    firstUse = undefined;
    throw e;
  });
  return firstUse;
}

/** fn, after ensureBackend(). */
export function onFirstUse<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    await ensureBackend();
    return fn(...args);
  };
}
