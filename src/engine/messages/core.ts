/**
 * Error messages of the engine's base: registries (unknown, duplicate and badly named entries of every registry)
 * and the output rule (output-target.ts). See index.ts.
 */
import { entry, type MessageEntry } from './entry.js';
import { say, opt, type Text } from './text.js';

/** Parameters of every unknown-name code. */
export interface UnknownName {
  /** What the name should name, e.g. 'metric', 'site in the masks for model "lenet5"'. */
  what: string;
  name: string;
  choices: readonly string[];
  /** A close choice ("did you mean"), when there is one. */
  guess?: string;
}
export interface DuplicateName { kind: string; name: string }
export interface BadName { kind: string; name: unknown; pattern: string }

const unknownName = (example: UnknownName): MessageEntry<UnknownName> => entry(example, ({ what, name, choices, guess }) => ({
  message: `Unknown ${what} "${name}".${guess ? ` Did you mean "${guess}"?` : ''}`,
  hint: `Available: ${choices.join(', ')}.`,
}));
const duplicateName = (example: DuplicateName): MessageEntry<DuplicateName> => entry(example, ({ kind, name }) => ({
  message: `A ${kind} named "${name}" is already registered.`,
  hint: say`Pick another name, or pass ${opt('override', true)} to replace it.`,
}));
const badName = (example: BadName): MessageEntry<BadName> => entry(example, ({ kind, name, pattern }) => ({
  message: `Invalid ${kind} name ${JSON.stringify(name)}.`,
  hint: `Use a name that matches ${pattern}, such as "my-${kind.split(' ').pop()}".`,
}));

/** The three codes of a registry with code prefix P. */
function registryCodes<P extends string>(prefix: P, kind: string, name: string): Record<`UNKNOWN_${P}`, MessageEntry<UnknownName>>
  & Record<`DUPLICATE_${P}`, MessageEntry<DuplicateName>> & Record<`BAD_${P}_NAME`, MessageEntry<BadName>> {
  return {
    [`UNKNOWN_${prefix}`]: unknownName({ what: kind, name: `${name}x`, choices: [name, 'other'], guess: name }),
    [`DUPLICATE_${prefix}`]: duplicateName({ kind, name }),
    [`BAD_${prefix}_NAME`]: badName({ kind, name: `My ${name}`, pattern: '/^[a-z][a-z0-9-]*$/' }),
  } as Record<`UNKNOWN_${P}`, MessageEntry<UnknownName>> & Record<`DUPLICATE_${P}`, MessageEntry<DuplicateName>> & Record<`BAD_${P}_NAME`, MessageEntry<BadName>>;
}

/** How an output check names the output location: the option (or, at the CLI, the flag) that gives it. */
export interface OutputParams {
  /** The API option naming the output ('out', 'outDir', 'dir'); absent: "path". */
  option?: string | undefined;
}
/** "another --out" at the CLI, "another path" in the API (or "another outDir" where the option is named). */
const another = (option: string | undefined): Text => say`another ${opt(option ?? 'out', undefined, 'path')}`;
const force = opt('force', true);

export const CORE_MESSAGES = {
  UNKNOWN_DATASET: unknownName({ what: 'dataset', name: 'mnsit', choices: ['mnist', 'fashion-mnist'], guess: 'mnist' }),
  DUPLICATE_DATASET: duplicateName({ kind: 'dataset', name: 'mnist' }),
  ...registryCodes('DISPLAY', 'display handler', 'table'),
  ...registryCodes('EXTEND_METHOD', 'incremental method', 'ours'),
  ...registryCodes('MAGIC', 'magic', 'slice'),
  ...registryCodes('METRIC', 'metric', 'taylor'),
  ...registryCodes('MODEL', 'model', 'lenet5'),
  ...registryCodes('PREPROCESSOR', 'report preprocessor', 'strip-inputs'),
  ...registryCodes('PRE_STEP', 'restructuring method', 'slice'),
  ...registryCodes('PRUNER', 'pruner', 'lamp'),
  ...registryCodes('READAPT_METHOD', 're-adaptation method', 'critical'),
  DUPLICATE_SELECTOR: duplicateName({ kind: 'slicing method', name: 'semantic' }),
  BAD_SELECTOR_NAME: badName({ kind: 'slicing method', name: 'My Method', pattern: '/^[a-z][a-z0-9-]*$/' }),
  ...registryCodes('STUDY', 'study', 'fidelity'),
  // Datasets' bad-name code predates the registry's prefix rule; kept because users may catch it.
  BAD_NAME: badName({ kind: 'dataset', name: 'My Digits', pattern: '/^[a-z0-9][a-z0-9-]*$/' }),
  VIZ_UNKNOWN_CHART: unknownName({ what: 'chart', name: 'curvs', choices: ['curves', 'heatmap'], guess: 'curves' }),
  VIZ_DUPLICATE_CHART: duplicateName({ kind: 'chart', name: 'curves' }),
  VIZ_BAD_CHART_NAME: badName({ kind: 'chart', name: 'My Chart', pattern: '/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/' }),
  UNKNOWN_CLASS: unknownName({ what: 'class', name: 'sevn', choices: ['seven', 'eight'], guess: 'seven' }),
  UNKNOWN_METHOD: unknownName({ what: 'slicing method', name: 'semantik', choices: ['semantic', 'category-topk'], guess: 'semantic' }),
  UNKNOWN_PARAMETER: unknownName({ what: 'notebook parameter', name: 'seeds', choices: ['seed', 'theta'], guess: 'seed' }),
  UNKNOWN_SITE: unknownName({ what: 'site', name: 'fc3', choices: ['conv1', 'conv2', 'fc1', 'fc2'] }),
  UNKNOWN_TEMPLATE: unknownName({ what: 'report template', name: 'clasic', choices: ['classic', 'lab'], guess: 'classic' }),
  UNKNOWN_WEIGHT: unknownName({ what: 'weight', name: 'fc1/kernal', choices: ['fc1/kernel', 'fc1/bias'], guess: 'fc1/kernel' }),
  UNKNOWN_WEIGHT_RULE: unknownName({ what: 'weight rule', name: 'frozn', choices: ['frozen', 'trainable'], guess: 'frozen' }),
  VIZ_UNKNOWN_SITE: unknownName({ what: 'site in the chart data', name: 'fc3', choices: ['fc1', 'fc2'] }),

  OUTPUT_EXISTS: entry<OutputParams & { path: string; holds: string; notMergeOf?: string }>(
    [{ path: 'runs/r1', holds: 'the output of semslice restructure (manifest.json, model/)', option: 'outDir' },
      { path: 'runs/all', holds: 'a study semslice ran', notMergeOf: 'restructure', option: 'out' }],
    ({ path, holds, notMergeOf, option }) => ({
      message: `${path} already holds ${holds}${notMergeOf !== undefined ? `, not a merge of study "${notMergeOf}"` : ''}.`,
      hint: say`Pass ${force} to replace it, or choose ${another(option)}.`,
    })),
  OUTPUT_NOT_OURS: entry<OutputParams & { path: string; foreign?: string }>(
    [{ path: 'runs/r1', foreign: 'thesis.txt', option: 'outDir' }, { path: 'slice.json' }],
    ({ path, foreign, option }) => ({
      message: foreign !== undefined
        ? `${path} already holds files semslice did not write (${foreign}); they are left as they are.`
        : `${path} already exists and is not a file semslice wrote; it is left as it is.`,
      hint: foreign !== undefined
        ? say`Choose ${another(option)} (a new or empty folder); ${force} replaces only what semslice wrote.`
        : say`Choose ${another(option)}; ${force} replaces only a file semslice wrote.`,
    })),
  OUTPUT_IS_INPUT: entry<OutputParams & { path: string; relation: 'is' | 'holds' | 'is inside'; kind: 'file' | 'folder'; input: string; link?: string }>(
    [{ path: 'models/a', relation: 'is', kind: 'folder', input: 'models/a', option: 'outDir' }, { path: 'out.ipynb', relation: 'is', kind: 'file', input: 'run.ipynb', link: '/work/run.ipynb' }],
    ({ path, relation, kind, input, link, option }) => ({
      message: `The output ${path} ${relation} the input ${kind} ${input}${link ? ` (${path} is a link to ${link})` : ''}.`,
      hint: say`Choose ${another(option)} outside the inputs; semslice never overwrites its inputs.`,
    })),
  OUTPUT_IS_DIR: entry<OutputParams & { path: string; what: string }>(
    { path: 'reports', what: 'report', option: 'out' },
    ({ path, what, option }) => ({
      message: `${path} is a folder; the ${what} is one file.`,
      hint: say`Choose ${another(option)} that names a file, e.g. ${path}/out.`,
    })),
  OUTPUT_NOT_DIR: entry<OutputParams & { path: string; what?: string }>(
    [{ path: 'model.json', option: 'dir' }, { path: 'runs/r1', what: 'semslice restructure writes a folder', option: 'outDir' }],
    ({ path, what, option }) => ({
      message: `${path} is a file; ${what ?? 'a model is saved as a folder (model.json + weights.bin)'}.`,
      hint: say`Choose ${another(option)} that is a folder or does not exist yet; ${force} never replaces a file with a folder.`,
    })),
  OUTPUT_NOT_WRITABLE: entry<OutputParams & ({ path: string; case: 'no-parent' } | { path: string; case: 'parent-is-file'; parent: string }
    | { path: string; case: 'cannot-create'; dir: string; reason: string } | { path: string; case: 'dangling-link'; target: string })>(
    [
      { path: '/proc/x/out', case: 'cannot-create', dir: '/proc/x', reason: 'EACCES', option: 'out' },
      { path: 'notes.txt/out', case: 'parent-is-file', parent: 'notes.txt' },
      { path: 'link', case: 'dangling-link', target: '/gone' },
    ],
    (p) => ({
      message: p.case === 'dangling-link' ? `${p.path} is a symbolic link to ${p.target}, which does not exist.`
        : `Cannot write ${p.path}: ${p.case === 'no-parent' ? 'no parent folder exists'
          : p.case === 'parent-is-file' ? `${p.parent} is a file, not a folder` : `files cannot be created in ${p.dir} (${p.reason})`}.`,
      hint: p.case === 'dangling-link'
        ? say`Choose ${another(p.option)}; semslice writes through a link only to a file or folder that exists.`
        : say`Choose ${another(p.option)} in a folder you can write to.`,
    })),
};
