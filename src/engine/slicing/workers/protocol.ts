/** Messages between profile-pool.ts (main thread) and profile-worker.ts (one per worker thread). */

/** Main -> worker: everything needed to profile one contiguous shard of batches. */
export interface StartMessage {
  type: 'start';
  backend: string;
  modelTopology: unknown;
  weightSpecs: unknown[];
  weightData: ArrayBuffer | ArrayBuffer[];
  /** The shard's samples, NHWC float32, in view order. */
  images: Float32Array;
  labels: Int32Array;
  sampleShape: [number, number, number];
  batchSize: number;
  /** Global index of the shard's first batch (blocks are reported with global indices). */
  firstBatch: number;
  numClasses: number;
  needGrad: boolean;
  onlyCorrect: boolean;
  /** Site names the main thread found, to check the rebuilt model agrees. */
  siteNames: string[];
}

/** Worker -> main. */
export type WorkerMessage =
  | { type: 'block'; index: number; block: Float32Array }
  | { type: 'done' }
  | { type: 'error'; name: string; code?: string; message: string; hint?: string; stack?: string };
