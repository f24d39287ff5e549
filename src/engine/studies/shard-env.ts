/**
 * `--shard auto`: the shard of this process from the environment a batch engine gives its tasks. Slurm arrays set
 * SLURM_ARRAY_TASK_ID with the array's COUNT, MIN, MAX and STEP; a Kubernetes indexed Job sets JOB_COMPLETION_INDEX
 * (the number of completions is not in the pod's environment, so the count comes from an option or
 * SEMSLICE_SHARD_COUNT). semslice has no scheduler of its own; this is the whole of its contact with one.
 *
 * Slurm, two ways to number shards:
 * - no explicit count: the array is the shard set. count = SLURM_ARRAY_TASK_COUNT, index = task id - MIN, so
 *   `--array=1-4` works as well as `--array=0-3`. The ids must be contiguous (MAX - MIN + 1 = COUNT); an array with
 *   a step (`--array=0-6:2`) or a list (`--array=1,3,10`) is refused, since its ids do not number the shards.
 * - an explicit count N: the task id is the shard index, in [0, N). This is what resubmitting some tasks of an
 *   array needs (`sbatch --array=1,3` keeps shards 1 and 3 of N, whatever COUNT and MIN the smaller array has).
 */
import { fail } from '../messages/index.js';
import type { ShardEnvCase } from '../messages/maintenance.js';
import type { Shard } from './types.js';

/** The environment variable that gives the shard count where the engine does not (a Kubernetes indexed Job). */
export const SHARD_COUNT_VARIABLE = 'SEMSLICE_SHARD_COUNT';

/** The batch engines `--shard auto` reads. */
export type ShardEngine = 'slurm' | 'kubernetes';

/** Where an environment shard came from: recorded in the study folder's study.json. */
export interface ShardOrigin {
  engine: ShardEngine;
  /** The variables read, with their values (for Slurm these name the array job and task to resubmit). */
  variables: Record<string, string>;
  /** Where the count came from: the engine (a Slurm array's size), the count option, or SEMSLICE_SHARD_COUNT. */
  countFrom: 'engine' | 'option' | typeof SHARD_COUNT_VARIABLE;
}

/** A shard read from the environment: a Shard (pass it to runStudy as it is) plus its origin. */
export interface EnvironmentShard extends Shard {
  origin: ShardOrigin;
}

export interface ShardFromEnvironmentOptions {
  /**
   * The number of shards. Required for a Kubernetes indexed Job (or set SEMSLICE_SHARD_COUNT); with Slurm it makes
   * the task id the shard index (for resubmitting some tasks of an array). Default: SEMSLICE_SHARD_COUNT, else the
   * Slurm array's size.
   */
  count?: number;
}

const SLURM = ['SLURM_ARRAY_JOB_ID', 'SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX', 'SLURM_ARRAY_TASK_STEP'] as const;
const K8S = 'JOB_COMPLETION_INDEX';

type Env = Readonly<Record<string, string | undefined>>;

const isSet = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

/** The relevant variables that are set, as "NAME=value" for messages. */
function seen(env: Env): string[] {
  return [...SLURM, K8S, SHARD_COUNT_VARIABLE, 'SLURM_JOB_ID'].filter((n) => isSet(env, n)).map((n) => `${n}=${env[n]!.trim()}`);
}

/** SHARD_ENV for what the environment holds. */
function refuse(env: Env, problem: ShardEnvCase): never {
  throw fail('SHARD_ENV', { ...problem, seen: seen(env) });
}

/** A whole number from a variable; refuses anything else, naming the variable. */
function wholeNumber(env: Env, name: string, min: number): number {
  const raw = (env[name] ?? '').trim();
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    refuse(env, { case: 'not-integer', variable: name, value: env[name] ?? '', min });
  }
  return Number(raw);
}

function explicitCount(env: Env, count: number | undefined): { count: number; from: ShardOrigin['countFrom'] } | undefined {
  if (count !== undefined) {
    if (!Number.isInteger(count) || count < 1) {
      throw fail('SHARD_ENV', { case: 'bad-count', count });
    }
    return { count, from: 'option' };
  }
  if (isSet(env, SHARD_COUNT_VARIABLE)) return { count: wholeNumber(env, SHARD_COUNT_VARIABLE, 1), from: SHARD_COUNT_VARIABLE };
  return undefined;
}

function pick(env: Env, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => isSet(env, n)).map((n) => [n, env[n]!.trim()]));
}

function fromSlurm(env: Env, given: ReturnType<typeof explicitCount>): EnvironmentShard {
  const id = wholeNumber(env, 'SLURM_ARRAY_TASK_ID', 0);
  const variables = pick(env, given?.from === SHARD_COUNT_VARIABLE ? [...SLURM, SHARD_COUNT_VARIABLE] : SLURM);
  if (given) {
    // The task id is the shard index; an array whose ids reach past the count would leave shards out.
    const max = isSet(env, 'SLURM_ARRAY_TASK_MAX') ? wholeNumber(env, 'SLURM_ARRAY_TASK_MAX', 0) : id;
    if (Math.max(id, max) >= given.count) {
      refuse(env, { case: 'slurm-ids-past-count', count: given.count, reach: Math.max(id, max) });
    }
    return { index: id, count: given.count, origin: { engine: 'slurm', variables, countFrom: given.from } };
  }
  for (const n of ['SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_MAX'] as const) {
    if (!isSet(env, n)) {
      refuse(env, { case: 'slurm-size-unknown', missing: n });
    }
  }
  const count = wholeNumber(env, 'SLURM_ARRAY_TASK_COUNT', 1);
  const min = wholeNumber(env, 'SLURM_ARRAY_TASK_MIN', 0);
  const max = wholeNumber(env, 'SLURM_ARRAY_TASK_MAX', 0);
  if (max - min + 1 !== count || id < min || id > max) {
    refuse(env, { case: 'slurm-not-contiguous', min, max, count });
  }
  return { index: id - min, count, origin: { engine: 'slurm', variables, countFrom: 'engine' } };
}

function fromKubernetes(env: Env, given: ReturnType<typeof explicitCount>): EnvironmentShard {
  const index = wholeNumber(env, K8S, 0);
  if (!given) {
    refuse(env, { case: 'k8s-no-count' });
  }
  if (index >= given.count) {
    refuse(env, { case: 'k8s-index-past-count', index, count: given.count });
  }
  const variables = pick(env, given.from === SHARD_COUNT_VARIABLE ? [K8S, SHARD_COUNT_VARIABLE] : [K8S]);
  return { index, count: given.count, origin: { engine: 'kubernetes', variables, countFrom: given.from } };
}

/**
 * The shard of this process from its batch engine's environment (Slurm array, Kubernetes indexed Job), with where
 * it came from. Throws SHARD_ENV, naming the variables seen and their values, when no engine's variables are set or
 * they do not fit (a non-integer, an index past the count, an array with a step, Slurm and Kubernetes disagreeing).
 *
 * @example
 * const shard = shardFromEnvironment(process.env);          // in a task of sbatch --array=0-3: { index, count: 4, origin }
 * await runStudy('fidelity', { preset: 'full', shard, out: `runs/fid-${shard.index}` });
 * shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' }, { count: 4 }); // { index: 2, count: 4, origin: { engine: 'kubernetes', ... } }
 */
export function shardFromEnvironment(env: Env = process.env, opts: ShardFromEnvironmentOptions = {}): EnvironmentShard {
  const given = explicitCount(env, opts.count);
  const slurm = isSet(env, 'SLURM_ARRAY_TASK_ID') ? fromSlurm(env, given) : undefined;
  const k8s = isSet(env, K8S) ? fromKubernetes(env, given) : undefined;
  if (slurm && k8s) {
    if (slurm.index !== k8s.index || slurm.count !== k8s.count) {
      refuse(env, { case: 'engines-disagree', slurm: { index: slurm.index, count: slurm.count }, k8s: { index: k8s.index, count: k8s.count } });
    }
    return { ...slurm, origin: { ...slurm.origin, variables: { ...slurm.origin.variables, ...k8s.origin.variables } } };
  }
  const found = slurm ?? k8s;
  if (found) return found;
  refuse(env, { case: 'none', ...(isSet(env, 'SLURM_JOB_ID') ? { slurmJob: env['SLURM_JOB_ID']!.trim() } : {}) });
}

/**
 * Where a shard came from, in words ("Slurm array job 12, task 3 (SLURM_ARRAY_TASK_ID=3, ...)").
 *
 * @example
 * describeShardOrigin(shardFromEnvironment({ JOB_COMPLETION_INDEX: '1', SEMSLICE_SHARD_COUNT: '4' }).origin);
 * // 'Kubernetes indexed Job (JOB_COMPLETION_INDEX=1, SEMSLICE_SHARD_COUNT=4)'
 */
export function describeShardOrigin(origin: ShardOrigin): string {
  const vars = Object.entries(origin.variables).map(([k, v]) => `${k}=${v}`).join(', ');
  if (origin.engine === 'slurm') {
    const job = origin.variables['SLURM_ARRAY_JOB_ID'];
    return `Slurm array ${job ? `job ${job}, ` : ''}task ${origin.variables['SLURM_ARRAY_TASK_ID']} (${vars})`;
  }
  return `Kubernetes indexed Job (${vars})`;
}
