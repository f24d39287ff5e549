/**
 * Waiting for a control word of a SharedArrayBuffer to change: a short spin first (the other side usually answers
 * within a millisecond or two, and a blocked thread on a VM takes a few hundred microseconds to wake), then
 * Atomics.wait.
 */
import { availableParallelism } from 'node:os';

/** How long a waiting side spins before it blocks, when every replica has a core of its own. */
export const SPIN_MS = 4;

/**
 * The spin for `replicas` threads on this machine: SPIN_MS when each has a core, else 0 (a spinning thread would take
 * the core another replica needs to finish).
 *
 * @example
 * spinFor(2); // 4 on two or more cores
 */
export function spinFor(replicas: number): number {
  return replicas <= availableParallelism() ? SPIN_MS : 0;
}

/**
 * Block the calling thread until `words[index]` differs from `value` (spinning up to `spinMs` first); returns the new
 * value. For worker threads, which have nothing else to do meanwhile.
 *
 * @example
 * const request = waitForChange(control, CTL.REQUEST, last, SPIN_MS);
 */
export function waitForChange(words: Int32Array, index: number, value: number, spinMs: number): number {
  const until = performance.now() + spinMs;
  let v = Atomics.load(words, index);
  while (v === value && performance.now() < until) v = Atomics.load(words, index);
  while (v === value) {
    Atomics.wait(words, index, value);
    v = Atomics.load(words, index);
  }
  return v;
}

/**
 * Wait until `words[index]` equals `target`, spinning up to `spinMs`, then in short blocking waits with an event-loop
 * turn between them, so that a worker's crash ('error' event) is seen: `failed()` is checked after each turn. The
 * caller gets its promise back before any spinning, so it can do other work first (the training loop gathers the
 * next batch meanwhile).
 *
 * @example
 * await waitForValue(control, CTL.DONE, step, SPIN_MS, () => replica.failed);
 */
export async function waitForValue(words: Int32Array, index: number, target: number, spinMs: number, failed: () => unknown): Promise<void> {
  await null;
  const until = performance.now() + spinMs;
  while (Atomics.load(words, index) !== target && performance.now() < until) { /* spin */ }
  for (;;) {
    const v = Atomics.load(words, index);
    if (v === target) return;
    Atomics.wait(words, index, v, 10);
    if (Atomics.load(words, index) === target) return;
    await new Promise((resolve) => setImmediate(resolve));
    const e = failed();
    if (e) throw e;
  }
}
