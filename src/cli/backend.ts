import { initBackend, BACKEND_CHOICES, type BackendInfo, type BackendRequest } from '../engine/backend/index.js';
import { didYouMean } from '../engine/errors.js';
import { fail } from '../engine/messages/index.js';

/**
 * The backend a command asked for: --backend when given, else SEMSLICE_BACKEND (what --help promises), else auto.
 * Checked before any work, with the fix in CLI terms.
 */
export function cliBackendRequest(flag: string | undefined): BackendRequest | undefined {
  if (flag !== undefined) return flag as BackendRequest; // --backend is checked by its option parser
  const env = process.env['SEMSLICE_BACKEND'];
  if (env === undefined || env.trim() === '') return undefined;
  const name = env.trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(name)) return undefined; // initBackend reads it itself
  const guess = didYouMean(name, BACKEND_CHOICES);
  throw fail('BACKEND_UNKNOWN', { name: env, source: 'env', choices: BACKEND_CHOICES, ...(guess !== undefined ? { guess } : {}) });
}

/** initBackend for a CLI command (an unavailable backend's hint names the backend option, which the CLI shows as --backend). */
export async function initCliBackend(flag: string | undefined, quiet = false): Promise<BackendInfo> {
  const backend = cliBackendRequest(flag);
  return initBackend({ ...(backend !== undefined ? { backend } : {}), quiet });
}
