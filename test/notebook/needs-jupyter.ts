/**
 * Skip a notebook-execution suite, saying why and what to run, when dist/ is not built or Jupyter with the tslab
 * kernel is not installed.
 *
 * @example
 * before(async function () { await requireNotebookTools(this); ... });
 */
import { existsSync } from 'node:fs';
import { findJupyter } from '../../src/notebook/execute.js';

export async function requireNotebookTools(ctx: Mocha.Context): Promise<void> {
  if (!existsSync('dist/index.js')) {
    console.log('    skipped: dist/index.js not built (npm run build)');
    ctx.skip();
  }
  try {
    await findJupyter();
  } catch (e) {
    console.log(`    skipped: ${(e as Error).message} Install: bash scripts/setup-jupyter.sh`);
    ctx.skip();
  }
}
