/** Shared by the webgpu tests: the backend forced on whatever adapter this machine has, or a skip that says why. */
import * as tf from '@tensorflow/tfjs';
import { initBackend, releaseBackend, type BackendInfo } from '../../../src/engine/backend/index.js';
import { backendState, restoreBackendState } from '../../../src/engine/backend/select.js';

/**
 * webgpu on this machine's adapter (Mesa llvmpipe through Dawn's OpenGL ES backend where there is no GPU), or
 * skip the suite with the reason: the packages `webgpu` and `@tensorflow/tfjs-backend-webgpu`, and on Linux without
 * a GPU the Debian packages libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri (what .ci/run installs).
 */
export async function webgpuOrSkip(ctx: Mocha.Context): Promise<BackendInfo> {
  try {
    return await initBackend({ backend: 'webgpu', quiet: true });
  } catch (e) {
    console.log(`      skipped: webgpu is not available here (${(e as Error).message}). It needs the packages webgpu and `
      + '@tensorflow/tfjs-backend-webgpu, and without a GPU the Debian packages libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri.');
    ctx.skip();
  }
}

/** Remember the backend tfjs runs on now; the returned function releases webgpu and goes back to it. */
export function backendBefore(): () => Promise<void> {
  const name = tf.engine().backendName as string | null;
  const state = backendState();
  return async () => {
    releaseBackend();
    if (name && name !== 'webgpu') {
      await tf.setBackend(name);
      restoreBackendState(state);
    }
  };
}
