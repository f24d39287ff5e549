import { readFileSync } from 'node:fs';

let cached: string | undefined;
/** This package's version, read from package.json (two levels above src/cli or dist/cli). */
export function packageVersion(): string {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  cached = pkg.version;
  return cached;
}
