/**
 * What re-adaptation costs in clean accuracy, and what decides it (docs/maintenance.md, "Why re-adaptation cost clean
 * accuracy"): one base model of the studies (studyBaseModel, the fidelity study's recipe), an attack made from its
 * training images to learn from and from its validation images held out, then readapt() for every combination of
 * method, learning rate, clean ratio and BatchNormalization mode asked for. Everything is measured on the validation
 * split (held-out adversarial images made from it, clean accuracy on it), never the test set. Prints one line per run
 * with the held-out curve, and appends a JSON line per run to --out.
 *
 *   npx tsx bench/readapt-clean-cost.ts [--model lenet5|vgg-small] [--data mnist|fashion-mnist] [--attack pgd|fgsm]
 *     [--methods full,critical] [--lr 1e-3,3e-4,1e-4] [--ratios 1,4] [--bn batch,moving] [--epochs 10] [--count 2000]
 *     [--seed 0] [--out FILE]
 *
 * critical uses the slice of every class at theta 0.95 (critical@auto: the policy's theta). The measurements quoted in
 * docs/maintenance.md: --lr 1e-3,3e-4,1e-4 --ratios 1,4 (LeNet-5, MNIST); --ratios 8 --epochs 5; --model vgg-small
 * --methods full --ratios 1,4 --bn batch,moving --epochs 5; --data fashion-mnist --ratios 1,4.
 */
import { appendFileSync } from 'node:fs';
import { readapt, taskSlice } from '../src/engine/maintenance/index.js';
import { studyBaseModel } from '../src/engine/studies/base-models.js';
import { fgsm, pgd } from '../src/engine/workloads/index.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const list = (name: string, fallback: string): string[] => arg(name, fallback).split(',');

const model = arg('model', 'lenet5'), dataset = arg('data', 'mnist'), attackName = arg('attack', 'pgd');
const seed = Number(arg('seed', '0')), epochs = Number(arg('epochs', '10')), count = Number(arg('count', '2000'));
const out = process.argv.includes('--out') ? arg('out', '') : undefined;
const vgg = model === 'vgg-small';
// The fidelity study's recipes (src/engine/studies/fidelity.ts), so the cached base models are reused.
const b = await studyBaseModel({
  model, dataset, seed, batchNorm: vgg, width: vgg ? 0.5 : 1, patience: vgg ? 2 : 3,
  maxEpochs: vgg ? (dataset === 'mnist' ? 12 : 15) : (dataset === 'mnist' ? 20 : 30),
});
const { train, validation } = b.splits;
const attack = attackName === 'fgsm' ? fgsm : pgd;
const learn = await attack(b.model, train.shuffle(seed), { count, seed });
const held = await attack(b.model, validation, { count: 1000, seed: seed + 1 });
console.log(`${model}/${dataset} seed ${seed}: validation accuracy ${(100 * b.valAccuracy).toFixed(2)}%; ${attackName} ${learn.data.size} to learn from (success rate ${learn.successRate.toFixed(3)}), ${held.data.size} held out`);
const classes = Array.from({ length: train.numClasses }, (_, k) => k);
const slices = {
  '0.95': await taskSlice(b.model, train, classes, { theta: 0.95, validation, seed }),
  auto: await taskSlice(b.model, train, classes, { validation, seed }),
};
for (const bn of list('bn', 'batch') as Array<'batch' | 'moving'>) {
  for (const ratio of list('ratios', '1,4').map(Number)) {
    for (const lr of list('lr', '1e-3').map(Number)) {
      for (const m of list('methods', 'full,critical')) {
        const [method, sliceName] = m.split('@') as [string, string | undefined];
        const slice = method === 'critical' || method === 'random' ? slices[(sliceName ?? '0.95') as '0.95' | 'auto'] : null;
        const r = await readapt(b.model, slice, learn.data, {
          method, clean: train, validation, heldOut: held.data, test: validation, pairs: learn.sources, epochs, learningRate: lr, cleanRatio: ratio,
          seed, evalEvery: 40, batchNormStatistics: bn,
        });
        const curve = r.rows.map((x) => [x.steps, Number((100 * x.newAccuracy).toFixed(1)), Number((100 * x.cleanAccuracy).toFixed(2))]);
        const low = curve.reduce((a, c) => (c[2]! < a[2]! ? c : a));
        console.log(`${m} lr ${lr} ratio ${ratio} bn ${bn}: new ${(100 * r.after.newAccuracy).toFixed(1)}%, clean ${(100 * r.before.cleanAccuracy).toFixed(2)} -> ${(100 * r.after.cleanAccuracy).toFixed(2)}% `
          + `(lowest ${low[2]}% at step ${low[0]}), ${r.steps} steps, ${(1000 * r.secondsPerStep).toFixed(1)} ms/step`);
        console.log(`  steps/new %/clean %: ${curve.filter((_, i) => i % 4 === 0 || i === curve.length - 1).map((c) => c.join('/')).join(' ')}`);
        if (out) appendFileSync(out, JSON.stringify({ model, dataset, attack: attackName, seed, method: m, lr, ratio, bn, epochs, count: learn.data.size, newAfter: r.after.newAccuracy, cleanBefore: r.before.cleanAccuracy, cleanAfter: r.after.cleanAccuracy, curve }) + '\n');
        r.model.dispose();
      }
    }
  }
}
b.model.dispose();
