/**
 * The report of a study's results, as markdown: what was run, each claim's verdict with its numbers and seed
 * intervals, and the tables. Reads the records through the studies' API (readRecords), so a partial run (a run still
 * going, or several shard folders not yet merged, given one after another) gives a report of the cells it holds.
 *
 *   npx tsx bench/study-report.ts NAME DIR [DIR ...] [--preset small|full] [--out FILE]
 *
 * e.g. npx tsx bench/study-report.ts fidelity bench/results/fidelity-full --out bench/results/fidelity-full/report.md
 *      npx tsx bench/study-report.ts extend bench/results/extend-full-0 bench/results/extend-full-1
 */
import { writeFileSync } from 'node:fs';
import { getStudy, readManifest, readRecords } from '../src/engine/studies/index.js';
import type { PresetName, StudyRecord, StudyReport } from '../src/engine/studies/types.js';

/** The report as markdown. */
export function reportMarkdown(r: StudyReport): string {
  const esc = (v: unknown): string => (v === null || v === undefined ? '' : String(v).replace(/\|/g, '\\|'));
  const out: string[] = [`### ${r.title}`, '', ...r.setup.map((s) => `- ${s}`), '', '**Claims**', ''];
  for (const c of r.claims) out.push(`- ${c.claim} **${c.verdict}.** ${c.evidence}`);
  for (const t of r.tables) {
    out.push('', `**${t.title}**`, '', `| ${t.columns.map(esc).join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`);
    for (const row of t.rows) out.push(`| ${row.map(esc).join(' | ')} |`);
    if (t.note) out.push('', t.note);
  }
  return out.join('\n') + '\n';
}

/** The records of several folders (shards of one run), each cell once, in grid order. */
function recordsOf(dirs: readonly string[]): StudyRecord[] {
  const byIndex = new Map<number, StudyRecord>();
  for (const dir of dirs) {
    for (const r of readRecords(dir)) {
      if (byIndex.has(r.index)) throw new Error(`cell ${r.index} (${r.id}) is in more than one of the folders: pass each shard once`);
      byIndex.set(r.index, r);
    }
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
  const outFile = flag('--out');
  const presetArg = flag('--preset');
  const [name, ...dirs] = args;
  if (!name || !dirs.length) {
    process.stderr.write('usage: npx tsx bench/study-report.ts NAME DIR [DIR ...] [--preset small|full] [--out FILE]\n');
    process.exit(2);
  }
  const def = getStudy(name);
  if (!def.report) throw new Error(`study ${name} has no report`);
  const manifests = dirs.flatMap((d) => readManifest(d) ?? []);
  const kinds = new Set(manifests.map((m) => `${m.study} ${m.preset}`));
  if (kinds.size > 1) throw new Error(`the folders hold different runs (${[...kinds].join('; ')}): report one study and preset at a time`);
  const preset = (presetArg ?? manifests[0]?.preset ?? 'full') as PresetName;
  const md = reportMarkdown(def.report(recordsOf(dirs), preset));
  if (outFile) writeFileSync(outFile, md);
  else process.stdout.write(md);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
