/**
 * Registers semslice's wasm kernels: Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.22.0),
 * Conv2DBackpropInput (stock one is slow) and MaxPoolGrad (stock one is wrong). Kernel-level, so they serve
 * tf.grad of conv2d, fused conv2d (layers), conv2dTranspose and maxPool alike. BatchMatMul/_FusedMatMul get
 * their transposed and batch-times-matrix cases onto XNNPACK's fast path (mat-mul.ts); Sum and Mean over leading
 * axes become a product with a row of ones (reduce.ts); FusedBatchNorm's gradient skips its Tile
 * (batch-norm-grad.ts); Identity shares its input's buffer instead of copying it (identity.ts). Also bridges a few
 * kernels wasm lacks to the cpu backend (cpu-bridge.ts). Where the native addon is built (native-addon.ts),
 * convolutions (depthwise ones and their gradients included) and matrix products go to it (native-kernels.ts), each
 * falling back to the kernel registered before it (the wasm one, or the cpu bridge).
 *
 * @example
 * await import('@tensorflow/tfjs-backend-wasm');
 * registerWasmPatches();           // initBackend() does this for you
 * wasmPatchesRegistered();         // true
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../messages/index.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { cpuBridgeConfigs } from './cpu-bridge.js';
import { matMulConfig } from './mat-mul.js';
import { reduceConfigs } from './reduce.js';
import { registerBatchNormGradient, restoreBatchNormGradient } from './batch-norm-grad.js';
import { nativeAddon } from './native-addon.js';
import { identityConfig } from './identity.js';
import { registerReluGradient, restoreReluGradient } from './relu-grad.js';
import { registerClipGradients, restoreClipGradients } from './clip-grad.js';
import { registerRelu6Layer, restoreRelu6Layer } from './relu6-layer.js';
import { registerMeanGradient, restoreMeanGradient } from './mean-grad.js';
import { registerBatchNormTraining, restoreBatchNormTraining } from './batch-norm-train.js';
import { nativeKernelConfigs } from './native-kernels.js';

const KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', '_FusedMatMul', 'Sum', 'Mean', 'Conv2D', 'FusedConv2D', 'Identity', 'FusedBatchNorm', 'MaxPool', 'Add', 'DepthwiseConv2dNative', 'Relu6'] as const;

/** The wasm kernels registered before ours (undefined where wasm had none), kept for fallback and restore. */
const stock = new Map<string, tf.KernelConfig | undefined>();
/** Names of the kernels bridged to cpu by us (absent on wasm before). */
const bridged: string[] = [];

let nativeActive = false;
/** Kernels only the addon provides (none stock): unregistered again by unregisterWasmPatches. */
const addedNative: string[] = [];

/** True when the native addon's kernels are registered (see native-addon.ts). */
export function nativeKernelsActive(): boolean {
  return wasmPatchesRegistered() && nativeActive;
}

/** True once our kernels are registered for 'wasm'. */
export function wasmPatchesRegistered(): boolean {
  return stock.size > 0;
}

/**
 * Register the patched kernels for 'wasm' (idempotent); `native: false` leaves the native addon's kernels out
 * (tests of the wasm kernels; the addon is otherwise used whenever it loads). Needs the wasm backend module loaded (it registers
 * the stock kernels we replace); if that has not happened, throws a SemsliceError.
 */
export function registerWasmPatches(opts: { native?: boolean } = {}): void {
  if (wasmPatchesRegistered()) return;
  const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (stockInput === undefined) {
    throw fail('WASM_NOT_LOADED', { current: tf.getBackend() });
  }
  for (const name of KERNELS) {
    stock.set(name, tf.getKernel(name, 'wasm'));
    if (stock.get(name) !== undefined) tf.unregisterKernel(name, 'wasm');
  }
  // Stock kernels the addon may wrap: registered again as they were, so the wrapping below finds them.
  for (const name of ['Conv2D', 'FusedConv2D', 'FusedBatchNorm', 'MaxPool', 'Add', 'DepthwiseConv2dNative', 'Relu6']) {
    const k = stock.get(name);
    if (k !== undefined) tf.registerKernel(k);
  }
  tf.registerKernel(identityConfig);
  tf.registerKernel(conv2dBackpropFilterConfig);
  tf.registerKernel(conv2dBackpropInputConfig(stockInput));
  tf.registerKernel(maxPoolGradConfig);
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const k = stock.get(name);
    if (k !== undefined) tf.registerKernel(matMulConfig(k));
  }
  registerBatchNormGradient();
  registerReluGradient();
  registerClipGradients();
  registerRelu6Layer();
  registerMeanGradient();
  registerBatchNormTraining();
  const [sum, mean] = [stock.get('Sum'), stock.get('Mean')];
  if (sum !== undefined && mean !== undefined) for (const config of reduceConfigs(sum, mean)) tf.registerKernel(config);
  for (const config of cpuBridgeConfigs()) {
    tf.registerKernel(config);
    bridged.push(config.kernelName);
  }
  // Last: the addon's kernels wrap whatever is registered now (ours or stock) and fall back to it.
  const addon = opts.native === false ? null : nativeAddon();
  nativeActive = addon !== null;
  if (addon) {
    for (const config of nativeKernelConfigs(addon, (name) => tf.getKernel(name, 'wasm'))) {
      if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
      else addedNative.push(config.kernelName);
      tf.registerKernel(config);
    }
  }
}

/**
 * Put the stock wasm kernels back (for comparisons and benchmarks); registerWasmPatches() undoes it.
 *
 * @example
 * unregisterWasmPatches();
 * try { timeStockKernels(); } finally { registerWasmPatches(); }
 */
export function unregisterWasmPatches(): void {
  if (!wasmPatchesRegistered()) return;
  for (const name of KERNELS) {
    if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
    const k = stock.get(name);
    if (k !== undefined) tf.registerKernel(k);
  }
  for (const name of bridged.splice(0)) tf.unregisterKernel(name, 'wasm');
  for (const name of addedNative.splice(0)) tf.unregisterKernel(name, 'wasm');
  restoreBatchNormGradient();
  restoreReluGradient();
  restoreClipGradients();
  restoreRelu6Layer();
  restoreMeanGradient();
  restoreBatchNormTraining();
  stock.clear();
}
