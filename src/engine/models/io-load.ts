import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SemsliceError } from '../errors.js';
import { fail } from '../messages/index.js';
import { ensureBackend } from '../backend/first-use.js';
import { modelFingerprint } from './fingerprint.js';
import { MODEL_JSON } from './io-save.js';

/** The semslice part of a model's userDefinedMetadata (what saveModel's metadata option stored). */
export interface ModelMetadata {
  weightsFingerprint?: string;
  [key: string]: unknown;
}

interface Shard { file: string; bytes: Uint8Array }

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

function specBytes(spec: tf.io.WeightsManifestEntry, where: string): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const dt = spec.quantization?.dtype ?? spec.dtype;
  const size = DTYPE_BYTES[dt];
  if (size === undefined) {
    throw fail('BAD_MODEL_JSON', { file: where, case: 'dtype', weight: spec.name, dtype: dt });
  }
  return n * size;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw fail('MODEL_NOT_FOUND', { path: file, missing: 'file' });
    }
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw fail('BAD_MODEL_JSON', { file, case: 'not-json', error: (e as Error).message });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw fail('BAD_MODEL_JSON', { file, case: 'not-object' });
  }
  return json as Record<string, unknown>;
}

function checkLayersModel(j: Record<string, unknown>, file: string): { topology: object; manifest: tf.io.WeightsManifestConfig } {
  const topo = j['modelTopology'] as Record<string, unknown> | undefined;
  const isLayers = (j['format'] === undefined || j['format'] === 'layers-model') && typeof topo === 'object' && topo !== null
    && ('class_name' in topo || 'model_config' in topo);
  if (!isLayers) {
    throw fail('NOT_LAYERS_MODEL', { file, ...(typeof j['format'] === 'string' ? { format: j['format'] } : {}) });
  }
  const manifest = j['weightsManifest'];
  if (!Array.isArray(manifest) || !manifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))) {
    throw fail('BAD_MODEL_JSON', { file, case: 'no-manifest' });
  }
  return { topology: topo, manifest: manifest as tf.io.WeightsManifestConfig };
}

/** Read one group's shards, in order, and check their total size against the manifest. */
async function readGroup(dir: string, group: tf.io.WeightsManifestConfig[number], file: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  for (const p of group.paths) {
    const f = path.join(dir, p);
    try {
      const b = await fs.readFile(f);
      shards.push({ file: f, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw fail('MISSING_WEIGHTS', { file: f, manifest: file });
      }
      throw e;
    }
  }
  const expected = group.weights.reduce((s, w) => s + specBytes(w, file), 0);
  const actual = shards.reduce((s, x) => s + x.bytes.byteLength, 0);
  const files = shards.map((s) => s.file);
  if (actual < expected) throw fail('TRUNCATED_WEIGHTS', { files, actual, expected, manifest: file });
  if (actual > expected) throw fail('CORRUPT_WEIGHTS', { case: 'size', files, actual, expected, manifest: file });
  return shards;
}

/** Concatenate shards into one ArrayBuffer; report the file of the first non-finite float32 weight. */
function joinAndCheck(shards: Shard[], specs: tf.io.WeightsManifestEntry[], file: string): ArrayBuffer {
  const total = shards.reduce((s, x) => s + x.bytes.byteLength, 0);
  const all = new Uint8Array(total);
  const starts: number[] = [];
  let off = 0;
  for (const s of shards) { starts.push(off); all.set(s.bytes, off); off += s.bytes.byteLength; }
  let pos = 0;
  for (const spec of specs) {
    const n = specBytes(spec, file);
    if (spec.dtype === 'float32' && !spec.quantization) {
      const v = new Float32Array(all.buffer, pos, n / 4);
      const bad = v.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) {
        const at = pos + bad * 4;
        let k = starts.length - 1;
        while (k > 0 && starts[k]! > at) k--;
        throw fail('CORRUPT_WEIGHTS', { case: 'non-finite', weight: spec.name, file: shards[k]!.file, value: v[bad]! });
      }
    }
    pos += n;
  }
  return all.buffer;
}

/**
 * Why tfjs could not build the model, told apart by its message: weights whose shapes do not fit the layers (an
 * input shape edited in model.json, or weights of another model) are not an unknown layer or a tfjs version problem.
 */
function buildError(file: string, why: string): SemsliceError {
  if (/Unknown layer|Unknown (?:initializer|activation|regularizer|constraint)|class_name/i.test(why)) {
    return fail('BAD_MODEL', { case: 'unknown-layer', file, why });
  }
  if (/shape/i.test(why)) {
    return fail('BAD_MODEL', { case: 'weights-do-not-fit', file, why });
  }
  return fail('BAD_MODEL', { case: 'cannot-build', file, why });
}

/** Resolve dir (a folder with model.json, or the model.json itself). */
async function modelJsonPath(dir: string): Promise<string> {
  try {
    const st = await fs.stat(dir);
    return st.isDirectory() ? path.join(dir, MODEL_JSON) : dir;
  } catch {
    throw fail('MODEL_NOT_FOUND', { path: dir, missing: 'folder' });
  }
}

/**
 * Load a tfjs LayersModel from a folder (model.json + every weight shard its weightsManifest lists, any number
 * of groups and shards, as stock tfjs writes them) without tfjs-node. Checks sizes, finiteness and, for models
 * saved by saveModel, the weights fingerprint; each problem is a SemsliceError naming the file.
 *
 * @example
 * const model = await loadModel('models/lenet5-mnist');
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  await ensureBackend(); // the model's weights are the first tensors of most sessions: on the right backend
  const file = await modelJsonPath(dir);
  const j = await readJson(file);
  const { topology, manifest } = checkLayersModel(j, file);
  const shards: Shard[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const g of manifest) {
    shards.push(...await readGroup(path.dirname(file), g, file));
    specs.push(...g.weights);
  }
  const weightData = joinAndCheck(shards, specs, file);
  const userDefinedMetadata = j['userDefinedMetadata'] as Record<string, unknown> | undefined;
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: specs, weightData, userDefinedMetadata, format: 'layers-model' }));
  } catch (e) {
    throw buildError(file, (e as Error).message);
  }
  const meta = modelMetadata(model);
  if (meta.weightsFingerprint && meta.weightsFingerprint !== await modelFingerprint(model)) {
    model.dispose();
    throw fail('CORRUPT_WEIGHTS', { case: 'fingerprint', files: shards.map((s) => s.file), manifest: file });
  }
  return model;
}

/**
 * The semslice metadata saved with a model (empty object when there is none).
 *
 * @example
 * modelMetadata(await loadModel('models/lenet5-mnist')).accuracy;
 */
export function modelMetadata(model: tf.LayersModel): ModelMetadata {
  const u = model.getUserDefinedMetadata() as Record<string, unknown> | undefined;
  const s = u?.['semslice'];
  return typeof s === 'object' && s !== null ? { ...(s as ModelMetadata) } : {};
}
