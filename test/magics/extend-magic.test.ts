import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { dispatchMagic } from '../../src/magics/registry.js';
import { magic } from '../../src/magics/tagged.js';
import { registerBuiltinMagics } from '../../src/magics/builtins/register-all.js';
import { stdoutCapture } from './stdout-capture.js';
import { setExtendEngine, forgettingRows, type ExtendEngine } from '../../src/magics/builtins/extend.js';

describe('magics: %%extend', () => {
  const { stdout, quiet } = stdoutCapture();
  before(() => registerBuiltinMagics());
  beforeEach(() => { stdout.length = 0; });

  const LABELS = ['naive', 'replay-10%', 'ewc', 'ours'];
  function fake(calls: unknown[]): ExtendEngine {
    return {
      loadModel: async (dir) => (calls.push(['loadModel', dir]), { predict: () => 1 }),
      loadData: async (name) => (calls.push(['loadData', name]), { train: {}, test: {} }),
      methods: () => LABELS,
      run: async (model, data, opts, slice) => {
        calls.push(['run', opts, slice]);
        const runs = (opts['methods'] as string[]).map((label, i) => ({
          label, before: { old: 0.97 }, after: { old: label === 'ours' ? 0.97 : 0.3 + 0.1 * i, new: 0.9, classIL: { all: 0.5 } }, oldLogits: { identical: label === 'ours' },
        }));
        return {
          runs, summary: aq.table({ method: opts['methods'] as string[] }),
          capacity: (opts['methods'] as string[]).includes('ours') ? { tasks: ['0-4', '5-9'], sites: [{ site: 'fc1', neurons: 10, perTask: [6, 3], used: 8, free: 2 }], minFree: 0.1 } : null,
          choice: opts['theta'] === 'auto' ? { theta: 0.9, masked: 0.957, unmasked: 0.96, tolerance: 0.01, withinTolerance: true } : null,
        };
      },
    };
  }

  it('passes class sets, theta and the chosen methods; shows the theta choice, forgetting, capacity and the summary; the tagged template too', async () => {
    const calls: unknown[] = [];
    const prev = setExtendEngine(fake(calls));
    try {
      const r = await quiet(() => dispatchMagic('extend', 'model=models/m data=mnist old=0-2 new=3,4 methods=naive,ours epochs=2 perTask=300', '', true)) as { runs: unknown[] };
      assert.deepEqual(calls[0], ['loadModel', 'models/m']);
      assert.deepEqual(calls[1], ['loadData', 'mnist']);
      const [, opts, slice] = calls[2] as [string, Record<string, unknown>, unknown];
      assert.deepEqual(opts['old'], [0, 1, 2]);
      assert.deepEqual(opts['fresh'], [3, 4]);
      assert.equal(opts['theta'], 'auto');
      assert.equal(opts['tolerance'], 0.01);
      assert.deepEqual(opts['methods'], ['naive', 'ours']);
      assert.equal(opts['epochs'], 2);
      assert.equal(opts['perTask'], 300);
      assert.equal(slice, null);
      assert.equal(r.runs.length, 2);
      const text = stdout.join('');
      assert.match(text, /theta 0\.9 \(auto: masked 95\.7% vs unmasked 96\.0%/);
      assert.match(text, /old task before and after/);
      assert.match(text, /Capacity after tasks 0-4 \| 5-9/);
      calls.length = 0;
      stdout.length = 0;
      await quiet(() => magic`%%extend model=models/m data=synthetic methods=naive theta=${0.8}`);
      const o2 = (calls[2] as [string, Record<string, unknown>])[1];
      assert.equal(o2['theta'], 0.8);
      assert.deepEqual(o2['old'], [0, 1, 2, 3, 4]);
      assert.deepEqual(o2['fresh'], [5, 6, 7, 8, 9]);
      assert.doesNotMatch(stdout.join(''), /Capacity after/, 'no capacity chart without ours');
      assert.doesNotMatch(stdout.join(''), /auto: masked/, 'no theta line for a numeric theta');
      calls.length = 0;
      await assert.rejects(dispatchMagic('extend', 'model=m methods=oursx', '', true), /unknown method\(s\) oursx/);
      await assert.rejects(dispatchMagic('extend', 'model=m old=0-4 new=4-9', '', true), /overlap in 4/);
      await assert.rejects(dispatchMagic('extend', 'model=m theta=1.5', '', true), /theta must be auto or a number/);
      await assert.rejects(dispatchMagic('extend', 'model=m old=x', '', true), { name: 'SemsliceError' });
      assert.equal(calls.length, 0, 'bad arguments fail before the engine runs');
    } finally {
      setExtendEngine(prev);
    }
    // Unwired on purpose: src/index.ts, imported by earlier test files, wires the real engine.
    const wired = setExtendEngine(undefined);
    try {
      await assert.rejects(dispatchMagic('extend', 'model=m', '', true), /no incremental engine is wired/);
    } finally {
      setExtendEngine(wired);
    }
  });

  it('forgettingRows maps runs to chart rows', () => {
    assert.deepEqual(forgettingRows([{ label: 'ours', before: { old: 0.9 }, after: { old: 0.9, new: 0.8, classIL: { all: 0.7 } } }]),
      [{ method: 'ours', oldBefore: 0.9, oldAfter: 0.9, newAfter: 0.8, allAfter: 0.7 }]);
  });
});
