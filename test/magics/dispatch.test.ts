import { SLICE_DEFAULTS } from '../../src/engine/slicing/options.js';
import assert from 'node:assert/strict';
import { dispatchMagic, listMagics, registerMagic } from '../../src/magics/registry.js';
import { magic } from '../../src/magics/tagged.js';
import { enableMagics } from '../../src/magics/enable.js';
import { registerBuiltinMagics } from '../../src/magics/builtins/register-all.js';
import { magicRows } from '../../src/magics/builtins/lsmagic.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/engine/backend/index.js';
import { synthetic } from '../../src/engine/data/index.js';
import { buildModel, saveModel } from '../../src/engine/models/index.js';
import { Slice } from '../../src/engine/slicing/index.js';
import { train } from '../../src/engine/train/index.js';

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
      e.message === 'Unknown magic "%sliec". Did you mean "%slice"?' && /Available: .*%slice/.test(e.hint!));
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

  it('%%slice loads a model folder or takes a variable, profiles the training split of a dataset or a dataset variable', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const d = await synthetic({ classes: 3, perClass: 20, seed: 2 });
    const model = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 3, seed: 1, width: 0.25 });
    await train(model, d.train, { epochs: 3, batchSize: 16, seed: 0, learningRate: 0.01 });
    const dir = await mkdtemp(join(tmpdir(), 'semslice-slice-magic-'));
    try {
      await saveModel(model, join(dir, 'm'));
      (globalThis as Record<string, unknown>).sliceData = d;
      const s = await quiet(() => dispatchMagic('slice', `model=${join(dir, 'm')} data=sliceData metric=avg theta=0.9 limit=45 as=sl`, '', true)) as Slice;
      assert.ok(s instanceof Slice);
      assert.equal(s.params.metric, 'avg');
      assert.equal(s.params.theta, 0.9);
      assert.equal(s.params.tau, SLICE_DEFAULTS.tau);
      assert.equal(s.counts.reduce((a, b) => a + b, 0) <= 45, true, 'limit=45 profiles the first 45 training samples');
      assert.equal((globalThis as Record<string, unknown>).sl, s);
      assert.match(stdout.join(''), /Slice|critical/i, 'the result is shown');
      (globalThis as Record<string, unknown>).myModel = model;
      const again = await quiet(() => dispatchMagic('slice', 'model=myModel data=sliceData metric=avg theta=0.9 limit=45', '', true)) as Slice;
      assert.deepEqual(again.toJSON(), s.toJSON(), 'a variable holding a model is used, not loaded');
      await assert.rejects(dispatchMagic('slice', 'model=myModel data=nosuch', '', true), /data="nosuch" is neither a dataset name nor a notebook variable/);
    } finally {
      for (const k of ['myModel', 'sliceData', 'sl']) delete (globalThis as Record<string, unknown>)[k];
      model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('enableMagics() outside a kernel says so and returns false', () => {
    const out: string[] = [];
    assert.equal(enableMagics({ write: (s) => out.push(s) }), false);
    assert.match(out.join(''), /not running in a tslab kernel.*tagged template/);
  });
});
