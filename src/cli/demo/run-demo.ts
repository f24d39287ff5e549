/**
 * The main job: train (or reuse) LeNet-5 on MNIST, slice it, run the fidelity sweep and the three maintenance tasks,
 * and write the notebook with its outputs plus its HTML report. No Jupyter needed: the notebook's code cells
 * (demo-notebook.ts) run here, in order, and each keeps the outputs it produced.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type * as tf from '@tensorflow/tfjs';
import * as ss from '../../index.js';
import type { BackendInfo } from '../../engine/backend/index.js';
import type { EvaluateResult } from '../../engine/train/index.js';
import type { ExtendComparison, ReadaptComparison, RestructureComparison } from '../../engine/maintenance/index.js';
import { logger } from '../../engine/log.js';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { checkDirTarget, checkFileTarget, uninterrupted } from '../../engine/output-target.js';
import { NotebookBuilder } from '../../notebook/document-builder.js';
import { runCells } from '../../notebook/run-cells.js';
import type { RunMetadata } from '../../notebook/run-metadata.js';
import { writeReport } from '../../report/index.js';
import { DEMO_IMPORTS, demoCells, type DemoParams } from './demo-notebook.js';
import { DEMO_INCREMENTAL, DEMO_READAPT, DEMO_RESTRUCTURE } from './demo-settings.js';

export { DEMO_INCREMENTAL, DEMO_READAPT, DEMO_RESTRUCTURE };

/** Options of {@link runDemo}; the defaults are the documented demo. */
export interface DemoOptions {
  /** Where demo.ipynb and demo.html go. Default reports/out. */
  outDir?: string;
  /** The cached model folder: reused when present, trained and saved when not. Default models/lenet5-mnist. */
  modelDir?: string;
  /** Train again even if the cached model exists. Default false. */
  retrain?: boolean;
  /** Training epochs on the MNIST training images. Default 1. */
  epochs?: number;
  /** Train (and run the maintenance sections) on the first n training images only (tests, quick looks). Default all 60,000. */
  trainSamples?: number;
  /** Profiling samples per class (from the training split). Default 500. */
  profilePerClass?: number;
  /** Test images measured. Default 10000 (all). */
  evalSamples?: number;
  /** Metric of the headline slice. Default taylor. */
  metric?: string;
  /** Theta of the headline slice. Default 0.95. */
  theta?: number;
  seed?: number;
  backend?: string;
  /** Print progress (default true). */
  progress?: boolean;
  /** Replace demo.ipynb and demo.html from an earlier run (files semslice wrote; never others). Default false. */
  force?: boolean;
  /** The options that name the output folder and the model cache in messages (the CLI's flags set them). */
  options?: { outDir: string; modelDir: string };
}

/** One method of the demo's incremental section (accuracies as fractions). */
export interface IncrementalRun { method: string; oldBefore: number; oldAfter: number; newAfter: number; allAfter: number; identical: boolean }

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
  /** Restructuring: the pruner alone and after the slice's neuron removal. */
  restructure: Array<{ method: string; ni: number; cr: number; ma: number; reached: boolean }>;
  /** The theta the slice policy chose for restructuring. */
  restructureTheta: number | null;
  /** Re-adaptation to FGSM images: per method, held-out adversarial and clean accuracy after, trainable parameters. */
  readapt: Array<{ method: string; newBefore: number; newAfter: number; cleanAfter: number; trainable: number; total: number }>;
  /** Incremental development: per method, task A before/after, task B after, all ten classes after, task A bit-identical. */
  incremental: { theta: number; runs: IncrementalRun[]; verdict: string };
}

/** The notebook variables the demo reads after running its cells. */
interface DemoValues {
  info: BackendInfo; ev: EvaluateResult; cr: number; masked: EvaluateResult; verdict: string[];
  rs: RestructureComparison; ra: ReadaptComparison; inc: ExtendComparison; meta: RunMetadata; model: tf.LayersModel;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * What the terminal shows at the end of the demo: the headline results, then where the notebook and report are.
 *
 * @example
 * console.log(formatDemoResult(await runDemo()));
 */
export function formatDemoResult(r: DemoResult): string {
  const R = ss.MAINTENANCE_DEFAULTS.restructure, A = ss.MAINTENANCE_DEFAULTS.readapt, E = ss.MAINTENANCE_DEFAULTS.extend;
  return [
    `model ${r.trained ? 'trained' : 'reused'}; test accuracy ${pct(r.accuracy)}`,
    `slice (${r.slice.metric}, theta ${r.slice.theta}): CR ${pct(r.slice.cr)}, accuracy of the masked model ${pct(r.slice.accuracy)}`,
    'fidelity sweep:',
    ...r.verdict.split('\n').map((l) => `  ${l}`),
    `restructuring (${R.pruner}, target CR ${pct(R.targetCR)} within ${R.maxDrop * 100} point; slice theta ${r.restructureTheta ?? '-'} by the slice policy):`,
    ...r.restructure.map((x) => `  ${x.method}: NI ${x.ni}, CR ${pct(x.cr)}, accuracy ${pct(x.ma)}${x.reached ? '' : ' (target not reached)'}`),
    `re-adaptation to FGSM images (${A.count} to learn from, ${A.epochs} epochs):`,
    ...r.readapt.map((x) => `  ${x.method}: held-out adversarial accuracy ${pct(x.newBefore)} -> ${pct(x.newAfter)}, clean ${pct(x.cleanAfter)}, ${x.trainable.toLocaleString('en-US')} of ${x.total.toLocaleString('en-US')} parameters trained`),
    `incremental development (LeNet-5 knows digits 0-4 and learns 5-9; ${E.perTask.toLocaleString('en-US')} images per task, ${E.epochs} epochs; task A sliced at theta ${r.incremental.theta}):`,
    ...r.incremental.runs.map((x) => `  ${x.method}: task A ${pct(x.oldBefore)} -> ${pct(x.oldAfter)}${x.identical ? ' (logits bit-identical)' : ''}, task B ${pct(x.newAfter)}, all ten classes ${pct(x.allAfter)}`),
    `  ${r.incremental.verdict}`,
    `notebook: ${r.notebook}`,
    `report:   ${r.report}`,
    `(${r.seconds.toFixed(1)} s)`,
  ].join('\n');
}

/**
 * Run the demo end to end.
 *
 * @example
 * const r = await runDemo({ outDir: 'reports/out' }); // r.report === 'reports/out/demo.html'
 */
export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const t0 = Date.now();
  const params: DemoParams = {
    modelDir: opts.modelDir ?? 'models/lenet5-mnist', epochs: opts.epochs ?? 1, trainSamples: opts.trainSamples ?? 60000,
    profilePerClass: opts.profilePerClass ?? 500, evalSamples: opts.evalSamples ?? 10000, metric: opts.metric ?? 'taylor',
    theta: opts.theta ?? 0.95, seed: opts.seed ?? 0, backend: opts.backend ?? process.env['SEMSLICE_BACKEND'] ?? 'auto',
  };
  const outDir = opts.outDir ?? 'reports/out';
  const trained = opts.retrain === true || !existsSync(join(params.modelDir, 'model.json'));
  // The output rule, before any work: the two files (replaced with force, when semslice wrote them) and, when it is
  // trained, the model cache (the demo's own: replaced, but never a folder of someone else's files).
  const names = opts.options ?? { outDir: 'outDir', modelDir: 'modelDir' };
  const notebookPath = join(outDir, 'demo.ipynb');
  const reportPath = join(outDir, 'demo.html');
  const outputs = async () => [
    (await checkFileTarget(notebookPath, { what: 'notebook', force: opts.force ?? false, option: names.outDir })).path,
    (await checkFileTarget(reportPath, { what: 'report', force: opts.force ?? false, option: names.outDir })).path,
  ];
  await outputs();
  if (trained) await checkDirTarget(params.modelDir, { force: true, option: names.modelDir });
  const say = (m: string) => { if (opts.progress !== false) logger().info(m); };
  say(trained ? `training lenet5 on MNIST (${params.epochs} epoch(s)); cached in ${params.modelDir} for the next run` : `reusing the cached model ${params.modelDir} (pass --retrain to train again)`);
  const cells = demoCells(params, { trained });
  let heading = 'setup';
  const headings = cells.map((c) => (heading = c.kind === 'markdown' ? /^#+ (.*)$/m.exec(c.source)?.[1] ?? heading : heading));
  const run = await runCells(cells, {
    modules: { [DEMO_IMPORTS.semslice]: ss, [DEMO_IMPORTS.arquero]: aq },
    returns: ['info', 'ev', 'cr', 'masked', 'verdict', 'rs', 'ra', 'inc', 'meta', 'model'],
    onCell: (i) => say(`demo: ${headings[i]}`),
  });
  const v = run.values as unknown as DemoValues;
  try {
    const nb = new NotebookBuilder({ title: 'semslice demo: semantic slicing of LeNet-5 on MNIST' });
    cells.forEach((c, i) => (c.kind === 'markdown' ? nb.markdown(c.source) : nb.code(c.source, run.outputs[i]!, c.tags ? { tags: c.tags } : {})));
    nb.setMetadata('semslice', { ...v.meta, writtenBy: 'semslice demo' });
    const [nbReal, reportReal] = await outputs();
    await uninterrupted(async () => {
      await writeFileAtomic(nbReal!, nb.serialise());
      await writeReport(nbReal!, reportReal!, { trusted: true });
    });
    const incRuns: IncrementalRun[] = v.inc.runs.map((r) => ({ method: r.label, oldBefore: r.before.old, oldAfter: r.after.old, newAfter: r.after.new, allAfter: r.after.classIL.all, identical: r.oldLogits.identical }));
    const incVerdict = ss.describeExtend(v.inc).split(/(?<=\.) (?=Ours )/).at(-1) ?? '';
    return {
      notebook: notebookPath, report: reportPath, trained, accuracy: v.ev.accuracy, seconds: (Date.now() - t0) / 1000,
      slice: { metric: params.metric, theta: params.theta, cr: v.cr, accuracy: v.masked.accuracy }, verdict: v.verdict.join('\n'),
      restructure: v.rs.runs.map((x) => ({ method: x.label, ni: x.ni, cr: x.cr, ma: x.ma, reached: x.reached })),
      restructureTheta: v.rs.choice?.theta ?? null,
      readapt: v.ra.runs.map((x) => ({ method: x.method, newBefore: x.before.newAccuracy, newAfter: x.after.newAccuracy, cleanAfter: x.after.cleanAccuracy, trainable: x.trainableParams, total: x.totalParams })),
      incremental: { theta: v.inc.choice?.theta ?? NaN, runs: incRuns, verdict: incVerdict },
    };
  } finally {
    v.model?.dispose();
  }
}
