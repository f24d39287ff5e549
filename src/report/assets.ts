/**
 * The three vega UMD builds, read from the installed packages once per process (they are 830 KB together) and made
 * safe to inline, with the CSP hash of each.
 *
 * @example
 * const { code, hash } = vendorScript('vega');
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from './errors.js';
import { scriptSafe } from './escape.js';

export type VendorName = 'vega' | 'vega-lite' | 'vega-embed';

const BUILD_FILES: Record<VendorName, string> = {
  vega: 'build/vega.min.js', 'vega-lite': 'build/vega-lite.min.js', 'vega-embed': 'build/vega-embed.min.js',
};

export interface InlineScript { code: string; hash: string }

const cache = new Map<string, InlineScript>();

/** CSP source for an inline script's exact text. */
export function cspHash(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

export function inlineScript(code: string): InlineScript {
  const safe = scriptSafe(code);
  return { code: safe, hash: cspHash(safe) };
}

/**
 * The package folder of `name`. `exports` blocks resolving `name/package.json`, so resolve the entry point and walk
 * up to the folder whose package.json carries that name.
 */
export function packageDir(name: string): string {
  const entry = resolveEntry(name);
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === name) return dir;
      } catch { /* a broken package.json further down: keep walking */ }
    }
    if (dirname(dir) === dir) break;
  }
  throw fail('MISSING_PACKAGE', { name, case: 'no-folder', entry });
}

/**
 * The entry file of a package. import.meta.resolve is the ESM way; when this module runs transpiled to CommonJS
 * (tsx's require hook, as under mocha) it is missing, so fall back to require.resolve and then to a node_modules walk.
 */
function resolveEntry(name: string): string {
  const errors: string[] = [];
  const meta = import.meta as { resolve?: (s: string) => string };
  if (typeof meta.resolve === 'function') {
    try { return fileURLToPath(meta.resolve(name)); } catch (e) { errors.push((e as Error).message); }
  }
  try { return createRequire(import.meta.url).resolve(name); } catch (e) { errors.push((e as Error).message); }
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const pj = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(pj)) return pj;
    if (dirname(dir) === dir) break;
  }
  throw fail('MISSING_PACKAGE', { name, case: 'not-found', errors });
}

/** The UMD build of a vega package, escaped for inlining, cached per process. */
export function vendorScript(name: VendorName): InlineScript {
  const hit = cache.get(name);
  if (hit) return hit;
  const file = join(packageDir(name), BUILD_FILES[name]);
  if (!existsSync(file)) {
    throw fail('MISSING_PACKAGE', { name, case: 'no-build', file: BUILD_FILES[name] });
  }
  const s = inlineScript(readFileSync(file, 'utf8'));
  cache.set(name, s);
  return s;
}

/** The version of an installed package (for the report's generator line). */
export function packageVersion(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
