/** Reads the project's TypeScript sources and their relative imports, for the architecture tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SRC = path.join(ROOT, 'src');

/** Every .ts file under dir, as paths relative to ROOT with forward slashes. */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) out.push(path.relative(ROOT, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

export interface ImportEdge {
  /** Importing file, relative to ROOT. */
  from: string;
  /** Imported file, relative to ROOT (extension .ts). */
  to: string;
  /** `import type` / `export type`: erased at run time. */
  typeOnly: boolean;
  line: number;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The relative imports of a source file (static, re-exports and dynamic import()). */
export function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4]!;
    const to = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)).split(path.sep).join('/').replace(/\.js$/, '.ts');
    const line = text.slice(0, m.index! + m[0].length).split('\n').length;
    edges.push({ from: file, to, typeOnly: Boolean(m[2]), line });
  }
  return edges;
}

/** Source text with comments and string contents of comments removed (line numbers kept). */
export function codeOf(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}
