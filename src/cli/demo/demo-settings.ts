/**
 * What the demo chooses itself: which methods each maintenance section compares and how its small task-A model is
 * trained. Every budget (fine-tuning steps, epochs, learning rates, sample counts) is the strategies' default
 * (MAINTENANCE_DEFAULTS), so the demo shows what the API, the CLI and the magics do when nothing is set.
 */

/** Restructuring: the pruner alone against the slice's neuron removal first. */
export const DEMO_RESTRUCTURE = { methods: ['none', 'slice'] } as const;

/** Re-adaptation: FGSM images; the critical neurons against every weight. */
export const DEMO_READAPT = { workload: 'fgsm', methods: ['critical', 'full'] } as const;

/** Incremental development: a LeNet-5 trained on digits 0-4 learns 5-9 with three methods. */
export const DEMO_INCREMENTAL = { taskA: [0, 1, 2, 3, 4], taskB: [5, 6, 7, 8, 9], epochsA: 3, methods: ['naive', 'replay-10%', 'ours'] } as const;
