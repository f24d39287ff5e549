/**
 * Train (or reuse) the LeNet-5 models of the issue-9 experiments: 2 epochs on the first 20,000 training images of
 * MNIST and Fashion-MNIST, seed 0, saved under models/lenet5-<data>-20k (reused when present).
 *
 *   npx tsx bench/carve-models.ts [--data mnist,fashion-mnist] [--seed 0]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ss from '../src/index.js';

const { values } = parseArgs({ options: { data: { type: 'string', default: 'fashion-mnist,mnist' }, seed: { type: 'string', default: '0' } } });
await ss.initBackend({ backend: 'auto' });
const seed = Number(values.seed);
for (const name of values.data!.split(',')) {
  const dir = join('models', `lenet5-${name}-20k${seed ? `-s${seed}` : ''}`);
  if (existsSync(join(dir, 'model.json'))) { console.log(`${dir} exists`); continue; }
  const data = await ss.data.loadDataset(name);
  const model = ss.models.build('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed });
  const t0 = Date.now();
  await ss.train(model, data.train.take(20000), { epochs: 2, seed });
  const ev = await ss.evaluate(model, data.test, { batchSize: 512 });
  await ss.models.save(model, dir, { metadata: { model: 'lenet5', data: name, epochs: 2, samples: 20000, seed } });
  console.log(`${dir}: test accuracy ${(ev.accuracy * 100).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  model.dispose();
}
