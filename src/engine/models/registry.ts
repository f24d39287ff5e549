import type * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { Registry } from '../registry.js';

/** Options every zoo builder takes. Defaults are resolved by {@link resolveBuildOptions}. */
export interface BuildOptions {
  /** Per-sample input shape [height, width, channels]. */
  inputShape: readonly [number, number, number];
  /** Number of output classes (units of the "logits" layer). */
  numClasses: number;
  /** Seed of every initialiser: the same seed gives byte-identical weights. Default 0. */
  seed?: number;
  /** Insert BatchNormalization after each conv/dense hidden layer (conv -> BN -> ReLU). Default false. */
  batchNorm?: boolean;
  /** Multiplier on every hidden layer's units/channels (rounded, at least 1). Default 1. */
  width?: number;
}

/** BuildOptions with every default filled in. */
export type ResolvedBuildOptions = Required<BuildOptions>;

/** A zoo entry: a named builder of a fresh, seeded tf.LayersModel. */
export interface ModelEntry {
  name: string;
  description: string;
  build(opts: ResolvedBuildOptions): tf.LayersModel;
}

const registry = new Registry<ModelEntry>({
  kind: 'model',
  codePrefix: 'MODEL',
  namePattern: /^[a-z0-9][a-z0-9-]*$/,
});

/**
 * Add a model builder to the zoo. Names are unique: re-registering fails unless `{ override: true }`.
 *
 * @example
 * registerModel({ name: 'tiny', description: 'one dense layer', build: (o) => myBuilder(o) });
 */
export function registerModel(entry: ModelEntry, opts: { override?: boolean } = {}): void {
  registry.register(entry, opts);
}

/**
 * Names and descriptions of all registered models, in registration order.
 *
 * @example
 * listModels().map((m) => m.name); // ['mlp', 'lenet5', 'vgg-small', 'resnet-small', ...]
 */
export function listModels(): Array<{ name: string; description: string }> {
  return registry.list().map((e) => ({ name: e.name, description: e.description }));
}

/**
 * The entry registered under name; unknown names throw UNKNOWN_MODEL with a "did you mean".
 *
 * @example
 * getModelEntry('lenet5').description;
 */
export function getModelEntry(name: string): ModelEntry {
  return registry.get(name);
}

/**
 * Fill defaults and validate build options (SemsliceError BAD_BUILD_OPTIONS naming the field).
 *
 * @example
 * resolveBuildOptions({ inputShape: [28, 28, 1], numClasses: 10 }); // seed 0, batchNorm false, width 1
 */
export function resolveBuildOptions(opts: BuildOptions): ResolvedBuildOptions {
  const shape = opts.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw fail('BAD_BUILD_OPTIONS', { case: 'value', option: 'inputShape', value: shape, expected: '[height, width, channels] of positive integers', example: [28, 28, 1] });
  }
  if (!Number.isInteger(opts.numClasses) || opts.numClasses < 2) {
    throw fail('BAD_BUILD_OPTIONS', { case: 'value', option: 'numClasses', value: opts.numClasses, expected: 'an integer >= 2', example: 10 });
  }
  const width = opts.width ?? 1;
  if (!(width > 0) || !Number.isFinite(width)) {
    throw fail('BAD_BUILD_OPTIONS', { case: 'value', option: 'width', value: opts.width, expected: 'a positive number', example: 0.5 });
  }
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) {
    throw fail('BAD_BUILD_OPTIONS', { case: 'value', option: 'seed', value: opts.seed, expected: 'an integer', example: 42 });
  }
  return { inputShape: [shape[0], shape[1], shape[2]], numClasses: opts.numClasses, seed, batchNorm: opts.batchNorm ?? false, width };
}
