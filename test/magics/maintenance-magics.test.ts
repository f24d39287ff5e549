/**
 * %%restructure, %%readapt and %%extend on the real engine (a small MLP on the synthetic dataset): each runs its
 * comparison driver with the defaults of MAINTENANCE_DEFAULTS unless told otherwise, slices by the slice policy when
 * no slice is given, shows its charts and table, and refuses bad arguments before any work.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend/index.js';
import { synthetic, type DatasetSplits } from '../../src/engine/data/index.js';
import type { ExtendComparison, ReadaptComparison, RestructureComparison } from '../../src/engine/maintenance/index.js';
import { buildModel, saveModel } from '../../src/engine/models/index.js';
import { train } from '../../src/engine/train/index.js';
import { dispatchMagic } from '../../src/magics/registry.js';
import { magic } from '../../src/magics/tagged.js';
import { registerBuiltinMagics } from '../../src/magics/builtins/register-all.js';
import { forgettingRows } from '../../src/magics/builtins/extend.js';
import { stdoutCapture } from './stdout-capture.js';

describe('magics: %%restructure, %%readapt, %%extend on the real engine', function () {
  this.timeout(300_000);
  const { stdout, quiet } = stdoutCapture();
  let dir: string;
  let model: tf.LayersModel;
  let modelA: tf.LayersModel;
  let splits: DatasetSplits;
  before(async () => {
    registerBuiltinMagics();
    await initBackend({ backend: 'wasm', quiet: true });
    dir = await mkdtemp(join(tmpdir(), 'semslice-magics-'));
    splits = await synthetic({ classes: 6, perClass: 40, testPerClass: 20, seed: 3 });
    model = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 6, seed: 1, width: 0.25 });
    await train(model, splits.train, { epochs: 4, batchSize: 16, seed: 0, learningRate: 0.01 });
    await saveModel(model, join(dir, 'm'));
    modelA = buildModel('mlp', { inputShape: [8, 8, 1], numClasses: 6, seed: 2, width: 0.5 });
    await train(modelA, splits.train.subsetClasses([0, 1, 2]), { epochs: 4, batchSize: 16, seed: 0, learningRate: 0.01 });
    (globalThis as Record<string, unknown>)['magicSplits'] = splits;
  });
  beforeEach(() => { stdout.length = 0; });
  after(async () => {
    model.dispose(); modelA.dispose();
    delete (globalThis as Record<string, unknown>)['magicSplits'];
    for (const k of ['rr', 'ra']) {
      const v = (globalThis as unknown as Record<string, { runs?: Array<{ model?: tf.LayersModel }> } | undefined>)[k];
      v?.runs?.forEach((r) => r.model?.dispose());
      delete (globalThis as Record<string, unknown>)[k];
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('%%restructure loads a model folder, slices by the policy, runs each method on one budget and shows curves, NI, class damage and a summary', async () => {
    const start = tf.memory().numTensors;
    const r = await quiet(() => dispatchMagic('restructure', `model=${join(dir, 'm')} data=magicSplits methods=none,slice,random pruner=global target=0.6 maxDrop=0.2 steps=2 seed=4`, '', true)) as RestructureComparison;
    assert.deepEqual(r.runs.map((x) => x.label), ['none + global', 'slice + global', 'random + global']);
    assert.equal(r.choice!.rule, 'auto', 'no slice given: the slice policy made one');
    for (const x of r.runs) {
      assert.equal(x.manifest.budget.steps, 2);
      assert.equal(x.manifest.seed, 4);
      assert.equal(x.model, undefined, 'models are disposed unless bound with as=');
    }
    assert.equal(r.summary.numRows(), 3);
    const text = stdout.join('');
    assert.match(text, /slice: theta [\d.]+ \(auto\)/);
    assert.match(text, /Restructuring: validation accuracy against compression/);
    assert.match(text, /Restructuring: pruning iterations per method/);
    assert.match(text, /Restructuring: accuracy lost per class/);
    assert.equal(tf.memory().numTensors, start, 'no tensor leaks');
    await quiet(() => magic`restructure model=${model} data=${splits} methods=none pruner=lamp target=0.5 steps=1 as=rr`);
    const rr = (globalThis as Record<string, unknown>)['rr'] as RestructureComparison;
    assert.equal(rr.slice, null, 'no method needed a slice');
    assert.ok(rr.runs[0]!.model, 'bound with as=: the caller owns the models');
  });

  it('%%readapt runs the methods on one workload, slices once and shows examples, curves and the summary', async () => {
    const r = await quiet(() => magic`readapt model=${model} data=${splits} workload=fgsm methods=critical,full count=20 epochs=1 eps=0.5`) as ReadaptComparison;
    assert.deepEqual(r.runs.map((x) => x.method), ['critical', 'full']);
    assert.equal(r.runs[0]!.manifest.budget.epochs, 1);
    assert.equal(r.choice!.rule, 'auto');
    assert.ok(r.runs.every((x) => x.frozen.identical));
    const text = stdout.join('');
    assert.match(text, /Clean images and their adversarial versions/);
    assert.match(text, /Re-adaptation: accuracy per step/);
  });

  it('%%extend learns the new classes with each method and shows the slice choice, forgetting, capacity and the summary', async () => {
    const r = await quiet(() => magic`extend model=${modelA} data=${splits} old=0-2 new=3,4,5 methods=naive,ours epochs=1 perTask=60 minFree=0.2`) as ExtendComparison;
    assert.deepEqual(r.runs.map((x) => x.label), ['naive', 'ours']);
    assert.equal(r.choice!.minFree, 0.2);
    assert.equal(r.runs[1]!.oldLogits.identical, true);
    assert.deepEqual(forgettingRows(r.runs).map((x) => x.method), ['naive', 'ours']);
    const text = stdout.join('');
    assert.match(text, /old task's slice: theta [\d.]+ \(auto: masked/);
    assert.match(text, /Capacity/i);
  });

  it('bad arguments are refused before any work, in magic terms', async () => {
    const nowhere = join(dir, 'no-such-model');
    await assert.rejects(dispatchMagic('restructure', `model=${nowhere} methods=none,slcie`, '', true), /%%restructure: unknown method\(s\) slcie/);
    await assert.rejects(dispatchMagic('restructure', `model=${nowhere} target=1.5`, '', true), /target must be in \(0, 1\), got 1\.5/);
    await assert.rejects(dispatchMagic('restructure', `model=${nowhere} pruner=lmap`, '', true), { name: 'SemsliceError' });
    await assert.rejects(dispatchMagic('readapt', `model=${nowhere} theta=2`, '', true), /theta must be auto or a number in \(0, 1\], got 2/);
    await assert.rejects(dispatchMagic('readapt', `model=${nowhere} methods=critcal`, '', true), /unknown method\(s\) critcal/);
    await assert.rejects(dispatchMagic('extend', `model=${nowhere} old=0-4 new=4-6`, '', true), /old and new classes overlap in 4/);
    await assert.rejects(dispatchMagic('extend', `model=${nowhere} minFree=1`, '', true), /minFree must be in \[0, 1\)/);
    await assert.rejects(dispatchMagic('extend', `model=${join(dir, 'm')} data=nosuch`, '', true), /data="nosuch" is neither a dataset name nor a notebook variable/);
  });
});
