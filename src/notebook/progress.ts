/**
 * Progress for long work. In a kernel: one display updated in place (never stderr: in an executed notebook every
 * stderr stream counts as an error). Outside: one throttled stderr line (TTY: rewritten with \r; non-TTY, e.g. CI
 * logs: a few lines only, at each quarter). Updates are throttled (default 4 per second); the final state always shows.
 */
import { randomBytes } from 'node:crypto';
import type { ProgressCallback, ProgressEvent } from '../engine/log.js';
import { capturingDisplays, inKernel, kernelTslab, writeBundle } from './kernel.js';

/** Where progress goes: `show(text, final)` is called at most once per interval and always for the final state. */
export interface ProgressSink {
  show(state: ProgressState, final: boolean): void;
}
export interface ProgressState {
  label: string;
  done: number;
  total: number;
  message?: string;
}
export interface ProgressOptions {
  total: number;
  label?: string;
  /** Minimum milliseconds between two shown updates (default 250: at most ~4 per second). */
  minIntervalMs?: number;
  /** Clock, injectable for tests (default Date.now). */
  now?: () => number;
  /** Output (default: kernel display inside tslab, stderr line outside). */
  sink?: ProgressSink;
}
export interface ProgressHandle {
  update(done: number, message?: string): void;
  done(message?: string): void;
}

/** `label: 12/100 (12%) message`. */
export function progressText(s: ProgressState): string {
  const pct = s.total > 0 ? Math.floor((100 * Math.min(s.done, s.total)) / s.total) : 100;
  return `${s.label}: ${s.done}/${s.total} (${pct}%)${s.message ? ` ${s.message}` : ''}`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A kernel display updated in place (internal writer with a display_id; else tslab.newDisplay()). */
export function kernelSink(): ProgressSink {
  const id = randomBytes(8).toString('hex');
  let started = false;
  const fallback = kernelTslab()?.newDisplay();
  return {
    show(s) {
      const text = progressText(s);
      const html = `<progress value="${Math.min(s.done, s.total)}" max="${s.total}"></progress> <code>${escapeHtml(text)}</code>`;
      const ok = writeBundle({ 'text/html': html, 'text/plain': text }, { displayId: id, update: started, internalOnly: true });
      if (!ok) fallback?.text(text);
      started = true;
    },
  };
}

/**
 * A stderr line: TTY rewrites it with \r; otherwise prints at 0/25/50/75% and the final state, each line once (a
 * phase of one step is complete at its first update: its final state is not printed again).
 */
export function streamSink(write: (s: string) => void = (s) => process.stderr.write(s), isTTY = process.stderr.isTTY === true): ProgressSink {
  let lastQuarter = -1;
  let width = 0;
  let lastLine = '';
  return {
    show(s, final) {
      const text = progressText(s);
      if (isTTY) {
        write(`\r${text.padEnd(width)}${final ? '\n' : ''}`);
        width = text.length;
        return;
      }
      const quarter = s.total > 0 ? Math.floor((4 * s.done) / s.total) : 4;
      if ((final || quarter > lastQuarter) && text !== lastLine) {
        write(text + '\n');
        lastLine = text;
      }
      lastQuarter = final ? 5 : Math.max(lastQuarter, quarter);
    },
  };
}

/**
 * A progress display.
 *
 * @example
 * const p = progress({ total: batches, label: 'profiling' });
 * for (let b = 0; b < batches; b++) { work(b); p.update(b + 1); }
 * p.done();
 */
export function progress(opts: ProgressOptions): ProgressHandle {
  const now = opts.now ?? Date.now;
  const minInterval = opts.minIntervalMs ?? 250;
  const sink = opts.sink ?? (inKernel() || capturingDisplays() ? kernelSink() : streamSink());
  const state: ProgressState = { label: opts.label ?? 'progress', done: 0, total: opts.total };
  let last = -Infinity;
  let finished = false;
  return {
    update(done, message) {
      if (finished) return;
      state.done = done;
      state.message = message;
      const t = now();
      if (t - last >= minInterval) {
        last = t;
        sink.show({ ...state }, false);
      }
    },
    done(message) {
      if (finished) return;
      finished = true;
      state.done = Math.max(state.done, state.total);
      if (message !== undefined) state.message = message;
      sink.show({ ...state }, true);
    },
  };
}

/**
 * Adapt the engine's ProgressEvent callbacks: one progress display per phase, finished when the phase completes
 * or a new phase starts.
 *
 * @example
 * await ss.slice(model, data.train, { metric: 'taylor', onProgress: progressCallback('slicing') });
 */
export function progressCallback(label = 'progress', opts: Omit<ProgressOptions, 'total' | 'label'> = {}): ProgressCallback {
  let phase: string | undefined;
  let handle: ProgressHandle | undefined;
  return (e: ProgressEvent) => {
    if (e.phase !== phase || !handle) {
      handle?.done();
      phase = e.phase;
      handle = progress({ ...opts, total: e.total, label: `${label}: ${e.phase}` });
    }
    handle.update(e.done, e.message);
    if (e.total > 0 && e.done >= e.total) {
      handle.done(e.message);
      handle = undefined;
      phase = undefined;
    }
  };
}
