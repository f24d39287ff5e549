/**
 * The demo's budgets for its maintenance sections: the one place their numbers live. run-demo.ts runs them, and
 * demo-text.ts writes them into the notebook's prose and code cells, so what the notebook says is what it ran.
 */

/** Restructuring: short, so the demo stays a few minutes on 2 cores. */
export const DEMO_RESTRUCTURE = { targetCR: 0.8, maxDrop: 0.01, testSamples: 2000, steps: 10, batchSize: 32, learningRate: 1e-4 } as const;

/** Re-adaptation: FGSM images from a few hundred training images, two epochs, two methods. */
export const DEMO_READAPT = { count: 300, epochs: 2, testCount: 1000, methods: ['critical', 'full'] } as const;

/** Incremental development: a small task A model and three methods on the same images per task. */
export const DEMO_INCREMENTAL = { perTask: 3000, epochsA: 3, epochsB: 3, testCount: 1000, methods: ['naive', 'replay-10%', 'ours'] } as const;
