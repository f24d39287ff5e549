/**
 * tfjs backend selection (tensorflow -> webgpu -> wasm -> cpu) and semslice's wasm kernels.
 *
 * @example
 * import { initBackend } from './engine/backend/index.js';
 * const info = await initBackend();   // logs "backend: wasm (SIMD, 1 thread; native kernels)"
 */
export {
  initBackend, backendInfo, releaseBackend, BACKEND_CHOICES, AUTO_ORDER,
  type BackendInfo, type BackendName, type BackendRequest, type InitBackendOptions,
} from './select.js';
export { adapterSummary, webgpuFlags, WEBGPU_PACKAGES, type WebGPUAdapterInfo } from './webgpu.js';
export { ensureBackend, onFirstUse, silenceCpuBanner } from './first-use.js';
export { refuseReplicasOnWebGPU } from './replicas.js';
export { registerWasmPatches, unregisterWasmPatches, wasmPatchesRegistered, nativeKernelsActive } from './wasm-patches.js';
export { nativeAddon, nativeStatus, NATIVE_ADDON_PATH, type NativeAddon } from './native-addon.js';
export { ADAM_KERNEL, BATCH_NORM_GRAD_KERNEL, BN_TRAIN_KERNEL, BN_TRAIN_GRAD_KERNEL } from './native-kernels.js';
export { withBackend, relativeError, kernelSets, useKernelSet } from './testing.js';
export { CPU_BRIDGED_KERNELS } from './cpu-bridge.js';
