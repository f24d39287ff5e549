import assert from 'node:assert/strict';
import { compareAtEqualCR, compareSweep, describeComparison, interpolateAt } from '../../../src/engine/slicing/compare.js';
import type { FidelityRow } from '../../../src/engine/slicing/types.js';

const row = (method: FidelityRow['method'], p: number, cr: number, accuracy: number): FidelityRow => ({
  method, metric: 'taylor', theta: method === 'semantic' ? p : null, k: method === 'semantic' ? null : p, cr, accuracy, perClass: [],
});

describe('slicing/compareAtEqualCR', () => {
  it('interpolates linearly and never extrapolates', () => {
    assert.ok(Math.abs(interpolateAt([{ cr: 0.1, accuracy: 0.9 }, { cr: 0.3, accuracy: 0.7 }], 0.2) - 0.8) < 1e-12);
    const c = compareAtEqualCR(
      [{ cr: 0.2, accuracy: 0.95, label: 'θ = 0.9' }, { cr: 0.4, accuracy: 0.9, label: 'θ = 0.6' }],
      [{ cr: 0.1, accuracy: 0.97 }, { cr: 0.3, accuracy: 0.95 }, { cr: 0.6, accuracy: 0.8 }],
    );
    assert.deepEqual(c.overlap, [0.2, 0.4]);
    // compared at a's 0.2 and 0.4 and b's 0.3: b(0.2) = 0.96, a(0.3) = 0.925, b(0.4) = 0.9
    assert.deepEqual(c.points.map((p) => p.cr), [0.2, 0.3, 0.4]);
    assert.ok(Math.abs(c.points[0]!.b - 0.96) < 1e-12);
    assert.ok(Math.abs(c.points[1]!.a - 0.925) < 1e-12);
    assert.deepEqual(c.points.map((p) => p.better), ['b', 'b', 'tie']);
    assert.deepEqual(c.points.map((p) => p.measured), ['a', 'b', 'a']);
    assert.equal(c.firstLossA?.labelA, 'θ = 0.9');
    assert.equal(c.bBetter, 2);
    assert.equal(c.ties, 1);
  });
  it('reports no overlap instead of comparing points that sit at different CRs', () => {
    const c = compareAtEqualCR([{ cr: 0.25, accuracy: 0.98 }, { cr: 0.26, accuracy: 0.98 }], [{ cr: 0.3, accuracy: 0.5 }, { cr: 0.9, accuracy: 0.1 }]);
    assert.equal(c.overlap, null);
    assert.equal(c.points.length, 0);
    assert.ok(Number.isNaN(c.meanDiff));
  });
  it('averages points at the same CR and rejects empty or non-finite curves', () => {
    const c = compareAtEqualCR([{ cr: 0.5, accuracy: 0.8 }, { cr: 0.5, accuracy: 0.9 }], [{ cr: 0.5, accuracy: 0.85 }], { tolerance: 0 });
    assert.ok(Math.abs(c.points[0]!.a - 0.85) < 1e-12);
    assert.throws(() => compareAtEqualCR([], [{ cr: 0, accuracy: 1 }]), (e: any) => e.code === 'BAD_CURVE');
    assert.throws(() => compareAtEqualCR([{ cr: NaN, accuracy: 1 }], [{ cr: 0, accuracy: 1 }]), (e: any) => e.code === 'BAD_CURVE');
  });
  it('compareSweep pairs semantic with each baseline per metric; the words name the range and what lies outside it', () => {
    const rows = [
      row('semantic', 0.99, 0.25, 0.98), row('semantic', 0.9, 0.27, 0.98), row('semantic', 0.5, 0.45, 0.9),
      row('category-topk', 100, 0, 0.98), row('category-topk', 50, 0.3, 0.975), row('category-topk', 20, 0.6, 0.95),
      row('global-topk', 100, 0, 0.98), row('global-topk', 50, 0.5, 0.6),
    ];
    const cs = compareSweep(rows);
    assert.deepEqual(cs.map((c) => c.baseline), ['category-topk', 'global-topk']);
    const text = describeComparison(cs[0]!);
    assert.match(text, /compared at \d+ compression rates from 25\.0% to 45\.0%/);
    assert.match(text, /first falls behind at θ = 0\.5/);
    assert.match(text, /Above CR 45\.0% only category-topk has points/);
    assert.doesNotMatch(text, /wins|won/);
  });
});
