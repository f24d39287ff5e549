import { strict as assert } from 'node:assert';
import { describeShardOrigin, shardFromEnvironment, type EnvironmentShard } from '../../../src/engine/studies/index.js';

/** The variables sbatch gives a task of `--array=MIN-MAX[:STEP]` (as a real Slurm 22.05 sets them). */
function slurmTask(job: number, id: number, min: number, max: number, step = 1): Record<string, string> {
  const count = Math.floor((max - min) / step) + 1;
  return {
    SLURM_JOB_ID: String(job + id), SLURM_ARRAY_JOB_ID: String(job), SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_COUNT: String(count), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(max), SLURM_ARRAY_TASK_STEP: String(step),
  };
}

/** Asserts a SHARD_ENV error whose message matches every pattern and whose hint matches `hint`. */
function refuses(env: Record<string, string>, patterns: RegExp[], hint: RegExp, count?: number): void {
  assert.throws(() => shardFromEnvironment(env, count !== undefined ? { count } : {}), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.code, 'SHARD_ENV', e.message);
    for (const p of patterns) assert.match(e.message, p);
    assert.match(e.hint ?? '', hint);
    return true;
  });
}

const plain = (s: EnvironmentShard): [number, number, string, string] => [s.index, s.count, s.origin.engine, s.origin.countFrom];

describe('engine/studies/shard-env: --shard auto', () => {
  it('Slurm: the array is the shard set (index = task id - MIN), also when it does not start at 0', () => {
    assert.deepEqual(plain(shardFromEnvironment(slurmTask(40, 2, 0, 3))), [2, 4, 'slurm', 'engine']);
    assert.deepEqual(plain(shardFromEnvironment(slurmTask(40, 1, 1, 4))), [0, 4, 'slurm', 'engine']);
    assert.deepEqual(plain(shardFromEnvironment(slurmTask(40, 4, 1, 4))), [3, 4, 'slurm', 'engine']);
    const s = shardFromEnvironment(slurmTask(40, 3, 0, 3));
    assert.equal(s.origin.variables['SLURM_ARRAY_JOB_ID'], '40');
    assert.equal(s.origin.variables['SLURM_JOB_ID'], undefined, 'only the array variables are recorded');
    assert.match(describeShardOrigin(s.origin), /^Slurm array job 40, task 3 \(SLURM_ARRAY_JOB_ID=40, SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_COUNT=4, /);
  });

  it('Slurm with a count: the task id is the shard index, so a resubmitted subset keeps its shards', () => {
    // sbatch --array=1,3 of a 4-shard study: COUNT 2, MIN 1, MAX 3.
    const task3 = { ...slurmTask(50, 3, 1, 3, 2), SLURM_ARRAY_TASK_COUNT: '2' };
    assert.deepEqual(plain(shardFromEnvironment(task3, { count: 4 })), [3, 4, 'slurm', 'option']);
    assert.deepEqual(plain(shardFromEnvironment({ ...slurmTask(50, 1, 1, 1), SEMSLICE_SHARD_COUNT: '4' })), [1, 4, 'slurm', 'SEMSLICE_SHARD_COUNT']);
    // The option wins over the variable.
    assert.deepEqual(plain(shardFromEnvironment({ ...slurmTask(50, 1, 1, 1), SEMSLICE_SHARD_COUNT: '4' }, { count: 2 })), [1, 2, 'slurm', 'option']);
    // An array 1-4 with a count of 4 would never run shard 0: every task refuses, naming the ids and the count.
    refuses(slurmTask(60, 2, 1, 4), [/shard count of 4/, /ids reach 4/, /SLURM_ARRAY_TASK_MAX=4/], /sbatch --array=0-3/, 4);
  });

  it('Slurm: an array with a step or a list of ids is refused, naming the variables', () => {
    refuses(slurmTask(70, 2, 0, 6, 2), [/task ids 0-6 are not 4 contiguous ids/, /SLURM_ARRAY_TASK_STEP=2/, /SLURM_ARRAY_TASK_ID=2/], /sbatch --array=0-3/);
    // --array=1,3,10: COUNT 3, MIN 1, MAX 10, STEP 1.
    refuses({ ...slurmTask(70, 3, 1, 3), SLURM_ARRAY_TASK_MAX: '10' }, [/task ids 1-10 are not 3 contiguous ids/], /the shard count \{ count: N \}/);
  });

  it('Slurm: missing or malformed variables are refused', () => {
    refuses({ SLURM_ARRAY_TASK_ID: '1' }, [/SLURM_ARRAY_TASK_COUNT is not/, /seen: SLURM_ARRAY_TASK_ID=1\)/], /SEMSLICE_SHARD_COUNT=N/);
    refuses({ ...slurmTask(80, 1, 0, 1), SLURM_ARRAY_TASK_ID: '1.5' }, [/SLURM_ARRAY_TASK_ID is "1.5", not a non-negative integer/], /sbatch --array/);
    refuses({ ...slurmTask(80, 0, 0, 1), SLURM_ARRAY_TASK_COUNT: '0' }, [/SLURM_ARRAY_TASK_COUNT is "0", not a positive integer/], /sbatch --array/);
    refuses({ SLURM_JOB_ID: '81' }, [/SLURM_JOB_ID=81 is a Slurm job that is not an array task/], /sbatch --array=0-3/);
  });

  it('Kubernetes: JOB_COMPLETION_INDEX with the count from the option or SEMSLICE_SHARD_COUNT', () => {
    assert.deepEqual(plain(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2', SEMSLICE_SHARD_COUNT: '4' })), [2, 4, 'kubernetes', 'SEMSLICE_SHARD_COUNT']);
    assert.deepEqual(plain(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, { count: 1 })), [0, 1, 'kubernetes', 'option']);
    assert.equal(describeShardOrigin(shardFromEnvironment({ JOB_COMPLETION_INDEX: '1', SEMSLICE_SHARD_COUNT: '3' }).origin),
      'Kubernetes indexed Job (JOB_COMPLETION_INDEX=1, SEMSLICE_SHARD_COUNT=3)');
    refuses({ JOB_COMPLETION_INDEX: '2' }, [/JOB_COMPLETION_INDEX gives the shard index but not the number of shards/, /seen: JOB_COMPLETION_INDEX=2\)/], /SEMSLICE_SHARD_COUNT in the pod's env/);
    refuses({ JOB_COMPLETION_INDEX: '4', SEMSLICE_SHARD_COUNT: '4' }, [/JOB_COMPLETION_INDEX=4 is not an index of 4 shards/], /N > 4/);
    refuses({ JOB_COMPLETION_INDEX: '1', SEMSLICE_SHARD_COUNT: 'four' }, [/SEMSLICE_SHARD_COUNT is "four", not a positive integer/], /Set SEMSLICE_SHARD_COUNT to the number of shards/);
    refuses({ JOB_COMPLETION_INDEX: '1', SEMSLICE_SHARD_COUNT: '0' }, [/SEMSLICE_SHARD_COUNT is "0"/], /SEMSLICE_SHARD_COUNT/);
    assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' }, { count: 0 }), (e: Error & { code?: string }) => e.code === 'SHARD_ENV' && /count 0 is not a positive integer/.test(e.message));
  });

  it('both engines: agreeing is accepted, disagreeing is refused; none at all is refused naming what was looked for', () => {
    const both = shardFromEnvironment({ ...slurmTask(90, 1, 0, 1), JOB_COMPLETION_INDEX: '1', SEMSLICE_SHARD_COUNT: '2' });
    assert.deepEqual([both.index, both.count, both.origin.engine], [1, 2, 'slurm']);
    assert.equal(both.origin.variables['JOB_COMPLETION_INDEX'], '1');
    refuses({ ...slurmTask(90, 0, 0, 1), JOB_COMPLETION_INDEX: '1', SEMSLICE_SHARD_COUNT: '2' }, [/Slurm says shard 0\/2 and Kubernetes \(JOB_COMPLETION_INDEX\) says shard 1\/2/], /\{ shard: \{ index: K, count: N \} \}/);
    refuses({}, [/no batch engine's shard variables are set \(SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX\)/, /seen: none of them is set/], /Slurm array task .* Kubernetes indexed Job .* \{ shard: \{ index: K, count: N \} \}/);
    refuses({ SLURM_ARRAY_TASK_ID: ' ', JOB_COMPLETION_INDEX: '' }, [/no batch engine/], /sbatch/);
  });
});
