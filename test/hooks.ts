/**
 * Root hooks of the whole suite: the studies' base-model cache goes to a temporary folder (children spawned by the
 * tests inherit it through the environment), so no test writes into the user's ~/.cache; removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let made: string | undefined;
if (!process.env['SEMSLICE_MODEL_CACHE']) {
  made = mkdtempSync(join(tmpdir(), 'semslice-test-models-'));
  process.env['SEMSLICE_MODEL_CACHE'] = made;
}

export const mochaHooks = {
  afterAll(): void {
    if (made) rmSync(made, { recursive: true, force: true });
  },
};
