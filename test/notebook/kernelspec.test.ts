/**
 * Issue 10, point 5: `semslice run` writes the tslab kernelspec itself (it is a file) and names exactly what is missing
 * otherwise; a shipped notebook copied out of the repo fails before Jupyter starts with the fix, not with "Cannot
 * find module '../dist/index.js'" in its first cell.
 */
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRelativeImports, ensureTslabKernelspec } from '../../src/notebook/kernelspec.js';
import { readNotebook } from '../../src/notebook/ipynb.js';
import { runCli } from '../cli/run-cli.js';

describe('notebook/kernelspec and imports (issue 10, point 5)', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'semslice-kernelspec-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes the tslab kernelspec when tslab is installed and the spec is missing', async () => {
    const root = join(dir, 'pkg');
    await mkdir(join(root, 'node_modules', '.bin'), { recursive: true });
    await writeFile(join(root, 'node_modules', '.bin', 'tslab'), '#!/bin/sh\n');
    const prefix = ensureTslabKernelspec(root);
    assert.equal(prefix, join(root, '.jupyter', 'share', 'jupyter'));
    const spec = JSON.parse(await readFile(join(prefix!, 'kernels', 'tslab', 'kernel.json'), 'utf8')) as { argv: string[]; language: string };
    assert.deepEqual(spec.argv, [join(root, 'node_modules', '.bin', 'tslab'), 'kernel', '--config-path', '{connection_file}']);
    assert.equal(spec.language, 'typescript');
    assert.equal(ensureTslabKernelspec(join(dir, 'no-tslab')), undefined, 'without tslab there is nothing to write');
  });

  it('a shipped notebook copied out of the repo is refused before Jupyter, with the import to use', async () => {
    const copy = join(dir, 'quickstart.ipynb');
    await writeFile(copy, await readFile('notebooks/00-quickstart.ipynb'));
    const nb = await readNotebook(copy);
    assert.throws(() => checkRelativeImports(nb, copy), (e: Error & { code?: string; hint?: string }) =>
      e.code === 'NOTEBOOK_IMPORT_MISSING' && /imports "\.\.\/dist\/index\.js"/.test(e.message) && /"semslice"/.test(e.hint ?? ''));
    const r = await runCli(['run', copy, '--out', join(dir, 'out.ipynb')]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /imports "\.\.\/dist\/index\.js", which does not exist/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });
});
