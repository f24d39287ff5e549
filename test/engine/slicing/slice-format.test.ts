/** The slice file since version 2: tau 'auto' with its merge record, stability, and version-1 files still loading. */
import assert from 'node:assert/strict';
import { Slice } from '../../../src/engine/slicing/slice.js';
import { sliceFromStats } from '../../../src/engine/slicing/slice-entry.js';
import { stringifySlice } from '../../../src/engine/slicing/slice-schema.js';
import type { SliceJSON } from '../../../src/engine/slicing/types.js';
import { site, statsFrom } from './fixtures.js';

// 4 classes over one site of 6 neurons: {0,1} share neurons 0-2, {2,3} share 3-5.
const stats = statsFrom([site('a', 6)], {
  a: [[5, 4, 3, 0, 0, 0.1], [4, 5, 3, 0.1, 0, 0], [0, 0.1, 0, 5, 4, 3], [0, 0, 0.1, 3, 4, 5]],
});
const make = (tau?: number | 'auto') => sliceFromStats(stats, { theta: 0.9, ...(tau !== undefined ? { tau } : {}), fingerprints: { model: 'm', data: 'd' } });
const clone = (j: SliceJSON): any => JSON.parse(JSON.stringify(j));

describe('slicing/slice file, version 2', () => {
  it('defaults to tau "auto" and records the rule, the cut and the heights', () => {
    const s = make();
    assert.equal(s.params.tau, 'auto');
    assert.deepEqual(s.components.map((c) => c.classes), [[0, 1], [2, 3]]);
    const j = s.toJSON();
    assert.equal(j.version, 2);
    assert.equal(j.merge!.rule, 'silhouette');
    assert.equal(j.merge!.heights.length, 3);
    assert.ok(j.merge!.cut < j.merge!.heights[1]! && j.merge!.cut > j.merge!.heights[2]!);
    const again = Slice.fromJSON(clone(j));
    assert.equal(stringifySlice(again.toJSON()), stringifySlice(j));
  });
  it('an explicit tau still cuts there, recorded as rule "fixed"', () => {
    const s = make(0);
    assert.equal(s.params.tau, 0);
    assert.deepEqual(s.components.map((c) => c.classes), [[0, 1, 2, 3]]);
    assert.equal(s.toJSON().merge!.rule, 'fixed');
    assert.equal(s.toJSON().merge!.cut, 0);
  });
  it('loads a version-1 file (numeric tau, no merge record) to the same components', () => {
    const v1 = clone(make(0.5).toJSON());
    v1.version = 1;
    delete v1.merge;
    const s = Slice.fromJSON(v1);
    assert.equal(s.params.tau, 0.5);
    assert.deepEqual(s.components.map((c) => c.classes), make(0.5).components.map((c) => c.classes));
    assert.equal(s.toJSON().version, 2, 'saved again as version 2');
  });
  it('refuses a newer version, a version-1 file with tau "auto", and a tampered merge record, each with a clear message', () => {
    const j = clone(make().toJSON());
    assert.throws(() => Slice.fromJSON({ ...j, version: 3 }),
      (e: any) => e.code === 'UNSUPPORTED_SLICE_VERSION' && /version 3/.test(e.message) && /newer semslice/.test(e.hint));
    const old = clone(j);
    old.version = 1;
    delete old.merge;
    assert.throws(() => Slice.fromJSON(old), (e: any) => e.code === 'INVALID_SLICE_FILE' && /numeric tau/.test(e.message));
    const bad = clone(j);
    bad.merge.cut = 0.01;
    assert.throws(() => Slice.fromJSON(bad), (e: any) => e.code === 'INVALID_SLICE_FILE' && /"merge" does not match/.test(e.message));
  });
  it('keeps a stability record through save and load; forClasses drops it; wrong sizes are refused', () => {
    const j = clone(make().toJSON());
    j.stability = {
      replicates: 2, seed: 0, classes: [0, 1, 2, 3], jaccard: [1, 0.9, 0.8, 0.75], jaccardMin: [1, 0.8, 0.7, 0.5],
      coMembership: [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0.5], [0, 0, 0.5, 1]], componentCounts: [2, 3],
    };
    const s = Slice.fromJSON(j);
    assert.deepEqual(s.stability, j.stability);
    const text = stringifySlice(s.toJSON());
    assert.equal(stringifySlice(Slice.fromJSON(JSON.parse(text)).toJSON()), text);
    assert.equal(s.forClasses([0, 1]).stability, null);
    const bad = clone(j);
    bad.stability.jaccard = [1];
    assert.throws(() => Slice.fromJSON(bad), (e: any) => e.code === 'INVALID_SLICE_FILE' && /stability/.test(e.message));
  });
});

describe('slice file errors name what was found and what was expected', () => {
  it('a wrong version or format constant', async () => {
    const { validateSliceJSON } = await import('../../../src/engine/slicing/slice-schema.js');
    const j = clone(make().toJSON());
    j.format = 'semslice.slyce';
    assert.throws(() => validateSliceJSON(j, 'x.json'),
      (e: any) => e.code === 'INVALID_SLICE_FILE' && /\/format must be equal to constant \(found "semslice\.slyce", expected "semslice\.slice"\)/.test(e.message));
  });
});
