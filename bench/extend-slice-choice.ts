/**
 * Ours with the old slice choice (avg, theta 0.6) against the new one (taylor, theta auto) on the `extend` study's
 * full LeNet-5 pair cell (same model, data, budget and seed as `bench/extend-methods.ts full pair`):
 *   npx tsx bench/extend-slice-choice.ts [model=lenet5] [dataset=mnist]
 */
import { loadavg } from 'node:os';
import { initBackend } from '../src/engine/backend/index.js';
import { loadDataset } from '../src/engine/data/index.js';
import { extend, sliceTask, thetaChoiceOf } from '../src/engine/maintenance/index.js';
import { buildModel } from '../src/engine/models/index.js';
import { EXTEND_SIZES, pairSizes } from '../src/engine/studies/extend.js';
import { train } from '../src/engine/train/index.js';
import type { TaskSliceOptions } from '../src/engine/maintenance/index.js';

const [model = 'lenet5', dataset = 'mnist'] = process.argv.slice(2);
await initBackend({});
const s = pairSizes(EXTEND_SIZES.full, model, dataset);
const A = [0, 1, 2, 3, 4], B = [5, 6, 7, 8, 9], seed = 0;
const data = await loadDataset(dataset);
const pool = data.train.shuffle(seed);
const poolA = pool.subsetClasses(A);
const taskA = poolA.take(s.perTask), taskB = pool.subsetClasses(B).take(s.perTask);
const heldA = poolA.select(Int32Array.from({ length: 1000 }, (_, i) => s.perTask + i));
const test = data.test.take(s.testCount);
const m = buildModel(model, { inputShape: data.train.sampleShape, numClasses: 10, seed, batchNorm: model === 'vgg-small' });
await train(m, taskA, { epochs: s.epochsA, seed });
const choices: Array<[string, TaskSliceOptions]> = [['avg, theta 0.6 (before)', { metric: 'avg', theta: 0.6, seed }], ['taylor, theta auto (now)', { metric: 'taylor', theta: 'auto', validation: heldA, seed }]];
for (const [label, so] of choices) {
  const sl = await sliceTask(m, taskA, A, so);
  const r = await extend(m, sl, taskB, { method: 'ours', test, oldData: taskA, epochs: s.epochsB, seed, allowFull: true });
  const f = (x: number) => (100 * x).toFixed(1);
  console.log(`${label}: theta ${sl.params.theta}${thetaChoiceOf(sl) ? ' (auto)' : ''}; old task-IL ${f(r.before.old)} -> ${f(r.after.old)} (bit-identical ${r.oldLogits.identical}), new ${f(r.after.new)}, class-IL all ${f(r.after.classIL.all)}; free per site before B: ${r.capacityBefore!.sites.map((x) => `${x.site} ${x.free}/${x.neurons}`).join(', ')}`);
  r.model.dispose();
}
console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
