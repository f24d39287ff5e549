/**
 * The RQ4 studies: `extend` (task A then task B) and `split-mnist` (Hsu et al.'s set-up). Grids and sizes of the full
 * presets; the small presets run for real (the CI sizes), and their reports' numbers are recomputed here from the
 * raw rows.
 */
import { strict as assert } from 'node:assert';
import { initBackend } from '../../../src/engine/backend/index.js';
import { buildModel, modelSummary } from '../../../src/engine/models/index.js';
import { EXTEND_SIZES, clearExtendStudyCache, extendGrid, extendStudy } from '../../../src/engine/studies/extend.js';
import { getStudy, listStudies } from '../../../src/engine/studies/index.js';
import { HSU_SPLIT_MNIST, SPLIT_MNIST_SIZES, splitMnistGrid, splitMnistStudy } from '../../../src/engine/studies/split-mnist.js';
import { seedInterval } from '../../../src/engine/studies/stats.js';
import type { StudyRecord } from '../../../src/engine/studies/types.js';
import { cellId, splitTimings } from '../../../src/engine/studies/runner.js';

async function runSmall(name: string, grid: ReturnType<typeof extendGrid>): Promise<StudyRecord[]> {
  const def = getStudy(name);
  const out: StudyRecord[] = [];
  for (const [index, params] of grid.entries()) {
    const t0 = performance.now();
    const { rows, rowTimings } = splitTimings(await def.run(params, { preset: 'small' }));
    out.push({ index, id: cellId(params), params, rows, rowTimings, seconds: (performance.now() - t0) / 1000 });
  }
  return out;
}

describe('engine/studies: the RQ4 studies (extend, split-mnist)', function () {
  this.timeout(900_000);
  before(async () => { await initBackend({ quiet: true }); });
  after(() => clearExtendStudyCache());

  it('extend, full: LeNet-5 at width 1 and 2 on MNIST (3 seeds) and Fashion-MNIST (5 seeds), three parts per (config, seed), a converging task-B budget', () => {
    assert.ok(listStudies().some((d) => d.name === 'extend') && listStudies().some((d) => d.name === 'split-mnist'));
    const s = EXTEND_SIZES.full;
    const grid = extendGrid('full');
    assert.equal(grid.length, s.configs.reduce((a, c) => a + c.seeds.length, 0) * 3);
    assert.deepEqual([...new Set(grid.map((c) => `${String(c['dataset'])}/${String(c['width'])}`))], ['mnist/1', 'mnist/2', 'fashion-mnist/1', 'fashion-mnist/2']);
    assert.deepEqual(s.thetas, [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]);
    assert.equal(s.minFree, 0.25);
    assert.equal(s.testCount, null, 'the whole test set');
    assert.ok(s.perTask >= 15000 && s.epochs >= 4, 'task B converges: the learning curves in the report show it');
    assert.equal(s.lambdas, null, 'EWC on extend\'s grid 1e2 ... 1e7');
    assert.match(extendStudy.presetNotes!.full!, /width 1 and 2/);
  });

  it('split-mnist, full: mlp400 (2 x 400, 478,410 parameters), all of MNIST, 4 epochs, 5 seeds, every method in both set-ups', () => {
    const m = buildModel('mlp400', { inputShape: [28, 28, 1], numClasses: 10, seed: 0 });
    assert.equal(modelSummary(m).params, 784 * 400 + 400 + 400 * 400 + 400 + 400 * 10 + 10);
    m.dispose();
    const s = SPLIT_MNIST_SIZES.full;
    assert.deepEqual([s.model, s.perClass, s.epochs, s.batchSize, s.learningRate, s.seeds.length], ['mlp400', null, 4, 128, 1e-3, 5]);
    const arms = [...new Set(splitMnistGrid('full').map((c) => String(c['arm'])))];
    for (const a of ['naive (task heads)', 'naive (shared head)', 'ewc (task heads)', 'ewc (shared head)', 'replay (task heads)', 'replay (shared head)', 'ours', 'ours+replay', 'offline']) assert.ok(arms.includes(a), a);
    assert.deepEqual(HSU_SPLIT_MNIST['naive']!.taskIL, [93.46, 2.01]);
    assert.match(splitMnistStudy.description, /Hsu et al\. 2018/);
  });

  it('extend, small: every arm of every part runs; ours keeps task A bit-identical; the report\'s numbers are the rows\'', async () => {
    const records = await runSmall('extend', extendGrid('small'));
    const arms = records.flatMap((r) => r.rows.filter((x) => x['arm'] !== 'base'));
    for (const a of ['naive', 'replay-5%', 'replay-10%', 'replay-100%', 'ewc', 'deeparc', 'ours', 'ours+replay-10%', 'ours (minFree 0)', 'ours θ=0.5', 'ours θ=0.8', 'ours θ=0.95']) {
      assert.ok(arms.some((x) => x['arm'] === a), `arm ${a}`);
    }
    for (const x of arms.filter((y) => String(y['method']).startsWith('ours'))) {
      assert.equal(x['oldLogitsIdentical'], true, String(x['arm']));
      assert.equal(x['aBefore'], x['aAfter'], 'task A through its mask does not move');
      assert.ok(x['freeA'] && Object.keys(x['freeA'] as object).length === 4, 'per-site free counts after slicing A');
    }
    const steps = new Set(arms.map((x) => x['steps']));
    assert.equal(steps.size, 1, 'one budget for every arm');
    for (const x of arms) assert.equal((x['curve'] as unknown[]).length, EXTEND_SIZES.small.epochs, 'a learning-curve point per epoch');
    for (const r of records) r.rowTimings!.slice(1).forEach((t) => assert.ok(t && t['secondsPerStep']! > 0, 'wall time per step under timing'));
    const rep = extendStudy.report!(records, 'small');
    assert.ok(rep.claims.length >= 8);
    for (const c of rep.claims) assert.ok(['holds', 'does not hold', 'cannot be tested here'].includes(c.verdict), c.claim);
    const table = rep.tables.find((t) => t.title.startsWith('lenet5 / mnist: task A then task B'))!;
    const naive = arms.find((x) => x['arm'] === 'naive')!;
    const row = table.rows.find((r) => r[0] === 'naive')!;
    assert.equal(row[2], `${(100 * seedInterval([naive['aAfter'] as number]).mean).toFixed(1)} (1 seed)`);
    assert.ok(rep.tables.some((t) => t.title.startsWith('Ours over theta')));
    assert.ok(rep.tables.some((t) => t.title.startsWith('Free neurons per site')));
  });

  it('split-mnist, small: the sequences run, ours keeps every task bit-identical, the report places the published numbers beside', async () => {
    const records = await runSmall('split-mnist', splitMnistGrid('small'));
    const ours = records.find((r) => r.params['arm'] === 'ours')!.rows[0]!;
    assert.equal(ours['allIdentical'], true);
    assert.equal((ours['perTask'] as number[]).length, 5);
    assert.equal((ours['thetas'] as unknown[]).length, 5);
    const naive = records.find((r) => r.params['arm'] === 'naive (shared head)')!.rows[0]!;
    const rep = splitMnistStudy.report!(records, 'small');
    const main = rep.tables[0]!;
    const row = main.rows.find((r) => r[0] === 'naive (Adam)')!;
    assert.equal(row[6], '19.71 ± 0.08');
    assert.equal(row[4], (100 * (naive['classIL'] as number)).toFixed(2), 'one seed: the mean alone');
  });
});
