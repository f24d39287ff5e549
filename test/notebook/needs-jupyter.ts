/**
 * Skip a notebook-execution suite, saying why and what to run, unless the built files and Jupyter with the tslab
 * kernel are here.
 *
 * @example
 * before(async function () { await requireJupyter(this); ... });
 */
import { existsSync } from 'node:fs';
import { findJupyter } from '../../src/notebook/execute.js';

export async function requireJupyter(ctx: Mocha.Context, built: string[] = ['dist/index.js']): Promise<void> {
  if (!built.every((f) => existsSync(f))) {
    console.log(`    skipped: ${built.join(', ')} not built (npm run build)`);
    ctx.skip();
  }
  try {
    await findJupyter();
  } catch (e) {
    console.log(`    skipped: ${(e as Error).message} Install: bash scripts/setup-jupyter.sh`);
    ctx.skip();
  }
}
