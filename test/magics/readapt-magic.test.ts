import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { dispatchMagic } from '../../src/magics/registry.js';
import { magic } from '../../src/magics/tagged.js';
import { registerBuiltinMagics } from '../../src/magics/builtins/register-all.js';
import { stdoutCapture } from './stdout-capture.js';
import { setReadaptEngine, examplePairs, type ReadaptEngine } from '../../src/magics/builtins/readapt.js';

describe('magics: %%readapt', () => {
  const { stdout, quiet } = stdoutCapture();
  before(() => registerBuiltinMagics());
  beforeEach(() => { stdout.length = 0; });

  const ds = (v: number) => ({ size: 3, sampleShape: [2, 2, 1], label: (i: number) => i, sample: () => new Float32Array(4).fill(v) });
  function fake(calls: unknown[]): ReadaptEngine {
    return {
      loadModel: async (dir) => (calls.push(['loadModel', dir]), { predict: () => 1 }),
      loadData: async (name) => (calls.push(['loadData', name]), { train: {}, test: {} }),
      methods: () => ['critical', 'full', 'last-layer', 'deeparc', 'random'],
      run: async (model, data, opts, slice) => {
        calls.push(['run', opts, slice]);
        return {
          examples: { clean: ds(0), fresh: ds(1) }, workload: { workload: opts['workload'] },
          results: (opts['methods'] as string[]).map((method) => ({ method, rows: [{ epoch: 0, newAccuracy: 0.1, cleanAccuracy: 0.9 }, { epoch: 1, newAccuracy: 0.7, cleanAccuracy: 0.88 }] })),
          summary: aq.table({ method: opts['methods'] as string[] }),
        };
      },
    };
  }

  it('passes validated options, runs the chosen methods, shows examples, curves and the summary; the tagged template too', async () => {
    const calls: unknown[] = [];
    const prev = setReadaptEngine(fake(calls));
    try {
      const r = await quiet(() => dispatchMagic('readapt', 'model=models/m data=mnist workload=pgd methods=critical,full epochs=1 count=50', '', true)) as { results: unknown[] };
      assert.deepEqual(calls[0], ['loadModel', 'models/m']);
      assert.deepEqual(calls[1], ['loadData', 'mnist']);
      const [, opts, slice] = calls[2] as [string, Record<string, unknown>, unknown];
      assert.equal(opts['workload'], 'pgd');
      assert.deepEqual(opts['methods'], ['critical', 'full']);
      assert.equal(opts['epochs'], 1);
      assert.equal(opts['count'], 50);
      assert.equal(slice, null);
      assert.equal(r.results.length, 2);
      const text = stdout.join('');
      assert.match(text, /Clean images and their adversarial versions/);
      assert.match(text, /Re-adaptation: accuracy per epoch/);
      calls.length = 0;
      stdout.length = 0;
      await quiet(() => magic`%%readapt model=models/m data=synthetic workload=mutant`);
      assert.deepEqual((calls[2] as [string, Record<string, unknown>])[1]['methods'], ['critical', 'full', 'last-layer', 'deeparc', 'random']);
      assert.doesNotMatch(stdout.join(''), /adversarial versions/, 'no image grid for mutants');
      await assert.rejects(dispatchMagic('readapt', 'model=m methods=critcal', '', true), /unknown method\(s\) critcal/);
      await assert.rejects(dispatchMagic('readapt', 'model=m workload=fgsn', '', true), { name: 'SemsliceError' });
    } finally {
      setReadaptEngine(prev);
    }
    // Unwired on purpose: src/index.ts, imported by earlier test files, wires the real engine.
    const wired = setReadaptEngine(undefined);
    try {
      await assert.rejects(dispatchMagic('readapt', 'model=m', '', true), /no re-adaptation engine is wired/);
    } finally {
      setReadaptEngine(wired);
    }
  });

  it('examplePairs: clean row then new row, at most n each', () => {
    const g = examplePairs({ clean: ds(0), fresh: ds(1) }, 2, ['clean', 'fgsm']);
    assert.deepEqual(g.images.map((i) => i.row), ['clean', 'clean', 'fgsm', 'fgsm']);
    assert.equal(g.height, 2);
  });
});
