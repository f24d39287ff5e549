import assert from 'node:assert/strict';
import {
  checkK, checkTheta, listSelectors, rankDescending, registerSelector, selectCritical, selectTopK, semanticPrefix, topKCount, unregisterSelector,
} from '../../../src/engine/slicing/selection.js';
import { getMetric, listMetrics, normaliseRows, registerMetric, scoresFrom, unregisterMetric } from '../../../src/engine/slicing/metrics.js';
import { isSemsliceError } from '../../../src/engine/errors.js';
import { site, statsFrom } from './fixtures.js';

const idx = (flags: Uint8Array, row: number, n: number) => [...flags.subarray(row * n, (row + 1) * n)].flatMap((x, i) => (x ? [i] : []));

describe('slicing/metrics', () => {
  it('normalises abs scores to sum 1 per row; an all-zero row stays zero', () => {
    const out = normaliseRows([-1, 3, 0, 0, 0, 0], 2, 3);
    assert.deepEqual([...out], [0.25, 0.75, 0, 0, 0, 0]);
  });
  it('ens is the mean of the four normalised scores (renormalised)', () => {
    const st = statsFrom([site('a', 2)], { a: [[1, 3]] });
    st.stats.var = { a: Float32Array.from([1, 1]) };
    const ens = scoresFrom(st, 'ens')['a']!;
    // taylor, avg, deeplift: [0.25, 0.75]; var: [0.5, 0.5] -> mean [0.3125, 0.6875]
    assert.ok(Math.abs(ens[0]! - 0.3125) < 1e-7 && Math.abs(ens[1]! - 0.6875) < 1e-7);
  });
  it('unknown metric names suggest the closest and list all', () => {
    assert.throws(() => getMetric('tayler'), (e: unknown) => isSemsliceError(e) && /Did you mean "taylor"/.test(e.message) && /avg, var, taylor, deeplift, ens/.test(e.hint!));
  });
  it('users can register a metric; duplicates need override', () => {
    const def = { name: 'first-neuron', score: (s: never, n: string) => Float32Array.from([1, 0, 1, 0]), scoreGlobal: () => Float32Array.from([1, 0]) };
    registerMetric(def as never);
    assert.throws(() => registerMetric(def as never), /already registered/);
    const st = statsFrom([site('a', 2)], { a: [[0, 1], [0, 1]] });
    const crit = selectCritical(st, { method: 'semantic', metric: 'first-neuron', theta: 0.5 });
    assert.deepEqual([...crit['a']!], [1, 0, 1, 0]);
    unregisterMetric('first-neuron'); // leave the shared registry as we found it
    assert.deepEqual(listMetrics(), ['avg', 'var', 'taylor', 'deeplift', 'ens']);
  });
});

describe('slicing/selection', () => {
  it('ranks by score descending, ties to the lower index', () => {
    assert.deepEqual(rankDescending([0.2, 0.4, 0.2, 0.4]), [1, 3, 0, 2]);
  });
  it('semantic prefix: smallest prefix reaching theta, with exact boundaries', () => {
    assert.deepEqual(semanticPrefix([0.5, 0.3, 0.2], 0.8), [0, 1]); // 0.5 + 0.3 reaches 0.8 exactly
    assert.deepEqual(semanticPrefix([0.5, 0.3, 0.2], 0.81), [0, 1, 2]);
    assert.deepEqual(semanticPrefix([0.5, 0.3, 0.2], 0.5), [0]);
    assert.deepEqual(semanticPrefix([0.5, 0.3, 0.2], 0.49), [0]);
    assert.deepEqual(semanticPrefix([0.2, 0.3, 0.5], 0.51), [2, 1]);
    assert.deepEqual(semanticPrefix([0.25, 0.25, 0.25, 0.25], 0.5), [0, 1]); // ties -> lower indices
    assert.deepEqual(semanticPrefix([0.6, 0.4, 0], 1), [0, 1]); // theta 1: every positive score, never a zero one
    assert.deepEqual(semanticPrefix([0, 0, 0], 0.9), []);
  });
  it('semantic prefix works on float32 scores that sum to 1 only approximately', () => {
    const row = normaliseRows([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1, 10); // 0.1 each in float32
    assert.equal(semanticPrefix(row, 0.9).length, 9);
    assert.equal(semanticPrefix(row, 0.3).length, 3);
  });
  it('top-k count: ceil(k% * n), at least 1', () => {
    assert.equal(topKCount(10, 30), 3);
    assert.equal(topKCount(10, 31), 4);
    assert.equal(topKCount(7, 10), 1);
    assert.equal(topKCount(3, 1), 1);
    assert.equal(topKCount(5, 100), 5);
  });
  it('semantic, category-topk and global-topk on hand-made scores', () => {
    const st = statsFrom([site('a', 4)], { a: [[4, 3, 2, 1], [1, 1, 1, 7]] });
    const sem = selectCritical(st, { method: 'semantic', metric: 'taylor', theta: 0.7 })['a']!;
    assert.deepEqual(idx(sem, 0, 4), [0, 1]); // 0.4 + 0.3
    assert.deepEqual(idx(sem, 1, 4), [3]); // 0.7
    const cat = selectCritical(st, { method: 'category-topk', metric: 'avg', k: 50 })['a']!;
    assert.deepEqual(idx(cat, 0, 4), [0, 1]);
    assert.deepEqual(idx(cat, 1, 4), [0, 3]); // tie among 0,1,2 -> 0
    const glob = selectCritical(st, { method: 'global-topk', metric: 'avg', k: 25 })['a']!;
    // global = column means [2.5, 2, 1.5, 4] -> top 1 = neuron 3, for every class
    assert.deepEqual(idx(glob, 0, 4), [3]);
    assert.deepEqual(idx(glob, 1, 4), [3]);
  });
  it('users can register a selection method', () => {
    registerSelector({ name: 'top-one', param: 'k', select: (ctx) => selectTopK(ctx.scores, ctx.stats.sites, ctx.stats.numClasses, 0.001) });
    const st = statsFrom([site('a', 3)], { a: [[1, 5, 2]] });
    assert.deepEqual([...selectCritical(st, { method: 'top-one', metric: 'avg', k: 50 })['a']!], [0, 1, 0]);
    unregisterSelector('top-one');
    assert.deepEqual(listSelectors(), ['semantic', 'category-topk', 'global-topk']);
  });
  it('rejects theta and k out of range with the value and the range', () => {
    for (const t of [0, -0.1, 1.01, NaN]) assert.throws(() => checkTheta(t), (e: unknown) => isSemsliceError(e) && e.message.includes(String(t)) && e.message.includes('(0, 1]'));
    for (const k of [0, 101, -5]) assert.throws(() => checkK(k), (e: unknown) => isSemsliceError(e) && e.message.includes(String(k)) && e.message.includes('(0, 100]'));
    const st = statsFrom([site('a', 2)], { a: [[1, 2]] });
    assert.throws(() => selectCritical(st, { method: 'semantic', metric: 'avg', theta: 2 }), /theta = 2/);
    assert.throws(() => selectCritical(st, { method: 'category-topk', metric: 'avg' }), /k = null/);
    assert.throws(() => selectCritical(st, { method: 'semantik', metric: 'avg', theta: 0.9 }), /Did you mean "semantic"/);
  });
});
