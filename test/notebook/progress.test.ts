import assert from 'node:assert/strict';
import { progress, progressCallback, progressText, streamSink, type ProgressState } from '../../src/notebook/progress.js';

function recorder() {
  const shown: Array<{ s: ProgressState; final: boolean }> = [];
  return { shown, sink: { show: (s: ProgressState, final: boolean) => shown.push({ s, final }) } };
}

describe('notebook/progress', () => {
  it('throttles updates to the interval and always shows the final state', () => {
    let t = 0;
    const r = recorder();
    const p = progress({ total: 100, label: 'work', now: () => t, minIntervalMs: 250, sink: r.sink });
    for (let i = 1; i <= 100; i++) {
      t += 10; // 100 updates over 1 s
      p.update(i);
    }
    p.done();
    const finals = r.shown.filter((x) => x.final);
    assert.equal(finals.length, 1);
    assert.equal(finals[0]!.s.done, 100);
    const intermediate = r.shown.length - 1;
    assert.ok(intermediate >= 4 && intermediate <= 5, `about 4 per second, got ${intermediate}`);
    p.update(5);
    p.done();
    assert.equal(r.shown.length, intermediate + 1, 'nothing after done()');
  });

  it('formats done/total, percent and message', () => {
    assert.equal(progressText({ label: 'x', done: 3, total: 12, message: 'batch 3' }), 'x: 3/12 (25%) batch 3');
    assert.equal(progressText({ label: 'x', done: 0, total: 0 }), 'x: 0/0 (100%)');
  });

  it('non-TTY streams print a few lines only', () => {
    const lines: string[] = [];
    const sink = streamSink((s) => lines.push(s), false);
    const p = progress({ total: 1000, label: 'ci', minIntervalMs: 0, now: () => 0, sink });
    for (let i = 1; i <= 1000; i++) p.update(i);
    p.done();
    assert.ok(lines.length <= 6, `got ${lines.length} lines`);
    assert.equal(lines.at(-1), 'ci: 1000/1000 (100%)\n');
    assert.ok(lines.every((l) => l.endsWith('\n') && !l.includes('\r')));
  });

  it('TTY streams rewrite one line with \\r and end it on done', () => {
    const out: string[] = [];
    const p = progress({ total: 2, label: 'tty', minIntervalMs: 0, now: () => 0, sink: streamSink((s) => out.push(s), true) });
    p.update(1);
    p.done();
    assert.deepEqual(out, ['\rtty: 1/2 (50%)', '\rtty: 2/2 (100%)\n']);
  });

  it('adapts engine ProgressEvents, one display per phase', () => {
    const r = recorder();
    let t = 0;
    const cb = progressCallback('slice', { sink: r.sink, now: () => (t += 1000) });
    cb({ phase: 'profile', done: 1, total: 2 });
    cb({ phase: 'profile', done: 2, total: 2 });
    cb({ phase: 'merge', done: 1, total: 3 });
    cb({ phase: 'select', done: 1, total: 1 });
    const finals = r.shown.filter((x) => x.final).map((x) => `${x.s.label} ${x.s.done}/${x.s.total}`);
    assert.deepEqual(finals, ['slice: profile 2/2', 'slice: merge 3/3', 'slice: select 1/1']);
  });
});
