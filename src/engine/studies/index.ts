/** Studies: grids of independent cells, sharded, resumable, merged into one table; the RQ studies are definitions. */
import { fidelityStudy } from './fidelity.js';
import { readaptStudy } from './readapt.js';
import { restructureStudy } from './restructure.js';
import { extendStudy } from './extend.js';
import { splitMnistStudy } from './split-mnist.js';
import { registerStudy } from './registry.js';

export { registerStudy, getStudy, listStudies } from './registry.js';
export { runStudy, mergeStudies, recordsTable, readRecords, readManifest, cellId, type RunStudyOptions, type StudyRunResult, type StudyManifest, type CellRecord } from './runner.js';
export { shardFromEnvironment, describeShardOrigin, SHARD_COUNT_VARIABLE, type EnvironmentShard, type ShardOrigin, type ShardEngine, type ShardFromEnvironmentOptions } from './shard-env.js';
export { planShards, readTimings, type ShardPlan, type PlanShardsOptions } from './plan.js';
export { seedInterval, formatInterval, type SeedInterval } from './stats.js';
export type { StudyDefinition, CellParams, CellContext, ResultRow, PresetName, Shard, Scalar } from './types.js';

registerStudy(fidelityStudy);
registerStudy(readaptStudy);
registerStudy(restructureStudy);
registerStudy(extendStudy);
registerStudy(splitMnistStudy);
