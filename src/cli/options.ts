import { InvalidArgumentError } from 'commander';

/** Parsers for CLI option values: each names the flag and the expected form in its error. */
export function intArg(flag: string, min = 1) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} takes an integer >= ${min}, got "${v}".`);
    return n;
  };
}

export function numberArg(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${flag} takes a number, got "${v}".`);
    return n;
  };
}

/** `--param name=value` (repeatable) into a record; values stay strings, the consumer types them. */
export function collectParam(v: string, acc: Record<string, string> = {}): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--param takes name=value, got "${v}".`);
  return { ...acc, [v.slice(0, eq).trim()]: v.slice(eq + 1) };
}

export const BACKEND_FLAG = ['--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: auto, or SEMSLICE_BACKEND)'] as const;
