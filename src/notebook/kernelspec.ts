/**
 * What `semslice run` needs besides Jupyter, checked or made before Jupyter starts:
 * - the tslab kernelspec is a file: when tslab is installed here but the spec is missing, write it (the same
 *   kernel.json `tslab install --prefix .jupyter` writes) under this package's .jupyter/ prefix;
 * - a notebook's relative imports (`import * as ss from "../dist/index.js"`) must resolve from its folder: a shipped
 *   notebook copied out of the repo fails in its first cell with "Cannot find module" otherwise.
 *
 * @example
 * const prefix = ensureTslabKernelspec();   // '.../.jupyter/share/jupyter' or undefined when tslab is absent
 * checkRelativeImports(nb, 'notebooks/01-slicing-fidelity.ipynb');
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../engine/messages/index.js';
import { cellSource, type Ipynb } from './ipynb.js';

/** This package's root (two levels above src/notebook or dist/notebook). */
function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../..');
}

/** The tslab launcher of this package, or undefined. */
export function tslabBinary(root = packageRoot()): string | undefined {
  const bin = join(root, 'node_modules', '.bin', 'tslab');
  return existsSync(bin) ? bin : undefined;
}

/**
 * Write the tslab kernelspec under root/.jupyter when tslab is installed and the spec is not there yet. Returns the
 * JUPYTER_PATH entry holding it, or undefined when tslab is not installed (the caller says so).
 */
export function ensureTslabKernelspec(root = packageRoot()): string | undefined {
  const bin = tslabBinary(root);
  if (!bin) return undefined;
  const prefix = join(root, '.jupyter', 'share', 'jupyter');
  const spec = join(prefix, 'kernels', 'tslab', 'kernel.json');
  if (!existsSync(spec)) {
    mkdirSync(dirname(spec), { recursive: true });
    const tmp = `${spec}.${process.pid}.part`;
    writeFileSync(tmp, JSON.stringify({ argv: [bin, 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' }));
    renameSync(tmp, spec); // a concurrent jupyter sees the whole file or none
  }
  return prefix;
}

const RELATIVE_IMPORT = /(?:^|\n)\s*import\s[^'"]*?from\s+["'](\.{1,2}\/[^"']+)["']/g;

/** Throw NOTEBOOK_IMPORT_MISSING when a code cell imports a relative path that does not exist from the notebook's folder. */
export function checkRelativeImports(nb: Ipynb, notebookPath: string): void {
  const dir = dirname(resolve(notebookPath));
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    for (const m of cellSource(cell).matchAll(RELATIVE_IMPORT)) {
      const spec = m[1]!;
      const target = resolve(dir, spec);
      if (existsSync(target)) continue;
      throw fail('NOTEBOOK_IMPORT_MISSING', { notebook: notebookPath, spec, target, semslice: /dist\/index\.js$/.test(spec) });
    }
  }
}
