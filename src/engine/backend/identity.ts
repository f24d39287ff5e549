/**
 * Identity for the wasm backend without the copy. tfjs' engine clones (Identity) every tensor it saves for the
 * backward pass, and wasm's Identity copies the whole buffer: 20 copies of 6.4 MB per vgg-small+BatchNorm step,
 * about 4% of it. Tensors are immutable (a variable's assign swaps its buffer, no kernel writes into an input), so
 * sharing the buffer with a reference count is safe; the cpu backend's Identity and wasm's own Reshape already do so.
 *
 * @example
 * tf.registerKernel(identityConfig);   // registerWasmPatches() does this
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Info } from './wasm-kernel-utils.js';

function identityShared(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): Info {
  const x = args.inputs['x']!;
  (args.backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identityShared as unknown as tf.KernelFunc,
};
