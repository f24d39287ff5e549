/**
 * The maintenance defaults are declared once (MAINTENANCE_DEFAULTS) and read by the API, the CLI flags, the magics
 * and the demo: each is compared with the table here.
 */
import { strict as assert } from 'node:assert';
import type { Command } from 'commander';
import { MAINTENANCE_DEFAULTS as D } from '../../src/engine/maintenance/index.js';
import { buildProgram } from '../../src/cli/main.js';
import { validateArgs } from '../../src/magics/args.js';
import { restructureMagic } from '../../src/magics/builtins/restructure.js';
import { readaptMagic } from '../../src/magics/builtins/readapt.js';
import { extendMagic } from '../../src/magics/builtins/extend.js';
import { demoCells, type DemoParams } from '../../src/cli/demo/demo-notebook.js';

function flagDefaults(name: string): Record<string, unknown> {
  const cmd = buildProgram().commands.find((c: Command) => c.name() === name)!;
  return Object.fromEntries(cmd.options.map((o) => [o.attributeName(), o.defaultValue]));
}

describe('maintenance defaults are declared once (API, CLI flags, magics, demo)', () => {
  it('semslice restructure, readapt and extend default to the table', () => {
    const r = flagDefaults('restructure');
    assert.deepEqual([r['pre'], r['pruner'], r['targetCr'], r['maxDrop'], r['amount'], r['maxIterations'], r['steps'], r['batchSize'], r['lr']],
      [D.restructure.pre, D.restructure.pruner, D.restructure.targetCR, D.restructure.maxDrop, D.restructure.amountPerIteration, D.restructure.maxIterations,
        D.restructure.fineTune.steps, D.restructure.fineTune.batchSize, D.restructure.fineTune.learningRate]);
    const a = flagDefaults('readapt');
    assert.deepEqual([a['method'], a['epochs'], a['batchSize'], a['lr'], a['sliceClasses'], a['count'], a['cleanRatio'], a['drop']],
      [D.readapt.method, D.readapt.epochs, D.readapt.batchSize, D.readapt.learningRate, D.readapt.sliceClasses, D.readapt.count, D.readapt.cleanRatio, D.readapt.drop]);
    const e = flagDefaults('extend');
    assert.deepEqual([e['method'], e['epochs'], e['batchSize'], e['lr'], e['minFree'], e['replay']], [D.extend.method, D.extend.epochs, D.extend.batchSize, D.extend.learningRate, D.extend.minFree, D.extend.replay]);
    for (const cmd of [r, a, e]) assert.deepEqual([cmd['theta'], cmd['tolerance']], [D.slice.theta, D.slice.tolerance]);
  });

  it('%%restructure, %%readapt and %%extend default to the table', () => {
    const r = validateArgs('%%restructure', { model: 'm' }, restructureMagic.args);
    assert.deepEqual([r['pruner'], r['target'], r['maxDrop'], r['steps'], r['batchSize'], r['lr'], r['theta'], r['tolerance']],
      [D.restructure.pruner, D.restructure.targetCR, D.restructure.maxDrop, D.restructure.fineTune.steps, D.restructure.fineTune.batchSize, D.restructure.fineTune.learningRate, D.slice.theta, D.slice.tolerance]);
    const a = validateArgs('%%readapt', { model: 'm' }, readaptMagic.args);
    assert.deepEqual([a['count'], a['drop'], a['epochs'], a['batchSize'], a['lr'], a['sliceClasses']], [D.readapt.count, D.readapt.drop, D.readapt.epochs, D.readapt.batchSize, D.readapt.learningRate, D.readapt.sliceClasses]);
    const e = validateArgs('%%extend', { model: 'm' }, extendMagic.args);
    assert.deepEqual([e['minFree'], e['perTask'], e['epochs'], e['batchSize'], e['lr']], [D.extend.minFree, D.extend.perTask, D.extend.epochs, D.extend.batchSize, D.extend.learningRate]);
  });

  it('the demo runs the comparisons without budget options of its own, and its prose quotes the table', () => {
    const p: DemoParams = { modelDir: 'm', epochs: 1, trainSamples: 100, profilePerClass: 10, evalSamples: 100, metric: 'taylor', theta: 0.95, seed: 0, backend: 'cpu' };
    const cells = demoCells(p, { trained: true });
    const code = cells.filter((c) => c.kind === 'code').map((c) => c.source).join('\n');
    for (const call of ['compareRestructure', 'compareReadapt', 'compareExtend']) {
      const args = new RegExp(`ss\\.${call}\\([^;]*\\);`).exec(code)![0];
      assert.doesNotMatch(args, /steps|epochs|learningRate|batchSize|targetCR|maxDrop|count|perTask|minFree/, `${call} uses the defaults: ${args}`);
    }
    const prose = cells.filter((c) => c.kind === 'markdown').map((c) => c.source).join('\n');
    assert.match(prose, new RegExp(`${D.restructure.fineTune.steps} fine-tuning batches of\\s+${D.restructure.fineTune.batchSize}`));
    assert.match(prose, new RegExp(`${D.readapt.epochs} epochs \\(batch ${D.readapt.batchSize}, Adam ${D.readapt.learningRate}\\)`));
    assert.match(prose, new RegExp(`at least ${100 * D.extend.minFree}% of every layer free`));
  });
});
