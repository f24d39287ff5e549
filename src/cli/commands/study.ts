/** `semslice study list|run|merge`: the study runner at the command line. */
import { InvalidArgumentError, type Command } from 'commander';
import { getStudy, listStudies, mergeStudies, runStudy, type PresetName, type Shard } from '../../engine/studies/index.js';
import { initCliBackend } from '../backend.js';
import { formatTable } from '../format.js';
import { BACKEND_FLAG, choiceArg } from '../options.js';

/** `--shard K/N` (0-based K) into a Shard. */
export function shardArg(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) {
    throw new InvalidArgumentError(`--shard takes K/N with 0 <= K < N (0-based, e.g. 0/4 ... 3/4), got "${v}".`);
  }
  return { index, count };
}

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
    .option('--shard <K/N>', 'run only cells whose index % N == K (0-based), e.g. one task of a Kubernetes indexed Job or a Slurm array', shardArg)
    .requiredOption('--out <dir>', 'output folder: study.json, results.jsonl (one line per finished cell), results.csv, timings.csv')
    .option(...BACKEND_FLAG)
    .action(async (name: string, o: { preset: PresetName; shard?: Shard; out: string; backend?: string }) => {
      const def = getStudy(name);
      await initCliBackend(o.backend);
      const shard = o.shard ?? { index: 0, count: 1 };
      const mine = def.grid(o.preset).filter((_, i) => i % shard.count === shard.index).length;
      console.log(`study ${def.name}, preset ${o.preset}${def.presetNotes?.[o.preset] ? ` (${def.presetNotes[o.preset]})` : ''}, shard ${shard.index}/${shard.count}: ${mine} cells -> ${o.out}`);
      const r = await runStudy(def, {
        preset: o.preset, shard, out: o.out,
        onCell: (rec, status) => console.log(`  cell ${rec.index} ${rec.id}: ${status === 'resumed' ? 'finished earlier, kept' : `done in ${rec.seconds.toFixed(1)} s, ${rec.rows.length} rows`}`),
      });
      console.log(`${r.computed.length} cells computed, ${r.resumed.length} resumed; table: ${o.out}/results.csv (${r.table.numRows()} rows)`);
    });
  study
    .command('merge <dirs...>')
    .description('Merge the folders of a study\'s shards into one table (byte-identical to an unsharded run).')
    .requiredOption('--out <dir>', 'output folder for the merged study')
    .action(async (dirs: string[], o: { out: string }) => {
      const t = await mergeStudies(dirs, o.out);
      console.log(`merged ${dirs.length} folders: ${t.numRows()} rows -> ${o.out}/results.csv`);
    });
}
