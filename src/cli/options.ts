import { InvalidArgumentError } from 'commander';
import { BACKEND_CHOICES } from '../engine/backend/select.js';
import { didYouMean } from '../engine/errors.js';

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

export function positiveNumberArg(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} takes a positive number, got "${v}".`);
    return n;
  };
}

/** `--param name=value` (repeatable) into a record; values stay strings, the consumer types them. */
export function collectParam(v: string, acc: Record<string, string> = {}): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--param takes name=value, got "${v}".`);
  return { ...acc, [v.slice(0, eq).trim()]: v.slice(eq + 1) };
}

/** A value from a closed list; the error names the flag, the value, a close match and the choices. */
export function choiceArg(flag: string, choices: readonly string[]) {
  return (v: string): string => {
    if (choices.includes(v)) return v;
    const guess = didYouMean(v, choices);
    throw new InvalidArgumentError(`${flag} takes one of ${choices.join(', ')}, got "${v}".${guess ? ` Did you mean "${guess}"?` : ''}`);
  };
}

export const BACKEND_FLAG = ['--backend <name>', 'tfjs backend: auto, tensorflow, webgpu, wasm or cpu (default: SEMSLICE_BACKEND, else auto)',
  choiceArg('--backend', BACKEND_CHOICES)] as const;

/** `--tau`: a similarity in [0, 1] or "auto". */
export function tauArg(v: string): number | 'auto' {
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`--tau takes a similarity in [0, 1] or "auto", got "${v}".`);
  return n;
}

/** `--workers`: training replicas, a positive integer or "auto". */
export function workersArg(v: string): number | 'auto' {
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--workers takes a positive integer or "auto", got "${v}".`);
  return n;
}

/** The training-replica flag shared by every command that trains (train, restructure, readapt, extend, study). */
export const WORKERS_FLAG = ['--workers <n|auto>', 'training replicas: auto (2 on two or more cores where it pays), 1 = one thread, or a count; results are deterministic per count', workersArg, 'auto'] as const;

/** A number within [min, max] (either end open with `open`); the error names the flag and the range. */
export function rangeArg(flag: string, min: number, max: number, open: { min?: boolean; max?: boolean } = {}) {
  return (v: string): number => {
    const n = Number(v);
    const ok = Number.isFinite(n) && (open.min ? n > min : n >= min) && (open.max ? n < max : n <= max);
    if (!ok) throw new InvalidArgumentError(`${flag} takes a number in ${open.min ? '(' : '['}${min}, ${max}${open.max ? ')' : ']'}, got "${v}".`);
    return n;
  };
}

/** `--theta`: a number in (0, 1] or "auto". */
export function thetaArg(v: string): number | 'auto' {
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0 && n <= 1)) throw new InvalidArgumentError(`--theta takes a number in (0, 1] or auto, got "${v}".`);
  return n;
}
