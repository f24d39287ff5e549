/**
 * One re-adaptation per method on LeNet-5 / MNIST / FGSM (eps 0.3) with one budget, for the issue 13 report:
 *   npx tsx bench/readapt-methods.ts [modelDir] [count] [epochs]
 * Prints new-sample and clean accuracy before/after, trainable parameters, epochs and seconds to target, per method.
 */
import { initBackend } from '../src/engine/backend/index.js';
import { loadDataset } from '../src/engine/data/index.js';
import { loadModel } from '../src/engine/models/index.js';
import { slice } from '../src/engine/slicing/index.js';
import { readapt } from '../src/engine/maintenance/index.js';
import { fgsm } from '../src/engine/workloads/index.js';
import '../src/engine/baselines/deeparc/index.js';

const [dir = 'models/lenet5-mnist-20k', countS = '1000', epochsS = '5'] = process.argv.slice(2);
const count = Number(countS), epochs = Number(epochsS);
await initBackend({});
const model = await loadModel(dir);
const data = await loadDataset('mnist');
const pool = data.train.shuffle(0);
let t = performance.now();
const learn = await fgsm(model, pool, { count });
const held = await fgsm(model, data.test, { count, seed: 1 });
console.log(`fgsm eps ${learn.params.eps}: ${learn.data.size} + ${held.data.size} images in ${((performance.now() - t) / 1000).toFixed(1)} s; model accuracy on them ${learn.accuracy.toFixed(4)} / ${held.accuracy.toFixed(4)}`);
t = performance.now();
const s = await slice(model, pool.take(2000));
console.log(`slice (defaults, 2,000 images) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const test = data.test.take(2000);
for (const method of ['critical', 'random', 'full', 'last-layer', 'deeparc']) {
  const r = await readapt(model, s, learn.data, { method, clean: pool.take(5000), heldOut: held.data, test, pairs: learn.sources, epochs, seed: 0, target: 0.8 });
  console.log(JSON.stringify({
    method, trainable: r.trainableParams, total: r.totalParams, newBefore: r.before.newAccuracy, newAfter: r.after.newAccuracy,
    cleanBefore: r.before.cleanAccuracy, cleanAfter: r.after.cleanAccuracy, perEpochNew: r.rows.map((x) => +x.newAccuracy.toFixed(4)),
    epochsToTarget: r.epochsToTarget, secondsToTarget: r.secondsToTarget, trainSeconds: +r.after.cumulativeSeconds.toFixed(1), frozenIdentical: r.frozenIdentical,
    worstClassDrop: +Math.max(...r.before.cleanPerClass.map((b, k) => b - r.after.cleanPerClass[k]!)).toFixed(4),
  }));
  r.model.dispose();
}
