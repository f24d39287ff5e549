/**
 * Waiting for a control word of a SharedArrayBuffer to change: a short spin first (the other side usually answers
 * within a millisecond or two, and a blocked thread on a VM takes a few hundred microseconds to wake), then
 * Atomics.wait.
 */

/** How long a waiting side spins before it blocks. */
export const SPIN_MS = 4;

/**
 * Block the calling thread until `words[index]` differs from `value` (spinning up to SPIN_MS first); returns the new
 * value. For worker threads, which have nothing else to do meanwhile.
 *
 * @example
 * const request = waitForChange(control, CTL.REQUEST, last);
 */
export function waitForChange(words: Int32Array, index: number, value: number): number {
  const until = performance.now() + SPIN_MS;
  let v = Atomics.load(words, index);
  while (v === value && performance.now() < until) v = Atomics.load(words, index);
  while (v === value) {
    Atomics.wait(words, index, value);
    v = Atomics.load(words, index);
  }
  return v;
}

/**
 * Wait until `words[index]` equals `target`, spinning up to SPIN_MS, then in short blocking waits with an event-loop
 * turn between them, so that a worker's crash ('error' event) is seen: `failed()` is checked after each turn. The
 * caller gets its promise back before any spinning, so it can do other work first (the training loop gathers the
 * next batch meanwhile).
 *
 * @example
 * await waitForValue(control, CTL.DONE, step, () => replica.failed);
 */
export async function waitForValue(words: Int32Array, index: number, target: number, failed: () => unknown): Promise<void> {
  await null;
  const until = performance.now() + SPIN_MS;
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
