import { strict as assert } from 'node:assert';
import { initBackend } from '../../../src/engine/backend/index.js';
import { getStudy, listStudies } from '../../../src/engine/studies/index.js';
import { FIDELITY_SIZES } from '../../../src/engine/studies/fidelity.js';
import { clearReadaptStudyCache, readaptGrid, READAPT_SIZES, runSizes, workloadClasses } from '../../../src/engine/studies/readapt.js';
import type { StudyRecord } from '../../../src/engine/studies/types.js';

describe('engine/studies/readapt (RQ3)', function () {
  this.timeout(600_000);
  before(async () => { await initBackend({ quiet: true }); });
  after(() => clearReadaptStudyCache());

  it('the grids: every workload of each configuration and seed, cells of one base model adjacent, then the trade-off cells; the fidelity study\'s base-model recipes', () => {
    assert.ok(listStudies().some((d) => d.name === 'readapt'));
    const s = READAPT_SIZES.full;
    const full = readaptGrid('full');
    const runs = full.filter((c) => c['kind'] === 'run');
    assert.equal(runs.length, s.configs.reduce((a, c) => a + runSizes(s, c).workloads.length, 0) * s.seeds.length);
    assert.equal(new Set(full.map((c) => JSON.stringify(c))).size, full.length, 'no duplicate cells');
    assert.deepEqual([...new Set(runs.map((c) => `${c['model']}/${c['dataset']}`))], ['lenet5/mnist', 'lenet5/fashion-mnist', 'vgg-small/mnist', 'vgg-small/fashion-mnist']);
    assert.deepEqual([...new Set(runs.filter((c) => c['model'] === 'lenet5').map((c) => c['workload']))], ['fgsm', 'pgd', 'pgd-classes', 'mutant', 'mutant-class']);
    assert.deepEqual(s.seeds, [0, 1, 2]);
    const keys = runs.map((c) => `${c['model']}/${c['dataset']}/${c['seed']}`);
    for (let i = 1; i < keys.length; i++) if (keys[i] !== keys[i - 1]) assert.ok(!keys.slice(0, i).includes(keys[i]!), `${keys[i]} comes back`);
    const trade = full.filter((c) => c['kind'] === 'tradeoff');
    assert.equal(trade.length, s.tradeoff!.ratios.length * s.tradeoff!.configs.length);
    assert.ok(full.indexOf(trade[0]!) === runs.length, 'trade-off cells come last');
    // The same recipes as the fidelity study, so the cached base models are shared.
    for (const c of s.configs) {
      const f = FIDELITY_SIZES.full.configs.find((x) => x.model === c.model && x.dataset === c.dataset)!;
      assert.deepEqual({ batchNorm: c.batchNorm, width: c.width, maxEpochs: c.maxEpochs, patience: c.patience }, { batchNorm: f.batchNorm, width: f.width, maxEpochs: f.maxEpochs, patience: f.patience }, `${c.model}/${c.dataset}`);
    }
    const small = readaptGrid('small');
    assert.ok(small.some((c) => c['kind'] === 'tradeoff') && small.filter((c) => c['kind'] === 'run').length >= 3);
    const k = workloadClasses(1, 3, 10);
    assert.equal(new Set(k).size, 3);
    assert.deepEqual(k, [...k].sort((a, b) => a - b));
    assert.deepEqual(workloadClasses(1, 3, 10), k, 'seeded');
    assert.notDeepEqual(workloadClasses(2, 3, 10), k);
  });

  it('small cells: every method once per slice on one workload, class-targeted workloads with the slice of the classes present, the trade-off cells; deterministic rows; a report', async () => {
    const def = getStudy('readapt');
    const s = READAPT_SIZES.small;
    const cells = readaptGrid('small');
    const records: StudyRecord[] = [];
    for (const [index, params] of cells.entries()) {
      const rows = await def.run(params, { preset: 'small' });
      const labels = rows.map((r) => r['run']);
      const workload = String(params['workload']);
      const targeted = params['kind'] === 'run' && (workload === 'pgd-classes' || workload === 'mutant-class');
      if (params['kind'] === 'run') {
        const slices = targeted ? ['present', 'auto'] : ['0.95', 'auto'];
        assert.deepEqual(labels, s.methods.flatMap((m) => (m === 'critical' || m === 'random' ? slices.map((x) => `${m}@${x}`) : [m])));
      } else {
        assert.deepEqual(labels, s.methods.map((m) => (m === 'critical' || m === 'random' ? `${m}@auto` : m)));
      }
      for (const r of rows) {
        assert.equal(r['frozenIdentical'], true, `${String(r['run'])}: frozen entries bit-identical`);
        const curve = r['curve'] as Array<[number, number, number]>;
        assert.equal(curve[0]![0], 0);
        assert.equal(curve.at(-1)![0], r['steps']);
        const t = r['timing'] as { secondsPerStep: number; trainSeconds: number };
        assert.ok(t.secondsPerStep > 0 && t.trainSeconds > 0);
        if (!workload.startsWith('mutant')) assert.equal(r['newBefore'], 0, 'attacks keep only images the model gets wrong');
      }
      for (const x of ['0.95', 'auto', 'present']) {
        const c = rows.find((r) => r['run'] === `critical@${x}`), rnd = rows.find((r) => r['run'] === `random@${x}`);
        if (c && rnd) assert.equal(c['trainableParams'], rnd['trainableParams'], `random@${x} matches its slice`);
      }
      if (targeted) {
        const present = rows.find((r) => r['run'] === 'critical@present')!;
        const classes = workload === 'mutant-class' ? String(present['focusClass']) : String(present['attackClasses']);
        assert.equal(present['sliceClasses'], classes, 'the present slice is of the workload\'s classes');
        assert.ok((present['trainableParams'] as number) < (rows.find((r) => r['run'] === 'full')!['trainableParams'] as number));
      }
      records.push({ index, id: JSON.stringify(params), params, rows: rows.map(({ timing: _t, ...rest }) => rest), seconds: 1, rowTimings: rows.map((r) => r['timing'] as Record<string, number>) });
    }
    // The same cell again (base model and slices from the cache): the same rows, byte for byte, timings aside.
    const again = await def.run(cells[1]!, { preset: 'small' });
    assert.deepEqual(again.map(({ timing: _t, ...rest }) => rest), records[1]!.rows);
    const report = def.report!(records, 'small');
    assert.equal(report.claims.length, 7);
    for (const c of report.claims) assert.ok(['holds', 'does not hold', 'cannot be tested here'].includes(c.verdict) && c.evidence.length > 0);
    assert.ok(report.tables.some((t) => t.title.startsWith('Trade-off')));
    assert.ok(report.tables.some((t) => t.title.startsWith('Time per step')));
    const outcome = report.tables.find((t) => t.title.startsWith('Re-adaptation'))!;
    // One row per workload and run, the seeds pooled.
    const pairs = new Set(records.filter((r) => r.params['kind'] === 'run').flatMap((r) => r.rows.map((row) => `${String(r.params['workload'])}|${String(row['run'])}`)));
    assert.equal(outcome.rows.length, pairs.size);
    assert.ok(outcome.rows.every((row) => /^\d+\.\d \(\d+\.\d to \d+\.\d\)$/.test(String(row[3]))), 'seed intervals over the two seeds');
    // Two seeds: the paper's claims get a verdict with intervals; DeepArc is not in the small preset.
    assert.ok(report.claims.filter((c) => c.verdict !== 'cannot be tested here').length >= 3);
    assert.equal(report.claims.find((c) => c.claim.includes('DeepArc'))!.verdict, 'cannot be tested here');
  });
});
