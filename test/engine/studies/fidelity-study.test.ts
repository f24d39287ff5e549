import { strict as assert } from 'node:assert';
import { initBackend } from '../../../src/engine/backend/index.js';
import { getStudy } from '../../../src/engine/studies/index.js';
import { FIDELITY_SIZES } from '../../../src/engine/studies/fidelity.js';
import { reportMarkdown } from '../../../bench/study-report.js';

describe('engine/studies/fidelity', function () {
  this.timeout(600_000);
  before(async () => { await initBackend({ quiet: true }); });

  it('a small cell: base model with its curve, the sweep with the matched low-activation baseline, subsets, damage; the report computes areas and verdicts from them', async () => {
    const def = getStudy('fidelity');
    const cells = def.grid('small');
    assert.equal(cells.length, FIDELITY_SIZES.small.configs.length * FIDELITY_SIZES.small.seeds.length);
    const records = [];
    for (const [index, params] of cells.entries()) records.push({ index, id: String(index), params, rows: await def.run(params, { preset: 'small' }), seconds: 1 });
    const rows = records[0]!.rows;
    const base = rows.find((r) => r['row'] === 'base')!;
    assert.ok((base['curve'] as unknown[]).length >= 1);
    const sweep = rows.filter((r) => r['row'] === 'sweep');
    const sem = sweep.filter((r) => r['method'] === 'semantic' && r['metric'] === 'taylor');
    const low = sweep.filter((r) => r['method'] === 'low-activation');
    assert.equal(low.length, sem.length, 'one matched point per semantic point');
    for (const l of low) {
      const s = sem.find((x) => x['theta'] === l['theta'])!;
      assert.ok(Math.abs((l['cr'] as number) - (s['cr'] as number)) < 0.05, `matched count gives about the same CR at theta ${String(l['theta'])}`);
    }
    assert.equal(sweep.filter((r) => r['method'] === 'category-topk').length, FIDELITY_SIZES.small.ks.length);
    assert.ok(rows.some((r) => r['row'] === 'damage') && rows.some((r) => r['row'] === 'subset'));
    const rep = def.report!(records, 'small');
    assert.equal(rep.claims.length, 4);
    const md = reportMarkdown(rep);
    assert.match(md, /Mean accuracy difference at equal CR/);
    assert.match(md, /\*\*(holds|does not hold|cannot be tested here)\.\*\*/);
  });
});
