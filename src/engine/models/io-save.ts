import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../errors.js';
import { modelFingerprint } from './fingerprint.js';

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Replace an existing non-empty folder. Default false (OUTPUT_EXISTS). */
  force?: boolean;
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

async function isNonEmptyDir(dir: string): Promise<boolean | undefined> {
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) {
      throw new SemsliceError('OUTPUT_NOT_DIR', `Cannot save a model to ${dir}: it is a file, not a folder.`, 'Pick a folder path.');
    }
    return (await fs.readdir(dir)).length > 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Save a LayersModel as dir/model.json (tfjs layers-model format, one weights group) + dir/weights.bin, loadable
 * by stock tf.loadLayersModel and by {@link loadModel}. Written to a temp folder next to dir, then renamed into
 * place, so a crash never leaves a half-written model. metadata lands in userDefinedMetadata.semslice together
 * with the weights fingerprint (checked on load).
 *
 * @example
 * await saveModel(model, 'models/lenet5-mnist', { metadata: { data: 'mnist', accuracy: 0.98, seed: 42 } });
 */
export async function saveModel(model: tf.LayersModel, dir: string, opts: SaveModelOptions = {}): Promise<SaveModelResult> {
  const target = path.resolve(dir);
  const existing = await isNonEmptyDir(target);
  if (existing && !opts.force) {
    throw new SemsliceError('OUTPUT_EXISTS', `${dir} already exists and is not empty.`, 'Choose another folder, or use --force (force: true) to replace it.');
  }
  const weightsFingerprint = modelFingerprint(model);
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
  await writeAtomically(target, existing !== undefined, [[MODEL_JSON, json], [WEIGHTS_BIN, new Uint8Array(weights)]]);
  return { dir: target, files: [MODEL_JSON, WEIGHTS_BIN], weightsFingerprint, weightBytes: weights.byteLength };
}

/** Write files into a fresh temp folder beside target, then swap it in (old folder removed only after). */
async function writeAtomically(target: string, exists: boolean, files: Array<[string, string | Uint8Array]>): Promise<void> {
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  const tmp = await fs.mkdtemp(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
    for (const [name, content] of files) await fs.writeFile(path.join(tmp, name), content);
    if (exists) {
      const old = `${tmp}-old`;
      await fs.rename(target, old);
      await fs.rename(tmp, target);
      await fs.rm(old, { recursive: true, force: true });
    } else {
      await fs.rename(tmp, target);
    }
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
