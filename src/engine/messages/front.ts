/**
 * Error messages of the front ends and the files they read: arguments of library functions (BAD_ARGUMENT), model
 * files (io-load), the CLI's own checks, magics, notebooks, reports and charts. See index.ts.
 * No dependencies beyond the message module: report and viz code use these entries without tfjs.
 */
import { entry } from './entry.js';
import { say, opt, alt, literal, type Text } from './text.js';

/** A value as a message shows it: strings quoted, lists and objects as literals. */
const shown = (v: unknown): string => literal(v);

/** "an integer" / "a number": the article of a word. */
const an = (word: string): string => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

/** A notebook parameter as the API passes it (`{ params: { seed: 1 } }`) and the CLI (`--param seed=1`). */
const param = (name: string, value: string): Text => say`${alt(`{ params: { ${name}: ${value} } }`, `--param ${name}=${value}`)}`;

/** How to install Jupyter and the tslab kernel (NO_JUPYTER, NO_KERNEL). */
const INSTALL_JUPYTER =
  'Install Jupyter and the tslab kernel: `bash scripts/setup-jupyter.sh` (as root), or `apt-get install jupyter-nbconvert '
  + 'python3-nbclient python3-ipykernel jupyter-client` and `npx tslab install --python /usr/bin/python3 --binary "$PWD/node_modules/.bin/tslab" --prefix "$PWD/.jupyter"`.';

/** The ways a magic's arguments can be wrong (MAGIC_ARGS). */
type MagicArgs = { magic: string } & (
  | { case: 'not-key-value'; word: string; allowed: readonly string[] }
  | { case: 'unclosed-quote'; word: string; allowed: readonly string[] }
  | { case: 'twice'; key: string; allowed: readonly string[] }
  | { case: 'unknown'; key: string; guess?: string; allowed: readonly string[] }
  | { case: 'type'; key: string; expected: string; got: string; description: string }
  | { case: 'missing'; key: string; description: string }
  | { case: 'range'; key: string; value: unknown; expected: string; example: unknown }
  | { case: 'classes'; key: string; value: string }
  | { case: 'overlap'; classes: readonly number[] }
  | { case: 'not-a'; key: string; wanted: 'model' | 'splits' | 'dataset' | 'slice' }
  | { case: 'no-such-data'; value: string; names: readonly string[] }
  | { case: 'unknown-names'; what: string; names: readonly string[]; known: readonly string[] }
);

const MAGIC_REF_HINTS: Record<'model' | 'splits' | 'dataset' | 'slice', string> = {
  model: 'Pass a model folder (model=models/lenet5-mnist) or a variable holding a model.',
  splits: 'Pass a dataset name or a variable holding { train, test }.',
  dataset: 'Pass a dataset name, or a variable holding a dataset or { train, test }.',
  slice: 'Pass a variable holding a Slice (ss.slice(...) or ss.Slice.load(...)), or leave slice out to slice by the policy.',
};
const MAGIC_REF_WORDS: Record<'model' | 'splits' | 'dataset' | 'slice', string> = {
  model: 'is not a model',
  splits: 'has no train and test splits',
  dataset: 'is neither a dataset nor { train, test }',
  slice: 'is not a slice',
};

function magicArgs(p: MagicArgs): { message: string; hint: string } {
  const allowedHint = (allowed: readonly string[]) =>
    `Write arguments as key=value (quote values with spaces: label="a b").${allowed.length ? ` Allowed: ${allowed.join(', ')}.` : ''}`;
  switch (p.case) {
    case 'not-key-value':
      return { message: `${p.magic}: malformed argument "${p.word}" (expected key=value)`, hint: allowedHint(p.allowed) };
    case 'unclosed-quote':
      return { message: `${p.magic}: unclosed quote in "${p.word}"`, hint: allowedHint(p.allowed) };
    case 'twice':
      return { message: `${p.magic}: argument "${p.key}" given twice`, hint: allowedHint(p.allowed) };
    case 'unknown':
      return {
        message: `${p.magic}: unknown argument "${p.key}".${p.guess ? ` Did you mean "${p.guess}"?` : ''}`,
        hint: p.allowed.length ? `Allowed arguments of ${p.magic}: ${p.allowed.join(', ')}.` : `${p.magic} takes no arguments.`,
      };
    case 'type':
      return { message: `${p.magic}: argument ${p.key} expects ${p.expected}, got ${p.got}.`, hint: `${p.key}: ${p.description}` };
    case 'missing':
      return { message: `${p.magic}: missing required argument "${p.key}".`, hint: `${p.key}: ${p.description}` };
    case 'range':
      return { message: `${p.magic}: ${p.key} must be ${p.expected}, got ${shown(p.value)}.`, hint: `Use e.g. ${p.key}=${String(p.example)}.` };
    case 'classes':
      return {
        message: `${p.magic}: ${p.key}=${p.value} is not a set of classes.`,
        hint: `Name classes as a range or a list, e.g. ${p.key}=0-4 or ${p.key}=1,3,5.`,
      };
    case 'overlap':
      return { message: `${p.magic}: old and new classes overlap in ${p.classes.join(', ')}.`, hint: 'Make the tasks disjoint, e.g. old=0-4 new=5-9.' };
    case 'not-a':
      return { message: `${p.magic}: ${p.key} ${MAGIC_REF_WORDS[p.wanted]}.`, hint: MAGIC_REF_HINTS[p.wanted] };
    case 'no-such-data':
      return {
        message: `${p.magic}: data="${p.value}" is neither a dataset name nor a notebook variable.`,
        hint: `Use one of ${p.names.join(', ')}, or a variable holding { train, test }.`,
      };
    case 'unknown-names':
      return { message: `${p.magic}: unknown ${p.what} ${p.names.join(', ')}.`, hint: `Use some of ${p.known.join(', ')}.` };
  }
}

/** The ways a notebook document is not an nbformat 4 notebook (NOTEBOOK_INVALID). */
type NotebookInvalid = { what: string } & (
  | { case: 'not-object'; got: string }
  | { case: 'no-nbformat' }
  | { case: 'no-cells' }
  | { case: 'cell-not-object'; cell: number }
  | { case: 'cell-no-type'; cell: number }
);

/** The ways a report template is unusable (TEMPLATE_INVALID). */
type TemplateInvalid = { dir: string } & (
  | { case: 'no-folder' }
  | { case: 'no-conf' }
  | { case: 'conf-not-object'; error: string }
  | { case: 'loop'; chain: readonly string[] }
  | { case: 'missing-file'; file: string }
  | { case: 'no-sanitize' }
);

/** The ways a chart builder's input is wrong (VIZ_BAD_INPUT). `fn` is the builder's name. */
type VizBadInput = { fn: string } & (
  | { case: 'not-slice'; got: string }
  | { case: 'empty'; what: string; got: string; expected: string; from?: string }
  | { case: 'not-finite'; where: string; got: string }
  | { case: 'not-square'; what: string; n: number }
  | { case: 'no-stability' }
  | { case: 'no-components' }
  | { case: 'repeat'; item: 'method' | 'series'; names: readonly string[] }
  | { case: 'per-class'; what: string; got: number | undefined; classes: number }
  | { case: 'capacity'; site: string; used: number; free: number; neurons: number }
);

export const FRONT_MESSAGES = {
  /**
   * A library function's argument or option out of its range. `positional`: an argument, not an option (the hint
   * then shows the value alone).
   */
  BAD_ARGUMENT: entry<{ where: string; name: string; value: unknown; expected: string; example: unknown; positional?: boolean }>(
    [
      { where: 'evaluate', name: 'batchSize', value: 0, expected: 'a positive integer', example: 256 },
      { where: 'take', name: 'n', value: -1, expected: 'a non-negative integer', example: 100, positional: true },
    ],
    ({ where, name, value, expected, example, positional }) => ({
      message: `${where}: ${name} must be ${expected}, got ${shown(value)}.`,
      hint: positional ? `Pass e.g. ${shown(example)} as ${name}.` : say`Pass e.g. ${opt(name, example)}.`,
    })),
  BAD_MODEL_JSON: entry<{ file: string } & ({ case: 'not-json'; error: string } | { case: 'not-object' } | { case: 'no-manifest' }
    | { case: 'dtype'; weight: string; dtype: string })>(
    [
      { file: 'models/m/model.json', case: 'not-json', error: 'Unexpected end of JSON input' },
      { file: 'models/m/model.json', case: 'not-object' },
      { file: 'models/m/model.json', case: 'no-manifest' },
      { file: 'models/m/model.json', case: 'dtype', weight: 'fc1/kernel', dtype: 'string' },
    ],
    (p) => ({
      message: p.case === 'not-json' ? `${p.file} is not valid JSON (${p.error}).`
        : p.case === 'not-object' ? `${p.file} does not hold a JSON object.`
          : p.case === 'no-manifest' ? `${p.file} has no valid weightsManifest (a list of {paths, weights} groups).`
            : `${p.file}: weight "${p.weight}" has unsupported dtype "${p.dtype}".`,
      hint: p.case === 'dtype' ? 'Only float32, int32, bool and uint8/uint16/float16 quantised weights are supported.'
        : p.case === 'not-object' ? 'Pass a tfjs model.json.'
          : p.case === 'not-json' ? 'Re-save the model; the file may be truncated or not a model.json.'
            : say`Re-save the model with ${alt('saveModel', 'semslice train')} or tf.LayersModel.save.`,
    })),
  BAD_NOTEBOOK: entry<{ case: 'import-form'; cell: number; line: string } | { case: 'import-not-given'; cell: number; module: string; given: readonly string[] }
    | { case: 'not-javascript'; error: string }>(
    [
      { case: 'import-form', cell: 2, line: 'import { slice } from "semslice";' },
      { case: 'import-not-given', cell: 1, module: 'semslice', given: ['node:fs'] },
      { case: 'not-javascript', error: "Unexpected token ':'" },
    ],
    (p) => ({
      message: p.case === 'import-form' ? `cell ${p.cell}: only "import * as NAME from ..." lines can run in-process, got: ${p.line}`
        : p.case === 'import-not-given' ? `cell ${p.cell} imports "${p.module}", which the runner was not given.`
          : `the cells are not plain JavaScript: ${p.error}`,
      hint: p.case === 'import-form' ? 'Write imports as namespace imports.'
        : p.case === 'import-not-given' ? `Pass it in modules (given: ${p.given.join(', ')}).`
          : 'Write cells without type annotations, so they run unchanged in tslab and in-process.',
    })),
  /** A value given for a notebook's parameter that its declaration in the parameters cell does not admit. */
  BAD_PARAMETER: entry<
    | { case: 'not-number'; name: string; declared: string; value: unknown }
    | { case: 'range'; name: string; value: number; range: string; integer: boolean; declared: string }
    | { case: 'not-boolean'; name: string; declared: string; value: unknown }
    | { case: 'choices'; name: string; value: string; allowed: readonly string[]; declared: string }
    | { case: 'malformed'; item: string }>(
    [
      { case: 'not-number', name: 'seed', declared: '0', value: 'one' },
      { case: 'range', name: 'theta', value: 1.5, range: '(0, 1]', integer: false, declared: '0.95' },
      { case: 'not-boolean', name: 'fast', declared: 'false', value: 'yes' },
      { case: 'choices', name: 'dataset', value: 'cifar', allowed: ['mnist', 'fashion-mnist'], declared: '"mnist"' },
      { case: 'malformed', item: 'theta' },
    ],
    (p) => {
      switch (p.case) {
        case 'not-number':
          return { message: `Parameter ${p.name} is a number (${p.declared}), got ${JSON.stringify(p.value)}.`, hint: say`Pass a number, e.g. ${param(p.name, p.declared)}.` };
        case 'range':
          return {
            message: `Parameter ${p.name}=${p.value} is outside its ${p.integer ? 'integer ' : ''}range ${p.range}, declared in the notebook's parameters cell.`,
            hint: say`Pass ${param(p.name, 'X')} with X ${p.integer ? 'an integer ' : ''}in ${p.range} (the default is ${p.declared}).`,
          };
        case 'not-boolean':
          return { message: `Parameter ${p.name} is a boolean (${p.declared}), got ${JSON.stringify(p.value)}.`, hint: say`Pass true or false, e.g. ${param(p.name, 'true')}.` };
        case 'choices':
          return {
            message: `Parameter ${p.name}=${JSON.stringify(p.value)} is not one of ${p.allowed.join(', ')}, declared in the notebook's parameters cell.`,
            hint: say`Pass ${param(p.name, 'X')} with X one of ${p.allowed.join(', ')} (the default is ${p.declared}).`,
          };
        case 'malformed':
          return { message: `Malformed parameter "${p.item}".`, hint: 'Write --param name=value, e.g. --param theta=0.95.' };
      }
    }),
  /** A study timings file (readTimings, for planShards) without the columns it needs. */
  BAD_TIMINGS_FILE: entry<{ file: string; columns: readonly string[] }>(
    { file: 'runs/fid/results.csv', columns: ['cell', 'accuracy'] },
    ({ file, columns }) => ({
      message: `${file} is not a study timings file: it needs the columns cell and seconds, it has ${columns.join(', ')}.`,
      hint: say`Point at the timings.csv that ${alt('runStudy', '`semslice study run`')} writes beside results.csv.`,
    })),
  CORRUPT_WEIGHTS: entry<{ case: 'size'; files: readonly string[]; actual: number; expected: number; manifest: string }
    | { case: 'non-finite'; weight: string; file: string; value: number } | { case: 'fingerprint'; files: readonly string[]; manifest: string }>(
    [
      { case: 'size', files: ['models/m/weights.bin'], actual: 1200, expected: 1000, manifest: 'models/m/model.json' },
      { case: 'non-finite', weight: 'fc1/kernel', file: 'models/m/weights.bin', value: NaN },
      { case: 'fingerprint', files: ['models/m/weights.bin'], manifest: 'models/m/model.json' },
    ],
    (p) => ({
      message: p.case === 'size' ? `Weights corrupt: ${p.files.join(', ')} hold ${p.actual} bytes but ${p.manifest} lists ${p.expected}.`
        : p.case === 'non-finite' ? `Weights corrupt: "${p.weight}" in ${p.file} holds a non-finite value (${p.value}).`
          : `Weights corrupt: ${p.files.join(', ')} do not match the weights fingerprint in ${p.manifest}.`,
      hint: p.case === 'size' ? 'The weight files do not belong to this model.json: copy the matching files or re-save the model.'
        : p.case === 'non-finite' ? 'The file is damaged or the model diverged in training: restore the file or retrain.'
          : 'The weight file was modified or damaged after saving: restore it or re-save the model.',
    })),
  /** The model's metadata names the dataset it was trained on, and `semslice slice --data` names another. CLI only. */
  DATA_MISMATCH: entry<{ model: string; trainedOn: string; given: string }>(
    { model: 'models/lenet5-mnist', trainedOn: 'mnist', given: 'fashion-mnist' },
    ({ model, trainedOn, given }) => ({
      message: `The model in ${model} was trained on ${trainedOn} (its metadata), but --data is ${given}: its classes would be named and profiled as ${given}'s.`,
      hint: `Pass --data ${trainedOn}, or --any-data to slice with other data on purpose.`,
    })),
  /** The model predicts one class for every sample checked. CLI only (semslice slice). */
  DEGENERATE_MODEL: entry<{ model: string; predicted: string; checked: number }>(
    { model: 'models/zero', predicted: 'class0', checked: 200 },
    ({ model, predicted, checked }) => ({
      message: `The model in ${model} is degenerate: it predicts class "${predicted}" for all ${checked} samples checked (of several classes), so its slice would mean nothing.`,
      hint: `Check that ${model} holds the trained weights (semslice info ${model}), or train it again with semslice train.`,
    })),
  DUPLICATE_MIME_RENDERER: entry<{ mime: string }>(
    { mime: 'text/html' },
    ({ mime }) => ({
      message: `A renderer for ${mime} is already registered.`,
      hint: say`Pass ${opt('override', true)} to replace it.`,
    })),
  /** A flag a method needs is missing. CLI only (semslice slice). */
  FLAG_MISSING: entry<{ method: string; flag: string; example: number }>(
    { method: 'category-topk', flag: 'k', example: 50 },
    ({ method, flag, example }) => ({
      message: `--method ${method} needs --${flag} (the percent of neurons kept).`,
      hint: `Pass e.g. --method ${method} --${flag} ${example}.`,
    })),
  /** A flag the chosen method ignores. CLI only (semslice slice): --k belongs to the top-k methods, --theta to semantic. */
  FLAG_NOT_USED: entry<{ flag: 'k' | 'theta'; value: number; method: string }>(
    [{ flag: 'k', value: 50, method: 'semantic' }, { flag: 'theta', value: 0.9, method: 'global-topk' }],
    ({ flag, value, method }) => ({
      message: flag === 'k'
        ? `--k ${value} has no effect with --method ${method}, which keeps neurons by --theta.`
        : `--theta ${value} has no effect with --method ${method}, which keeps --k percent of the neurons.`,
      hint: flag === 'k'
        ? 'Pass --theta X for the semantic method, or --method category-topk (or global-topk) with --k.'
        : 'Pass --k PERCENT for the top-k methods, or --method semantic with --theta.',
    })),
  MAGIC_ARGS: entry<MagicArgs>(
    [
      { magic: '%%slice', case: 'not-key-value', word: 'theta', allowed: ['model', 'theta'] },
      { magic: '%%slice', case: 'unclosed-quote', word: 'label="open', allowed: ['model', 'label'] },
      { magic: '%%slice', case: 'twice', key: 'theta', allowed: ['model', 'theta'] },
      { magic: '%%slice', case: 'unknown', key: 'thta', guess: 'theta', allowed: ['model', 'theta'] },
      { magic: '%%slice', case: 'type', key: 'theta', expected: 'a number', got: '"high"', description: 'cumulative-score threshold (semantic)' },
      { magic: '%%slice', case: 'missing', key: 'model', description: 'a model folder or a variable holding a model' },
      { magic: '%%restructure', case: 'range', key: 'target', value: 1.5, expected: 'in (0, 1)', example: 0.9 },
      { magic: '%%extend', case: 'classes', key: 'old', value: '4-0' },
      { magic: '%%extend', case: 'overlap', classes: [4] },
      { magic: '%%readapt', case: 'not-a', key: 'model', wanted: 'model' },
      { magic: '%%slice', case: 'no-such-data', value: 'nosuch', names: ['mnist', 'fashion-mnist', 'synthetic'] },
      { magic: '%%readapt', case: 'unknown-names', what: 'method(s)', names: ['critcal'], known: ['critical', 'full'] },
    ],
    magicArgs),
  MAGIC_BODY: entry<{ magic: string; case: 'not-json'; error: string } | { magic: string; case: 'not-spec' }>(
    [{ magic: '%%vegalite', case: 'not-json', error: "Expected property name or '}' in JSON at position 1" }, { magic: '%%vegalite', case: 'not-spec' }],
    (p) => ({
      message: p.case === 'not-json' ? `${p.magic}: the cell body is not valid JSON (${p.error}).`
        : `${p.magic}: the JSON is not a Vega-Lite spec (no mark, layer or concat, or a non-vega-lite $schema).`,
      hint: p.case === 'not-json' ? `Write the spec as JSON below the ${p.magic} line (double-quoted keys, no trailing commas).`
        : 'Give at least {"mark": ..., "data": ..., "encoding": ...}.',
    })),
  MAGIC_KIND: entry<{ magic: string }>(
    { magic: 'lsmagic' },
    ({ magic }) => ({
      message: `%${magic} is a line magic and takes no cell body. Nothing was run.`,
      hint: `Write %${magic} and its arguments on one line, with nothing below.`,
    })),
  MAGIC_SYNTAX: entry<{ line: string }>(
    { line: '=1' },
    ({ line }) => ({
      message: `magic\`${line}\`: expected a magic name first.`,
      hint: 'Write magic`name key=value ...`, e.g. magic`lsmagic`.',
    })),
  MISSING_PACKAGE: entry<{ name: string } & ({ case: 'not-found'; errors: readonly string[] } | { case: 'no-folder'; entry: string }
    | { case: 'no-build'; file: string })>(
    [
      { name: 'vega-lite', case: 'not-found', errors: ["Cannot find module 'vega-lite'"] },
      { name: 'vega', case: 'no-folder', entry: 'node_modules/vega/build/vega.js' },
      { name: 'vega-embed', case: 'no-build', file: 'build/vega-embed.min.js' },
    ],
    (p) => ({
      message: p.case === 'not-found' ? `Cannot find the package "${p.name}" needed to inline charts (${p.errors.join('; ')}).`
        : p.case === 'no-folder' ? `Found ${p.entry} but not the package folder of "${p.name}".`
          : `The ${p.name} package has no ${p.file}.`,
      hint: `${p.case === 'not-found' ? 'Install' : 'Reinstall'} it: npm install ${p.name}`,
    })),
  /** A weight file model.json lists is not there. */
  MISSING_WEIGHTS: entry<{ file: string; manifest: string }>(
    { file: 'models/m/group1-shard1of1.bin', manifest: 'models/m/model.json' },
    ({ file, manifest }) => ({
      message: `Weight file ${file} listed in ${manifest} does not exist.`,
      hint: 'Copy every .bin file named in model.json next to it.',
    })),
  MODEL_NOT_FOUND: entry<{ path: string; missing: 'file' | 'folder' }>(
    [{ path: 'models/nope', missing: 'folder' }, { path: 'models/empty/model.json', missing: 'file' }],
    ({ path, missing }) => ({
      message: `No model at ${path}: the ${missing} does not exist.`,
      hint: say`Pass the folder that holds model.json (written by ${alt('saveModel', 'semslice train')} or tf.LayersModel.save), e.g. models/lenet5-mnist.`,
    })),
  /** A notebook cell imports a relative path that does not exist from the notebook's folder. */
  NOTEBOOK_IMPORT_MISSING: entry<{ notebook: string; spec: string; target: string; semslice: boolean }>(
    [
      { notebook: 'elsewhere/01.ipynb', spec: '../dist/index.js', target: '/home/u/dist/index.js', semslice: true },
      { notebook: 'notebooks/02.ipynb', spec: './helpers.js', target: '/home/u/notebooks/helpers.js', semslice: false },
    ],
    ({ notebook, spec, target, semslice }) => ({
      message: `${notebook} imports "${spec}", which does not exist from the notebook's folder (${target}).`,
      hint: semslice
        ? 'The notebook was moved out of the semslice folder: change the import to "semslice" (with semslice installed next to it), or run it from notebooks/ after npm run build.'
        : `Put ${spec} next to the notebook, or change the import to a path that exists.`,
    })),
  NOTEBOOK_INVALID: entry<NotebookInvalid>(
    [
      { what: 'run.ipynb', case: 'not-object', got: 'an array' },
      { what: 'run.ipynb', case: 'no-nbformat' },
      { what: 'run.ipynb', case: 'no-cells' },
      { what: 'run.ipynb', case: 'cell-not-object', cell: 0 },
      { what: 'run.ipynb', case: 'cell-no-type', cell: 3 },
    ],
    (p) => ({
      message: `${p.what} is not a Jupyter notebook: ${p.case === 'not-object' ? `expected a JSON object, got ${p.got}`
        : p.case === 'no-nbformat' ? 'no "nbformat" field'
          : p.case === 'no-cells' ? 'nbformat 4 but no "cells" array'
            : p.case === 'cell-not-object' ? `cell ${p.cell} is not an object` : `cell ${p.cell} has no "cell_type"`}.`,
      hint: 'A notebook is a JSON object with "nbformat": 4, "metadata" and a "cells" array; save it from Jupyter or run it with `jupyter nbconvert --to notebook --execute`.',
    })),
  /** No notebook can be read at the path (`reason`: the system's error code, when there is one). */
  NOTEBOOK_NOT_FOUND: entry<{ path: string; reason?: string }>(
    [{ path: 'notebooks/nope.ipynb' }, { path: 'runs/out.ipynb', reason: 'EACCES' }],
    ({ path, reason }) => ({
      message: reason !== undefined && reason !== 'ENOENT' ? `Cannot read the notebook ${path}: ${reason}.` : `No notebook at ${path}.`,
      hint: 'Check the path (relative paths are from the current folder); pass an .ipynb file.',
    })),
  NOTEBOOK_NOT_JSON: entry<{ what: string; error: string }>(
    { what: 'run.ipynb', error: 'Unexpected end of JSON input' },
    ({ what, error }) => ({
      message: `${what} is not valid JSON (${error}).`,
      hint: 'Pass an .ipynb file saved by Jupyter or nbconvert; a truncated or hand-edited file can be checked with `python3 -m json.tool FILE`.',
    })),
  NOTEBOOK_RUN_FAILED: entry<{ input: string; exit: number | null; error: string }>(
    { input: 'notebooks/01.ipynb', exit: 1, error: 'nbclient.exceptions.DeadKernelError: Kernel died' },
    ({ input, exit, error }) => ({
      message: `jupyter nbconvert failed on ${input} (exit ${exit}): ${error || 'no message'}.`,
      hint: 'Run the same notebook in Jupyter to see the failing cell; check the kernel with `jupyter kernelspec list`.',
    })),
  NOTEBOOK_VERSION: entry<{ what: string; version: unknown }>(
    { what: 'old.ipynb', version: 3 },
    ({ what, version }) => ({
      message: `${what} uses nbformat ${String(version)}; semslice reads nbformat 4 only.`,
      hint: 'Upgrade it with `jupyter nbconvert --to notebook --nbformat 4 FILE` (or open and save it in Jupyter).',
    })),
  /** A library function needs a slice over all the model's classes made by slice(), and got a subset or set-algebra one. */
  NOT_WHOLE_SLICE: entry<{ where: string; case: 'selection' } | { where: string; case: 'subset'; classes: number; total: number; selection: boolean }>(
    [{ where: 'damageMatrix', case: 'selection' }, { where: 'subsetFidelity', case: 'subset', classes: 3, total: 10, selection: false }],
    (p) => ({
      message: p.case === 'selection'
        ? `${p.where} needs a slice made by slice() (this one is a set-algebra result).`
        : `${p.where} needs a whole-model slice over all ${p.total} classes (this one holds ${p.classes}${p.selection ? ' and a set-algebra selection' : ''}).`,
      hint: p.case === 'selection'
        ? 'Pass the slice returned by slice() or forClasses().'
        : 'Pass the slice returned by slice(), not a forClasses() or set-algebra result.',
    })),
  /** The model.json is not a tfjs layers model (a graph model, or another JSON). */
  NOT_LAYERS_MODEL: entry<{ file: string; format?: string }>(
    [{ file: 'models/g/model.json', format: 'graph-model' }, { file: 'models/x/model.json' }],
    ({ file, format }) => ({
      message: `${file} is not a tfjs layers model${format !== undefined ? ` (format "${format}")` : ''}.`,
      hint: 'semslice needs a tf.LayersModel (model.json with format "layers-model"); graph models cannot be sliced. Convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model.',
    })),
  /** `jupyter nbconvert` does not run. */
  NO_JUPYTER: entry<{ jupyter: string; error: string }>(
    { jupyter: 'jupyter', error: 'spawn jupyter ENOENT' },
    ({ jupyter, error }) => ({
      message: `\`${jupyter} nbconvert\` is not available (${error}).`,
      hint: INSTALL_JUPYTER,
    })),
  /** The Jupyter kernel is not installed; `tslabMissing`: the kernel is tslab and tslab itself is not installed either. */
  NO_KERNEL: entry<{ kernel: string; found: readonly string[]; tslabMissing: boolean }>(
    [{ kernel: 'tslab', found: ['python3'], tslabMissing: false }, { kernel: 'tslab', found: [], tslabMissing: true }],
    ({ kernel, found, tslabMissing }) => ({
      message: tslabMissing
        ? `The Jupyter kernel "${kernel}" is not installed, and tslab itself is missing (node_modules/.bin/tslab).`
        : `The Jupyter kernel "${kernel}" is not installed (found: ${found.join(', ') || 'none'}).`,
      hint: tslabMissing
        ? 'Install it in the semslice folder with `npm install` (tslab is a dev dependency) or `npm install tslab@1.0.22`; semslice then writes the kernelspec itself.'
        : INSTALL_JUPYTER,
    })),
  NO_PARAMETERS_CELL: entry<{ params: readonly string[] }>(
    { params: ['theta'] },
    ({ params }) => ({
      message: `The notebook has no cell tagged "parameters", so ${params.join(', ')} cannot be set.`,
      hint: say`Tag the cell that declares the parameters with "parameters" (cell metadata tags), or pass no ${alt('params', '--param')}.`,
    })),
  /** The report's HTML file cannot be written (`reason`: the system's error code). */
  OUTPUT_WRITE_FAILED: entry<{ path: string; reason: string }>(
    { path: '/tmp/reports', reason: 'EISDIR' },
    ({ path, reason }) => ({
      message: `Cannot write the report to ${path}: ${reason}.`,
      hint: say`Pass a writable file path (not a folder) ${alt('as the output, e.g. "report.html"', 'with -o, e.g. -o report.html')}.`,
    })),
  TEMPLATE_INVALID: entry<TemplateInvalid>(
    [
      { dir: 'reports/templates/mine', case: 'no-folder' },
      { dir: 'reports/templates/mine', case: 'no-conf' },
      { dir: 'reports/templates/mine', case: 'conf-not-object', error: 'Unexpected end of JSON input' },
      { dir: 'reports/templates/a', case: 'loop', chain: ['reports/templates/a', 'reports/templates/b'] },
      { dir: 'reports/templates/mine', case: 'missing-file', file: 'template.html' },
      { dir: 'reports/templates/mine', case: 'no-sanitize' },
    ],
    (p) => ({
      message: `Report template ${p.dir} is unusable: ${p.case === 'no-folder' ? 'no such folder'
        : p.case === 'no-conf' ? 'no conf.json'
          : p.case === 'conf-not-object' ? `conf.json is not a JSON object (${p.error})`
            : p.case === 'loop' ? `its base chain loops (${p.chain.join(' -> ')})`
              : p.case === 'missing-file' ? `no ${p.file} in it or its bases` : 'its "preprocessors" list lacks "sanitize"'}.`,
      hint: 'Copy reports/templates/default to a new folder and edit it; conf.json, template.html and style.css are required (docs/templates.md).',
    })),
  /** A weights file whose size is short of what model.json lists. */
  TRUNCATED_WEIGHTS: entry<{ files: readonly string[]; actual: number; expected: number; manifest: string }>(
    { files: ['models/m/group1-shard1of1.bin'], actual: 800, expected: 1000, manifest: 'models/m/model.json' },
    ({ files, actual, expected, manifest }) => ({
      message: `Weights truncated: ${files.join(', ')} hold ${actual} bytes but ${manifest} lists ${expected}.`,
      hint: 'The weight file was cut short (an interrupted copy or download): copy it again or re-save the model.',
    })),
  VIZ_BAD_CHART: entry<{ chart: string }>(
    { chart: 'my-chart' },
    ({ chart }) => ({
      message: `Chart "${chart}" has no build function.`,
      hint: 'Pass { name, description, build: (input, opts) => spec }.',
    })),
  VIZ_BAD_INPUT: entry<VizBadInput>(
    [
      { fn: 'stabilityChart', case: 'not-slice', got: 'an object with keys [a, b]' },
      { fn: 'restructureCurves', case: 'empty', what: 'runs', got: 'an array of length 0', expected: '[{ method, rows }]', from: 'restructure() results' },
      { fn: 'fidelityCurves', case: 'not-finite', where: 'rows[2].cr', got: 'number NaN' },
      { fn: 'damageHeatmap', case: 'not-square', what: 'drop', n: 10 },
      { fn: 'stabilityChart', case: 'no-stability' },
      { fn: 'componentsChart', case: 'no-components' },
      { fn: 'perClassAccuracy', case: 'repeat', item: 'series', names: ['a', 'a'] },
      { fn: 'classDamage', case: 'per-class', what: 'before', got: 9, classes: 10 },
      { fn: 'capacityChart', case: 'capacity', site: 'fc1', used: 10, free: 5, neurons: 16 },
    ],
    vizBadInput),
  VIZ_COMPILE: entry<{ title: string; error: string }>(
    { title: 'fidelity', error: 'Invalid field type "x"' },
    ({ title, error }) => ({
      message: `Vega-Lite could not compile the chart "${title}": ${error}`,
      hint: 'Check custom specs against https://vega.github.io/schema/vega-lite/v5.json; built-in builders should never fail (report it).',
    })),
};

function vizBadInput(p: VizBadInput): { message: Text; hint: Text } {
  switch (p.case) {
    case 'not-slice':
      return { message: `${p.fn}() expects a SliceJSON (format "semslice.slice"), got ${p.got}.`, hint: 'Pass slice.toJSON() or the parsed contents of a slice file.' };
    case 'empty':
      return {
        message: `${p.fn}() needs a non-empty array of ${p.what}, got ${p.got}.`,
        hint: `Pass ${p.expected}${p.from !== undefined ? ` from ${p.from}` : ''}.`,
      };
    case 'not-finite':
      return {
        message: `${p.fn}(): ${p.where} is ${p.got}, expected a finite number.`,
        hint: 'Check the result the chart is built from; NaN usually means an empty class or a failed run.',
      };
    case 'not-square':
      return {
        message: `${p.fn}(): ${p.what} is not a ${p.n} x ${p.n} matrix (one row and column per class).`,
        hint: 'The slice file may be corrupt or from another model; re-create it with slice().',
      };
    case 'no-stability':
      return {
        message: `${p.fn}(): the slice has no stability record.`,
        hint: say`Slice with a bootstrap, e.g. ${opt('bootstrap', 20)}, then pass slice.toJSON().`,
      };
    case 'no-components':
      return {
        message: `${p.fn}(): the slice has no semantic components.`,
        hint: 'Components are made by merging classes (tau); re-create the slice with slice() rather than editing its JSON.',
      };
    case 'repeat':
      return { message: `${p.fn}(): ${p.item} names repeat (${p.names.join(', ')}).`, hint: p.item === 'method' ? 'Give every run a distinct method name.' : 'Give every series a distinct name.' };
    case 'per-class':
      return {
        message: `${p.fn}(): ${p.what} has ${p.got ?? 'no'} values for ${p.classes} classes.`,
        hint: 'Give one accuracy per class, in the order of classNames.',
      };
    case 'capacity':
      return {
        message: `${p.fn}(): site "${p.site}" has used ${p.used} + free ${p.free} != ${p.neurons} neurons.`,
        hint: 'Pass a CapacityReport from capacityMeter() or result.capacity.',
      };
  }
}
