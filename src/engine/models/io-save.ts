import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, tempPathFor } from '../atomic-write.js';
import { checkDirTarget, clearOurs, uninterrupted, OUTPUT_MARKER } from '../output-target.js';
import { modelFingerprint } from './fingerprint.js';

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /**
   * Replace a model folder semslice saved before. Default false (OUTPUT_EXISTS). Even with force, a folder holding
   * anything else (a user's own files) is refused (OUTPUT_NOT_OURS) and left untouched.
   */
  force?: boolean;
  /** The option that names the folder in messages (the CLI passes its flag's, 'out'). Default: "path". */
  option?: string;
  /** Stored in model.json's userDefinedMetadata.semslice, next to the weights fingerprint. */
  metadata?: Record<string, unknown>;
}

/** What {@link saveModel} wrote. */
export interface SaveModelResult {
  dir: string;
  files: string[];
  weightsFingerprint: string;
  weightBytes: number;
}

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * Save a LayersModel as dir/model.json (tfjs layers-model format, one weights group) + dir/weights.bin, loadable
 * by stock tf.loadLayersModel and by {@link loadModel}, plus a marker (.semslice-output.json) naming the files
 * semslice wrote, so a later save with force replaces only those. A new folder is written as a temp folder next to
 * dir and renamed into place (a crash never leaves a half-written model); an existing one keeps its identity and
 * mode, each file replaced atomically (model.json last, and its weights fingerprint, checked on load, catches a
 * crash in between). metadata lands in userDefinedMetadata.semslice with the weights fingerprint.
 *
 * @example
 * await saveModel(model, 'models/lenet5-mnist', { metadata: { data: 'mnist', accuracy: 0.98, seed: 42 } });
 */
export async function saveModel(model: tf.LayersModel, dir: string, opts: SaveModelOptions = {}): Promise<SaveModelResult> {
  const checked = await checkDirTarget(dir, { force: opts.force, ...(opts.option !== undefined ? { option: opts.option } : {}) });
  const { path: target, exists } = checked;
  const weightsFingerprint = await modelFingerprint(model);
  let json = '';
  let weights: ArrayBuffer = new ArrayBuffer(0);
  await model.save(tf.io.withSaveHandler(async (a) => {
    weights = tf.io.CompositeArrayBuffer.join(a.weightData ?? new ArrayBuffer(0));
    json = JSON.stringify({
      format: 'layers-model',
      generatedBy: a.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs ?? [] }],
      userDefinedMetadata: { ...(a.userDefinedMetadata ?? {}), semslice: { ...(opts.metadata ?? {}), weightsFingerprint } },
    });
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const marker = JSON.stringify({ writtenBy: 'semslice', files: [MODEL_JSON, WEIGHTS_BIN, OUTPUT_MARKER] }) + '\n';
  // Another of semslice's outputs replaced by a model (force): its entries go, the folder stays.
  if (checked.ours && checked.ours.writer !== 'model') await clearOurs(checked);
  // An interruption (Ctrl-C at the CLI) waits for the files: a model folder is never left half written.
  await uninterrupted(() => writeModelFiles(target, exists, [[WEIGHTS_BIN, new Uint8Array(weights)], [OUTPUT_MARKER, marker], [MODEL_JSON, json]]));
  return { dir: target, files: [MODEL_JSON, WEIGHTS_BIN], weightsFingerprint, weightBytes: weights.byteLength };
}

/**
 * New folder: write into a temp folder beside target (created with the default mode, as mkdir would) and rename it
 * into place. Existing folder (checked: empty or semslice's own): replace each file atomically, in the given order,
 * leaving the folder itself (its mode, owner, other state) as it was.
 */
async function writeModelFiles(target: string, exists: boolean, files: Array<[string, string | Uint8Array]>): Promise<void> {
  if (exists) {
    for (const [name, content] of files) await writeFileAtomic(path.join(target, name), content);
    return;
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  await fs.mkdir(tmp);
  try {
    for (const [name, content] of files) await fs.writeFile(path.join(tmp, name), content);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
