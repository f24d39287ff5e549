import assert from 'node:assert/strict';
import { categoriseSite, jaccardFromCounts, similarity } from '../../../src/engine/slicing/categorise.js';
import { averageLinkage, components, dendrogram, mergeClasses, silhouette, AUTO_FALLBACK_TAU } from '../../../src/engine/slicing/merge.js';
import { site } from './fixtures.js';

describe('slicing/categorise', () => {
  it('labels neurons exclusive, shared, common and idle', () => {
    // 3 classes x 5 neurons
    const f = Uint8Array.from([
      1, 1, 1, 0, 0,
      1, 1, 0, 0, 0,
      1, 0, 0, 0, 1,
    ]);
    assert.deepEqual(categoriseSite(f, 3, 5), ['common', 'shared', 'exclusive', 'idle', 'exclusive']);
    assert.deepEqual(categoriseSite(Uint8Array.from([1, 0]), 1, 2), ['exclusive', 'idle']);
  });
  it('Jaccard per site and overall (concatenated), J(empty, empty) = 1', () => {
    const sites = [site('a', 4), site('b', 2)];
    const crit = {
      a: Uint8Array.from([1, 1, 0, 0, /* c1 */ 0, 1, 1, 0, /* c2 */ 0, 0, 0, 0]),
      b: Uint8Array.from([1, 0, /* c1 */ 1, 0, /* c2 */ 0, 0]),
    };
    const { perSite, overall } = similarity(crit, sites, 3);
    assert.equal(perSite['a']![0]![1], 1 / 3);
    assert.equal(perSite['b']![0]![1], 1);
    assert.equal(perSite['a']![0]![2], 0); // {0,1} vs {} -> 0 / 2
    assert.equal(perSite['b']![2]![2], 1);
    assert.equal(overall[0]![1], 2 / 4); // inter {a1, b0}, union {a0, a1, a2, b0}
    assert.equal(overall[1]![0], overall[0]![1]);
    assert.equal(jaccardFromCounts(0, 0), 1);
    const empty = similarity({ a: new Uint8Array(8), b: new Uint8Array(4) }, sites, 2);
    assert.equal(empty.overall[0]![1], 1);
  });
});

describe('slicing/merge', () => {
  it('average linkage merges while the mean similarity is >= tau', () => {
    const s = [
      [1, 0.9, 0.6, 0.0],
      [0.9, 1, 0.4, 0.1],
      [0.6, 0.4, 1, 0.2],
      [0.0, 0.1, 0.2, 1],
    ];
    // step 1: {0,1} (0.9); then {0,1}-{2} = (0.6+0.4)/2 = 0.5 >= 0.5 -> merge; then {0,1,2}-{3} = 0.1 -> stop
    assert.deepEqual(averageLinkage(s, 0.5), [[0, 1, 2], [3]]);
    assert.deepEqual(averageLinkage(s, 0.51), [[0, 1], [2], [3]]);
    assert.deepEqual(averageLinkage(s, 0.95), [[0], [1], [2], [3]]);
    assert.deepEqual(averageLinkage(s, 0), [[0, 1, 2, 3]]);
  });
  it('ties go to the pair of clusters with the smallest members', () => {
    const s = [
      [1, 0.7, 0, 0],
      [0.7, 1, 0, 0.7],
      [0, 0, 1, 0.7],
      [0, 0.7, 0.7, 1],
    ];
    // (0,1), (1,3), (2,3) tie at 0.7: (0,1) first; then {0,1}-{3} = 0.35 < (2,3) 0.7 -> {2,3}
    assert.deepEqual(averageLinkage(s, 0.6), [[0, 1], [2, 3]]);
  });
  it('components carry the union of the critical sets of their classes', () => {
    const sites = [site('a', 3)];
    const crit = { a: Uint8Array.from([1, 0, 0, 1, 1, 0, 0, 0, 1]) };
    const sim = [[1, 0.8, 0], [0.8, 1, 0], [0, 0, 1]];
    const comps = components(crit, sites, [4, 5, 6], sim, 0.5);
    assert.deepEqual(comps, [{ classes: [4, 5], neurons: { a: [0, 1] } }, { classes: [6], neurons: { a: [2] } }]);
  });
  it('rejects tau outside [0, 1] and any string but "auto"', () => {
    assert.throws(() => averageLinkage([[1]], 1.5), /tau = 1.5/);
    assert.throws(() => mergeClasses([[1]], 'best' as never), (e: any) => e.code === 'BAD_TAU' && /"auto"/.test(e.message));
  });
});

describe('slicing/merge auto (silhouette)', () => {
  // Two families {0,1,2} and {3,4} on a raised floor (0.55): a fixed tau of 0.5 would merge everything.
  const fam = [
    [1, 0.9, 0.85, 0.55, 0.56],
    [0.9, 1, 0.88, 0.57, 0.55],
    [0.85, 0.88, 1, 0.56, 0.58],
    [0.55, 0.57, 0.56, 1, 0.8],
    [0.56, 0.55, 0.58, 0.8, 1],
  ];
  it('the dendrogram lists n-1 merges with non-increasing heights', () => {
    const d = dendrogram(fam);
    assert.equal(d.length, 4);
    assert.deepEqual(d[0], { a: [0], b: [1], height: 0.9 });
    for (let i = 1; i < d.length; i++) assert.ok(d[i]!.height <= d[i - 1]!.height);
  });
  it('finds the families that a fixed tau 0.5 merges into one, and records the cut', () => {
    assert.deepEqual(averageLinkage(fam, 0.5), [[0, 1, 2, 3, 4]]);
    const m = mergeClasses(fam, 'auto');
    assert.equal(m.rule, 'silhouette');
    assert.deepEqual(m.clusters, [[0, 1, 2], [3, 4]]);
    // the cut lies between the merge that formed {3,4} (0.8) and the final merge (mean 0.562)
    assert.ok(m.cut < 0.8 && m.cut > 0.562, String(m.cut));
    assert.deepEqual(averageLinkage(fam, m.cut), m.clusters, 'the recorded cut reproduces the clusters');
    assert.equal(m.silhouette, silhouette(fam, m.clusters));
  });
  it('is the same whatever the floor: adding a constant to every off-diagonal similarity keeps the clusters', () => {
    const lower = fam.map((r, i) => r.map((v, j) => (i === j ? 1 : v - 0.4)));
    assert.deepEqual(mergeClasses(lower, 'auto').clusters, [[0, 1, 2], [3, 4]]);
  });
  it('falls back to tau 0.5 without structure (two classes; all pairs alike) and says so', () => {
    assert.deepEqual(mergeClasses([[1, 0.7], [0.7, 1]], 'auto'), { tau: 'auto', rule: 'fallback', cut: AUTO_FALLBACK_TAU, heights: [0.7], silhouette: null, clusters: [[0, 1]] });
    const flat = Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => (i === j ? 1 : 0.3)));
    const m = mergeClasses(flat, 'auto');
    assert.equal(m.rule, 'fallback');
    assert.deepEqual(m.clusters, [[0], [1], [2], [3]]);
    assert.deepEqual(mergeClasses([[1]], 'auto').clusters, [[0]]);
  });
  it('silhouette: singletons count 0, perfect separation approaches 1', () => {
    const s = [[1, 1, 0], [1, 1, 0], [0, 0, 1]];
    assert.equal(silhouette(s, [[0, 1], [2]]), 2 / 3); // items 0 and 1: (1 - 0) / 1; item 2 alone: 0
  });
});
