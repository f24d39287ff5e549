import assert from 'node:assert/strict';
import type { FidelityRow, SliceJSON } from '../../src/engine/slicing/types.js';
import { sliceDisplay, sliceSummaryTable, sliceText, sweepDisplay, sweepText } from '../../src/notebook/rich.js';
import { partBundle } from '../../src/notebook/bundle.js';
import { runMetadata, runMetadataPart, RUN_METADATA_MIME } from '../../src/notebook/run-metadata.js';

const slice: SliceJSON = {
  format: 'semslice.slice', version: 1,
  params: { method: 'semantic', metric: 'taylor', theta: 0.9, k: null, tau: 0.5, onlyCorrect: true, maxPerClass: null },
  classNames: ['a', 'b', 'c'],
  sites: [{ name: 'fc1', kind: 'dense', neurons: 4, readLayer: 'fc1', followers: [] }],
  critical: { fc1: [[0, 1], [1], [1, 2]] },
  scores: { fc1: [[0.5, 0.5, 0, 0], [0, 1, 0, 0], [0, 0.5, 0.5, 0]] },
  categories: { fc1: ['exclusive', 'common', 'exclusive', 'idle'] },
  similarity: { perSite: { fc1: [[1, 0.5, 1 / 3], [0.5, 1, 0.5], [1 / 3, 0.5, 1]] }, overall: [[1, 0.5, 1 / 3], [0.5, 1, 0.5], [1 / 3, 0.5, 1]] },
  components: [{ classes: [0, 1], neurons: { fc1: [0, 1] } }, { classes: [2], neurons: { fc1: [1, 2] } }],
  counts: [5, 5, 5],
  fingerprints: { model: 'm0', data: 'd0' },
};

const rows: FidelityRow[] = [
  { method: 'semantic', metric: 'taylor', theta: 0.9, k: null, cr: 0.4, accuracy: 0.9, perClass: [0.9, 0.9, 0.9] },
  { method: 'global-topk', metric: 'taylor', theta: null, k: 50, cr: 0.45, accuracy: 0.7, perClass: [0.7, 0.7, 0.7] },
];

describe('notebook/rich displays', () => {
  it('summarises a slice per site', () => {
    assert.deepEqual(sliceSummaryTable(slice).objects(), [
      { site: 'fc1', kind: 'dense', neurons: 4, critical_mean: 1.7, critical_min: 1, critical_max: 2, union: 3, exclusive: 2, shared: 0, common: 1, idle: 1 },
    ]);
    assert.equal(sliceText(slice), '<Slice semantic, metric=taylor, theta=0.9, tau=0.5; 1 sites, 2 components>');
  });

  it('a slice displays as table + chart + components, and the chart renders', async () => {
    const parts = sliceDisplay(slice);
    assert.deepEqual(parts.map((p) => p.kind), ['table', 'chart', 'text']);
    assert.equal(parts[2]!.kind === 'text' && parts[2]!.text, 'components (2): {a, b} {c}');
    const b = await partBundle(parts[1]!);
    assert.match(b['image/svg+xml'] as string, /<svg/);
    const custom = sliceDisplay(slice, { chart: () => ({ title: 'mine', mark: 'bar', data: { values: [] }, encoding: {} }) });
    assert.equal(custom[1]!.kind === 'chart' && custom[1]!.spec.title, 'mine');
  });

  it('a sweep displays as chart + table', async () => {
    const parts = sweepDisplay(rows);
    assert.deepEqual(parts.map((p) => p.kind), ['chart', 'table']);
    const t = parts[1]!.kind === 'table' ? parts[1]!.table : undefined;
    assert.deepEqual(t!.columnNames(), ['method', 'metric', 'theta', 'k', 'cr', 'accuracy']);
    assert.match((await partBundle(parts[0]!))['image/svg+xml'] as string, /<svg/);
    assert.equal(sweepText(rows), '<FidelitySweep 2 points: semantic, global-topk>');
  });

  it('run metadata has a fixed shape under its MIME type', () => {
    const m = runMetadata({ backend: 'wasm', seed: 3, datasets: [{ name: 'mnist', split: 'test', size: 10, fingerprint: 'abc' }] });
    assert.equal(m.format, 'semslice.run');
    assert.equal(m.package.name, 'semslice');
    assert.match(m.tfjs ?? '', /^4\.22\./);
    assert.deepEqual(Object.keys(m), ['format', 'version', 'package', 'node', 'tfjs', 'backend', 'seed', 'params', 'datasets', 'models', 'extra']);
    const p = runMetadataPart(m);
    assert.ok(p.kind === 'bundle' && p.bundle[RUN_METADATA_MIME] === m);
    assert.match(p.kind === 'bundle' ? String(p.bundle['text/plain']) : '', /backend wasm, seed 3\ndata mnist\/test: abc/);
  });
});
