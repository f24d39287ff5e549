/**
 * Kernels tfjs-backend-wasm 4.22.0 lacks but training code can hit (depthwise conv gradients, the gather
 * gradient UnsortedSegmentSum, Einsum), served by the cpu backend's kernels with a data copy each way.
 * Correct, not fast: without them the op throws "Kernel '...' not registered for backend 'wasm'".
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Info } from './wasm-kernel-utils.js';

/** Kernels bridged to cpu when wasm has none (numeric dtypes only; complex/string/ragged ones are left out). */
export const CPU_BRIDGED_KERNELS = [
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
  'Einsum',
] as const;

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function cpuBackend(): tf.KernelBackend {
  const cpu = tf.findBackend('cpu');
  if (cpu === null) throw new Error('semslice: the cpu backend is not available for bridging');
  return cpu;
}

/** Make a wasm kernel function that runs cpu's kernel `name` on copies of the inputs. */
export function bridgeToCpu(name: string): (args: KernelArgs) => Info | Info[] {
  return function cpuBridge(args) {
    const wasm = args.backend as BackendWasm;
    const cpu = cpuBackend();
    const kernel = tf.getKernel(name, 'cpu');
    if (kernel === undefined) throw new Error(`semslice: cpu has no kernel ${name} to bridge`);
    const made: Info[] = [];
    const inputs: Record<string, Info> = {};
    for (const [key, t] of Object.entries(args.inputs)) {
      if (t === undefined) continue;
      const values = wasm.readSync(t.dataId) as tf.backend_util.BackendValues;
      const info = { dataId: cpu.write(values, t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
      made.push(info);
      inputs[key] = info;
    }
    const kernelArgs = { inputs, backend: cpu, attrs: args.attrs ?? {} };
    const out = kernel.kernelFunc(kernelArgs as Parameters<tf.KernelFunc>[0]);
    const outs = Array.isArray(out) ? out : [out];
    const results = outs.map((o) => wasm.makeOutput(o.shape, o.dtype, undefined,
      cpu.readSync(o.dataId) as tf.backend_util.BackendValues));
    for (const t of [...made, ...outs]) cpu.disposeData(t.dataId);
    return Array.isArray(out) ? results : results[0]!;
  };
}

/** Configs for the bridged kernels that wasm does not already have. */
export function cpuBridgeConfigs(): tf.KernelConfig[] {
  return CPU_BRIDGED_KERNELS
    .filter((name) => tf.getKernel(name, 'wasm') === undefined && tf.getKernel(name, 'cpu') !== undefined)
    .map((name) => ({ kernelName: name, backendName: 'wasm', kernelFunc: bridgeToCpu(name) as unknown as tf.KernelFunc }));
}
