/**
 * The RQ1 study at full size: LeNet-5 trained on MNIST and on Fashion-MNIST (60k images, seeded), profiled on
 * correctly classified training images (a per-class cap), and every masked model measured on the full 10k test set.
 * Writes bench/results/fidelity-<data>.json and prints a markdown table per dataset.
 *
 *   npx tsx bench/fidelity-study.ts [--data mnist,fashion-mnist] [--epochs 2] [--per-class 500] [--models-dir models]
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ss from '../src/index.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'mnist,fashion-mnist' },
    epochs: { type: 'string', default: '2' },
    'per-class': { type: 'string', default: '500' },
    'models-dir': { type: 'string', default: 'models' },
    backend: { type: 'string', default: 'auto' },
  },
});

const info = await ss.initBackend({ backend: values.backend as 'auto' });
await mkdir('bench/results', { recursive: true });
for (const name of values.data!.split(',')) {
  const t0 = Date.now();
  const data = await ss.data.loadDataset(name);
  const dir = join(values['models-dir']!, `lenet5-${name}`);
  let model;
  if (existsSync(join(dir, 'model.json'))) {
    model = await ss.models.load(dir);
  } else {
    model = ss.models.build('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed: 0 });
    await ss.train(model, data.train, { epochs: Number(values.epochs), seed: 0 });
    await ss.models.save(model, dir, { metadata: { model: 'lenet5', data: name, epochs: Number(values.epochs), seed: 0 } });
  }
  const full = ss.evaluate(model, data.test, { batchSize: 512 });
  const profileData = data.train.perClassCap(Number(values['per-class']));
  const sweep = await ss.fidelitySweep(model, data.test, { profileData, metrics: ['taylor', 'avg'], seed: 0 });
  const rows = ss.sweepRows(sweep);
  const out = { dataset: name, backend: info.name, testAccuracy: full.accuracy, profilePerClass: Number(values['per-class']), seconds: (Date.now() - t0) / 1000, rows };
  await writeFile(`bench/results/fidelity-${name}.json`, JSON.stringify(out, null, 1) + '\n');
  console.log(`\n### ${name}: LeNet-5, test accuracy ${(full.accuracy * 100).toFixed(2)}% (unmasked), ${out.seconds.toFixed(0)} s\n`);
  console.log('| method | metric | theta / k | CR % | accuracy % |\n|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.method} | ${r.metric} | ${r.theta ?? `${r.k}%`} | ${(r.cr * 100).toFixed(1)} | ${(r.accuracy * 100).toFixed(2)} |`);
  }
  model.dispose();
}
