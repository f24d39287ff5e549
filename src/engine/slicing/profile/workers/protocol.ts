/** Messages between profile-pool.ts (main thread) and profile-worker.ts (one per worker thread). */

import type { ModelTransfer } from '../../../models/artifacts.js';
import type { Said } from '../../../messages/entry.js';

/** Main -> worker, once: the model and how to profile. The worker answers `ready`. */
export interface InitMessage extends ModelTransfer {
  type: 'init';
  backend: string;
  sampleShape: [number, number, number];
  numClasses: number;
  needGrad: boolean;
  onlyCorrect: boolean;
  /** Site names the main thread found, to check the rebuilt model agrees. */
  siteNames: string[];
}

/** Main -> worker: one batch of the global batch grid. The worker answers `block` with the same index. */
export interface BatchMessage {
  type: 'batch';
  index: number;
  /** NHWC float32 samples of the batch, in view order. */
  images: Float32Array;
  labels: Int32Array;
}

export type MainMessage = InitMessage | BatchMessage;

/** Worker -> main. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'block'; index: number; block: Float32Array }
  | { type: 'error'; name: string; code?: string; message: string; said?: Said; stack?: string };
