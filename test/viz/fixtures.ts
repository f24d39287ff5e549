/**
 * Hand-made inputs for the chart tests: a slice with 3 classes and 2 sites whose categories, similarities and
 * components are worked out by hand (comments), fidelity rows for 3 methods x 2 metrics, and a training history.
 */
import type { FidelityRow, SliceJSON } from '../../src/engine/slicing/types.js';
import type { TrainHistory } from '../../src/engine/train/types.js';

export const CLASS_NAMES = ['ankle boot', 'bag', 'coat'];

/** A fresh slice each call (tests may mutate it). */
export function sliceFixture(): SliceJSON {
  return {
    format: 'semslice.slice',
    version: 1,
    params: { method: 'semantic', metric: 'taylor', theta: 0.95, k: null, tau: 0.5, onlyCorrect: true, maxPerClass: null },
    classNames: [...CLASS_NAMES],
    sites: [
      { name: 'conv1', kind: 'conv2d', neurons: 4, readLayer: 'conv1_relu', followers: ['conv1_relu'] },
      { name: 'fc1', kind: 'dense', neurons: 6, readLayer: 'fc1', followers: [] },
    ],
    critical: {
      // conv1: n0 only c0 (exclusive), n1 c0+c1 (shared), n2 only c2 (exclusive), n3 all (common)
      conv1: [[0, 1, 3], [1, 3], [2, 3]],
      // fc1: n0 c0, n1 c1, n3 c2 (exclusive), n2 all (common), n4 n5 idle
      fc1: [[0, 2], [1, 2], [2, 3]],
    },
    scores: {
      conv1: [[0.4, 0.3, 0, 0.3], [0, 0.5, 0, 0.5], [0, 0, 0.6, 0.4]],
      fc1: [[0.5, 0, 0.5, 0, 0, 0], [0, 0.5, 0.5, 0, 0, 0], [0, 0, 0.5, 0.5, 0, 0]],
    },
    categories: {
      conv1: ['exclusive', 'shared', 'exclusive', 'common'],
      fc1: ['exclusive', 'exclusive', 'common', 'exclusive', 'idle', 'idle'],
    },
    similarity: {
      perSite: {
        conv1: [[1, 2 / 3, 1 / 4], [2 / 3, 1, 1 / 3], [1 / 4, 1 / 3, 1]],
        fc1: [[1, 1 / 3, 1 / 3], [1 / 3, 1, 1 / 3], [1 / 3, 1 / 3, 1]],
      },
      // concatenated sets: c0-c1 3/6, c0-c2 2/7, c1-c2 2/6
      overall: [[1, 0.5, 2 / 7], [0.5, 1, 1 / 3], [2 / 7, 1 / 3, 1]],
    },
    components: [
      { classes: [0, 1], neurons: { conv1: [0, 1, 3], fc1: [0, 1, 2] } },
      { classes: [2], neurons: { conv1: [2, 3], fc1: [2, 3] } },
    ],
    counts: [20, 18, 22],
    fingerprints: { model: '0123456789abcdef', data: 'fedcba9876543210' },
  };
}

/** 3 methods x 2 metrics x 3 points; CR rises as theta/k falls. */
export function fidelityFixture(): FidelityRow[] {
  const rows: FidelityRow[] = [];
  for (const metric of ['taylor', 'avg'] as const) {
    [0.99, 0.95, 0.9].forEach((theta, i) => {
      rows.push({ method: 'semantic', metric, theta, k: null, cr: 0.2 + 0.15 * i, accuracy: 0.98 - 0.02 * i, perClass: [0.98, 0.97, 0.99] });
    });
    [90, 70, 50].forEach((k, i) => {
      rows.push({ method: 'category-topk', metric, theta: null, k, cr: 0.18 + 0.16 * i, accuracy: 0.97 - 0.05 * i, perClass: [0.9, 0.9, 0.9] });
      rows.push({ method: 'global-topk', metric, theta: null, k, cr: 0.1 + 0.2 * i, accuracy: 0.96 - 0.1 * i, perClass: [0.8, 0.8, 0.8] });
    });
  }
  return rows;
}

export function historyFixture(): TrainHistory {
  return {
    epochs: [1, 2, 3, 4].map((epoch) => ({
      epoch, loss: 1 / epoch, accuracy: 0.7 + 0.05 * epoch, valLoss: 1.1 / epoch + 0.01 * epoch, valAccuracy: 0.68 + 0.05 * epoch,
      seconds: 2, samplesPerSecond: 500,
    })),
    stoppedEarly: false,
    bestEpoch: 3,
  };
}
