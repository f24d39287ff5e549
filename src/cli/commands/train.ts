import type { Command } from 'commander';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset, DatasetSplits } from '../../engine/data/index.js';
import { loadDataset } from '../../engine/data/index.js';
import { buildModel, saveModel, modelSummary, listModels, getModelEntry } from '../../engine/models/index.js';
import { train, evaluate } from '../../engine/train/index.js';
import { progressCallback } from '../../notebook/progress.js';
import { BACKEND_FLAG, intArg, positiveNumberArg, WORKERS_FLAG } from '../options.js';
import { checkModelOut } from '../output.js';
import { parseClassSet } from '../../engine/data/class-set.js';
import { initCliBackend } from '../backend.js';

interface TrainFlags {
  model: string; data: string; epochs: number; batchSize: number; lr: number; seed: number;
  limit?: number; out: string; force?: boolean; backend?: string; batchNorm?: boolean; classes?: string; workers: number | 'auto';
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train a zoo model on a dataset and save it (model.json + weights.bin).')
    .requiredOption('--model <name>', `zoo model: ${listModels().map((m) => m.name).join(', ')}`)
    .option('--data <name>', 'dataset (see `semslice data list`)', 'mnist')
    .option('--epochs <n>', 'passes over the training data', intArg('--epochs'), 1)
    .option('--batch-size <n>', 'batch size', intArg('--batch-size'), 64)
    .option('--lr <x>', 'Adam learning rate', positiveNumberArg('--lr'), 1e-3)
    .option('--seed <n>', 'seed for weights and shuffling', intArg('--seed', 0), 0)
    .option('--limit <n>', 'train on the first n training samples only', intArg('--limit'))
    .option('--batch-norm', 'insert BatchNormalization (vgg-small, resnet-small)')
    .option('--classes <set>', 'train on these classes only (e.g. 0-4), keeping the full output head (task A of semslice extend)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--force', 'replace a model folder semslice wrote before (never other files)')
    .option(...WORKERS_FLAG)
    .option(...BACKEND_FLAG)
    .action(async (f: TrainFlags) => {
      getModelEntry(f.model); // unknown names fail before any data is read
      await checkModelOut(f.out, f.force); // an output problem must not surface after the training run
      await initCliBackend(f.backend);
      const data = await loadDataset(f.data);
      // --classes keeps every output unit (numClasses of the whole dataset): the other classes are learnt later by extend.
      const classes = f.classes !== undefined ? parseClassSet(f.classes, '--classes', data.train.numClasses) : undefined;
      const pool = classes ? data.train.subsetClasses(classes) : data.train;
      const trainSet = f.limit ? pool.take(f.limit) : pool;
      const model = buildModel(f.model, {
        inputShape: trainSet.sampleShape, numClasses: data.train.numClasses, seed: f.seed, batchNorm: f.batchNorm ?? false,
      });
      try {
        await trainAndSave(model, f, data, trainSet, classes);
      } finally {
        model.dispose();
      }
    });
}

async function trainAndSave(model: tf.LayersModel, f: TrainFlags, data: DatasetSplits, trainSet: Dataset, classes?: number[]): Promise<void> {
  const params = modelSummary(model).params;
  console.log(`training ${f.model} (${params.toLocaleString('en-US')} parameters) on ${f.data}: ${trainSet.size} samples, ${f.epochs} epoch(s)`);
  const history = await train(model, trainSet, {
    epochs: f.epochs, batchSize: f.batchSize, learningRate: f.lr, seed: f.seed, workers: f.workers,
    onProgress: progressCallback('semslice'),
    onEpochEnd: (m) => console.log(`epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, accuracy ${(m.accuracy * 100).toFixed(2)}%, ${Math.round(m.samplesPerSecond)} samples/s`),
  });
  const test = classes ? data.test.subsetClasses(classes) : data.test;
  const result = await evaluate(model, test, { batchSize: 512 });
  console.log(`test accuracy ${(result.accuracy * 100).toFixed(2)}% on ${test.size} samples${classes ? ` of classes ${f.classes}` : ''}`);
  const saved = await saveModel(model, f.out, {
    force: f.force, option: 'out',
    metadata: {
      model: f.model, data: f.data, trainSamples: trainSet.size, epochs: history.epochs.length, seed: f.seed,
      testAccuracy: result.accuracy, dataFingerprint: trainSet.fingerprint(), ...(classes ? { classes } : {}),
    },
  });
  console.log(`saved to ${saved.dir} (weights ${saved.weightsFingerprint})`);
}
