import type { Command } from 'commander';
import { formatDemoResult, runDemo } from '../demo/run-demo.js';
import { listMetrics } from '../../engine/slicing/index.js';
import { BACKEND_FLAG, choiceArg, intArg, rangeArg } from '../options.js';
import { cliBackendRequest } from '../backend.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('The main job: train or reuse LeNet-5 on MNIST, slice it, run the fidelity sweep, write a notebook and its HTML report.')
    .option('--out-dir <dir>', 'where demo.ipynb and demo.html go', 'reports/out')
    .option('--model-dir <dir>', 'cached model folder (reused when present)', 'models/lenet5-mnist')
    .option('--retrain', 'train again even if the cached model exists')
    .option('--epochs <n>', 'training epochs', intArg('--epochs'), 1)
    .option('--profile-per-class <n>', 'profiling samples per class', intArg('--profile-per-class'), 500)
    .option('--eval-samples <n>', 'test images for accuracy', intArg('--eval-samples'), 10000)
    .option('--metric <name>', `metric of the headline slice: ${listMetrics().join(', ')}`, choiceArg('--metric', listMetrics()), 'taylor')
    .option('--theta <x>', 'theta of the headline slice, in (0, 1]', rangeArg('--theta', 0, 1, { min: true }), 0.95)
    .option('--force', 'replace demo.ipynb and demo.html of an earlier run in --out-dir (never other files)')
    .option('--seed <n>', 'seed', intArg('--seed', 0), 0)
    .option(...BACKEND_FLAG)
    .action(async (f: Record<string, unknown>) => {
      cliBackendRequest(f.backend as string | undefined); // a bad SEMSLICE_BACKEND fails before any work
      const r = await runDemo({
        outDir: f.outDir as string, modelDir: f.modelDir as string, retrain: Boolean(f.retrain), epochs: f.epochs as number,
        profilePerClass: f.profilePerClass as number, evalSamples: f.evalSamples as number, metric: f.metric as string,
        theta: f.theta as number, seed: f.seed as number, backend: f.backend as string | undefined,
        force: Boolean(f.force), options: { outDir: 'outDir', modelDir: 'modelDir' },
      });
      console.log(formatDemoResult(r));
    });
}
