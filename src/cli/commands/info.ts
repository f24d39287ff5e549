import type { Command } from 'commander';
import type * as tf from '@tensorflow/tfjs';
import { initCliBackend } from '../backend.js';
import { loadModel, modelSummary, modelMetadata } from '../../engine/models/index.js';
import { allWeightsZero } from '../../engine/models/sanity.js';
import { findSites } from '../../engine/slicing/index.js';
import { BACKEND_FLAG } from '../options.js';
import { formatTable } from '../format.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('Show a saved model: layers, sliceable sites, parameter count.')
    .argument('<dir>', 'model folder (model.json + weights)')
    .option(...BACKEND_FLAG)
    .action(async (dir: string, f: { backend?: string }) => {
      await initCliBackend(f.backend, true);
      const model = await loadModel(dir);
      try {
        printInfo(dir, model);
        // What slice would refuse (a degenerate model), said here too: the model is shown, with the reason.
        if (await allWeightsZero(model)) {
          console.error(`warning: every weight of the model in ${dir} is zero: it predicts the same class for every input, so semslice slice refuses it as degenerate.\n`
            + `  hint: check that ${dir} holds the trained weights, or train it again with semslice train.`);
        }
      } finally {
        model.dispose();
      }
    });
}

function printInfo(dir: string, model: tf.LayersModel): void {
  const s = modelSummary(model);
  console.log(`model ${dir}: ${model.layers.length} layers, ${s.params.toLocaleString('en-US')} parameters (${s.trainableParams.toLocaleString('en-US')} trainable)`);
  console.log(`input ${JSON.stringify(model.inputs[0]?.shape)}  output ${JSON.stringify(model.outputs[0]?.shape)}`);
  console.log('\nlayers');
  console.log(formatTable(['layer', 'class', 'output', 'params'], s.layers.map((l) => [l.name, l.className, JSON.stringify(l.outputShape), String(l.params)])));
  let sites: ReturnType<typeof findSites> = [];
  try { sites = findSites(model); } catch { /* reported below */ }
  console.log('\nsliceable sites');
  if (sites.length === 0) console.log('  none (no hidden Dense, Conv2D or SeparableConv2D layer)');
  else console.log(formatTable(['site', 'kind', 'neurons', 'read after'], sites.map((x) => [x.name, x.kind, String(x.neurons), x.readLayer])));
  const meta = modelMetadata(model);
  const keys = Object.keys(meta);
  if (typeof meta['weightsFingerprint'] !== 'string') {
    console.log('\nweights fingerprint: none recorded (the model was not saved by semslice): weights.bin is not checked against it on load');
  }
  if (keys.length) {
    console.log('\nmetadata');
    for (const k of keys) console.log(`  ${k}: ${typeof meta[k] === 'object' ? JSON.stringify(meta[k]) : String(meta[k])}`);
  }
}
