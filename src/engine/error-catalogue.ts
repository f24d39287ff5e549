/**
 * Every error code semslice throws, with the shape of its message and the usual fix. A SemsliceError takes only codes
 * listed here (the constructor's type says so), a test scans the sources for codes missing from it, and
 * docs/errors.md is generated from it (`npx tsx scripts/errors-doc.ts`). Messages show "…" where the real message
 * names the value at fault; the real hint may be more specific than the one here.
 *
 * To add a code: add an entry here (alphabetical), regenerate docs/errors.md, throw `new SemsliceError(CODE, ...)`.
 */
export const ERROR_CATALOGUE = {
  ABORTED: {
    message: "Profiling was aborted.",
    hint: "Start it again without aborting the signal.",
  },
  BACKEND_NONE: {
    message: "No tfjs backend could be initialised: ….",
    hint: "Reinstall @tensorflow/tfjs (the cpu backend ships with it).",
  },
  BACKEND_UNAVAILABLE: {
    message: "Backend \"…\" was requested (…) but cannot be loaded: ….",
    hint: "Install the backend named in the message (e.g. npm install @tensorflow/tfjs-node), or choose another with SEMSLICE_BACKEND / --backend.",
  },
  BACKEND_UNKNOWN: {
    message: "SEMSLICE_BACKEND is \"…\", not a backend.…",
    hint: "Set SEMSLICE_BACKEND to one of … (or unset it), or pass --backend NAME.",
  },
  BAD_ARGUMENT: {
    message: "…: expected a non-negative integer, got ….",
    hint: "Pass a whole number such as 100.",
  },
  BAD_ATTACK_OPTIONS: {
    message: "fgsm: eps must be in (0, 1], got ….",
    hint: "Pass e.g. { eps: 0.3 } (--eps 0.3); pixels are in [0, 1].",
  },
  BAD_BUILD_OPTIONS: {
    message: "lenet5 needs inputs of at least 12x12, got …x….",
    hint: "Use a larger input (MNIST is 28x28) or the \"mlp\" model.",
  },
  BAD_CURVE: {
    message: "compareAtEqualCR: curve … has no points.",
    hint: "Pass at least one { cr, accuracy } point per curve.",
  },
  BAD_DISPLAY_NAME: {
    message: "\"…\" is not a valid display handler name.",
    hint: "Pass a non-empty string as { name }.",
  },
  BAD_EXTEND_METHOD_NAME: {
    message: "Invalid incremental method name \"…\".",
    hint: "Use a lower-case name such as \"my-method\" (letters, digits, \"-\", \"+\").",
  },
  BAD_EXTEND_OPTIONS: {
    message: "extend: … (overlapping or empty class sets, a class the model cannot output, a bad fraction, …).",
    hint: "Name disjoint, non-empty class sets the model can output, e.g. --old 0-4 --new 5-9 ({ oldClasses: [0, 1, 2, 3, 4] }).",
  },
  BAD_INPUT_SHAPE: {
    message: "Input of shape […] does not fit model \"…\", which takes [batch, …].",
    hint: "Use data whose sample shape matches the model input (or a model built for this data).",
  },
  BAD_K: {
    message: "k = … is out of range: it must be a percentage in (0, 100].",
    hint: "Pass k: 10 to keep the top 10% of neurons (the paper sweeps 10..100).",
  },
  BAD_MAGIC_NAME: {
    message: "\"\u2026\" is not a valid magic name.",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_MAINTENANCE_DATA: {
    message: "maintenance: the … data has samples of …, the training data … (or: train and test data are required).",
    hint: "Pass splits of the same dataset: { train: data.train, test: data.test } (and optionally validation).",
  },
  BAD_MASK: {
    message: "Mask for site \"…\" has … entries; the site has … neurons.",
    hint: "Give one 0/1 value per neuron of the site.",
  },
  BAD_METRIC: {
    message: "registerMetric() needs { name, score, scoreGlobal }.",
    hint: "Pass a name and two score functions.",
  },
  BAD_METRIC_NAME: {
    message: "\"\u2026\" is not a valid metric name.",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_MODEL: {
    message: "Model \"…\" logits ….",
    hint: "semslice needs a classifier whose output is [batch, classes].",
  },
  BAD_MODEL_JSON: {
    message: "…: weight \"…\" has unsupported dtype \"…\".",
    hint: "Only float32, int32, bool and uint8/uint16/float16 quantised weights are supported.",
  },
  BAD_MODEL_NAME: {
    message: "\"\u2026\" is not a valid model name.",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_MUTANT_OPTIONS: {
    message: "mutants: drop must be in (0, 1), got ….",
    hint: "Pass e.g. { drop: 0.3 } (--drop 0.3), 30 points of accuracy.",
  },
  BAD_NAME: {
    message: "\"\u2026\" is not a valid dataset name.",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_NOTEBOOK: {
    message: "cell …: only namespace imports (import * as NAME from …) can run in-process (or: the cells are not plain JavaScript).",
    hint: "Write cells without type annotations and with namespace imports.",
  },
  BAD_OPTION: {
    message: "tolerance must be >= 0, got ….",
    hint: "Use e.g. tolerance: 0.002 (0.2 accuracy points).",
  },
  BAD_PARAMETER: {
    message: "Parameter … is a number (…), got ….",
    hint: "Pass a number, e.g. --param …=….",
  },
  BAD_PREPROCESSOR_NAME: {
    message: "\"\u2026\" is not a valid report preprocessor name.",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_PRE_STEP_NAME: {
    message: "\"…\" is not a valid pre-step name.",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_PRUNER: {
    message: "Pruner \"…\" has no counts function.",
    hint: "Pass { name, description, counts: (layers, amount) => number[] }.",
  },
  BAD_PRUNER_NAME: {
    message: "\"…\" is not a valid pruner name.",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_PRUNE_AMOUNT: {
    message: "The amount to prune per iteration must be in (0, 1), got ….",
    hint: "Pass e.g. 0.2 (20% of the surviving weights).",
  },
  BAD_READAPT_METHOD_NAME: {
    message: "Re-adaptation method name \"…\" is not valid.",
    hint: "Use lower-case letters, digits and hyphens, starting with a letter.",
  },
  BAD_READAPT_OPTIONS: {
    message: "readapt: epochs must be a positive integer, got ….",
    hint: "Pass e.g. { epochs: 5 } (--epochs 5).",
  },
  BAD_RESTRUCTURE_OPTIONS: {
    message: "restructure: targetCR must be in (0, 1), got ….",
    hint: "Pass e.g. { targetCR: 0.9 } (--target-cr 0.9).",
  },
  BAD_RETENTION: {
    message: "Retention contract: class … is not a class of this model (0..…).",
    hint: "Name classes 0..numClasses-1 and a maxDrop in [0, 1].",
  },
  BAD_SCORES: {
    message: "Metric \"…\" returned … scores for site \"…\", expected ….",
    hint: "A metric returns one score per (class, neuron), row-major by class.",
  },
  BAD_SELECTOR_NAME: {
    message: "\"\u2026\" is not a valid selector name.",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_SHARD: {
    message: "shard \u2026/\u2026 is not a shard: the index must be an integer in [0, count) and count a positive integer.",
    hint: "Use e.g. { index: 0, count: 4 } (at the CLI: --shard 0/4) and run indices 0 to count-1.",
  },
  BAD_SLICE_POLICY: {
    message: "taskSlice: … (a class outside the model, a tolerance or minFree out of range, no samples of a class).",
    hint: "Pass the task's classes and training data, e.g. taskSlice(model, data.train, [0, 1, 2, 3, 4], { tolerance: 0.01 }).",
  },
  BAD_STUDY_NAME: {
    message: "Invalid study name \"\u2026\".",
    hint: "Use lower-case letters, digits and dashes, starting with a letter.",
  },
  BAD_TAU: {
    message: "tau = … is out of range: it must be \"auto\" or a number in [0, 1].",
    hint: "Omit tau (or pass \"auto\") to cut the class dendrogram at its largest gap, or pass a similarity cut such as tau: 0.5 (1 merges only identical classes, 0 merges everything).",
  },
  BAD_THETA: {
    message: "theta = … is out of range: it must be in (0, 1].",
    hint: "Pass a cumulative share such as theta: 0.95 (the paper sweeps 0.90..0.99).",
  },
  BAD_TRAIN_OPTIONS: {
    message: "train: … must be a positive integer, got ….",
    hint: "Pass e.g. { …: … }.",
  },
  CIFAR_BAD_SIZE: {
    message: "…: … bytes is not a whole number of …-byte CIFAR-10 records (… records and … bytes left over).",
    hint: "The file is truncated or not a CIFAR-10 binary batch (the Python version is not supported; use the binary version).",
  },
  CLASS_COUNT_MISMATCH: {
    message: "Dataset … has … classes but model \"…\" has … logits.",
    hint: "Use data labelled with the model's classes (subsetClasses keeps the labels unless relabel is set).",
  },
  CLASS_MISMATCH: {
    message: "…() needs slices over the same classes; got … and ….",
    hint: "Combine slices made from the same model and dataset.",
  },
  CLASS_OUT_OF_RANGE: {
    message: "…: class … is outside [0, …).",
    hint: "Pass class labels 0..….",
  },
  CORRUPT_WEIGHTS: {
    message: "Weights corrupt: … hold … bytes but … lists ….",
    hint: "The weight files do not belong to this model.json: copy the matching files or re-save the model.",
  },
  DATA_BAD_SHAPE: {
    message: "…: sampleShape must be [height, width, channels] of positive integers, got […].",
    hint: "Pass e.g. sampleShape: [28, 28, 1] for grey 28x28 images.",
  },
  DATA_MISMATCH: {
    message: "The model was trained on dataset … but … was given.",
    hint: "Pass --data …, or --any-data to slice with other data on purpose.",
  },
  DATA_NAN: {
    message: "…: sample … has a non-finite pixel (…) at offset ….",
    hint: "Clean the data before building the dataset: replace or drop samples with NaN/Infinity pixels.",
  },
  DATA_NOT_FOUND: {
    message: "CIFAR-10 needs a folder: none was given and SEMSLICE_DATA_DIR holds no CIFAR-10 batches.",
    hint: "Pass { dir } naming the unpacked binary version (…), or set SEMSLICE_DATA_DIR to its parent. CIFAR-10 cannot be downloaded by semslice.",
  },
  DATA_NO_CLASSES: {
    message: "…: classNames is empty.",
    hint: "Pass one name per class, e.g. [\"0\", \"1\", ...].",
  },
  DATA_SHAPE_MISMATCH: {
    message: "Dataset … has samples of shape … but the model expects input ….",
    hint: "Use data whose sample shape matches the model input (or a model built for this data).",
  },
  DATA_SIZE_MISMATCH: {
    message: "…: … pixel values do not match … labels x […] = ….",
    hint: "Pass one label per image, and images whose pixel count is a whole number of samples of the given shape.",
  },
  DEGENERATE_MODEL: {
    message: "The model in … is degenerate: it predicts class … for all … samples checked.",
    hint: "Check that … holds the trained weights (semslice info …), or train it again with semslice train.",
  },
  DOWNLOAD_CHECKSUM_MISMATCH: {
    message: "Download of … is corrupt: md5 …, expected ….",
    hint: "The file was damaged in transit or the server holds a different file; the bad copy was deleted. Try again later.",
  },
  DOWNLOAD_FAILED: {
    message: "Download of … failed: HTTP … ….",
    hint: "Check the address (baseUrl) and the network, or place the files yourself and set SEMSLICE_DATA_DIR.",
  },
  DOWNLOAD_SIZE_MISMATCH: {
    message: "Download of … has the wrong size: got … bytes, expected ….",
    hint: "The download was truncated or the server holds a different file; the bad copy was deleted. Try again.",
  },
  DUPLICATE_DATASET: {
    message: "A dataset named \"\u2026\" is already registered.",
    hint: "Pick another name, or pass { replace: true } to replace it on purpose.",
  },
  DUPLICATE_DISPLAY: {
    message: "A display handler named \"…\" is already registered.",
    hint: "Pass { override: true } to replace it, or choose another name.",
  },
  DUPLICATE_EXTEND_METHOD: {
    message: "An incremental method named \"…\" is already registered.",
    hint: "Pick another name, or pass { override: true } to replace it.",
  },
  DUPLICATE_MAGIC: {
    message: "A magic named \"\u2026\" is already registered.",
    hint: "Pick another name, or pass { replace: true } to replace it on purpose.",
  },
  DUPLICATE_METRIC: {
    message: "A metric named \"\u2026\" is already registered.",
    hint: "Pick another name, or pass { replace: true } to replace it on purpose.",
  },
  DUPLICATE_MIME_RENDERER: {
    message: "A renderer for … is already registered.",
    hint: "Pass { override: true } to replace it.",
  },
  DUPLICATE_MODEL: {
    message: "A model named \"\u2026\" is already registered.",
    hint: "Pick another name, or pass { replace: true } to replace it on purpose.",
  },
  DUPLICATE_PREPROCESSOR: {
    message: "A report preprocessor named \"\u2026\" is already registered.",
    hint: "Pick another name, or pass { replace: true } to replace it on purpose.",
  },
  DUPLICATE_PRE_STEP: {
    message: "A pre-step named \"…\" is already registered.",
    hint: "Choose another name, or pass { override: true }.",
  },
  DUPLICATE_PRUNER: {
    message: "A pruner named \"…\" is already registered.",
    hint: "Choose another name, or pass { override: true }.",
  },
  DUPLICATE_READAPT_METHOD: {
    message: "A re-adaptation method named \"…\" is already registered.",
    hint: "Pick another name, or pass { override: true }.",
  },
  DUPLICATE_SELECTOR: {
    message: "A selector named \"\u2026\" is already registered.",
    hint: "Pick another name, or pass { replace: true } to replace it on purpose.",
  },
  DUPLICATE_STUDY: {
    message: "A study named \"\u2026\" is already registered.",
    hint: "Pick another name, or pass { override: true } to replace it.",
  },
  EMPTY_CLASSES: {
    message: "forClasses() needs at least one class label.",
    hint: "Pass e.g. forClasses([3, 5]).",
  },
  EMPTY_DATA: {
    message: "Dataset … has no samples to profile.",
    hint: "Profile with a non-empty dataset.",
  },
  EMPTY_LAYER: {
    message: "Removing the masked neurons would leave layer \"…\" with no neurons.",
    hint: "Keep at least one neuron per layer (a slice of more classes, or a higher theta).",
  },
  EXTEND_NO_CAPACITY: {
    message: "extend: no free neurons left in any site (…): every neuron is read by an earlier task.",
    hint: "Slice the earlier tasks more strictly (a lower theta or a larger tolerance for theta auto), use a wider model, or pass { allowFull: true } to learn the new output rows on the frozen features only.",
  },
  FILE_NOT_FOUND: {
    message: "…: no such file.",
    hint: "Check the path, or the folder the dataset is read from.",
  },
  FILE_UNREADABLE: {
    message: "…: cannot be read (…).",
    hint: "Check the file permissions.",
  },
  FLAG_MISSING: {
    message: "--method … needs --k (the percent of neurons kept).",
    hint: "Pass e.g. --method … --k 50.",
  },
  FLAG_NOT_USED: {
    message: "--k … has no effect with --method …, which keeps neurons by --theta.",
    hint: "Pass --theta X for the semantic method, or --method category-topk (or global-topk) with --k.",
  },
  IDX_BAD_DIMS: {
    message: "…: expected images [n, h, w] and labels [n], got […] (…) and […] (…).",
    hint: "Check that the image and label files were not swapped or replaced.",
  },
  IDX_BAD_HEADER: {
    message: "…: IDX header declares 0 dimensions.",
    hint: "The file is corrupt. Fetch it again.",
  },
  IDX_BAD_MAGIC: {
    message: "…: not an IDX file: magic bytes are …, expected 00 00 <type> <ndim>.",
    hint: "Pass an IDX file (MNIST format), raw or gzip-compressed.",
  },
  IDX_CORRUPT: {
    message: "…: gzip data is corrupt or truncated (…).",
    hint: "The compressed file is damaged (an interrupted download?). Fetch it again.",
  },
  IDX_COUNT_MISMATCH: {
    message: "…: … holds … images but … holds … labels.",
    hint: "The image and label files belong to different sets; fetch them again.",
  },
  IDX_SIZE_MISMATCH: {
    message: "…: IDX file has … trailing bytes: expected … bytes for dims […], got ….",
    hint: "The file is corrupt or not an IDX file. Fetch it again.",
  },
  IDX_TRUNCATED: {
    message: "…: truncated IDX file: expected … bytes for dims […], got ….",
    hint: "The file is incomplete (an interrupted download or copy?). Fetch it again.",
  },
  IDX_UNSUPPORTED_TYPE: {
    message: "…: IDX element type 0x… (…) is not supported; only 0x08 (ubyte) is.",
    hint: "semslice reads unsigned-byte IDX files (MNIST, Fashion-MNIST). Convert the data to bytes or use fromArrays().",
  },
  INDEX_OUT_OF_RANGE: {
    message: "Position … is outside [0, …) of dataset …/….",
    hint: "Use positions 0..… of this view.",
  },
  INVALID_SLICE_FILE: {
    message: "… is not a valid semslice slice: ….",
    hint: "Load a file written by Slice.save() (format \"semslice.slice\", version 1); re-create it with slice() if it was edited or damaged.",
  },
  LABEL_NOT_INTEGER: {
    message: "…: label at index … is …, not an integer; labels are class numbers.",
    hint: "Labels must be whole numbers 0..numClasses-1 (one per class name); round or map them before building the dataset.",
  },
  LABEL_OUT_OF_RANGE: {
    message: "…: label at index … is …, outside [0, …) for … classes.",
    hint: "Labels must be integers 0..numClasses-1; pass one class name per label value (classNames), or fix the labels.",
  },
  MAGIC_ARGS: {
    message: "%%magic: … (an argument that is unknown, missing or of the wrong type).",
    hint: "Write arguments as key=value (quote values with spaces: label=\"a b\").…",
  },
  MAGIC_BODY: {
    message: "%%vegalite: the cell body is not valid JSON (…).",
    hint: "Write the spec as JSON below the %%vegalite line (double-quoted keys, no trailing commas).",
  },
  MAGIC_KIND: {
    message: "%… is a line magic and takes no cell body. Nothing was run.",
    hint: "Write %… and its arguments on one line, with nothing below.",
  },
  MAGIC_SYNTAX: {
    message: "magic`…`: expected a magic name first.",
    hint: "Write magic`name key=value ...`, e.g. magic`lsmagic`.",
  },
  MISSING_PACKAGE: {
    message: "Found … but not the package folder of \"…\".",
    hint: "Reinstall it: npm install …",
  },
  MISSING_STATS: {
    message: "The profile has no \"…\" statistics for site \"…\".",
    hint: "Profile with metrics including \"…\" (or all metrics, the default).",
  },
  MISSING_WEIGHTS: {
    message: "Weight file … listed in … does not exist.",
    hint: "Copy every .bin file named in model.json next to it.",
  },
  MODEL_NOT_FOUND: {
    message: "No model at …: the file does not exist.",
    hint: "Pass the folder that holds model.json (written by saveModel or tf.LayersModel.save).",
  },
  MUTANT_DROP_UNREACHED: {
    message: "mutants: replacing every Dense/Conv2D weight (seed …) leaves accuracy at …, not ….",
    hint: "Ask for a smaller drop (a model at chance accuracy cannot fall further).",
  },
  NAN_IN_DATA: {
    message: "Dataset … has NaN or infinite values among samples …..….",
    hint: "Clean the data (replace or drop non-finite pixels) before profiling.",
  },
  NON_FINITE_SCORES: {
    message: "Scores of row … are not finite.",
    hint: "Check the model for NaN/Inf activations or gradients.",
  },
  NOTEBOOK_IMPORT_MISSING: {
    message: "… imports \"../dist/index.js\", which does not exist from the notebook's folder (…).",
    hint: "The notebook was moved out of the semslice folder: change the import to \"semslice\", or run it from notebooks/ after npm run build.",
  },
  NOTEBOOK_INVALID: {
    message: "… is not a Jupyter notebook: ….",
    hint: "A notebook is a JSON object with \"nbformat\": 4, \"metadata\" and a \"cells\" array; save it from Jupyter or run it with `jupyter nbconvert --to notebook --execute`.",
  },
  NOTEBOOK_NOT_FOUND: {
    message: "No notebook at ….",
    hint: "Check the path (relative paths are from the current folder).",
  },
  NOTEBOOK_NOT_JSON: {
    message: "… is not valid JSON (…).",
    hint: "Pass an .ipynb file saved by Jupyter or nbconvert; a truncated or hand-edited file can be checked with `python3 -m json.tool FILE`.",
  },
  NOTEBOOK_RUN_FAILED: {
    message: "jupyter nbconvert failed on … (exit …): ….",
    hint: "Run the same notebook in Jupyter to see the failing cell; check the kernel with `jupyter kernelspec list`.",
  },
  NOTEBOOK_VERSION: {
    message: "… uses nbformat …; semslice reports read nbformat 4 only.",
    hint: "Upgrade it with `jupyter nbconvert --to notebook --nbformat 4 FILE` (or open and save it in Jupyter).",
  },
  NOTHING_TO_PRUNE: {
    message: "Model \"…\" has no Dense or Conv2D kernel to prune.",
    hint: "Prune a model with Dense or Conv2D layers.",
  },
  NOTHING_TO_TRAIN: {
    message: "train: every weight of model \"…\" is frozen.",
    hint: "Let trainable() return true for at least one weight.",
  },
  NOT_LAYERS_MODEL: {
    message: "… is not a tfjs layers model….",
    hint: "semslice needs a tf.LayersModel (model.json with format \"layers-model\"); graph models cannot be sliced. Convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model.",
  },
  NOT_RAW: {
    message: "ens is not a raw statistic: it is the mean of the four normalised scores.",
    hint: "Read avg, var, taylor or deeplift here; normalised and ens scores come from the metrics module (scoresFrom).",
  },
  NO_ATTACK_SOURCES: {
    message: "pgd: the model classifies none of the … images of … correctly.",
    hint: "Attack a trained model, on data of the task it was trained for.",
  },
  NO_BLOCKS: {
    message: "Model \"…\" is a chain model: DeepArc's block removal does not apply.",
    hint: "Use a model with residual blocks (resnet-small), or pre \"slice\"/\"none\".",
  },
  NO_JUPYTER: {
    message: "`… nbconvert` is not available (…).",
    hint: "Install Jupyter (Debian: apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel) and run bash scripts/setup-jupyter.sh.",
  },
  NO_KERNEL: {
    message: "The Jupyter kernel \"…\" is not installed (found: …).",
    hint: "Install the tslab kernelspec: bash scripts/setup-jupyter.sh --kernel-only.",
  },
  NO_PARAMETERS_CELL: {
    message: "The notebook has no cell tagged \"parameters\".",
    hint: "Tag the cell that declares the parameters with \"parameters\" (cell metadata tags), or pass no --param.",
  },
  NO_SAMPLES: {
    message: "Class … has no samples at all in ….",
    hint: "Profile with more data of that class, or with onlyCorrect: false (--all-samples at the CLI).",
  },
  NO_SITES: {
    message: "Model \"…\" has no sliceable layer (a hidden Dense, Conv2D or SeparableConv2D layer).",
    hint: "Slicing needs at least one Dense, Conv2D or SeparableConv2D layer before the final classifier.",
  },
  NO_SLICE: {
    message: "The pre-step \"…\" needs a slice.",
    hint: "Pass a slice (restructure(model, slice, ...)), or use pre \"none\".",
  },
  OUTPUT_EXISTS: {
    message: "… already holds a saved model (model.json, weights.bin).",
    hint: "Pass … to replace it, or choose ….",
  },
  OUTPUT_IS_DIR: {
    message: "… is a folder; the … is one file.",
    hint: "Choose … that names a file, e.g. ….",
  },
  OUTPUT_IS_INPUT: {
    message: "The output … is the input file ….",
    hint: "Choose … outside the inputs; inputs are never overwritten.",
  },
  OUTPUT_NOT_DIR: {
    message: "… is a file; a model is saved as a folder (model.json + weights.bin).",
    hint: "Choose … that is a folder or does not exist yet; … never replaces a file with a folder.",
  },
  OUTPUT_NOT_OURS: {
    message: "… already holds files semslice did not write (…); they are left as they are.",
    hint: "Choose … (a new or empty folder); … replaces only what semslice wrote.",
  },
  OUTPUT_NOT_WRITABLE: {
    message: "Cannot write …: ….",
    hint: "Choose … in a folder you can write to.",
  },
  OUTPUT_WRITE_FAILED: {
    message: "Cannot write the report to …: ….",
    hint: "Pass a writable file path (not a folder) with -o, e.g. -o report.html.",
  },
  PRUNE_LIMIT: {
    message: "uniform-plus cannot prune … of the surviving weights further (…).",
    hint: "Stop earlier (a lower target CR) or use another pruner (lamp, global, erk).",
  },
  RETENTION_BROKEN: {
    message: "Per-class retention broken: class … lost … (… -> …), more than ….",
    hint: "Protect fewer classes, allow a larger drop, or restructure less (lower target CR, more fine-tuning).",
  },
  SHARD_ENV: {
    message: "shard auto: … (seen: SLURM_ARRAY_TASK_ID=…, JOB_COMPLETION_INDEX=…, SEMSLICE_SHARD_COUNT=…).",
    hint: "Run it as a Slurm array task (sbatch --array=0-3 ...) or in a Kubernetes indexed Job with SEMSLICE_SHARD_COUNT set, or give the shard yourself (--shard K/N).",
  },
  SHARED_LAYER: {
    message: "Layer \"…\" is applied more than once in the model.",
    hint: "Slicing needs each Dense/Conv2D layer to be used once; give each use its own layer.",
  },
  SITE_MISMATCH: {
    message: "…() needs slices with the same sites; got […] and […].",
    hint: "Combine slices made from the same model.",
  },
  SLICE_MODEL_MISMATCH: {
    message: "The slice was made from a model with fingerprint …, but model \"…\" has fingerprint …: same layers, other weights.",
    hint: "Slice this model (slice(model, data) and slice.save(file)), or pass allowForeignSlice: true to use a slice of another model on purpose.",
  },
  STUDY_INCOMPLETE: {
    message: "\u2026 of \u2026 cells are not finished in the given folders: shard …/… (cells …) in …, last run by Slurm array job …, task ….",
    hint: "Rerun that shard into the same folder (its finished cells are kept: resubmit the Slurm array task, or semslice study run … --shard K/N --out DIR), then merge again.",
  },
  STUDY_MISMATCH: {
    message: "\u2026 holds another study, preset, shard or grid (or is not a study folder).",
    hint: "Resume with the same study, preset and shard; merge only shards of one study and preset; or choose another output folder.",
  },
  SURGERY_FAILED: {
    message: "Neuron removal: ….",
    hint: "This model layout is not supported by surgery; report it with the model summary.",
  },
  SURGERY_UNSUPPORTED: {
    message: "Site \"…\" has masked neurons that an Add keeps for another site, and its activation does not map 0 to 0.",
    hint: "Use a zero-preserving activation (relu, relu6, linear, tanh) at joined sites, or mask the joined channels at every site of the Add.",
  },
  TEMPLATE_INVALID: {
    message: "Report template … is unusable: ….",
    hint: "Copy reports/templates/default to a new folder and edit it; conf.json, template.html and style.css are required (docs/templates.md).",
  },
  TRUNCATED_WEIGHTS: {
    message: "Weights truncated: … hold … bytes but … lists ….",
    hint: "The weight file was cut short (an interrupted copy or download): copy it again or re-save the model.",
  },
  UNKNOWN_CLASS: {
    message: "Class … is not in this slice (it holds classes …).",
    hint: "Pass class labels from 0 to … that the slice covers.",
  },
  UNKNOWN_DATASET: {
    message: "Unknown dataset \"\u2026\".",
    hint: "Use one of the registered names listed in the message (a close match is suggested).",
  },
  UNKNOWN_DISPLAY: {
    message: "Unknown display handler \"…\".",
    hint: "Available: the names displayNames() lists.",
  },
  UNKNOWN_EXTEND_METHOD: {
    message: "Unknown incremental method \"…\".",
    hint: "Use one of the listed methods (ours, ours+replay, naive, replay, ewc, deeparc), or register yours.",
  },
  UNKNOWN_MAGIC: {
    message: "Unknown magic \"%…\".… Nothing was run.",
    hint: "Available: …. Run %lsmagic to list them with their arguments.",
  },
  UNKNOWN_METHOD: {
    message: "Unknown selection method \"\u2026\".",
    hint: "Use semantic, category-topk, global-topk or a registered selector.",
  },
  UNKNOWN_METRIC: {
    message: "Unknown metric passed to profile() \"…\".",
    hint: "Use one of the names listed in the message (a close match is suggested).",
  },
  UNKNOWN_MODEL: {
    message: "Unknown model \"\u2026\".",
    hint: "Use one of the registered names listed in the message (a close match is suggested).",
  },
  UNKNOWN_PARAMETER: {
    message: "Unknown parameter \"…\".…",
    hint: "Parameters of this notebook: ….",
  },
  UNKNOWN_PREPROCESSOR: {
    message: "Unknown report preprocessor \"\u2026\".",
    hint: "Use one of the registered names listed in the message (a close match is suggested).",
  },
  UNKNOWN_PRE_STEP: {
    message: "Unknown pre-step \"…\".",
    hint: "Available: none, slice, random, deeparc (deeparc is registered by engine/baselines/deeparc).",
  },
  UNKNOWN_PRUNER: {
    message: "Unknown pruner \"…\".",
    hint: "Available: lamp, global, uniform-plus, erk (and any registered with registerPruner).",
  },
  UNKNOWN_READAPT_METHOD: {
    message: "Unknown re-adaptation method \"…\".",
    hint: "Use one of critical, full, last-layer, deeparc, random (or a registered method).",
  },
  UNKNOWN_SITE: {
    message: "Unknown site in … for model \"…\" \"…\".",
    hint: "Use one of the names listed in the message (a close match is suggested).",
  },
  UNKNOWN_STUDY: {
    message: "Unknown study \"\u2026\".",
    hint: "Use one of the names listed in the message (semslice study list).",
  },
  UNKNOWN_TEMPLATE: {
    message: "Unknown report template \"…\".…",
    hint: "Available: …; or pass the path of a template folder (see docs/templates.md).",
  },
  UNKNOWN_WEIGHT: {
    message: "Unknown weight in gradientMasks \"…\".",
    hint: "Use one of the names listed in the message (a close match is suggested).",
  },
  UNKNOWN_WEIGHT_RULE: {
    message: "Unknown weight-mask rule \"…\".",
    hint: "Use \"critical-incoming\", \"both-ends-critical\" or a function (out, in) => boolean.",
  },
  UNSUPPORTED_LAYER: {
    message: "Conv2D layer \"…\" is channelsFirst.",
    hint: "semslice reads conv neurons on the last axis (NHWC) and needs one depthwise channel per input channel: build the model with dataFormat \"channelsLast\" and depthMultiplier 1.",
  },
  UNSUPPORTED_SLICE_VERSION: {
    message: "… is a semslice slice of format version …; this semslice reads versions ….",
    hint: "Upgrade semslice for a newer file, or re-create the slice with slice().",
  },
  VIZ_BAD_CHART: {
    message: "Chart \"…\" has no build function.",
    hint: "Pass { name, description, build: (input, opts) => spec }.",
  },
  VIZ_BAD_CHART_NAME: {
    message: "Invalid chart name \"\u2026\".",
    hint: "Use a kebab-case name such as \"fidelity-curves\".",
  },
  VIZ_BAD_INPUT: {
    message: "componentsChart(): the slice has no semantic components.",
    hint: "Components are made by merging classes (tau); re-create the slice with slice() rather than editing its JSON.",
  },
  VIZ_COMPILE: {
    message: "Vega-Lite could not compile the chart \"…\": …",
    hint: "Check custom specs against https://vega.github.io/schema/vega-lite/v5.json; built-in builders should never fail (report it).",
  },
  VIZ_DUPLICATE_CHART: {
    message: "A chart named \"\u2026\" is already registered.",
    hint: "Pick another name, or pass { override: true } to replace it.",
  },
  VIZ_UNKNOWN_CHART: {
    message: "Unknown chart \"\u2026\".",
    hint: "Use one of the registered chart names listed in the message (ss.viz.listCharts()).",
  },
  VIZ_UNKNOWN_SITE: {
    message: "Unknown site \"…\".",
    hint: "Use one of the names listed in the message (a close match is suggested).",
  },
  WASM_NOT_LOADED: {
    message: "The wasm backend is not loaded, so its kernels cannot be patched.",
    hint: "Call `await initBackend({ backend: \"wasm\" })` (it loads @tensorflow/tfjs-backend-wasm and patches it).",
  },
  WORKERS_ON_WEBGPU: {
    message: "train: workers is …: worker-thread replicas run the wasm backend on other cores, but this run is on webgpu.",
    hint: "Use { workers: 1 } (or \"auto\") on webgpu, where the GPU does the work; or choose { backend: \"wasm\" } for replicas on several cores.",
  },
} as const satisfies Record<string, { message: string; hint: string }>;

/** A code of the catalogue. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;
