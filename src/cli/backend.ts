import { initBackend, BACKEND_CHOICES, type BackendInfo, type BackendRequest } from '../engine/backend/index.js';
import { SemsliceError, didYouMean, isSemsliceError } from '../engine/errors.js';

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
  throw new SemsliceError('BACKEND_UNKNOWN', `SEMSLICE_BACKEND is "${env}", not a backend.${guess ? ` Did you mean "${guess}"?` : ''}`,
    `Set SEMSLICE_BACKEND to one of ${BACKEND_CHOICES.join(', ')} (or unset it), or pass --backend NAME.`);
}

/** initBackend for a CLI command; an unavailable backend's hint names --backend instead of the API option. */
export async function initCliBackend(flag: string | undefined, quiet = false): Promise<BackendInfo> {
  const backend = cliBackendRequest(flag);
  try {
    return await initBackend({ ...(backend !== undefined ? { backend } : {}), quiet });
  } catch (e) {
    if (isSemsliceError(e) && e.hint) {
      throw new SemsliceError(e.code, e.message, e.hint.replace(/\{ backend: "(\w+)" \}/g, '--backend $1'));
    }
    throw e;
  }
}
