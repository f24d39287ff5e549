import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Slice } from '../../../src/engine/slicing/slice.js';
import { sliceFromStats } from '../../../src/engine/slicing/slice-entry.js';
import { isSemsliceError } from '../../../src/engine/errors.js';
import { withLogger } from '../../../src/engine/log.js';
import { site, statsFrom } from './fixtures.js';

// 3 classes; site a (4 neurons), site b (3 neurons). Scores chosen so theta 0.7 gives:
// a: c0 {0,1}, c1 {1,2}, c2 {3};  b: c0 {0}, c1 {0}, c2 {2}
const stats = statsFrom([site('a', 4), site('b', 3, 'conv2d')], {
  a: [[4, 3, 2, 1], [1, 4, 3, 2], [0.5, 0.5, 1, 8]],
  b: [[8, 1, 1], [8, 1, 1], [1, 1, 8]],
});
const make = () => sliceFromStats(stats, { theta: 0.7, classNames: ['x', 'y', 'z'], fingerprints: { model: 'm1', data: 'd1' } });

describe('slicing/Slice', () => {
  it('holds per-class critical sets, categories and components', () => {
    const s = make();
    assert.deepEqual(s.critical(0, 'a'), [0, 1]);
    assert.deepEqual(s.critical(1, 'a'), [1, 2]);
    assert.deepEqual(s.critical(2, 'a'), [3]);
    assert.deepEqual(s.neurons('a'), [0, 1, 2, 3]);
    assert.deepEqual(s.neurons('b'), [0, 2]);
    assert.deepEqual(s.categories('a'), ['exclusive', 'shared', 'exclusive', 'exclusive']);
    assert.deepEqual(s.categories('b'), ['shared', 'idle', 'exclusive']);
    // overall Jaccard c0-c1: a {0,1} vs {1,2} -> 1/3 ; b {0} vs {0} -> 1/1 ; concatenated 2/4 = 0.5 -> merged by tau 'auto' (the best silhouette of the two cuts)
    assert.equal(s.similarity.overall[0]![1], 0.5);
    assert.deepEqual(s.components.map((c) => c.classes), [[0, 1], [2]]);
    assert.deepEqual(s.components[0]!.neurons, { a: [0, 1, 2], b: [0] });
    assert.deepEqual(s.params, { method: 'semantic', metric: 'taylor', theta: 0.7, k: null, tau: 'auto', onlyCorrect: true, maxPerClass: null, seed: 0, batchSize: 32 });
  });

  it('summary() is one arquero row per site', () => {
    const t = make().summary();
    assert.deepEqual(t.objects(), [
      { site: 'a', kind: 'dense', neurons: 4, critical: 4, exclusive: 3, shared: 1, common: 0, idle: 0 },
      { site: 'b', kind: 'conv2d', neurons: 3, critical: 2, exclusive: 1, shared: 1, common: 0, idle: 1 },
    ]);
  });

  it('forClasses keeps per-class info for the subset', () => {
    const s = make().forClasses([2, 0]);
    assert.deepEqual(s.classes, [0, 2]);
    assert.deepEqual(s.neurons('a'), [0, 1, 3]);
    assert.deepEqual(s.neurons('b'), [0, 2]);
    assert.deepEqual(s.critical(2, 'a'), [3]);
    assert.throws(() => s.critical(1, 'a'), /Unknown class of this slice "1"/);
    assert.deepEqual(s.categories('a'), ['exclusive', 'exclusive', 'idle', 'exclusive']);
    assert.deepEqual([...s.mask()['a']!], [1, 1, 0, 1]);
  });

  it('set algebra: union, intersect, minus', () => {
    const s = make();
    const x = s.forClasses([0]);
    const y = s.forClasses([1]);
    const u = x.union(y);
    assert.deepEqual(u.classes, [0, 1]);
    assert.deepEqual(u.neurons('a'), [0, 1, 2]);
    assert.deepEqual(u.toJSON(), s.forClasses([0, 1]).toJSON()); // a class-subset result equals forClasses
    const i = x.intersect(y);
    assert.deepEqual(i.neurons('a'), [1]);
    assert.deepEqual(i.neurons('b'), [0]);
    assert.deepEqual(i.classes, []);
    assert.deepEqual(i.toJSON().selection, { a: [1], b: [0] }); // no kept class owns these: stored explicitly
    assert.deepEqual(Slice.fromJSON(i.toJSON()).neurons('a'), [1]);
    const m = s.minus(x);
    assert.deepEqual(m.classes, [1, 2]);
    assert.deepEqual(m.neurons('a'), [2, 3]);
    assert.deepEqual(m.critical(1, 'a'), [2]); // clipped to the result
    assert.deepEqual(m.neurons('b'), [2]);
    assert.equal(m.toJSON().selection, undefined); // equal to the union of its clipped rows
    const other = sliceFromStats(statsFrom([site('a', 4)], { a: [[1, 1, 1, 1]] }));
    assert.throws(() => s.union(other), (e: unknown) => isSemsliceError(e) && e.code === 'SITE_MISMATCH');
    assert.throws(() => s.neurons('c'), /Unknown site "c"/);
  });

  it('JSON round trip is byte-identical (save -> load -> save), atomic, never over its source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semslice-slice-'));
    try {
      const s = make().minus(make().forClasses([0]));
      const p1 = join(dir, 'a.json');
      const p2 = join(dir, 'b.json');
      await s.save(p1);
      const loaded = await Slice.load(p1);
      await loaded.save(p2);
      const [t1, t2] = [await readFile(p1, 'utf8'), await readFile(p2, 'utf8')];
      assert.equal(t1, t2);
      assert.deepEqual(loaded.neurons('a'), s.neurons('a'));
      await assert.rejects(loaded.save(p1), /is the input file/);
      const plain = make();
      await assert.rejects(plain.save(p2), (e: Error & { code?: string }) => e.code === 'OUTPUT_EXISTS', 'an existing file only with force (the output rule)');
      await plain.save(p2, { force: true });
      assert.equal(await readFile(p2, 'utf8'), `${JSON.stringify(plain.toJSON())}\n`);
      // scores keep 7 significant digits
      const third = sliceFromStats(statsFrom([site('a', 3)], { a: [[1, 1, 1]] }), { theta: 0.5 }).toJSON();
      assert.deepEqual(third.scores['a'], [[0.3333333, 0.3333333, 0.3333333]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the schema rejects a broken file with a clear message', async () => {
    const good = make().toJSON();
    const bad = JSON.parse(JSON.stringify(good));
    bad.params.theta = 'high';
    delete bad.fingerprints;
    assert.throws(() => Slice.fromJSON(bad), (e: unknown) => isSemsliceError(e) && e.code === 'INVALID_SLICE_FILE'
      && /\/params\/theta must be number,null/.test(e.message) && /must have required property 'fingerprints'/.test(e.message) && /Slice.save/.test(e.hint!));
    const wrongLen = JSON.parse(JSON.stringify(good));
    wrongLen.scores.a[0].pop();
    assert.throws(() => Slice.fromJSON(wrongLen), /scores\["a"\] must be 3 rows of 4/);
    const edited = JSON.parse(JSON.stringify(good));
    edited.critical.a[0] = [0];
    assert.throws(() => Slice.fromJSON(edited), /"categories" does not match the critical sets/);
    const dir = await mkdtemp(join(tmpdir(), 'semslice-slice-'));
    try {
      await writeFile(join(dir, 'x.json'), '{ nope');
      await assert.rejects(Slice.load(join(dir, 'x.json')), /is not JSON/);
      await assert.rejects(Slice.load(join(dir, 'missing.json')), /Cannot read slice file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('top-k slices record k, not theta; an all-zero class warns', async () => {
    const s = sliceFromStats(stats, { method: 'category-topk', k: 50 });
    assert.equal(s.params.k, 50);
    assert.equal(s.params.theta, null);
    assert.deepEqual(s.critical(2, 'a'), [2, 3]);
    assert.deepEqual(s.critical(0, 'b'), [0, 1]); // tie between 1 and 2 -> lower index
    const warnings: string[] = [];
    const zero = statsFrom([site('a', 2)], { a: [[0, 0], [1, 2]] });
    await withLogger({ warn: (m) => warnings.push(m), info: () => {} }, () => sliceFromStats(zero, { theta: 0.9 }));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /class "class0" has no critical neuron at site "a"/);
  });
});
