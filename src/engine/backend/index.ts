/**
 * tfjs backend selection and semslice's wasm kernels.
 *
 * @example
 * import { initBackend } from './engine/backend/index.js';
 * const info = await initBackend();   // logs "backend: wasm (SIMD, 1 thread)"
 */
export {
  initBackend, backendInfo, BACKEND_CHOICES, AUTO_ORDER,
  type BackendInfo, type BackendName, type BackendRequest, type InitBackendOptions,
} from './select.js';
export { ensureBackend, onFirstUse, silenceCpuBanner } from './first-use.js';
export { registerWasmPatches, unregisterWasmPatches, wasmPatchesRegistered } from './wasm-patches.js';
export { withBackend, relativeError } from './testing.js';
export { CPU_BRIDGED_KERNELS } from './cpu-bridge.js';
