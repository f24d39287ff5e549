import { SLICE_DEFAULTS } from '../../src/engine/slicing/options.js';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { dispatchMagic, listMagics, registerMagic } from '../../src/magics/registry.js';
import { magic } from '../../src/magics/tagged.js';
import { enableMagics } from '../../src/magics/enable.js';
import { registerBuiltinMagics } from '../../src/magics/builtins/register-all.js';
import { magicRows } from '../../src/magics/builtins/lsmagic.js';
import { setSliceEngine, type SliceEngine } from '../../src/magics/builtins/slice.js';

describe('magics/dispatch, tagged template, built-ins', () => {
  let stdout: string[] = [];
  const realWrite = process.stdout.write.bind(process.stdout);
  /** Capture what show() prints to stdout while fn runs (only then: mocha's reporter writes there too). */
  async function quiet<T>(fn: () => Promise<T>): Promise<T> {
    process.stdout.write = ((s: string) => (stdout.push(String(s)), true)) as typeof process.stdout.write;
    try {
      return await fn();
    } finally {
      process.stdout.write = realWrite;
    }
  }
  before(() => registerBuiltinMagics());
  beforeEach(() => {
    stdout = [];
  });

  it('runs a registered magic and binds as=NAME to a global', async () => {
    const calls: unknown[] = [];
    registerMagic({ name: 'echo-test', kind: 'cell', description: 'echo', args: { n: { type: 'number', description: 'n' }, as: { type: 'identifier', description: 'v' } },
      run: (ctx) => (calls.push([ctx.args, ctx.body]), `got ${ctx.args.n}`) });
    assert.equal(await dispatchMagic('echo-test', 'n=2 as=echoed', 'body', true), 'got 2');
    assert.deepEqual(calls, [[{ n: 2, as: 'echoed' }, 'body']]);
    assert.equal((globalThis as Record<string, unknown>).echoed, 'got 2');
    assert.throws(() => registerMagic({ name: 'echo-test', kind: 'line', description: '', args: {}, run: () => 0 }), /already registered/);
  });

  it('unknown magics and bad arguments run nothing', async () => {
    let ran = 0;
    registerMagic({ name: 'count-test', kind: 'line', description: 'c', args: { a: { type: 'number', description: 'a' } }, run: () => ran++ });
    await assert.rejects(dispatchMagic('sliec', '', '', true), (e: Error & { hint?: string }) =>
      e.message === 'Unknown magic "%sliec". Did you mean "%slice"? Nothing was run.' && /Available: .*%slice.*Run %lsmagic/.test(e.hint!));
    await assert.rejects(dispatchMagic('count-test', 'b=1', '', false), /%count-test: unknown argument "b"/);
    await assert.rejects(dispatchMagic('count-test', '', 'some body', true), /line magic and takes no cell body/);
    assert.equal(ran, 0);
  });

  it('the tagged template passes interpolated objects as they are', async () => {
    const seen: unknown[] = [];
    registerMagic({ name: 'obj-test', kind: 'cell', description: 'o', args: { model: { type: 'ref', description: 'm' }, tag: { type: 'string', description: 't' } },
      run: (ctx) => (seen.push(ctx.args.model, ctx.args.tag, ctx.body), 'ok') });
    const model = { predict: () => 0 };
    const n = 7;
    assert.equal(await magic`obj-test model=${model} tag=run-${n}
line ${n}`, 'ok');
    assert.equal(seen[0], model);
    assert.deepEqual(seen.slice(1), ['run-7', 'line 7']);
    assert.equal(await magic`%%obj-test tag=x`, 'ok');
    await assert.rejects(magic`obj-test bogus=1`, /%%obj-test: unknown argument "bogus"/);
  });

  it('%%vegalite shows the spec (as text outside a kernel) and explains bad JSON', async () => {
    const spec = await quiet(() => dispatchMagic('vegalite', '', '{"title": "v", "mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}}', true));
    assert.equal((spec as { title: string }).title, 'v');
    assert.deepEqual(stdout, ['Chart: v (bar; 1 data rows; fields: a)\n']);
    await assert.rejects(dispatchMagic('vegalite', '', '{mark: bar}', true), /%%vegalite: the cell body is not valid JSON/);
    await assert.rejects(dispatchMagic('vegalite', '', '{"a": 1}', true), /not a Vega-Lite spec/);
  });

  it('%lsmagic lists every magic with its arguments', async () => {
    await quiet(() => dispatchMagic('lsmagic', '', '', false));
    const text = stdout.join('');
    for (const m of listMagics()) assert.ok(text.includes(m.name), m.name);
    const slice = magicRows().find((r) => r.magic === '%%slice')!;
    assert.match(slice.args, /model\*:ref .*metric:avg\|var\|taylor\|deeplift\|ens=taylor .*theta:number=0\.95/);
  });

  it('%%slice resolves model and data through the injected engine', async () => {
    const calls: Array<[string, unknown]> = [];
    const train = { name: 'train', take: (n: number) => ({ name: `train[:${n}]` }) };
    const engine: SliceEngine = {
      loadModel: async (dir) => (calls.push(['loadModel', dir]), { predict: () => 0, dir }),
      loadData: async (name) => (calls.push(['loadData', name]), { train, test: {} }),
      slice: async (model, data, opts) => (calls.push(['slice', { model, data, opts }]), aq.table({ ok: [1] })),
    };
    const prev = setSliceEngine(engine);
    try {
      await quiet(() => dispatchMagic('slice', 'model=models/m data=mnist metric=avg theta=0.9 limit=50 as=sl', '', true));
      assert.deepEqual(calls[0], ['loadModel', 'models/m']);
      assert.deepEqual(calls[1], ['loadData', 'mnist']);
      const s = calls[2]![1] as { data: unknown; opts: Record<string, unknown> };
      assert.deepEqual(s.data, { name: 'train[:50]' });
      assert.deepEqual(s.opts, { metric: 'avg', theta: 0.9, method: 'semantic', tau: SLICE_DEFAULTS.tau });
      assert.deepEqual(stdout, ['ok\n--\n1\n'], 'the result is shown');
      const myModel = { predict: () => 1 };
      (globalThis as Record<string, unknown>).myModel = myModel;
      calls.length = 0;
      await quiet(() => dispatchMagic('slice', 'model=myModel data=synthetic', '', true));
      assert.equal((calls[1]![1] as { model: unknown }).model, myModel, 'a variable holding a model is used, not loaded');
      await assert.rejects(dispatchMagic('slice', 'model=m data=nosuch', '', true), /data="nosuch" is neither a dataset name nor a notebook variable/);
    } finally {
      setSliceEngine(prev);
      delete (globalThis as Record<string, unknown>).myModel;
    }
    // Unwired on purpose: src/index.ts, imported by earlier test files, wires the real engine.
    const wired = setSliceEngine(undefined);
    try {
      await assert.rejects(dispatchMagic('slice', 'model=m', '', true), /no slicing engine is wired/);
    } finally {
      setSliceEngine(wired);
    }
  });

  it('enableMagics() outside a kernel says so and returns false', () => {
    const out: string[] = [];
    assert.equal(enableMagics({ write: (s) => out.push(s) }), false);
    assert.match(out.join(''), /not running in a tslab kernel.*tagged template/);
  });
});
