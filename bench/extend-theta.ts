/**
 * How theta 'auto' chooses the task-A slice (issue 14 follow-up): LeNet-5 (or MODEL) trained on 0-4, sliced with
 * metric METRIC at every theta of the grid; prints masked / unmasked held-out accuracy and free neurons per site.
 *   npx tsx bench/extend-theta.ts [model=lenet5] [dataset=mnist] [perTask=1500] [epochs=3] [metric=taylor]
 */
import { initBackend } from '../src/engine/backend/index.js';
import { loadDataset } from '../src/engine/data/index.js';
import { sliceTask, thetaChoiceOf } from '../src/engine/maintenance/slice-task.js';
import { capacityMeter } from '../src/engine/maintenance/capacity.js';
import { buildModel } from '../src/engine/models/index.js';
import { train } from '../src/engine/train/index.js';

const [model = 'lenet5', dataset = 'mnist', perTask = '1500', epochs = '3', metric = 'taylor'] = process.argv.slice(2);
await initBackend({});
const A = [0, 1, 2, 3, 4];
const data = await loadDataset(dataset);
const pool = data.train.shuffle(0).subsetClasses(A);
const n = Number(perTask);
const taskA = pool.take(n);
const held = pool.select(Int32Array.from({ length: 1000 }, (_, i) => n + i));
const m = buildModel(model, { inputShape: data.train.sampleShape, numClasses: 10, seed: 0, batchNorm: model === 'vgg-small' });
await train(m, taskA, { epochs: Number(epochs), seed: 0 });
const s = await sliceTask(m, taskA, A, { metric, theta: 'auto', validation: held, tolerance: 0, thetaGrid: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99, 1] });
const c = thetaChoiceOf(s)!;
console.log(`unmasked ${c.unmasked.toFixed(4)}`);
for (const g of c.grid) {
  const sg = await sliceTask(m, taskA.select(Int32Array.from({ length: taskA.size }, (_, i) => i)), A, { metric, theta: g.theta });
  const cap = capacityMeter([{ classes: A, slice: sg }], 0.1);
  console.log(`theta ${g.theta}: masked ${g.masked.toFixed(4)} kept ${(100 * g.kept).toFixed(1)}% free ${cap.sites.map((x) => `${x.site} ${x.free}/${x.neurons}`).join(', ')}`);
}
