/**
 * The optional native addon (native/semslice_native.c, built at install by scripts/build-native.mjs when a C
 * compiler and OpenBLAS are present): convolutions and matrix products as BLAS sgemm on the wasm heap. Absent or
 * disabled (SEMSLICE_NATIVE=0), everything runs on the wasm kernels alone, with the same results up to float
 * rounding.
 *
 * @example
 * const addon = nativeAddon();          // null when not built or disabled
 * addon?.config();                      // "OpenBLAS 0.3.21 ... SkylakeX ..."
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's functions: int arguments are geometry, byte offsets into `heap`, flags. */
export interface NativeAddon {
  conv2d(heap: ArrayBufferLike, ...ints: number[]): void;
  conv2dBackpropInput(heap: ArrayBufferLike, ...ints: number[]): void;
  conv2dBackpropFilter(heap: ArrayBufferLike, ...ints: number[]): void;
  depthwiseConv2d(heap: ArrayBufferLike, ...ints: number[]): void;
  depthwiseConv2dBackpropInput(heap: ArrayBufferLike, ...ints: number[]): void;
  depthwiseConv2dBackpropFilter(heap: ArrayBufferLike, ...ints: number[]): void;
  matmul(heap: ArrayBufferLike, ...ints: number[]): void;
  adam(heap: ArrayBufferLike, ...ints: number[]): void;
  batchNormGrad(heap: ArrayBufferLike, ...ints: number[]): void;
  batchNorm(heap: ArrayBufferLike, ...ints: number[]): void;
  reluGrad(heap: ArrayBufferLike, ...ints: number[]): void;
  clipGrad(heap: ArrayBufferLike, ...ints: number[]): void;
  relu6(heap: ArrayBufferLike, ...ints: number[]): void;
  spreadMean(heap: ArrayBufferLike, ...ints: number[]): void;
  batchNormTrain(heap: ArrayBufferLike, ...ints: number[]): void;
  batchNormTrainGrad(heap: ArrayBufferLike, ...ints: number[]): void;
  biasAdd(heap: ArrayBufferLike, ...ints: number[]): void;
  maxPool(heap: ArrayBufferLike, ...ints: number[]): void;
  maxPoolGrad(heap: ArrayBufferLike, ...ints: number[]): void;
  /** BLAS threads of this process (>= 1); returns the count in effect. */
  setThreads(n: number): number;
  /** OpenBLAS's build description. */
  config(): string;
}

/** Where the install step puts the addon, relative to the package root. */
export const NATIVE_ADDON_PATH = 'native/build/semslice_native.node';

let cached: { addon: NativeAddon | null; why: string } | undefined;

/** Package root: two folders above engine/backend (src/ in development, dist/ when installed). */
function packageRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/**
 * The loaded addon, or null (not built, disabled by SEMSLICE_NATIVE=0, or failed to load: `nativeStatus()` says
 * which).
 */
export function nativeAddon(): NativeAddon | null {
  if (cached) return cached.addon;
  const flag = process.env['SEMSLICE_NATIVE'];
  if (flag === '0' || flag === 'false') {
    cached = { addon: null, why: 'native addon disabled by SEMSLICE_NATIVE=0' };
    return null;
  }
  const file = join(packageRoot(), NATIVE_ADDON_PATH);
  if (!existsSync(file)) {
    cached = { addon: null, why: `native addon not built (\`npm run build:native\` builds it where a C compiler and OpenBLAS are installed)` };
    return null;
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    // One BLAS thread per calling thread unless the user set OpenBLAS's own variable: both cores come from the
    // data-parallel replicas, and two thread pools on two cores would only fight.
    if (process.env['OPENBLAS_NUM_THREADS'] === undefined) addon.setThreads(1);
    cached = { addon, why: 'loaded' };
  } catch (e) {
    cached = { addon: null, why: `native addon failed to load: ${(e as Error).message.split('\n')[0]} (\`npm run build:native\` rebuilds it)` };
  }
  return cached.addon;
}

/** Why the addon is or is not in use, in one line. */
export function nativeStatus(): string {
  nativeAddon();
  return cached!.why;
}
