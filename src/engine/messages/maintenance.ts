/**
 * Error messages of slicing, maintenance (restructure, readapt, extend) and studies, and the option checks they
 * share (BAD_OPTION and the BAD_*_OPTIONS codes). See index.ts.
 */
import { entry, type Said } from './entry.js';
import { say, opt, alt, literal, API_RENDERER, type AltTerm, type Text } from './text.js';

/** What an option's value means, said after its range (keyed by the option's name). */
const MEANS: Record<string, string> = {
  bootstrap: 'replicates; 0 for none',
  cleanRatio: 'clean samples per new one',
  evalEvery: 'optimiser steps',
  fraction: 'the share of each site\'s neurons knocked out per class',
  maxDrop: 'accuracy as a fraction: 0.01 is one point',
  maxPerClass: 'samples per class; null for all',
  minFree: 'the share of every site left free',
  minFreeAfter: 'the share of every site the new task leaves free for the tasks after it',
  'params.memory': 'old samples replayed',
  'params.replay': 'the share of the old task\'s training data replayed',
  tolerance: 'accuracy as a fraction: 0.01 is one point',
};

const list = (xs: readonly unknown[]): string => xs.join(', ');
const range = (n: number): string => `0..${n - 1}`;

/**
 * An option whose value is out of range: the option, its value, what it must be (`expected`, or one of `choices`) and
 * an example (and another, `or`); `orOmit` when leaving it out gives the default.
 */
export interface BadValue {
  option: string;
  value: unknown;
  expected?: string;
  /** A range, closed unless `open` says which ends are open: [0, 1] with open 'low' is (0, 1]. */
  range?: readonly [number, number];
  open?: 'low' | 'high' | 'both';
  choices?: readonly unknown[];
  example: unknown;
  or?: unknown;
  orOmit?: boolean;
}

function badValue(where: string | undefined, p: BadValue): Said {
  const lowOpen = p.open === 'low' || p.open === 'both', highOpen = p.open === 'high' || p.open === 'both';
  const expected = p.choices ? `one of ${p.choices.map(literal).join(', ')}`
    : p.range ? `in ${lowOpen ? '(' : '['}${p.range[0]}, ${p.range[1]}${highOpen ? ')' : ']'}` : p.expected ?? 'valid';
  return {
    message: `${where ? `${where}: ` : ''}${p.option} must be ${expected}${MEANS[p.option] ? ` (${MEANS[p.option]})` : ''}, got ${literal(p.value)}.`,
    hint: say`Pass e.g. ${opt(p.option, p.example)}${p.or !== undefined ? say` or ${opt(p.option, p.or)}` : ''}${p.orOmit ? ', or omit it for the default' : ''}.`,
  };
}

/** The option-value case of a BAD_*_OPTIONS code. */
export type ValueCase = { case: 'value'; where?: string } & BadValue;

/** An entry without parameters ({} would match every parameter shape in CodesWith). */
export type NoParams = Record<string, never>;

const sliceItAgain = alt('slice(model, data) and slice.save(file)', 'semslice slice --model DIR --out slice.json');
const savedSlice = alt('Slice.save()', 'semslice slice --out FILE');
const recreateSlice = alt('slice()', 'semslice slice --out FILE');
const studyRun = alt('runStudy()', 'semslice study run');
/** The shard count of shardFromEnvironment ({ count }), --shards at the CLI. */
const shardCount = (n: number | string): AltTerm => alt(`the shard count { count: ${n} }`, `--shards ${n}`);
const shardOption = (k: number | string, n: number | string): AltTerm => alt(`{ shard: { index: ${k}, count: ${n} } }`, `--shard ${k}/${n}`);
const SHARD_COUNT = 'SEMSLICE_SHARD_COUNT';
const K8S = 'JOB_COMPLETION_INDEX';
/** The old and new class sets of extend: oldClasses/newClasses in the API, --old/--new at the CLI. */
const oldClasses = alt('{ oldClasses: [0, 1, 2, 3, 4] }', '--old 0-4');
const newClasses = alt('{ newClasses: [5, 6, 7, 8, 9] }', '--new 5-9');

/** Classes named in a message: `"seven" (label 7)`. */
export interface NamedClass { name: string; label: number }
const named = (cs: readonly NamedClass[]): string => cs.map((c) => `"${c.name}" (label ${c.label})`).join(', ');

export type Site = { name: string; neurons: number };
const sitesText = (s: readonly Site[]): string => s.map((x) => `${x.name}(${x.neurons})`).join(', ');

/** A study run as study.json names it. */
export interface RunId { study: string; preset: string; shard?: { index: number; count: number } }
const runText = (r: RunId): string => `"${r.study}" (preset ${r.preset}${r.shard ? `, shard ${r.shard.index}/${r.shard.count}` : ''})`;

/** One shard the merge misses: its cells, the folder given for it (if any), and the batch task that last ran it. */
export interface MissingShard { index: number; cells: readonly string[]; dir?: string; origin?: string; slurmTask?: string }
const cellList = (cells: readonly string[], total = cells.length): string =>
  cells.slice(0, 5).join('; ') + (total > 5 ? `; and ${total - 5} more` : '');

export type SliceFileProblem =
  | { problem: 'schema'; errors: readonly string[]; more: number }
  | { problem: 'v1-fields' }
  | { problem: 'rows'; field: 'critical' | 'scores'; site: string; rows: number; neurons?: number }
  | { problem: 'neuron'; site: string; row: number; neuron: number; neurons: number }
  | { problem: 'selection'; site: string }
  | { problem: 'counts'; entries: number }
  | { problem: 'class-label' }
  | { problem: 'derived'; key: string }
  | { problem: 'stability-classes' }
  | { problem: 'stability-shape'; classes: number }
  | { problem: 'stability-replicates' };

function sliceFileProblem(p: SliceFileProblem): string {
  switch (p.problem) {
    case 'schema': return p.errors.join('; ') + (p.more > 0 ? ` (and ${p.more} more)` : '');
    case 'v1-fields': return 'version 1 files have a numeric tau and no "merge" or "stability"';
    case 'rows': return p.field === 'critical' ? `critical["${p.site}"] must have ${p.rows} rows` : `scores["${p.site}"] must be ${p.rows} rows of ${p.neurons}`;
    case 'neuron': return `critical["${p.site}"][${p.row}] has neuron ${p.neuron}, but the site has ${p.neurons}`;
    case 'selection': return `selection["${p.site}"] is missing or out of range`;
    case 'counts': return `counts must have ${p.entries} entries`;
    case 'class-label': return 'classes holds a label beyond classNames';
    case 'derived': return `"${p.key}" does not match the critical sets`;
    case 'stability-classes': return 'stability.classes must equal the slice\'s classes';
    case 'stability-shape': return `stability must have ${p.classes} entries per class and a ${p.classes} x ${p.classes} co-membership matrix`;
    case 'stability-replicates': return 'stability.componentCounts must have one entry per replicate';
  }
}

const HINT_SHARD_ENV = say`Run it as a Slurm array task (sbatch --array=0-3 ...) or in a Kubernetes indexed Job (completionMode: Indexed, with ${SHARD_COUNT} set to its completions), or give the shard yourself: ${shardOption('K', 'N')}.`;

export type ShardEnvCase =
  | { case: 'not-integer'; variable: string; value: string; min: number }
  | { case: 'slurm-ids-past-count'; count: number; reach: number }
  | { case: 'slurm-size-unknown'; missing: string }
  | { case: 'slurm-not-contiguous'; min: number; max: number; count: number }
  | { case: 'k8s-no-count' }
  | { case: 'k8s-index-past-count'; index: number; count: number }
  | { case: 'engines-disagree'; slurm: { index: number; count: number }; k8s: { index: number; count: number } }
  | { case: 'none'; slurmJob?: string };

function shardEnvSaid(p: ShardEnvCase): { problem: string; hint: Text } {
  switch (p.case) {
    case 'not-integer': return {
      problem: `${p.variable} is "${p.value}", not ${p.min > 0 ? 'a positive' : 'a non-negative'} integer`,
      hint: p.variable === SHARD_COUNT ? say`Set ${SHARD_COUNT} to the number of shards (e.g. 4), or pass ${shardCount('N')}.` : HINT_SHARD_ENV,
    };
    case 'slurm-ids-past-count': return {
      problem: `with a shard count of ${p.count} the Slurm array task ids are the shard indices 0 to ${p.count - 1}, but this array's ids reach ${p.reach}`,
      hint: say`Submit the tasks as sbatch --array=0-${p.count - 1} (or a subset of those ids to rerun some shards), or change ${shardCount('N')}.`,
    };
    case 'slurm-size-unknown': return {
      problem: `SLURM_ARRAY_TASK_ID is set but ${p.missing} is not, so the array's size is unknown`,
      hint: say`Give the number of shards: ${shardCount('N')} or ${SHARD_COUNT}=N (the task ids are then the shard indices 0 to N-1).`,
    };
    case 'slurm-not-contiguous': return {
      problem: `the Slurm array's task ids ${p.min}-${p.max} are not ${p.count} contiguous ids (an array with a step or a list of ids), so they do not number shards 0 to ${p.count - 1}`,
      hint: say`Submit a contiguous array, sbatch --array=0-${p.count - 1}; to run only some tasks, number them by shard and give ${shardCount('N')} (e.g. sbatch --array=1,3 with N = 4).`,
    };
    case 'k8s-no-count': return {
      problem: `${K8S} gives the shard index but not the number of shards (a pod does not see the Job's completions)`,
      hint: say`Set ${SHARD_COUNT} in the pod's env to the Job's completions, or pass ${shardCount('N')}.`,
    };
    case 'k8s-index-past-count': return {
      problem: `${K8S}=${p.index} is not an index of ${p.count} shards (0 to ${p.count - 1})`,
      hint: say`Make the shard count the Job's completions: ${SHARD_COUNT}=N or ${shardCount('N')} with N > ${p.index}.`,
    };
    case 'engines-disagree': return {
      problem: `Slurm says shard ${p.slurm.index}/${p.slurm.count} and Kubernetes (${K8S}) says shard ${p.k8s.index}/${p.k8s.count}`,
      hint: say`Unset the variables of the engine that is not running this task, or give the shard yourself: ${shardOption('K', 'N')}.`,
    };
    case 'none': return {
      problem: `no batch engine's shard variables are set (SLURM_ARRAY_TASK_ID, ${K8S})${p.slurmJob !== undefined ? `; SLURM_JOB_ID=${p.slurmJob} is a Slurm job that is not an array task` : ''}`,
      hint: HINT_SHARD_ENV,
    };
  }
}

export const MAINTENANCE_MESSAGES = {
  ABORTED: entry<{ case: 'signal'; what: string } | { case: 'study'; study: string; cell: string }
    | { case: 'training'; epoch: number; batches: number } | { case: 'notebook'; input: string }>(
    [
      { case: 'signal', what: 'Profiling' },
      { case: 'study', study: 'fidelity', cell: 'model=lenet5,dataset=mnist,seed=0' },
      { case: 'training', epoch: 2, batches: 40 },
      { case: 'notebook', input: 'analysis.ipynb' },
    ],
    (p) => {
      switch (p.case) {
        case 'signal': return { message: `${p.what} was aborted.`, hint: 'Start it again without aborting the signal.' };
        case 'study': return { message: `Study ${p.study} aborted before cell ${p.cell}.`, hint: 'Run it again into the same output folder to resume: its finished cells are kept.' };
        case 'training': return { message: `Training aborted in epoch ${p.epoch} after ${p.batches} batches.`, hint: 'The weights hold the last completed step.' };
        case 'notebook': return { message: `Running ${p.input} was interrupted; nothing was written.`, hint: 'Run it again.' };
      }
    }),

  BAD_CLASS_SET: entry<{ flag: string; value: string; max?: number } & ({ case: 'not-a-class'; part: string } | { case: 'empty-range'; part: string }
    | { case: 'empty' } | { case: 'no-such-class'; cls: number; max: number })>(
    [
      { case: 'not-a-class', flag: '--old', value: '0-4,x', part: 'x' },
      { case: 'empty-range', flag: '--old', value: '4-0', part: '4-0' },
      { case: 'empty', flag: '--new', value: ',' },
      { case: 'no-such-class', flag: '--classes', value: '0-12', cls: 12, max: 10 },
    ],
    (p) => ({
      message: `${p.flag} "${p.value}": ${p.case === 'not-a-class' ? `"${p.part}" is not a class number or range`
        : p.case === 'empty-range' ? `the range ${p.part} is empty` : p.case === 'empty' ? 'the class set is empty'
          : `class ${p.cls} does not exist (the dataset has classes ${range(p.max)})`}.`,
      hint: `Name classes as a range or a list, e.g. ${p.flag} 0-4 or ${p.flag} 1,3,5${p.max !== undefined ? ` (classes ${range(p.max)})` : ''}.`,
    })),

  BAD_CURVE: entry<{ curve: string; case: 'empty' } | { curve: string; case: 'point'; index: number; cr: number; accuracy: number }>(
    [{ curve: 'a', case: 'empty' }, { curve: 'b', case: 'point', index: 2, cr: NaN, accuracy: 0.98 }],
    (p) => p.case === 'empty'
      ? { message: `compareAtEqualCR: curve ${p.curve} has no points.`, hint: 'Pass at least one { cr, accuracy } point per curve.' }
      : { message: `compareAtEqualCR: curve ${p.curve} point ${p.index} has cr ${p.cr}, accuracy ${p.accuracy}.`, hint: 'Every point needs a finite cr and accuracy (fractions in [0, 1]).' }),

  BAD_EXTEND_OPTIONS: entry<ValueCase
    | { case: 'too-few-tasks'; count: number }
    | { case: 'empty-old' } | { case: 'empty-new' }
    | { case: 'not-outputs'; which?: 'old' | 'new'; classes: readonly number[]; units: number }
    | { case: 'overlap'; old: readonly number[]; fresh: readonly number[]; overlap: readonly number[] }
    | { case: 'all-old' }
    | { case: 'slice-lacks'; missing: readonly number[] }
    | { case: 'new-data-has-old' }
    | { case: 'tasks-cover'; tasks: ReadonlyArray<readonly number[]>; old: readonly number[] }
    | { case: 'no-test' }
    | { case: 'needs-old-data'; method: string }
    | { case: 'no-new-samples'; classes: readonly number[] }
    | { case: 'shapes'; old: readonly number[]; fresh: readonly number[] }>(
    [
      { case: 'value', option: 'epochs', value: 0, expected: 'a positive integer', example: 2 },
      { case: 'value', option: 'params.replay', value: 1.5, range: [0, 1], open: 'low', example: 0.1 },
      { case: 'too-few-tasks', count: 1 },
      { case: 'empty-old' }, { case: 'empty-new' },
      { case: 'not-outputs', which: 'new', classes: [5, 6], units: 5 },
      { case: 'overlap', old: [0, 1, 2, 3, 4], fresh: [4, 5, 6], overlap: [4] },
      { case: 'all-old' },
      { case: 'slice-lacks', missing: [3, 4] },
      { case: 'new-data-has-old' },
      { case: 'tasks-cover', tasks: [[0, 1], [2, 3]], old: [0, 1, 2, 3, 4] },
      { case: 'no-test' },
      { case: 'needs-old-data', method: 'ewc' },
      { case: 'no-new-samples', classes: [5, 6, 7, 8, 9] },
      { case: 'shapes', old: [28, 28, 1], fresh: [32, 32, 3] },
    ],
    (p) => {
      const ex = say`e.g. ${oldClasses} and ${newClasses}`;
      switch (p.case) {
        case 'value': return badValue(p.where ?? 'extend', p);
        case 'too-few-tasks': return { message: `extendSequence: needs at least two tasks, got ${p.count}.`, hint: 'Pass e.g. [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]] (split-MNIST).' };
        case 'empty-old': return { message: 'extend: the old class set is empty.', hint: say`Name the old task's classes: ${oldClasses}, or pass its slice.` };
        case 'empty-new': return { message: 'extend: the new class set is empty (the new task\'s data has no samples).', hint: say`Pass the new task's data and classes: ${newClasses}.` };
        case 'not-outputs': return {
          message: `extend: the ${p.which ? `${p.which} ` : ''}classes ${list(p.classes)} are not classes the model can output (it has ${p.units} outputs: ${range(p.units)}).`,
          hint: say`Name classes in ${range(p.units)}; the model needs the full output head (${alt('train it with every output, e.g. train(model, data.train.subsetClasses([0, 1, 2, 3, 4]))', 'semslice train --classes 0-4 keeps it')}).`,
        };
        case 'overlap': return { message: `extend: the old classes ${list(p.old)} and the new classes ${list(p.fresh)} overlap in ${list(p.overlap)}.`, hint: say`Make the tasks disjoint, ${ex}.` };
        case 'all-old': return {
          message: 'extend: the old classes are every class of the model: no output is left for a new task.',
          hint: say`Pass the old task's classes only: ${alt('its slice (slice.forClasses([0, 1, 2, 3, 4])) or { oldClasses }', 'a slice of the old task, or --old 0-4')}.`,
        };
        case 'slice-lacks': return { message: `extend: the slice has no critical sets for the old classes ${list(p.missing)}.`, hint: 'Slice the old task\'s data (all its classes) and pass that slice.' };
        case 'new-data-has-old': return { message: 'extend: the new task\'s data holds classes of the old task.', hint: say`Pass only the new task's samples (data.train.subsetClasses(newClasses)), or name the new classes: ${newClasses}.` };
        case 'tasks-cover': return {
          message: `extend: the earlier tasks [${p.tasks.map((t) => t.join(',')).join(' | ')}] do not cover the old classes ${p.old.join(',')}.`,
          hint: say`Pass ${opt('tasks')} whose union is the old classes.`,
        };
        case 'no-test': return { message: 'extend: test data is required (accuracy before and after, the bit-identity check).', hint: say`Pass ${alt('{ test: data.test }', 'a --data with a test split')}.` };
        case 'needs-old-data': return {
          message: `extend: method "${p.method}" needs the old task's training data.`,
          hint: say`Pass ${alt('{ oldData: data.train.subsetClasses(oldClasses) }', 'the old task\'s classes with --old')}.`,
        };
        case 'no-new-samples': return { message: `extend: the new task's data has no samples of the classes ${list(p.classes)}.`, hint: 'Pass the new task\'s training samples.' };
        case 'shapes': return {
          message: `extend: the old and new data have different sample shapes ([${list(p.old)}] and [${list(p.fresh)}]).`,
          hint: 'Pass old and new task data from the same dataset.',
        };
      }
    }),

  BAD_K: entry({ k: 0 as unknown }, ({ k }) => ({
    message: `k = ${String(k)} is out of range: it must be a percentage in (0, 100].`,
    hint: say`Pass ${opt('k', 10)} to keep the top 10% of neurons (the paper sweeps 10..100).`,
  })),

  BAD_MAINTENANCE_DATA: entry<{ case: 'missing' } | { case: 'shape'; split: 'test' | 'validation'; shape: readonly number[]; trainShape: readonly number[] }
    | { case: 'too-few'; size: number }>(
    [{ case: 'missing' }, { case: 'shape', split: 'test', shape: [32, 32, 3], trainShape: [28, 28, 1] }, { case: 'too-few', size: 1 }],
    (p) => {
      switch (p.case) {
        case 'missing': return { message: 'maintenance: train and test data are required.', hint: say`Pass ${alt('{ train: data.train, test: data.test } (and optionally validation)', 'a --data with training and test splits')}.` };
        case 'shape': return {
          message: `maintenance: the ${p.split} data has samples of ${p.shape.join('x')}, the training data ${p.trainShape.join('x')}.`,
          hint: 'Pass splits of the same dataset.',
        };
        case 'too-few': return {
          message: `maintenance: ${p.size} training samples are too few to hold out a validation split.`,
          hint: say`Pass more training data, or a validation split (${opt('validation')}) explicitly.`,
        };
      }
    }),

  BAD_METRIC: entry<NoParams>({}, () => ({
    message: 'registerMetric() needs { name, score, scoreGlobal }.',
    hint: 'Pass a name and two score functions.',
  })),

  BAD_OPTION: entry<({ case: 'value'; where?: string } & BadValue)
    | { case: 'needs'; where?: string; option: string; value: unknown; needs: string; needsValue: unknown; got?: unknown }>(
    [
      { case: 'value', option: 'maxPerClass', value: 0, expected: 'a positive integer or null', example: 100, or: null },
      { case: 'value', where: 'profile', option: 'metrics', value: [], expected: 'a non-empty list', example: ['taylor'], orOmit: true },
      { case: 'value', where: 'runStudy', option: 'preset', value: 'large', choices: ['small', 'full'], example: 'small' },
      { case: 'needs', where: 'fidelitySweep', option: 'matched', value: ['low-activation'], needs: 'methods', needsValue: ['semantic', 'category-topk'], got: ['category-topk'] },
      { case: 'needs', option: 'shards', value: 4, needs: 'shard', needsValue: 'auto' },
    ],
    (p) => p.case === 'value' ? badValue(p.where, p) : {
      message: say`${p.where ? `${p.where}: ` : ''}${opt(p.option, p.value)} goes with ${opt(p.needs, p.needsValue)}, ${p.got === undefined ? say`but ${opt(p.needs)} is not given` : say`not ${opt(p.needs, p.got)}`}.`,
      hint: say`Pass ${opt(p.needs, p.needsValue)} with it, or leave out ${opt(p.option)}.`,
    }),

  BAD_READAPT_OPTIONS: entry<ValueCase
    | { case: 'classes'; classes: readonly number[]; units: number }
    | { case: 'mutant-classes'; classes: readonly number[] }
    | { case: 'slices'; names: readonly string[] }
    | { case: 'slice-and-slices' }
    | { case: 'empty-workload'; fresh: number; heldOut: number }
    | { case: 'missing-data' } | { case: 'empty-new' }
    | { case: 'clean-short'; clean: number; need: number }
    | { case: 'shape'; split: string; shape: readonly number[]; newShape: readonly number[] }
    | { case: 'none-present' } | { case: 'slice-none-present' }
    | { case: 'deeparc-needs-pairs' }
    | { case: 'deeparc-counts'; clean: number; fresh: number }
    | { case: 'eps-workload'; workload: string }
    | { case: 'count'; count: number; data: string; most: number; cleanRatio: number; from: 'test'; testSize: number }
    | { case: 'count'; count: number; data: string; most: number; cleanRatio: number; from: 'train'; trainSize: number; fromTrain: number }>(
    [
      { case: 'value', option: 'epochs', value: 0, expected: 'a positive integer', example: 5 },
      { case: 'value', option: 'sliceClasses', value: 'some', choices: ['all', 'present'], example: 'all' },
      { case: 'classes', classes: [3, 12], units: 10 },
      { case: 'mutant-classes', classes: [3, 5] },
      { case: 'slices', names: ['auto', 'auto'] },
      { case: 'slice-and-slices' },
      { case: 'empty-workload', fresh: 0, heldOut: 0 },
      { case: 'missing-data' }, { case: 'empty-new' },
      { case: 'clean-short', clean: 100, need: 300 },
      { case: 'shape', split: 'test', shape: [32, 32, 3], newShape: [28, 28, 1] },
      { case: 'none-present' }, { case: 'slice-none-present' },
      { case: 'deeparc-needs-pairs' },
      { case: 'deeparc-counts', clean: 10, fresh: 12 },
      { case: 'eps-workload', workload: 'mutant' },
      { case: 'count', count: 20000, data: 'mnist', most: 10000, cleanRatio: 1, from: 'test', testSize: 10000 },
      { case: 'count', count: 50000, data: 'mnist', most: 30000, cleanRatio: 2, from: 'train', trainSize: 60000, fromTrain: 30000 },
    ],
    (p) => {
      switch (p.case) {
        case 'value': return badValue(p.where ?? 'readapt', p);
        case 'classes': return { message: `readapt: classes must be distinct classes of the model (${range(p.units)}), got [${list(p.classes)}].`, hint: say`Pass e.g. ${opt('classes', [3, 5, 8])}.` };
        case 'mutant-classes': return { message: `readapt: a mutant is damaged on one class; got classes [${list(p.classes)}].`, hint: say`Pass one class, e.g. ${opt('classes', [3])}, or none for random damage.` };
        case 'slices': return {
          message: `readapt: slices must be a non-empty list with distinct names, got [${list(p.names)}].`,
          hint: say`Pass e.g. ${alt('{ slices: [{ name: "auto" }, { name: "0.95", slicePolicy: { theta: 0.95 } }] }', 'slices with distinct names')}.`,
        };
        case 'slice-and-slices': return { message: 'readapt: a slice was handed in and several slices were asked for.', hint: 'Pass either a slice or { slices }.' };
        case 'empty-workload': return {
          message: `readapt: the workload has ${p.fresh} samples to learn from and ${p.heldOut} held out.`,
          hint: say`Use a trained model, more data, or another workload (a stronger attack: a larger ${opt('eps')}).`,
        };
        case 'missing-data': return { message: 'readapt: clean, heldOut and test data are required.', hint: say`Pass ${alt('{ clean: data.train, heldOut: advTest.data, test: data.test }', 'a --data with training and test splits')}.` };
        case 'empty-new': return { message: 'readapt: the new data is empty.', hint: 'Pass the new samples (e.g. (await fgsm(model, data.train)).data).' };
        case 'clean-short': return {
          message: `readapt: the clean data has ${p.clean} samples, fewer than the ${p.need} the training set mixes in.`,
          hint: say`Pass more clean training data, fewer new samples, or a smaller ${opt('cleanRatio')}.`,
        };
        case 'shape': return { message: `readapt: ${p.split} data has samples of ${p.shape.join('x')}, the new data ${p.newShape.join('x')}.`, hint: 'Use data of the same dataset.' };
        case 'none-present': return { message: 'readapt: no class of the model is present in the new data.', hint: say`Use ${opt('sliceClasses', 'all')}, or new data labelled with the model's classes.` };
        case 'slice-none-present': return { message: 'readapt: none of the slice\'s classes is present in the new data.', hint: say`Use ${opt('sliceClasses', 'all')}, or a slice of the classes in the new data.` };
        case 'deeparc-needs-pairs': return {
          message: 'readapt: method "deeparc" needs clean counterparts of the new samples or the undamaged model.',
          hint: say`Pass ${alt('{ pairs: adv.sources } for adversarial samples, or { reference: originalModel } for a mutant', '--workload fgsm, pgd or mutant (each gives them)')}.`,
        };
        case 'deeparc-counts': return {
          message: `DeepArc ranking needs the same number (>= 2) of clean and new samples, got ${p.clean} and ${p.fresh}.`,
          hint: say`Pass ${alt('the adversarial set\'s sources as pairs ({ pairs: adv.sources }) or the undamaged model as reference', 'more samples (--count)')}.`,
        };
        case 'eps-workload': return {
          message: say`${opt('eps')} applies to ${opt('workload', 'fgsm')} or ${opt('workload', 'pgd')}, not ${opt('workload', p.workload)}.`,
          hint: say`Leave out ${opt('eps')}, or use ${opt('workload', 'fgsm')} or ${opt('workload', 'pgd')}.`,
        };
        case 'count': {
          const n = (x: number): string => x.toLocaleString('en-US');
          const why = p.from === 'test' ? `the held-out images are made from the ${n(p.testSize)} test images`
            : `the ${n(p.trainSize)} training images give at most ${n(p.fromTrain)} new samples at ${p.cleanRatio} clean per new one`;
          return {
            message: say`${opt('count', p.count)} asks for more samples than ${p.data} has: ${why}.`,
            hint: say`Pass ${opt('count', p.most)} or less${p.cleanRatio > 1 ? say`, or a smaller ${opt('cleanRatio')}` : ''}.`,
          };
        }
      }
    }),

  BAD_RESTRUCTURE_OPTIONS: entry<ValueCase | { case: 'not-applicable'; pre: string; model: string; description: string; applies: readonly string[] }>(
    [
      { case: 'value', option: 'targetCR', value: 1.2, range: [0, 1], open: 'both', example: 0.9 },
      { case: 'value', option: 'fineTune.steps', value: -1, expected: 'a non-negative integer', example: 100 },
      { case: 'not-applicable', pre: 'deeparc', model: 'lenet5', description: 'removes whole residual blocks', applies: ['none', 'slice', 'random'] },
    ],
    (p) => p.case === 'value' ? badValue(p.where ?? 'restructure', p) : {
      message: `restructure: method "${p.pre}" does not apply to model "${p.model}" (${p.description}).`,
      hint: say`Pass ${opt('pre')} as one of the methods that apply to it: ${list(p.applies)}.`,
    }),

  BAD_RETENTION: entry<{ case: 'max-drop'; maxDrop: number } | { case: 'class'; cls: unknown; classes: number }>(
    [{ case: 'max-drop', maxDrop: 1.5 }, { case: 'class', cls: 12, classes: 10 }],
    (p) => p.case === 'max-drop' ? {
      message: `Retention contract: maxDrop must be in [0, 1], got ${p.maxDrop}.`,
      hint: say`Pass e.g. ${alt('{ maxDrop: 0.01 } (one point)', '--protect-max-drop 0.01 (one point)')}.`,
    } : {
      message: `Retention contract: class ${String(p.cls)} is not a class of this model (${range(p.classes)}).`,
      hint: say`Name classes in ${range(p.classes)}, e.g. ${alt('{ classes: [3, 5] }', '--protect 3,5')}.`,
    }),

  BAD_SCORES: entry({ metric: 'my-metric', site: 'conv1', count: 60, want: 100 }, ({ metric, site, count, want }) => ({
    message: `Metric "${metric}" returned ${count} scores for site "${site}", expected ${want}.`,
    hint: 'A metric returns one score per (class, neuron), row-major by class.',
  })),

  BAD_SHARD: entry<{ case: 'shard'; index: number; count: number } | { case: 'count'; count: number }>(
    [{ case: 'shard', index: 4, count: 4 }, { case: 'count', count: 0 }],
    (p) => p.case === 'shard' ? {
      message: `shard ${p.index}/${p.count} is not a shard: the index must be an integer in [0, count) and count a positive integer.`,
      hint: say`Use e.g. ${shardOption(0, 4)} and run indices 0, 1, 2, 3.`,
    } : {
      message: `shards = ${p.count} is not a number of shards: it must be a positive integer.`,
      hint: say`Pass e.g. ${alt('{ count: 4 }', '--shards 4')}.`,
    }),

  BAD_SLICE_POLICY: entry<ValueCase | { case: 'classes'; classes: readonly number[]; units: number }
    | { case: 'no-validation'; classes: readonly number[]; size: number } | { case: 'no-samples'; missing: readonly number[] }>(
    [
      { case: 'value', option: 'minFree', value: 1, range: [0, 1], open: 'high', example: 0.25 },
      { case: 'classes', classes: [], units: 10 },
      { case: 'no-validation', classes: [3], size: 4 },
      { case: 'no-samples', missing: [7] },
    ],
    (p) => {
      switch (p.case) {
        case 'value': return badValue(p.where ?? 'taskSlice', p);
        case 'classes': return { message: `taskSlice: the task's classes must be a non-empty subset of ${range(p.units)}, got [${list(p.classes)}].`, hint: 'Pass e.g. [0, 1, 2, 3, 4].' };
        case 'no-validation': return {
          message: `taskSlice: no validation samples of the classes ${list(p.classes)} (${p.size} task samples).`,
          hint: say`Pass more task data, or held-out samples of the task as ${opt('validation')}.`,
        };
        case 'no-samples': return { message: `taskSlice: the data has no samples of the classes ${list(p.missing)}.`, hint: 'Pass the training data of every class of the task.' };
      }
    }),

  BAD_TAU: entry({ tau: 1.5 as unknown }, ({ tau }) => ({
    message: `tau = ${JSON.stringify(tau) ?? String(tau)} is out of range: it must be "auto" or a number in [0, 1].`,
    hint: say`Omit tau (or pass ${opt('tau', 'auto')}) to cut the class dendrogram where its silhouette is best, or pass a similarity cut such as ${opt('tau', 0.5)} (1 merges only identical classes, 0 merges everything).`,
  })),

  BAD_THETA: entry({ theta: 1.5 as unknown }, ({ theta }) => ({
    message: `theta = ${String(theta)} is out of range: it must be in (0, 1].`,
    hint: say`Pass a cumulative share such as ${opt('theta', 0.95)} (the paper sweeps 0.90..0.99).`,
  })),

  CLASS_COUNT_MISMATCH: entry({ dataset: 'cifar10', classes: 10, model: 'lenet5', logits: 5 }, ({ dataset, classes, model, logits }) => ({
    message: `Dataset ${dataset} has ${classes} classes but model "${model}" has ${logits} logits.`,
    hint: 'Use data labelled with the model\'s classes (subsetClasses keeps the labels unless relabel is set).',
  })),

  CLASS_MISMATCH: entry({ op: 'union', a: 10, b: 5 }, ({ op, a, b }) => ({
    message: `${op}() needs slices over the same classes; got ${a} and ${b}.`,
    hint: 'Combine slices made from the same model and dataset.',
  })),

  EMPTY_CLASSES: entry<NoParams>({}, () => ({
    message: 'forClasses() needs at least one class label.',
    hint: 'Pass e.g. forClasses([3, 5]).',
  })),

  EXTEND_NO_CAPACITY: entry({ sites: ['conv1', 'conv2', 'fc1'] as readonly string[] }, ({ sites }) => ({
    message: `extend: no free neurons left in any site (${list(sites)}): every neuron is read by an earlier task.`,
    hint: say`Slice the earlier tasks more strictly (a lower ${opt('theta')}, or ${opt('minFree')} for theta auto), use a wider model, or pass ${opt('allowFull', true)} to learn the new output rows on the frozen features only.`,
  })),

  FILE_NOT_FOUND: entry<{ case: 'slice'; path: string; reason: string } | { case: 'timings'; path: string } | { case: 'data'; path: string }>(
    [
      { case: 'slice', path: 'out/lenet5.slice.json', reason: 'ENOENT: no such file or directory' },
      { case: 'timings', path: 'runs/fid/timings.csv' },
      { case: 'data', path: 'data/mnist/train-images-idx3-ubyte' },
    ],
    (p) => {
      switch (p.case) {
        case 'slice': return { message: `Cannot read slice file ${p.path}: ${p.reason}.`, hint: say`Check the path (write one with ${alt('slice.save(file)', 'semslice slice --out FILE')}).` };
        case 'timings': return { message: `${p.path} does not exist.`, hint: 'Point at the timings.csv of an earlier run of the study, or at its folder.' };
        case 'data': return { message: `${p.path}: no such file.`, hint: 'Check the path, or the folder the dataset is read from.' };
      }
    }),

  INVALID_SLICE_FILE: entry<{ case: 'json'; path: string; reason: string } | ({ case: 'invalid'; source: string; versions: readonly number[] } & SliceFileProblem)>(
    [
      { case: 'json', path: 'slice.json', reason: 'Unexpected token } in JSON at position 10' },
      { case: 'invalid', source: 'slice.json', versions: [1, 2], problem: 'schema', errors: ['/params/theta must be number'], more: 0 },
      { case: 'invalid', source: 'slice.json', versions: [1, 2], problem: 'rows', field: 'critical', site: 'conv1', rows: 10 },
    ],
    (p) => p.case === 'json' ? {
      message: `Slice file ${p.path} is not JSON: ${p.reason}.`,
      hint: say`Load a file written by ${savedSlice}.`,
    } : {
      message: `${p.source} is not a valid semslice slice: ${sliceFileProblem(p)}.`,
      hint: say`Load a file written by ${savedSlice} (format "semslice.slice", version ${p.versions.join(' or ')}); re-create it with ${recreateSlice} if it was edited or damaged.`,
    }),

  MISSING_STATS: entry<{ case: 'metric'; metric: string; site?: string } | { case: 'other-model' }
    | { case: 'lacks-raw'; raw: string; metrics: readonly string[]; need: readonly string[] } | { case: 'needs-avg' }>(
    [
      { case: 'metric', metric: 'taylor' },
      { case: 'metric', metric: 'avg', site: 'conv1' },
      { case: 'other-model' },
      { case: 'lacks-raw', raw: 'taylor', metrics: ['taylor'], need: ['taylor'] },
      { case: 'needs-avg' },
    ],
    (p) => {
      switch (p.case) {
        case 'metric': return {
          message: `${p.site === undefined ? 'This' : 'The'} profile has no "${p.metric}" statistics${p.site !== undefined ? ` for site "${p.site}"` : ''}.`,
          hint: `Profile with metrics including "${p.metric}" (or all metrics, the default).`,
        };
        case 'other-model': return {
          message: 'fidelitySweep: the stats given are of another model (their sites differ from this model\'s).',
          hint: 'Pass stats from ss.profile(model, ...) of the same model, or omit stats to profile here.',
        };
        case 'lacks-raw': return {
          message: `fidelitySweep: the stats given lack the raw metric "${p.raw}" that metrics [${list(p.metrics)}] need.`,
          hint: say`Profile with ${opt('metrics', p.need)}, or omit stats.`,
        };
        case 'needs-avg': return {
          message: 'fidelitySweep: the low-activation baseline needs the raw metric "avg" in the stats given.',
          hint: 'Profile with metrics including "avg", or omit stats.',
        };
      }
    }),

  NAN_IN_DATA: entry({ dataset: 'mnist', first: 256, count: 256 }, ({ dataset, first, count }) => ({
    message: `Dataset ${dataset} has NaN or infinite values among samples ${first}..${first + count - 1}.`,
    hint: 'Clean the data (replace or drop non-finite pixels) before profiling.',
  })),

  NON_FINITE_SCORES: entry({ row: 3 }, ({ row }) => ({
    message: `Scores of row ${row} are not finite.`,
    hint: 'Check the model for NaN/Inf activations or gradients.',
  })),

  NOT_RAW: entry<NoParams>({}, () => ({
    message: 'ens is not a raw statistic: it is the mean of the four normalised scores.',
    hint: 'Read avg, var, taylor or deeplift here; normalised and ens scores come from the metrics module (scoresFrom).',
  })),

  NO_SAMPLES: entry<{ case: 'none'; classes: readonly NamedClass[]; dataset: string; size?: number; limit?: number }
    | { case: 'none-correct'; classes: readonly NamedClass[] }>(
    [
      { case: 'none', classes: [{ name: 'seven', label: 7 }], dataset: 'mnist/train', size: 5 },
      { case: 'none', classes: [{ name: 'seven', label: 7 }], dataset: 'mnist/test', limit: 5 },
      { case: 'none-correct', classes: [{ name: 'seven', label: 7 }] },
    ],
    (p) => p.case === 'none' ? {
      message: `Class ${named(p.classes)} has no samples at all in dataset ${p.dataset}${p.size !== undefined ? ` (${p.size} samples)` : ''}${p.limit !== undefined ? ` (limited to ${p.limit})` : ''}.`,
      hint: p.limit !== undefined
        ? say`${alt('Profile more samples, so that every class is present: e.g. data.train.perClassCap(500) rather than data.train.take(n)', 'Raise --limit (or leave it out) so that every class is present')}.`
        : say`Profile with data that holds every class: ${alt('e.g. data.train.perClassCap(500) rather than data.train.take(n)', 'a --data whose --split has samples of every class')}.`,
    } : {
      message: `Class ${named(p.classes)} has samples, but no correctly classified ones to profile (the model gets every one wrong).`,
      hint: say`Profile more data of that class or a better-trained model (more training samples or epochs), or with ${opt('onlyCorrect', false, 'every sample, not only the correctly classified ones')}.`,
    }),

  NO_SLICE: entry<{ strategy: 'extend' | 'readapt' | 'restructure'; method?: string; case?: 'no-old-data' }>(
    [
      { strategy: 'readapt', method: 'critical' },
      { strategy: 'restructure', method: 'slice' },
      { strategy: 'extend', method: 'ours' },
      { strategy: 'extend', case: 'no-old-data' },
    ],
    ({ strategy, method, case: c }) => ({
      message: `${strategy}: ${method !== undefined ? `method "${method}"` : 'the method'} needs ${strategy === 'extend' ? 'the old task\'s slice' : 'a slice'}`
        + `${c === 'no-old-data' ? ', and there is neither a slice nor old-task data to make one' : ''}.`,
      hint: strategy === 'extend'
        ? say`Pass the old task's slice, or its training data (${alt('{ oldData: data.train.subsetClasses(oldClasses) }', 'the old task\'s classes with --old')}) so that extend slices it.`
        : `Pass a slice of this model, or let ${strategy} slice it (do not pass null with a method that needs one).`,
    })),

  RETENTION_BROKEN: entry(
    { broken: [{ class: 3, drop: 0.0123, before: 0.9912, after: 0.9789 }] as ReadonlyArray<{ class: number; drop: number; before: number; after: number }>, maxDrop: 0.01 },
    ({ broken, maxDrop }) => ({
      message: `Per-class retention broken: ${broken.map((r) => `class ${r.class} lost ${r.drop.toFixed(4)} (${r.before.toFixed(4)} -> ${r.after.toFixed(4)})`).join('; ')}, more than ${maxDrop}.`,
      hint: 'Protect fewer classes, allow a larger drop, or change the maintenance (e.g. a lower target CR, more fine-tuning).',
    })),

  SHARD_ENV: entry<{ case: 'bad-count'; count: number } | (ShardEnvCase & { seen: readonly string[] })>(
    [
      { case: 'bad-count', count: 0 },
      { case: 'not-integer', variable: 'SLURM_ARRAY_TASK_ID', value: 'x', min: 0, seen: ['SLURM_ARRAY_TASK_ID=x'] },
      { case: 'not-integer', variable: SHARD_COUNT, value: '0', min: 1, seen: [`${SHARD_COUNT}=0`] },
      { case: 'slurm-ids-past-count', count: 2, reach: 3, seen: ['SLURM_ARRAY_TASK_ID=3'] },
      { case: 'slurm-size-unknown', missing: 'SLURM_ARRAY_TASK_COUNT', seen: ['SLURM_ARRAY_TASK_ID=0'] },
      { case: 'slurm-not-contiguous', min: 0, max: 6, count: 4, seen: ['SLURM_ARRAY_TASK_ID=2'] },
      { case: 'k8s-no-count', seen: [`${K8S}=2`] },
      { case: 'k8s-index-past-count', index: 4, count: 4, seen: [`${K8S}=4`] },
      { case: 'engines-disagree', slurm: { index: 1, count: 4 }, k8s: { index: 2, count: 4 }, seen: ['SLURM_ARRAY_TASK_ID=1', `${K8S}=2`] },
      { case: 'none', seen: [] },
      { case: 'none', slurmJob: '12', seen: ['SLURM_JOB_ID=12'] },
    ],
    (p) => {
      if (p.case === 'bad-count') {
        return { message: `shard auto: the shard count ${p.count} is not a positive integer.`, hint: say`Pass ${shardCount('N')} with N a positive integer, e.g. 4.` };
      }
      const { problem, hint } = shardEnvSaid(p);
      return { message: `shard auto: ${problem} (seen: ${p.seen.length ? p.seen.join(', ') : 'none of them is set'}).`, hint };
    }),

  SITE_MISMATCH: entry({ op: 'union', a: [{ name: 'conv1', neurons: 6 }] as readonly Site[], b: [{ name: 'fc1', neurons: 120 }] as readonly Site[] }, ({ op, a, b }) => ({
    message: `${op}() needs slices with the same sites; got [${sitesText(a)}] and [${sitesText(b)}].`,
    hint: 'Combine slices made from the same model.',
  })),

  SLICE_MODEL_MISMATCH: entry<{ case: 'sites'; model: string; theirs: readonly Site[]; mine: readonly Site[] }
    | { case: 'fingerprint'; model: string; theirs: string; mine: string; reference?: string }>(
    [
      { case: 'sites', model: 'mlp', theirs: [{ name: 'conv1', neurons: 6 }], mine: [{ name: 'fc1', neurons: 128 }] },
      { case: 'fingerprint', model: 'lenet5', theirs: 'a1b2c3', mine: 'd4e5f6' },
    ],
    (p) => p.case === 'sites' ? {
      message: `The slice was made for another model: its sites are ${sitesText(p.theirs)}, model "${p.model}" has ${sitesText(p.mine)}.`,
      hint: say`Slice this model (${sliceItAgain}) and use that slice.`,
    } : {
      message: `The slice was made from a model with fingerprint ${p.theirs}, but model "${p.model}" has fingerprint ${p.mine}${p.reference !== undefined ? ` (its reference model: ${p.reference})` : ''}: same layers, other weights.`,
      hint: say`Slice this model (${sliceItAgain}), or pass ${opt('allowForeignSlice', true)} to use a slice of another model on purpose.`,
    }),

  STUDY_INCOMPLETE: entry<{ missing: number; total: number; study: string; preset: string } & ({ case: 'mixed-counts'; cells: readonly string[]; counts: readonly number[] }
    | { case: 'shards'; count: number; shards: readonly MissingShard[] })>(
    [
      { case: 'mixed-counts', missing: 2, total: 12, study: 'fidelity', preset: 'small', cells: ['seed=0', 'seed=1'], counts: [2, 3] },
      { case: 'shards', missing: 1, total: 12, study: 'fidelity', preset: 'small', count: 4, shards: [{ index: 1, cells: ['seed=1'], dir: 'runs/f1', origin: 'Slurm array job 12, task 1', slurmTask: '1' }] },
      { case: 'shards', missing: 3, total: 12, study: 'fidelity', preset: 'small', count: 4, shards: [{ index: 2, cells: ['seed=2', 'seed=6', 'seed=10'] }] },
    ],
    (p) => {
      const head = `${p.missing} of ${p.total} cells are not finished in the given folders`;
      const run = (k: number | string, n: number | string, dir: string): AltTerm => alt(
        `runStudy("${p.study}", { preset: "${p.preset}", shard: { index: ${k}, count: ${n} }, out: "${dir}" })`,
        `semslice study run ${p.study} --preset ${p.preset} --shard ${k}/${n} --out ${dir}`);
      if (p.case === 'mixed-counts') {
        return {
          message: `${head}: ${cellList(p.cells)} (the folders are shards of different counts: ${list(p.counts)}).`,
          hint: say`Run the missing cells' shards of one count (${run('K', 'N', 'DIR')}) and merge again.`,
        };
      }
      const parts = p.shards.map((s) => {
        const what = `shard ${s.index}/${p.count} (${s.cells.length === 1 ? 'cell' : `${s.cells.length} cells`} ${cellList(s.cells)})`;
        return s.dir === undefined ? `${what}: no folder of that shard was given` : `${what} in ${s.dir}${s.origin !== undefined ? `, last run by ${s.origin}` : ''}`;
      });
      const fixes = p.shards.map((s) => s.slurmTask !== undefined
        ? say`resubmit Slurm array task ${s.slurmTask} (sbatch --array=${s.slurmTask} with the same script and a shard count of ${p.count}), or ${run(s.index, p.count, s.dir ?? 'DIR')}`
        : say`${run(s.index, p.count, s.dir ?? 'DIR')}`);
      const joined = fixes.reduce<Text>((a, f, i) => (i === 0 ? f : say`${a}; ${f}`), '');
      return {
        message: `${head}: ${parts.join('; ')}.`,
        hint: say`Rerun ${p.shards.length === 1 ? 'that shard' : 'those shards'} into the same folders (their finished cells are kept), then merge again: ${joined}.`,
      };
    }),

  STUDY_MISMATCH: entry<{ case: 'not-manifest'; path: string; reason?: string } | { case: 'no-manifest'; path: string }
    | { case: 'other-run'; path: string; have: RunId; want: RunId; force?: boolean }
    | { case: 'other-grid'; path: string; have: RunId; first: string; firstRun: RunId }
    | { case: 'cell-twice'; cell: string; path: string }
    | { case: 'timings'; path: string; have: RunId; want: RunId }>(
    [
      { case: 'not-manifest', path: 'runs/fid/study.json', reason: 'Unexpected end of JSON input' },
      { case: 'no-manifest', path: 'runs/fid-1' },
      { case: 'other-run', path: 'runs/fid', have: { study: 'fidelity', preset: 'small', shard: { index: 0, count: 1 } }, want: { study: 'fidelity', preset: 'full', shard: { index: 0, count: 1 } } },
      { case: 'other-run', path: 'runs/fid', have: { study: 'fidelity', preset: 'small', shard: { index: 0, count: 1 } }, want: { study: 'restructure', preset: 'small', shard: { index: 0, count: 1 } }, force: true },
      { case: 'other-grid', path: 'runs/b', have: { study: 'fidelity', preset: 'full' }, first: 'runs/a', firstRun: { study: 'fidelity', preset: 'small' } },
      { case: 'cell-twice', cell: 'model=lenet5,dataset=mnist,seed=0', path: 'runs/b' },
      { case: 'timings', path: 'runs/fid/timings.csv', have: { study: 'fidelity', preset: 'small' }, want: { study: 'fidelity', preset: 'full' } },
    ],
    (p) => {
      switch (p.case) {
        case 'not-manifest': return {
          message: `${p.path} is not ${p.reason !== undefined ? `a study manifest (${p.reason})` : 'a semslice study manifest'}.`,
          hint: say`Point at a folder written by ${studyRun}.`,
        };
        case 'no-manifest': return { message: `${p.path} has no study.json.`, hint: say`Pass folders written by ${studyRun}.` };
        case 'other-run': return {
          message: `${p.path} holds study ${runText(p.have)}, not ${runText(p.want)}${p.force ? '' : ' with this grid'}; nothing was written.`,
          hint: p.force
            ? say`Pass ${opt('force', true)} to replace it, or choose another ${opt('out', undefined, 'output folder')} (a run of the same study, preset and shard resumes).`
            : 'Resume with the same study, preset and shard, or choose another output folder.',
        };
        case 'other-grid': return {
          message: `${p.path} holds study "${p.have.study}" (preset ${p.have.preset}) with another grid than ${p.first} ("${p.firstRun.study}", preset ${p.firstRun.preset}).`,
          hint: 'Merge only shards of the same study and preset.',
        };
        case 'cell-twice': return {
          message: `Cell ${p.cell} was run twice with different results (in ${p.path} and another folder).`,
          hint: 'Runs of one study must use the same semslice version and backend; rerun that cell in one folder only.',
        };
        case 'timings': return {
          message: `${p.path} holds the timings of study "${p.have.study}", preset ${p.have.preset}, not "${p.want.study}", preset ${p.want.preset}.`,
          hint: `Pass the timings.csv of a run of ${p.want.study} with preset ${p.want.preset} (one shard's folder will do), or plan without timings.`,
        };
      }
    }),

  UNSUPPORTED_SLICE_VERSION: entry({ source: 'slice.json', version: 9, readable: [1, 2] as readonly number[], current: 2 }, ({ source, version, readable, current }) => ({
    message: `${source} is a semslice slice of format version ${version}; this semslice reads versions ${readable.join(' and ')}.`,
    hint: version > current
      ? 'It was written by a newer semslice: upgrade semslice, or re-create the slice with this one.'
      : say`Re-create the slice with ${recreateSlice}.`,
  })),
};
