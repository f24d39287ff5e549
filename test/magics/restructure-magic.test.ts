import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { dispatchMagic } from '../../src/magics/registry.js';
import { magic } from '../../src/magics/tagged.js';
import { registerBuiltinMagics } from '../../src/magics/builtins/register-all.js';
import { stdoutCapture } from './stdout-capture.js';
import { setRestructureEngine, type RestructureEngine, type RestructureMagicResult, type RestructureOutcome } from '../../src/magics/builtins/restructure.js';

describe('magics: %%restructure', () => {
  const { stdout, quiet } = stdoutCapture();
  before(() => registerBuiltinMagics());
  beforeEach(() => { stdout.length = 0; });

  const outcome = (pre: string): RestructureOutcome => ({
    rows: [{ iteration: 0, cr: pre === 'none' ? 0 : 0.3, accuracy: 0.9, perClass: [0.9, 0.9] }, { iteration: 1, cr: 0.5, accuracy: 0.89, perClass: [0.88, 0.9] }],
    ni: 1, cr: 0.5, ma: 0.89, reached: true, stop: 'target',
    original: { accuracy: 0.9, perClass: [0.9, 0.9] }, final: { params: 100, liveParams: 50, perClass: [0.88, 0.9] },
  });
  function fake(calls: unknown[]): RestructureEngine {
    return {
      loadModel: async (dir) => (calls.push(['loadModel', dir]), { predict: () => 1 }),
      loadData: async (name) => (calls.push(['loadData', name]), { train: 'TRAIN', test: 'TEST', classNames: ['zero', 'one'] }),
      slice: async (_m, train, opts) => (calls.push(['slice', train, opts]), 'SLICE'),
      restructure: async (_m, s, opts) => (calls.push(['restructure', s, opts]), outcome(String(opts['pre']))),
      take: (d, n) => `${String(d)}:${n}`,
      table: (rows) => aq.from(rows),
      pruners: () => ['lamp', 'global', 'uniform-plus', 'erk'],
      preSteps: () => ['none', 'slice', 'random', 'deeparc'],
      dispose: (r) => calls.push(['dispose', r.ni]),
    };
  }

  it('runs each pre-step with one pruner and one budget, slices once, shows curves, NI bars, class damage and a summary; the tagged template too', async () => {
    const calls: unknown[] = [];
    const prev = setRestructureEngine(fake(calls));
    try {
      const r = await quiet(() => dispatchMagic('restructure', 'model=models/m data=mnist pruner=erk target=0.5 steps=3 trainLimit=100 testLimit=50 seed=4', '', true)) as RestructureMagicResult;
      assert.deepEqual(calls[0], ['loadModel', 'models/m']);
      assert.deepEqual(calls[1], ['loadData', 'mnist']);
      assert.deepEqual(calls[2], ['slice', 'TRAIN:100', { seed: 4 }]);
      const runs = calls.filter((c) => (c as unknown[])[0] === 'restructure') as Array<[string, unknown, Record<string, unknown>]>;
      assert.deepEqual(runs.map((c) => c[2]['pre']), ['none', 'slice', 'random']);
      assert.deepEqual(runs.map((c) => c[1]), [null, 'SLICE', 'SLICE']);
      for (const [, , o] of runs) {
        assert.equal(o['pruner'], 'erk');
        assert.equal(o['targetCR'], 0.5);
        assert.equal(o['seed'], 4);
        assert.equal(o['train'], 'TRAIN:100');
        assert.equal(o['test'], 'TEST:50');
        assert.deepEqual(o['fineTune'], { steps: 3, batchSize: 32, learningRate: 1e-4 });
      }
      assert.deepEqual(r.runs.map((x) => x.method), ['none + erk', 'slice + erk', 'random + erk']);
      assert.equal((r.summary as aq.ColumnTable).numRows(), 3);
      assert.equal(calls.filter((c) => (c as unknown[])[0] === 'dispose').length, 3, 'models disposed when not bound with as=');
      const text = stdout.join('');
      assert.match(text, /Restructuring: accuracy against compression/);
      assert.match(text, /Restructuring: pruning iterations per method/);
      assert.match(text, /Restructuring: accuracy lost per class/);
      calls.length = 0;
      const model = { predict: () => 2 };
      await quiet(() => magic`restructure model=${model} data=synthetic pre=none,deeparc as=rr`);
      assert.ok(!calls.some((c) => (c as unknown[])[0] === 'slice'), 'no slice needed for none and deeparc');
      assert.ok(!calls.some((c) => (c as unknown[])[0] === 'loadModel'), 'the interpolated model is used as it is');
      assert.equal(calls.filter((c) => (c as unknown[])[0] === 'dispose').length, 0, 'bound with as=: the caller owns the models');
      await assert.rejects(dispatchMagic('restructure', 'model=m pre=none,slcie', '', true), /unknown pre-step\(s\) slcie/);
      await assert.rejects(dispatchMagic('restructure', 'model=m target=1.5', '', true), /target must be in \(0, 1\), got 1\.5/);
      await assert.rejects(dispatchMagic('restructure', 'model=m pruner=lmap', '', true), { name: 'SemsliceError' });
    } finally {
      setRestructureEngine(prev);
    }
    // Unwired on purpose: src/index.ts, imported by earlier test files, wires the real engine.
    const wired = setRestructureEngine(undefined);
    try {
      await assert.rejects(dispatchMagic('restructure', 'model=m', '', true), /no restructuring engine is wired/);
    } finally {
      setRestructureEngine(wired);
    }
  });
});
