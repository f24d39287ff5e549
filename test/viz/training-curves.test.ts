import assert from 'node:assert/strict';
import { trainingCurves, trainingPoints } from '../../src/viz/index.js';
import { assertGoodChart, dataMarks } from './helpers.js';
import { historyFixture } from './fixtures.js';

describe('viz/training-curves', () => {
  it('shows loss and accuracy, train and validation, with the best epoch marked', async () => {
    const spec = trainingCurves(historyFixture());
    const svg = await assertGoodChart(spec);
    const lines = await dataMarks(spec, 'line');
    assert.equal(lines.length, 4, '2 quantities x 2 splits');
    assert.ok(lines.every((l) => l.items === 4), 'four epochs');
    assert.deepEqual((await dataMarks(spec, 'rule')).map((r) => r.items), [1, 1]);
    assert.ok(svg.includes('best epoch 3'));
    assert.ok(svg.includes('accuracy (%)') && svg.includes('validation'));
  });

  it('long-format points: accuracy in percent, validation skipped when absent', () => {
    const pts = trainingPoints(historyFixture().epochs);
    assert.equal(pts.length, 16);
    assert.equal(pts.find((p) => p.epoch === 2 && p.split === 'train' && p.quantity === 'accuracy')?.value, 80);
    const noVal = historyFixture().epochs.map(({ valLoss, valAccuracy, ...e }) => e);
    assert.equal(trainingPoints(noVal).length, 8);
  });

  it('accepts a bare epochs array (no best-epoch rule) and rejects empty input', async () => {
    const noVal = historyFixture().epochs.map(({ valLoss, valAccuracy, ...e }) => e);
    const spec = trainingCurves(noVal);
    await assertGoodChart(spec);
    assert.equal((await dataMarks(spec, 'line')).length, 2);
    assert.equal((await dataMarks(spec, 'rule')).length, 0);
    assert.throws(() => trainingCurves([]), (e: any) => e.code === 'VIZ_BAD_INPUT' && /train\(\)/.test(e.hint));
    assert.throws(() => trainingCurves({ epochs: [{ ...historyFixture().epochs[0]!, loss: NaN }], stoppedEarly: false, bestEpoch: 1 }), /epochs\[0\]\.loss/);
  });

  it('a one-epoch run with per-step losses is a line over the steps (not a dot), with formatted axes', async () => {
    const steps = Array.from({ length: 469 }, (_, i) => ({ step: i + 1, epoch: 1, loss: 2.3 * Math.exp(-i / 80) + 0.05, accuracy: Math.min(0.98, 0.1 + i / 300) }));
    const e = { epoch: 1, loss: 0.2279, accuracy: 0.930467, valLoss: 0.11, valAccuracy: 0.965, seconds: 10, samplesPerSecond: 6000 };
    const spec = trainingCurves({ epochs: [e], steps, stoppedEarly: false, bestEpoch: 1 });
    const svg = await assertGoodChart(spec);
    const lines = await dataMarks(spec, 'line');
    const train = lines.filter((l) => l.items > 1);
    assert.equal(train.length, 2, 'train loss and accuracy are lines');
    assert.ok(train.every((l) => l.items > 100 && l.items <= 200), `points per line: ${train.map((l) => l.items)}`);
    assert.ok(!/\b0\.227900\b|93\.046700/.test(svg), 'no six-decimal tick labels');
    assert.ok(svg.includes('469 steps'));
  });
});

