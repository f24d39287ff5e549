/** `semslice study list|run|plan|merge`: the study runner at the command line. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import {
  describeShardOrigin, getStudy, listStudies, mergeStudies, planShards, readTimings, runStudy, shardFromEnvironment, SHARD_COUNT_VARIABLE,
  type EnvironmentShard, type PresetName, type Shard,
} from '../../engine/studies/index.js';
import { SemsliceError } from '../../engine/errors.js';
import { fail } from '../../engine/messages/index.js';
import { checkDirTarget, clearOurs, describeOutput, onInterruptCleanFolder, uninterrupted } from '../../engine/output-target.js';
import { initCliBackend } from '../backend.js';
import { formatTable } from '../format.js';
import { BACKEND_FLAG, choiceArg, intArg } from '../options.js';

/** `--shard K/N` (0-based K) into a Shard, or "auto" (the shard from the batch engine's environment). */
export function shardArg(v: string): Shard | 'auto' {
  if (v.trim() === 'auto') return 'auto';
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) {
    throw new InvalidArgumentError(`--shard takes K/N with 0 <= K < N (0-based, e.g. 0/4 ... 3/4) or auto, got "${v}".`);
  }
  return { index, count };
}

/** The shard a `study run` asked for: --shard K/N as given, --shard auto from the environment (--shards N its count). */
export function resolveShard(shard: Shard | 'auto' | undefined, shards: number | undefined, env: NodeJS.ProcessEnv = process.env): Shard | EnvironmentShard {
  if (shards !== undefined && shard !== 'auto') {
    throw fail('BAD_OPTION', { case: 'needs', option: 'shards', value: shards, needs: 'shard', needsValue: 'auto', ...(shard !== undefined ? { got: shard } : {}) });
  }
  if (shard !== 'auto') return shard ?? { index: 0, count: 1 };
  return shardFromEnvironment(env, shards !== undefined ? { count: shards } : {});
}

/** "shard 1/4 from Slurm array job 12, task 1 (...)", or "shard 1/4". */
function shardLine(shard: Shard | EnvironmentShard): string {
  const origin = 'origin' in shard ? shard.origin : undefined;
  if (!origin) return `shard ${shard.index}/${shard.count}`;
  const count = origin.countFrom === 'option' ? ', count from --shards' : origin.countFrom === SHARD_COUNT_VARIABLE ? `, count from ${SHARD_COUNT_VARIABLE}` : '';
  return `shard ${shard.index}/${shard.count} from ${describeShardOrigin(origin)}${count}`;
}

/**
 * The --out of `study run`, by the output rule: a folder of this study, preset and shard resumes; --force replaces
 * any folder semslice wrote (its entries removed first, the folder kept); anything else is refused before any cell.
 */
async function prepareStudyOut(out: string, force: boolean, want: { study: string; preset: string; shard: Shard }): Promise<'new' | 'resume' | 'replace'> {
  const t = await checkDirTarget(out, { force: true, option: 'out' });
  if (!t.ours) return 'new';
  if (t.ours.writer === 'study' && !force) {
    const have = JSON.parse(await readFile(join(t.path, 'study.json'), 'utf8')) as { study: string; preset: string; shard: Shard };
    if (have.study === want.study && have.preset === want.preset && have.shard.index === want.shard.index && have.shard.count === want.shard.count) return 'resume';
    throw fail('STUDY_MISMATCH', { case: 'other-run', path: out, have, want, force: true });
  }
  if (!force) {
    throw fail('OUTPUT_EXISTS', { path: out, holds: describeOutput(t.ours), option: 'out' });
  }
  await clearOurs(t);
  return 'replace';
}

/** The study and preset a study folder holds (undefined when it has no readable study.json). */
async function studyOf(dir: string): Promise<{ study: string; preset: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'study.json'), 'utf8')) as { study: string; preset: string };
  } catch {
    return undefined;
  }
}
const sameStudy = (a?: { study: string; preset: string }, b?: { study: string; preset: string }): boolean =>
  a !== undefined && b !== undefined && a.study === b.study && a.preset === b.preset;

const cells = (n: number): string => `${n} cell${n === 1 ? '' : 's'}`;
const seconds = (s: number): string => (s < 120 ? `${s.toFixed(1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(2)} h`);

export function registerStudy(program: Command): void {
  const study = program.command('study').description('Studies: grids of independent cells (model x data x method x seed), sharded, resumable, merged into one table.');
  study
    .command('list')
    .description('List the studies, their cells per preset and what the presets mean.')
    .action(() => {
      const rows = listStudies().map((s) => [s.name, String(s.grid('small').length), String(s.grid('full').length), s.description]);
      console.log(formatTable(['study', 'small cells', 'full cells', 'what it measures'], rows));
    });
  study
    .command('run <name>')
    .description('Run a study (or one shard of it) into a folder; run it again with the same --out to resume after a kill.')
    .option('--preset <preset>', 'small (minutes, what CI runs) or full (the numbers in BENCHMARKS.md)', choiceArg('--preset', ['small', 'full']), 'small')
    .option('--shard <K/N|auto>', 'run only cells whose index % N == K (0-based); auto: from a Slurm array task (SLURM_ARRAY_TASK_ID, _COUNT, _MIN) or a Kubernetes indexed Job (JOB_COMPLETION_INDEX)', shardArg)
    .option('--shards <N>', `with --shard auto: the number of shards (a Kubernetes Job's completions; with Slurm the task id is then the shard index); default ${SHARD_COUNT_VARIABLE}`, intArg('--shards'))
    .requiredOption('--out <dir>', 'output folder: study.json, results.jsonl (one line per finished cell), results.csv, timings.csv; a run of the same study, preset and shard there resumes')
    .option('--force', 'replace an --out folder semslice wrote (another study, or this one from the start; never other files)')
    .option('--dry-run', 'print the shard and its cells, run and write nothing')
    .option(...BACKEND_FLAG)
    .action(async (name: string, o: { preset: PresetName; shard?: Shard | 'auto'; shards?: number; out: string; force?: boolean; dryRun?: boolean; backend?: string }) => {
      const def = getStudy(name);
      const shard = resolveShard(o.shard, o.shards);
      const mine = def.grid(o.preset).map((params, index) => ({ params, index })).filter((c) => c.index % shard.count === shard.index);
      console.log(`study ${def.name}, preset ${o.preset}${def.presetNotes?.[o.preset] ? ` (${def.presetNotes[o.preset]})` : ''}, ${shardLine(shard)}: ${cells(mine.length)} -> ${o.out}`);
      if (o.dryRun) {
        for (const c of mine) console.log(`  cell ${c.index} ${Object.entries(c.params).map(([k, v]) => `${k}=${String(v)}`).join(',')}`);
        console.log('dry run: nothing was run or written');
        return;
      }
      const how = await prepareStudyOut(o.out, o.force ?? false, { study: def.name, preset: o.preset, shard });
      if (how === 'replace') console.log(`replacing the earlier contents of ${o.out} (--force)`);
      await initCliBackend(o.backend);
      // Killed: finished cells stay (the next run resumes from them); a file being written is removed.
      const release = onInterruptCleanFolder(o.out);
      try {
        const r = await runStudy(def, {
          preset: o.preset, shard, out: o.out,
          onCell: (rec, status) => console.log(`  cell ${rec.index} ${rec.id}: ${status === 'resumed' ? 'finished earlier, kept' : `done in ${rec.seconds.toFixed(1)} s, ${rec.rows.length} rows`}`),
        });
        console.log(`${cells(r.computed.length)} computed, ${r.resumed.length} resumed; table: ${o.out}/results.csv (${r.table.numRows()} rows)`);
      } finally {
        release();
      }
    });
  study
    .command('plan <name>')
    .description('How the cells spread over N shards, and each shard\'s expected wall time from an earlier run\'s timings.csv.')
    .option('--preset <preset>', 'small or full', choiceArg('--preset', ['small', 'full']), 'small')
    .option('--shards <N>', 'number of shards (machines or array tasks)', intArg('--shards'), 1)
    .option('--timings <file|dir>', 'timings.csv of an earlier run of this study and preset (or its folder), on the machines the shards will use')
    .action((name: string, o: { preset: PresetName; shards: number; timings?: string }) => {
      const def = getStudy(name);
      const timings = o.timings !== undefined ? readTimings(o.timings, { study: def.name, preset: o.preset }) : undefined;
      const plan = planShards(def, { preset: o.preset, count: o.shards, ...(timings ? { timings } : {}) });
      const total = plan.reduce((a, s) => a + s.cells.length, 0);
      console.log(`study ${def.name}, preset ${o.preset}: ${cells(total)} over ${o.shards} shard${o.shards === 1 ? '' : 's'} (cell index % ${o.shards})`);
      const timed = plan.reduce((a, s) => a + s.timed, 0);
      const rows = plan.map((s) => [`${s.index}/${s.count}`, String(s.cells.length), ...(timings ? [String(s.timed), s.seconds === undefined ? '-' : seconds(s.seconds)] : [])]);
      console.log(formatTable(['shard', 'cells', ...(timings ? ['timed cells', 'expected wall time'] : [])], rows));
      if (!timings) {
        console.log('Pass --timings runs/X/timings.csv (an earlier run of this preset) for the expected wall time per shard.');
        return;
      }
      if (timed === 0) {
        console.log(`None of the cells is in ${o.timings} (another study or preset?): no expected times.`);
        return;
      }
      const secs = plan.map((s) => s.seconds ?? 0);
      console.log(`${timed} of ${total} cells timed${timed < total ? ' (an untimed cell counts as the mean timed cell)' : ''}; one machine: ${seconds(secs.reduce((a, b) => a + b, 0))}; ${o.shards} shards at once: ${seconds(Math.max(...secs))} (the slowest shard), plus each shard's start and the merge.`);
    });
  study
    .command('merge <dirs...>')
    .description('Merge the folders of a study\'s shards into one table (byte-identical to an unsharded run); refuses, naming the cells and shards, when a cell is missing.')
    .requiredOption('--out <dir>', 'output folder for the merged study (never one of the shards\' folders); an earlier merge of the same study and preset there is replaced')
    .option('--force', 'replace an --out folder semslice wrote for something else (never other files)')
    .action(async (dirs: string[], o: { out: string; force?: boolean }) => {
      // A merge of the same study and preset is this output, updated (merge again after a shard was rerun).
      const target = await checkDirTarget(o.out, { force: true, inputs: dirs, option: 'out' });
      if (target.ours) {
        const same = target.ours.writer === 'study' && sameStudy(await studyOf(target.path), await studyOf(dirs[0]!));
        if (!same && !o.force) {
          throw fail('OUTPUT_EXISTS', { path: o.out, holds: describeOutput(target.ours), notMergeOf: (await studyOf(dirs[0]!))?.study ?? dirs[0]!, option: 'out' });
        }
        await clearOurs(target);
      }
      const t = await uninterrupted(() => mergeStudies(dirs, o.out));
      console.log(`merged ${dirs.length} folders: ${t.numRows()} rows -> ${o.out}/results.csv`);
    });
}
