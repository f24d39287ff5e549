import assert from 'node:assert/strict';
import { getStudy, listStudies } from '../../../src/engine/studies/index.js';

describe('studies: readapt (RQ3)', () => {
  it('is registered; the full grid covers 4 configurations x 5 workloads x 3 seeds, the small grid 2 cells', () => {
    assert.ok(listStudies().some((s) => (typeof s === 'string' ? s : (s as { name: string }).name) === 'readapt'));
    const st = getStudy('readapt');
    const full = st.grid('full');
    assert.equal(full.length, 4 * 5 * 3);
    assert.equal(new Set(full.map((c) => JSON.stringify(c))).size, full.length, 'no duplicate cells');
    assert.deepEqual([...new Set(full.map((c) => c['workload']))].sort(), ['fgsm', 'mutant-10', 'mutant-30', 'mutant-50', 'pgd']);
    assert.deepEqual([...new Set(full.map((c) => c['config']))].sort(), ['lenet5/fashion-mnist', 'lenet5/mnist', 'resnet-small/fashion-mnist', 'vgg-small-bn/fashion-mnist']);
    // Cells sharing a base model are adjacent (the study keeps one trained model while they run).
    const keys = full.map((c) => `${c['config']}/${c['seed']}`);
    for (let i = 1; i < keys.length; i++) if (keys[i] !== keys[i - 1]) assert.ok(!keys.slice(0, i).includes(keys[i]!), `${keys[i]} comes back`);
    assert.equal(st.grid('small').length, 2);
    assert.ok(st.presetNotes?.full);
  });
});
