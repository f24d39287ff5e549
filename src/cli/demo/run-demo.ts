/**
 * The main job: train (or reuse) LeNet-5 on MNIST, slice it, run the fidelity sweep, and write a real notebook
 * document with its outputs plus its HTML report. No Jupyter needed: each step runs here and its outputs are
 * recorded under the code a user would run in tslab to reproduce it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendRequest } from '../../engine/backend/index.js';
import { mnist, type Dataset } from '../../engine/data/index.js';
import { buildModel, loadModel, saveModel, modelFingerprint, modelSummary } from '../../engine/models/index.js';
import { train, evaluate, type TrainHistory } from '../../engine/train/index.js';
import { profile, sliceFromStats, fidelitySweep, sweepRows, compressionRate, compareSweep, describeComparison, damageMatrix, type Metric, type Slice } from '../../engine/slicing/index.js';
import { evaluateMasked } from '../../engine/train/index.js';
import { readaptWorkload, restructure, type RestructureResult } from '../../engine/maintenance/index.js';
import { extendCompare } from '../../engine/studies/index.js';
import { logger } from '../../engine/log.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import * as viz from '../../viz/index.js';
import { chartBundle, tableBundle } from '../../notebook/bundle.js';
import { runMetadata, RUN_METADATA_MIME } from '../../notebook/run-metadata.js';
import { progressCallback } from '../../notebook/progress.js';
import { NotebookBuilder, displayOutput, streamOutput, type NotebookOutput } from '../../notebook/document-builder.js';
import { writeReport } from '../../report/index.js';
import * as aq from 'arquero';
import { DEMO_TEXT, demoSource } from './demo-text.js';
import { DEMO_INCREMENTAL, DEMO_READAPT, DEMO_RESTRUCTURE } from './demo-settings.js';

export { DEMO_INCREMENTAL, DEMO_READAPT, DEMO_RESTRUCTURE };

/** Options of {@link runDemo}; the defaults are the documented demo (first run about 2-4 minutes on 2 cores). */
export interface DemoOptions {
  /** Where demo.ipynb and demo.html go. Default reports/out. */
  outDir?: string;
  /** The cached model folder: reused when present, trained and saved when not. Default models/lenet5-mnist. */
  modelDir?: string;
  /** Train again even if the cached model exists. Default false. */
  retrain?: boolean;
  /** Training epochs on the 60k MNIST training images. Default 1. */
  epochs?: number;
  /** Train on the first n training images only (tests, quick looks). Default all 60,000. */
  trainSamples?: number;
  /** Profiling samples per class (from the training split). Default 500. */
  profilePerClass?: number;
  /** Test images used for accuracy in the sweep. Default 10000 (all). */
  evalSamples?: number;
  /** Metric of the headline slice. Default taylor. */
  metric?: string;
  /** Theta of the headline slice. Default 0.95. */
  theta?: number;
  seed?: number;
  backend?: string;
  /** Print progress (default true). */
  progress?: boolean;
}

export interface DemoResult {
  notebook: string;
  report: string;
  trained: boolean;
  accuracy: number;
  seconds: number;
  /** The headline slice: metric, theta, compression rate and accuracy of the masked model. */
  slice: { metric: string; theta: number; cr: number; accuracy: number };
  /** The fidelity verdict, one line per metric and baseline (as in the notebook). */
  verdict: string;
  /** Restructuring to the demo's target CR, the pruner alone and after the slice's neuron removal. */
  restructure: Array<{ method: string; ni: number; cr: number; ma: number; reached: boolean }>;
  /** Re-adaptation to FGSM images: per method, held-out adversarial and clean accuracy after, trainable parameters. */
  readapt: Array<{ method: string; newBefore: number; newAfter: number; cleanAfter: number; trainable: number; total: number }>;
  /** Incremental development (digits 0-4, then 5-9): per method, task A before/after, task B after, all ten classes after, task A bit-identical. */
  incremental: { theta: number; runs: IncrementalRun[]; verdict: string };
}

/** One method of the demo's incremental section (accuracies as fractions). */
export interface IncrementalRun { method: string; oldBefore: number; oldAfter: number; newAfter: number; allAfter: number; identical: boolean }

/**
 * What the terminal shows at the end of the demo: the headline results, then where the notebook and report are.
 *
 * @example
 * console.log(formatDemoResult(await runDemo()));
 */
export function formatDemoResult(r: DemoResult): string {
  return [
    `model ${r.trained ? 'trained' : 'reused'}; test accuracy ${pct(r.accuracy)}`,
    `slice (${r.slice.metric}, theta ${r.slice.theta}): CR ${pct(r.slice.cr)}, accuracy of the masked model ${pct(r.slice.accuracy)}`,
    'fidelity sweep:',
    ...r.verdict.split('\n').map((l) => `  ${l.replace(/^- /, '')}`),
    `restructuring (lamp, target CR ${pct(DEMO_RESTRUCTURE.targetCR)} within ${DEMO_RESTRUCTURE.maxDrop * 100} point):`,
    ...r.restructure.map((x) => `  ${x.method}: NI ${x.ni}, CR ${pct(x.cr)}, accuracy ${pct(x.ma)}${x.reached ? '' : ' (target not reached)'}`),
    `re-adaptation to FGSM images (${DEMO_READAPT.count} to learn from, ${DEMO_READAPT.epochs} epochs):`,
    ...r.readapt.map((x) => `  ${x.method}: held-out adversarial accuracy ${pct(x.newBefore)} -> ${pct(x.newAfter)}, clean ${pct(x.cleanAfter)}, ${x.trainable.toLocaleString('en-US')} of ${x.total.toLocaleString('en-US')} parameters trained`),
    `incremental development (LeNet-5 knows digits 0-4 and learns 5-9; ${DEMO_INCREMENTAL.perTask.toLocaleString('en-US')} images per task, ${DEMO_INCREMENTAL.epochsB} epochs; task A sliced at theta ${r.incremental.theta}):`,
    ...r.incremental.runs.map((x) => `  ${x.method}: task A ${pct(x.oldBefore)} -> ${pct(x.oldAfter)}${x.identical ? ' (logits bit-identical)' : ''}, task B ${pct(x.newAfter)}, all ten classes ${pct(x.allAfter)}`),
    `  ${r.incremental.verdict}`,
    `notebook: ${r.notebook}`,
    `report:   ${r.report}`,
    `(${r.seconds.toFixed(1)} s)`,
  ].join('\n');
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * Run the demo end to end.
 *
 * @example
 * const r = await runDemo({ outDir: 'reports/out' }); // r.report === 'reports/out/demo.html'
 */
export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const t0 = Date.now();
  const o = {
    outDir: opts.outDir ?? 'reports/out', modelDir: opts.modelDir ?? 'models/lenet5-mnist', retrain: opts.retrain ?? false,
    epochs: opts.epochs ?? 1, profilePerClass: opts.profilePerClass ?? 500, evalSamples: opts.evalSamples ?? 10000,
    metric: opts.metric ?? 'taylor', theta: opts.theta ?? 0.95, seed: opts.seed ?? 0,
  };
  const onProgress = opts.progress === false ? undefined : progressCallback('demo');
  const say = (m: string) => { if (opts.progress !== false) logger().info(m); };
  const nb = new NotebookBuilder({ title: DEMO_TEXT.title });
  nb.markdown(DEMO_TEXT.intro);

  // No backend option: initBackend's own rule (SEMSLICE_BACKEND, else auto), as --help says.
  const info = await initBackend({ ...(opts.backend !== undefined ? { backend: opts.backend as BackendRequest } : {}), quiet: opts.progress === false });
  const params = { modelDir: o.modelDir, epochs: o.epochs, profilePerClass: o.profilePerClass, evalSamples: o.evalSamples, metric: o.metric, theta: o.theta, seed: o.seed };
  nb.code(demoSource.parameters(params), [], { tags: ['parameters'] });
  nb.code(demoSource.setup, [streamOutput(`backend: ${info.name}${info.simd ? ' (SIMD)' : ''}\n`)]);

  say('loading MNIST');
  const data = await mnist();
  const evalData = data.test.take(o.evalSamples);
  nb.markdown(DEMO_TEXT.data);
  nb.code(demoSource.data, [streamOutput(`train ${data.train.size} images, test ${data.test.size} images, classes ${data.classNames.join(' ')}\n`)]);

  const trainSet = opts.trainSamples ? data.train.take(opts.trainSamples) : data.train;
  const { model, trained, history } = await obtainModel(o, trainSet, onProgress, say);
  try {
    const ev = await evaluate(model, data.test, { batchSize: 512 });
    nb.markdown(trained ? DEMO_TEXT.trained : DEMO_TEXT.cached);
    const modelOutputs: NotebookOutput[] = [
      streamOutput(`${trained ? 'trained' : 'loaded'} ${o.modelDir}: ${modelSummary(model).params} parameters, test accuracy ${pct(ev.accuracy)}\n`),
    ];
    if (history) modelOutputs.push(displayOutput(await chartBundle(viz.trainingCurves(history))));
    nb.code(trained ? demoSource.train : demoSource.load, modelOutputs);

    say('slicing');
    const profileData = data.train.perClassCap(o.profilePerClass);
    // One profile serves the slice and the sweep (every metric either needs).
    const stats = await profile(model, profileData, { metrics: [...new Set([o.metric, 'taylor', 'avg'])] as Metric[], onProgress });
    const s = sliceFromStats(stats, { metric: o.metric, theta: o.theta, seed: o.seed, data: profileData });
    const headline = await addSliceCells(nb, model, s, evalData, ev.perClass, data.classNames);

    say('fidelity sweep');
    const sweep = await fidelitySweep(model, evalData, { stats, metrics: ['taylor', 'avg'], onProgress, seed: o.seed });
    const rows = sweepRows(sweep);
    nb.markdown(DEMO_TEXT.sweep);
    nb.code(demoSource.sweep, [
      displayOutput(await chartBundle(viz.fidelityCurves(rows, { baseline: ev.accuracy }))),
      displayOutput(tableBundle(sweepSummary(rows), { limit: 100, title: 'Fidelity sweep (CR and accuracy, %; beyond paper = theta below the paper\'s 0.90)' })),
    ]);
    const verdictText = verdict(rows);
    nb.markdown(DEMO_TEXT.reading(verdictText));

    say('damage matrix');
    const damage = await damageMatrix(model, evalData, s, { batchSize: 512 });
    nb.markdown(DEMO_TEXT.damage(damageVerdict(damage.summary)));
    nb.code(demoSource.damage, [displayOutput(await chartBundle(viz.damageHeatmap(damage)))]);

    say('restructuring');
    const rs = await restructureCells(nb, model, s, trainSet, evalData, o.seed);

    say('re-adaptation');
    const ra = await readaptCells(nb, model, s, { train: trainSet, test: data.test }, o.seed);

    say('incremental development');
    // The whole training split: the section trains its own small model, whatever trainSamples says.
    const inc = await incrementalCells(nb, { train: data.train, test: data.test }, o.seed);

    const meta = runMetadata({
      backend: info.name, seed: o.seed, params,
      datasets: [{ name: 'mnist', split: 'train', size: data.train.size, fingerprint: data.train.fingerprint() },
        { name: 'mnist', split: 'test', size: evalData.size, fingerprint: evalData.fingerprint() }],
      models: [{ name: 'lenet5', fingerprint: await modelFingerprint(model) }],
    });
    nb.setMetadata('semslice', meta);
    nb.markdown(DEMO_TEXT.metadata);
    nb.code(demoSource.metadata, [displayOutput({ [RUN_METADATA_MIME]: meta, 'text/plain': JSON.stringify(meta, null, 1) })]);
    const notebookPath = join(o.outDir, 'demo.ipynb');
    const reportPath = join(o.outDir, 'demo.html');
    await writeFileAtomic(notebookPath, nb.serialise());
    await writeReport(notebookPath, reportPath, { trusted: true });
    return {
      notebook: notebookPath, report: reportPath, trained, accuracy: ev.accuracy, seconds: (Date.now() - t0) / 1000,
      slice: { metric: o.metric, theta: o.theta, ...headline }, verdict: verdictText, restructure: rs, readapt: ra, incremental: inc,
    };
  } finally {
    model.dispose();
  }
}

async function obtainModel(
  o: { modelDir: string; retrain: boolean; epochs: number; seed: number },
  trainSet: Dataset, onProgress: ReturnType<typeof progressCallback> | undefined, say: (m: string) => void,
): Promise<{ model: tf.LayersModel; trained: boolean; history?: TrainHistory }> {
  if (!o.retrain && existsSync(join(o.modelDir, 'model.json'))) {
    say(`reusing the cached model ${o.modelDir} (pass --retrain to train again)`);
    return { model: await loadModel(o.modelDir), trained: false };
  }
  say(`training lenet5 on ${trainSet.size} MNIST images (${o.epochs} epoch(s)); cached in ${o.modelDir} for the next run`);
  const model = buildModel('lenet5', { inputShape: trainSet.sampleShape, numClasses: trainSet.numClasses, seed: o.seed });
  try {
    const history = await train(model, trainSet, { epochs: o.epochs, seed: o.seed, onProgress });
    await saveModel(model, o.modelDir, { force: true, metadata: { model: 'lenet5', data: 'mnist', epochs: o.epochs, seed: o.seed } });
    return { model, trained: true, history };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

async function addSliceCells(nb: NotebookBuilder, model: tf.LayersModel, s: Slice, evalData: Dataset, fullPerClass: number[], classNames: readonly string[]): Promise<{ cr: number; accuracy: number }> {
  const json = s.toJSON();
  nb.markdown(DEMO_TEXT.slice);
  nb.code(demoSource.slice, [
    streamOutput(`${s.toString()}\n`),
    displayOutput(tableBundle(s.summary(), { title: 'Critical neurons per site' })),
    displayOutput(await chartBundle(viz.criticalNeuronsChart(json))),
  ]);
  nb.markdown(DEMO_TEXT.similarity);
  nb.code(demoSource.similarity, [
    displayOutput(await chartBundle(viz.similarityHeatmap(json))),
    displayOutput(await chartBundle(viz.componentsChart(json))),
  ]);
  const mask = s.mask();
  const cr = compressionRate(model, mask);
  const masked = await evaluateMasked(model, evalData, mask, { batchSize: 512 });
  nb.markdown(DEMO_TEXT.masked);
  nb.code(demoSource.masked, [
    streamOutput(`CR ${pct(cr)}; accuracy of the masked model ${pct(masked.accuracy)} on ${evalData.size} test images\n`),
    displayOutput(await chartBundle(viz.perClassAccuracy({
      classNames: [...classNames],
      series: [{ name: 'full model', perClass: fullPerClass }, { name: `slice (theta ${s.params.theta})`, perClass: masked.perClass }],
    }))),
  ]);
  return { cr, accuracy: masked.accuracy };
}

/** Restructure with lamp from the original and after the slice's neuron removal; curves and NI bars. */
async function restructureCells(nb: NotebookBuilder, model: tf.LayersModel, s: Slice, trainSet: Dataset, evalData: Dataset, seed: number): Promise<DemoResult['restructure']> {
  const d = DEMO_RESTRUCTURE;
  const test = evalData.take(d.testSamples);
  const runs: Array<{ method: string; r: RestructureResult }> = [];
  try {
    for (const pre of ['none', 'slice'] as const) {
      const r = await restructure(model, pre === 'slice' ? s : null, {
        train: trainSet, test, pre, pruner: 'lamp', targetCR: d.targetCR, maxDrop: d.maxDrop, seed,
        fineTune: { steps: d.steps, batchSize: d.batchSize, learningRate: d.learningRate },
      });
      runs.push({ method: `${pre} + lamp`, r });
    }
    const out = runs.map(({ method, r }) => ({ method, ni: r.ni, cr: r.cr, ma: r.ma, reached: r.reached }));
    const said = out.map((x) => `**${x.method}**: ${x.ni} iterations, CR ${pct(x.cr)}, accuracy ${pct(x.ma)}${x.reached ? '' : ' (stopped before the target)'}`).join('; ');
    nb.markdown(DEMO_TEXT.restructure(said));
    nb.code(demoSource.restructure, [
      displayOutput(await chartBundle(viz.restructureCurves(runs.map((x) => ({ method: x.method, rows: x.r.rows })), { bound: runs[0]!.r.original.accuracy - d.maxDrop, targetCR: d.targetCR }))),
      displayOutput(await chartBundle(viz.niBars(runs.map((x) => ({ method: x.method, rows: x.r.rows, ni: x.r.ni, cr: x.r.cr, ma: x.r.ma, reached: x.r.reached }))))),
    ]);
    return out;
  } finally {
    for (const x of runs) x.r.model.dispose();
  }
}

/** Re-adapt to FGSM images with the critical neurons only and with every weight; curves and a summary table. */
async function readaptCells(nb: NotebookBuilder, model: tf.LayersModel, s: Slice, splits: { train: Dataset; test: Dataset }, seed: number): Promise<DemoResult['readapt']> {
  const d = DEMO_READAPT;
  const r = await readaptWorkload(model, splits, { workload: 'fgsm', count: d.count, epochs: d.epochs, seed, testCount: d.testCount, methods: [...d.methods] }, s);
  const out = r.results.map((x) => {
    const last = x.rows[x.rows.length - 1]!;
    return { method: x.method, newBefore: x.rows[0]!.newAccuracy, newAfter: last.newAccuracy, cleanAfter: last.cleanAccuracy, trainable: x.trainableParams, total: x.totalParams };
  });
  const said = out.map((x) => `**${x.method}**: held-out adversarial accuracy ${pct(x.newBefore)} -> ${pct(x.newAfter)}, clean ${pct(x.cleanAfter)}, ${x.trainable.toLocaleString('en-US')} of ${x.total.toLocaleString('en-US')} parameters trained`).join('; ');
  nb.markdown(DEMO_TEXT.readapt(said));
  nb.code(demoSource.readapt, [
    displayOutput(await chartBundle(viz.readaptCurves(r.results.map((x) => ({ method: x.method, rows: x.rows }))))),
    displayOutput(tableBundle(r.summary, { limit: 10, title: 'Re-adaptation to FGSM images' })),
  ]);
  return out;
}

/**
 * Train LeNet-5 on digits 0-4 (full 10-way head), then learn 5-9 naively, with 10% replay, and in the free neurons;
 * the forgetting chart, the capacity meter and the bit-identity verdict. Its own model: the demo's main model
 * already knows every digit.
 */
async function incrementalCells(nb: NotebookBuilder, splits: { train: Dataset; test: Dataset }, seed: number): Promise<DemoResult['incremental']> {
  const d = DEMO_INCREMENTAL;
  const taskA = splits.train.shuffle(seed).subsetClasses([0, 1, 2, 3, 4]).take(d.perTask);
  const model = buildModel('lenet5', { inputShape: taskA.sampleShape, numClasses: 10, seed });
  try {
    await train(model, taskA, { epochs: d.epochsA, seed });
    const cmp = await extendCompare(model, splits, { perTask: d.perTask, testCount: d.testCount, epochs: d.epochsB, seed, methods: [...d.methods] });
    const runs = cmp.runs.map((r) => ({ method: r.label, oldBefore: r.before.old, oldAfter: r.after.old, newAfter: r.after.new, allAfter: r.after.classIL.all, identical: r.oldLogits.identical }));
    const theta = cmp.choice?.theta ?? cmp.slice.params.theta ?? NaN;
    const said = runs.map((x) => `**${x.method}**: task A ${pct(x.oldBefore)} -> ${pct(x.oldAfter)}${x.identical ? ' (logits bit-identical)' : ''}, task B ${pct(x.newAfter)}, all ten digits ${pct(x.allAfter)}`).join('; ');
    const ours = cmp.runs.find((r) => r.label === 'ours')!;
    const verdictText = incrementalVerdict(runs);
    nb.markdown(DEMO_TEXT.incremental(`${said}. ${verdictText}`, theta));
    nb.code(demoSource.incremental, [
      displayOutput(await chartBundle(viz.forgettingChart(cmp.runs.map((r) => ({ method: r.label, oldBefore: r.before.old, oldAfter: r.after.old, newAfter: r.after.new, allAfter: r.after.classIL.all }))))),
      displayOutput(tableBundle(cmp.summary.select(aq.not('seconds')), { limit: 10, title: 'Learning digits 5-9 after 0-4' })),
      displayOutput(await chartBundle(viz.capacityChart(ours.capacity))),
      streamOutput(`${ours.capacity.warnings.length ? ours.capacity.warnings.join('\n') : 'no capacity warning'}\n`),
    ]);
    return { theta, runs, verdict: verdictText };
  } finally {
    model.dispose();
  }
}

/** Ours against the best other method on task A, task B and all ten classes, whichever way it falls. */
function incrementalVerdict(runs: IncrementalRun[]): string {
  const ours = runs.find((x) => x.method === 'ours');
  const others = runs.filter((x) => x !== ours);
  if (!ours || others.length === 0) return '';
  const pts = (x: number) => (100 * Math.abs(x)).toFixed(1);
  const part = (name: string, get: (x: IncrementalRun) => number) => {
    const best = others.reduce((a, b) => (get(b) > get(a) ? b : a));
    const d = get(ours) - get(best);
    return `${name} ${d >= 0 ? `${pts(d)} points above` : `${pts(d)} points below`} the best other method (${best.method})`;
  };
  return `Ours keeps task A ${ours.identical ? 'bit-identical' : 'NOT bit-identical'} and is on ${part('task A', (x) => x.oldAfter)}, on ${part('task B', (x) => x.newAfter)}, and on ${part('all ten classes', (x) => x.allAfter)}.`;
}

/** The sweep as a readable table: percentages rounded, per-class accuracy left out. */
function sweepSummary(rows: ReturnType<typeof sweepRows>): aq.ColumnTable {
  return aq.from(rows.map((r) => ({
    method: r.method, metric: r.metric, theta: r.theta, k: r.k, 'beyond paper': r.beyondPaper ? 'yes' : '',
    'CR %': Number((r.cr * 100).toFixed(1)), 'accuracy %': Number((r.accuracy * 100).toFixed(2)),
  })));
}

/**
 * What the sweep says at equal CR, in words: one engine function (compareSweep, linear interpolation inside the CR
 * range both curves cover) per metric and baseline, so the demo, notebook 01 and the studies say the same thing.
 */
function verdict(rows: ReturnType<typeof sweepRows>): string {
  return compareSweep(rows).map((c) => `- ${describeComparison(c)}`).join('\n');
}

/** The damage matrix in one sentence, whichever way it falls. */
function damageVerdict(s: { meanDiagonalDrop: number; meanOffDiagonalDrop: number; diagonalMaxRows: number; rows: number }): string {
  const pts = (x: number) => (100 * x).toFixed(1);
  return `Switching off a digit's own most specific neurons cost that digit ${pts(s.meanDiagonalDrop)} accuracy points on average, `
    + `and each other digit ${pts(s.meanOffDiagonalDrop)} points; the digit itself lost the most in ${s.diagonalMaxRows} of ${s.rows} rows.`;
}
